"""Synthetic proposals for the benchmark (DESIGN.md §11: 300,000 proposals), reusable by other scenarios.

    from bench.proposals_data import build_proposals
    data = build_proposals(3_000, due_fraction=0.1)          # small scale
    data = build_proposals(300_000)                          # full scale (about a minute or two)

`build_proposals(count, *, due_fraction=0.1, timeline_length=300, today=None, seed=SEED, units=40,
proposers=None, stdout=None) -> ProposalsDataSet` inserts `count` proposals with PostgreSQL COPY (no
services, no audit or ledger rows, no notifications), spread over the five years up to `today`'s year
(default `timezone.localdate()`), with their assignments, co-signer invitations, replies, ratings, quality
ratings and status changes, their number sequences and their search vectors (written inline, so no
`similarity.refresh_search_vectors` is needed). It creates what it needs if missing: a term and one
plenary session per year, `units` handling units (the demo's department names, then street offices)
with one officer account each (`bench-unit-<n>`; `bench-unit-officer` is also an officer of 区教育局),
`bench-proposal-officer`, `bench-leader`, and proposer accounts (`bench-proposer-<n>`) linked to members
(existing members without an account first, new members when there are too few). Call it once per
database (it does not check whether it ran before); it commits as it goes (no surrounding transaction
needed).

Status mix: earlier years are closed (a few not registered, merged or withdrawn); the current year holds
every state — draft (some returned for revision), submitted, registered, assigned, reply_review, replied
(ratings open), rehandling, rehandling_review, closed, withdrawn, not_registered, merged.

"Due": a fraction `due_fraction` of the current year's OPEN proposals (every status except closed,
withdrawn, not_registered, merged) is given exactly one milestone that a reminder scan run on `today`
must report; every other proposal's dates are chosen so that no milestone fires on `today`. The due
milestones (keys of `ProposalsDataSet.due`, with their counts):

- "reply_30", "reply_7", "reply_1", "reply_0": assigned, lead unit accepted, `reply_due_on` = today + 30,
  7, 1, 0 days;
- "overdue": assigned, `reply_due_on` 1–15 days before today; "long_overdue": 16–90 days before, a third
  of them key proposals supervised by `bench-leader`;
- "not_accepted": assigned, the lead `Assignment.answer` still pending, `assigned_on` 3–8 working days
  before today (by the calendar table);
- "co_opinion": a co-handling `Assignment` without opinion, `opinion_due_on` today + 7, + 1, today or
  1–10 days before;
- "rating": replied, every `Rating` still open, `requested_on` = `reply_approved_on` 10–14 working days
  before today (inside the 15-day rating window);
- "followup": closed with a class-B reply, `followup_due_on` 0–10 days before today, not done (these
  are closed, yet counted among the due ones).

Not due: running reply deadlines are ≥ 34 days away (re-handling ones 8–29 days, never 30, 7 or 1),
assignments accepted, co-handling opinions submitted, open ratings at most 5 calendar days old,
follow-ups done (or in the future).

The returned `ProposalsDataSet` names the accounts and the interesting rows: `long_timeline_pk` (a
closed proposal with `timeline_length` status changes, led by `unit_id`), `short_timeline_pk` (the same
shape with the usual ~8), `unit_id` (区教育局, led by `unit_officer`), `ids` (first and last proposal id).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

SEED = 20260227
UNIT_OF_OFFICER = "区教育局"
PROPOSER_REGION = "410108"
SATISFACTION = (("satisfied", 82), ("basically", 15), ("dissatisfied", 3))
CONTACTED = (("yes", 60), ("phone", 35), ("no", 5))
REPLY_CLASS = (("A", 62), ("B", 30), ("C", 8))
REJECTION_GROUNDS = ("personal", "no_suggestion", "litigation", "advertising", "academic")
# Current-year statuses of the proposals that are not due (weights).
LIVE_MIX = (("draft", 6), ("submitted", 4), ("registered", 3), ("assigned", 20), ("reply_review", 4),
            ("replied", 6), ("rehandling", 1), ("rehandling_review", 1), ("closed", 43), ("withdrawn", 2),
            ("not_registered", 5), ("merged", 3), ("returned", 2))
PAST_MIX = (("closed", 93), ("not_registered", 3), ("merged", 2), ("withdrawn", 2))
DUE_MIX = (("reply_30", 6), ("reply_7", 6), ("reply_1", 6), ("reply_0", 4), ("overdue", 20), ("long_overdue", 10),
           ("not_accepted", 12), ("co_opinion", 14), ("rating", 14), ("followup", 8))
OPEN = {"draft", "submitted", "registered", "assigned", "reply_review", "replied", "rehandling",
        "rehandling_review", "returned"}
PAD_VERBS = ("record_contact", "submit_co_opinion", "save_reply")
PAD_NOTES = {"record_contact": "与提案人电话沟通办理进展", "submit_co_opinion": "会办单位补充意见",
             "save_reply": "修改答复稿"}

PROPOSAL_COLUMNS = (
    "id", "title", "category", "situation", "analysis", "suggestions", "suggested_lead_unit_id", "kind",
    "author_id", "lead_member_id", "organisation_party_id", "organisation_sector_id", "organisation_committee_id",
    "plenary_session_id", "year", "timing", "serial", "number", "status", "created_at", "updated_at",
    "submitted_at", "last_submitted_at", "withdrawn_at", "revision_requested", "revision_reason", "registered_at",
    "rejection_ground", "rejection_note", "rejected_at", "opinion_report_id", "merged_into_id", "merged_at",
    "lead_unit_id", "assignment_round", "assigned_at", "assigned_on", "reply_due_on", "reply_due_basis",
    "reply_due_basis_on", "reply_due_months", "original_reply_due_on", "extension_count", "extended_at",
    "extension_reason", "contact_recorded_on", "is_key", "supervising_leader_id", "reply_round",
    "reply_submitted_at", "replied_at", "reply_approved_at", "reply_approved_on", "reply_class",
    "rehandling_count", "rehandling_started_on", "followup_due_on", "followup_done_at", "followup_note",
    "closed_at", "closed_reason", "is_excellent", "excellent_at", "publication_withheld", "withheld_reason",
    "withheld_at", "title_vector", "search_vector", "search_pinyin",
)
PROPOSAL_DEFAULTS = {
    "suggested_lead_unit_id": None, "lead_member_id": None, "organisation_party_id": None,
    "organisation_sector_id": None, "organisation_committee_id": None, "serial": None, "number": "",
    "submitted_at": None, "last_submitted_at": None, "withdrawn_at": None, "revision_requested": False,
    "revision_reason": "", "registered_at": None, "rejection_ground": "", "rejection_note": "", "rejected_at": None,
    "opinion_report_id": None, "merged_into_id": None, "merged_at": None, "lead_unit_id": None,
    "assignment_round": 0, "assigned_at": None, "assigned_on": None, "reply_due_on": None, "reply_due_basis": "",
    "reply_due_basis_on": None, "reply_due_months": None, "original_reply_due_on": None, "extension_count": 0,
    "extended_at": None, "extension_reason": "", "contact_recorded_on": None, "is_key": False,
    "supervising_leader_id": None, "reply_round": 0, "reply_submitted_at": None, "replied_at": None,
    "reply_approved_at": None, "reply_approved_on": None, "reply_class": "", "rehandling_count": 0,
    "rehandling_started_on": None, "followup_due_on": None, "followup_done_at": None, "followup_note": "",
    "closed_at": None, "closed_reason": "", "is_excellent": False, "excellent_at": None,
    "publication_withheld": False, "withheld_reason": "", "withheld_at": None,
}
ASSIGNMENT_COLUMNS = ("proposal_id", "unit_id", "role", "round", "assigned_at", "assigned_on", "assigned_by_id",
                      "answer", "answered_at", "answered_by_id", "objection_reason", "superseded_at",
                      "opinion_due_on", "opinion_text", "opinion_attachment_id", "opinion_submitted_at",
                      "opinion_submitted_by_id")
REPLY_COLUMNS = ("id", "proposal_id", "unit_id", "round", "status", "reply_class", "submitted_class", "text",
                 "signer", "contact_person", "contact_phone", "document_id", "created_at", "updated_at",
                 "submitted_at", "submitted_by_id", "approved_at", "approved_by_id", "returned_at", "return_reason")
RATING_COLUMNS = ("proposal_id", "reply_id", "round", "user_id", "member_id", "status", "requested_on", "overall",
                  "contacted", "on_point", "comment", "rated_at")
CHANGE_COLUMNS = ("proposal_id", "verb", "from_status", "to_status", "actor_id", "note", "at")
INVITATION_COLUMNS = ("proposal_id", "member_id", "status", "invited_by_id", "invited_at", "answered_at",
                      "decline_reason")
QUALITY_COLUMNS = ("proposal_id", "unit_id", "grade", "comment", "rated_by_id", "rated_at")


@dataclass
class ProposalsDataSet:
    count: int
    today: date
    years: list[int]
    officer: str = "bench-proposal-officer"
    leader: str = "bench-leader"
    unit_officer: str = "bench-unit-officer"
    unit_id: int = 0
    long_timeline_pk: int = 0
    short_timeline_pk: int = 0
    ids: tuple[int, int] = (0, 0)
    statuses: dict[str, int] = field(default_factory=dict)
    due: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


# --- COPY -------------------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


class _Tables:
    """One COPY buffer per table; flushed parents first, so child rows always find their proposal."""

    ORDER = ("proposals_proposal", "proposals_reply", "proposals_assignment", "proposals_rating",
             "proposals_statuschange", "proposals_cosignerinvitation", "proposals_qualityrating")

    def __init__(self, columns: dict[str, tuple[str, ...]]) -> None:
        self.columns = columns
        self.buffers = {name: io.StringIO() for name in self.ORDER}
        self.counts = dict.fromkeys(self.ORDER, 0)
        self.pending = 0

    def add(self, table: str, row) -> None:
        self.buffers[table].write("\t".join(map(_copy_value, row)))
        self.buffers[table].write("\n")
        self.counts[table] += 1
        self.pending += 1

    def maybe_flush(self) -> None:
        """Between proposals only: a proposal's row is written after its children's."""
        if self.pending >= 100_000:
            self.flush()

    def flush(self) -> None:
        from django.db import connection, transaction

        # The generator's foreign keys are right by construction: skip the per-row FK triggers while
        # copying (session_replication_role needs a superuser; without one the triggers simply run).
        with transaction.atomic(), connection.cursor() as cursor:
            fast = _replica_mode(cursor)
            for name in self.ORDER:
                buffer = self.buffers[name]
                if buffer.tell():
                    buffer.seek(0)
                    cursor.cursor.copy_from(buffer, name, columns=list(self.columns[name]), null="\\N")
                    self.buffers[name] = io.StringIO()
            if fast:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        self.pending = 0


def _replica_mode(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


# --- Reference rows ---------------------------------------------------------------------------------------


def _user(username: str, full_name: str, role: str | None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name,
                                                                             "password_changed_at": timezone.now()})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _sessions(years: list[int]) -> dict:
    from members.models import PlenarySession, Term

    result = {}
    for year in years:
        middle = date(year, 6, 30)
        term = Term.objects.filter(starts_on__lte=middle, ends_on__gte=middle).order_by("-number").first()
        if term is None:
            number = (Term.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            term = Term.objects.create(number=number, starts_on=date(year, 1, 1), ends_on=date(year + 4, 12, 31))
        session = term.sessions.filter(opens_on__year=year).first()
        if session is None:
            number = (term.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            session = PlenarySession.objects.create(
                term=term, number=number, opens_on=date(year, 2, 20), closes_on=date(year, 2, 23),
                proposals_open_on=date(year, 1, 10), proposals_close_on=date(year, 2, 23))
        result[year] = session
    return result


def _units(count: int) -> list:
    from members.demo import DEPARTMENTS
    from members.models import HandlingUnit, Street

    names = [(name, "department", None) for name in DEPARTMENTS]
    names += [(f"{street.name}办事处", "street_office", street) for street in Street.objects.order_by("order")]
    if UNIT_OF_OFFICER in [n for n, _k, _s in names[:count]]:
        chosen = names[:count]
    else:
        chosen = names[:count - 1] + [(UNIT_OF_OFFICER, "department", None)]
    units = []
    for order, (name, kind, street) in enumerate(chosen, start=1):
        unit, _ = HandlingUnit.objects.get_or_create(name=name, defaults={"kind": kind, "street": street,
                                                                          "order": order})
        unit.officers.add(_user(f"bench-unit-{order}", f"承办员{order}", "handler"))
        units.append(unit)
    return units


def _proposers(count: int, rng: random.Random) -> list[tuple[int, int]]:
    """(member id, user id) of `count` members with accounts (bench-proposer-<n>)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from members.models import Member, Party, Sector, Street
    from members.personal_data import id_check_char, protect_id_number, protect_mobile
    from members.pinyin import name_pinyin, search_text

    existing = list(Member.objects.filter(user__isnull=False, user__username__startswith="bench-proposer-")
                    .order_by("pk").values_list("pk", "user_id")[:count])
    if len(existing) >= count:
        return existing
    missing = count - len(existing)
    free = list(Member.objects.filter(user__isnull=True, status="serving").order_by("pk")
                .values_list("pk", flat=True)[:missing])
    now = timezone.now()
    if len(free) < missing:
        parties = list(Party.objects.values_list("pk", flat=True))
        sectors = list(Sector.objects.values_list("pk", flat=True))
        streets = list(Street.objects.values_list("pk", flat=True))
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
        given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
        rows = []
        start = Member.objects.filter(id_number_masked__startswith=PROPOSER_REGION[:4]).count()
        for k in range(missing - len(free)):
            name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
            pinyin, initials = name_pinyin(name)
            birth = date(1960, 1, 1) + timedelta(days=start + k)
            first17 = f"{PROPOSER_REGION}{birth:%Y%m%d}{101 + (k % 2):03d}"
            protected = protect_id_number(first17 + id_check_char(first17))
            rows.append((name, pinyin, initials, "male" if k % 2 else "female", "汉族", birth,
                         protected["id_number_encrypted"], protected["id_number_hash"], protected["id_number_masked"],
                         *protect_mobile(f"136{k:08d}").values(),
                         rng.choice(parties), rng.choice(sectors), "中原区某单位", "委员", False,
                         rng.choice(streets), "serving", "", search_text(name=name, pinyin=pinyin, initials=initials),
                         now, now))
        buffer = io.StringIO("".join("\t".join(map(_copy_value, row)) + "\n" for row in rows))
        with connection.cursor() as cursor:
            cursor.cursor.copy_from(buffer, "members_member", null="\\N", columns=[
                "name", "name_pinyin", "name_initials", "gender", "ethnic_group", "birth_date", "id_number_encrypted",
                "id_number_hash", "id_number_masked", "mobile_encrypted",
                "mobile_hash", "mobile_masked", "party_id", "sector_id", "employer", "job_title",
                "is_standing_committee", "street_id", "status", "photo", "search_text", "created_at", "updated_at"])
        free = list(Member.objects.filter(user__isnull=True, status="serving").order_by("pk")
                    .values_list("pk", flat=True)[:missing])
    User = get_user_model()
    first = len(existing) + 1
    names = dict(Member.objects.filter(pk__in=free).values_list("pk", "name"))
    users = [User(username=f"bench-proposer-{first + k}", full_name=names[pk], password="!", date_joined=now,
                  password_changed_at=now) for k, pk in enumerate(free)]
    User.objects.bulk_create(users, batch_size=2000)
    by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
    group = Group.objects.get(name="member")
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=uid, group_id=group.pk) for uid in by_name.values()], batch_size=5000)
    pairs = [(pk, by_name[f"bench-proposer-{first + k}"]) for k, pk in enumerate(free)]
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 2000):
            chunk = pairs[start:start + 2000]
            cursor.execute(
                "UPDATE members_member AS m SET user_id = v.u FROM (VALUES "  # noqa: S608
                + ", ".join(["(%s, %s)"] * len(chunk)) + ") AS v(m, u) WHERE m.id = v.m",
                [x for pair in chunk for x in pair])
    return existing + pairs


def _working_day_offsets(today: date, low: int, high: int) -> list[int]:
    """Calendar-day offsets d (today - d) that lie between `low` and `high` working days before today."""
    from zhongyuan_cppcc.calendar.services import WorkingCalendar

    calendar = WorkingCalendar(today - timedelta(days=120), today)
    result, working = [], 0
    for d in range(1, 120):
        if calendar.is_working_day(today - timedelta(days=d - 1)):
            working += 1  # working days in (today - d, today]
        if low <= working <= high:
            result.append(d)
        if working > high:
            break
    return result


# --- The generator ----------------------------------------------------------------------------------------


def build_proposals(count: int, *, due_fraction: float = 0.1, timeline_length: int = 300, today: date | None = None,
                    seed: int = SEED, units: int = 40, proposers: int | None = None, stdout=None) -> ProposalsDataSet:
    """Insert `count` synthetic proposals (see the module docstring for what is created and what "due" means)."""
    from dateutil.relativedelta import relativedelta
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from members.models import Party
    from proposals import similarity
    from proposals.demo_topics import PLACES, TOPICS, compose, reply_text
    from proposals.models import Proposal, ProposalNumberSequence, Reply
    from zhongyuan_cppcc.search.pinyin import text_pinyin

    rng = random.Random(seed)
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    years = list(range(today.year - 4, today.year + 1))
    sessions = _sessions(years)
    unit_rows = _units(units)
    unit_ids = [u.pk for u in unit_rows]
    unit_by_name = {u.name: u.pk for u in unit_rows}
    officer_unit = unit_by_name[UNIT_OF_OFFICER]
    unit_officer = _user("bench-unit-officer", "基准承办员", "handler")
    for unit in unit_rows:
        if unit.pk == officer_unit:
            unit.officers.add(unit_officer)
    unit_user = {u.pk: u.officers.order_by("pk").values_list("pk", flat=True).first() for u in unit_rows}
    officer = _user("bench-proposal-officer", "基准提案员", "proposal_officer").pk
    leader = _user("bench-leader", "基准领导", "leader").pk
    pool = _proposers(proposers or max(200, min(6_000, count // 50)), rng)
    parties = list(Party.objects.values_list("pk", flat=True))
    session_label = {year: str(session) for year, session in sessions.items()}
    serials = {year: (ProposalNumberSequence.objects.filter(plenary_session=session)
                      .values_list("last_serial", flat=True).first() or 0) for year, session in sessions.items()}
    not_accepted_days = _working_day_offsets(today, 3, 8)
    rating_days = _working_day_offsets(today, 10, 14)
    now = timezone.now()

    next_id = (Proposal.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_reply = (Reply.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    first_id = next_id
    tables = _Tables({"proposals_proposal": PROPOSAL_COLUMNS, "proposals_reply": REPLY_COLUMNS,
                      "proposals_assignment": ASSIGNMENT_COLUMNS, "proposals_rating": RATING_COLUMNS,
                      "proposals_statuschange": CHANGE_COLUMNS, "proposals_cosignerinvitation": INVITATION_COLUMNS,
                      "proposals_qualityrating": QUALITY_COLUMNS})
    vectors: dict[tuple, tuple[str, str]] = {}
    registered_by_year: dict[int, list[int]] = {year: [] for year in years}
    data = ProposalsDataSet(count=count, today=today, years=years, unit_id=officer_unit)
    live_names, live_weights = zip(*LIVE_MIX, strict=True)
    past_names, past_weights = zip(*PAST_MIX, strict=True)
    due_names, due_weights = zip(*DUE_MIX, strict=True)
    sat_names, sat_weights = zip(*SATISFACTION, strict=True)
    con_names, con_weights = zip(*CONTACTED, strict=True)
    cls_names, cls_weights = zip(*REPLY_CLASS, strict=True)

    def at(day: date, hour: int | None = None) -> datetime:
        return datetime.combine(day, time(hour if hour is not None else rng.randint(8, 17), rng.randint(0, 59)),
                                tzinfo=tz)

    def months(day: date, n: int) -> date:
        return day + relativedelta(months=n)

    for index in range(count):
        tables.maybe_flush()
        pk = next_id
        next_id += 1
        # Year: the current one holds a fifth, like every other.
        year = years[index % len(years)] if index > 1 else today.year
        live = year == today.year
        milestone = ""
        target_due = opinion_target = None
        if index < 2:
            status = "closed"
        elif live:
            status = rng.choices(live_names, live_weights)[0]
            if status in OPEN and rng.random() < due_fraction:
                milestone = rng.choices(due_names, due_weights)[0]
                status = {"rating": "replied", "followup": "closed"}.get(milestone, "assigned")
        else:
            status = rng.choices(past_names, past_weights)[0]
        topic_index = rng.randrange(len(TOPICS))
        topic = TOPICS[topic_index]
        place = rng.choice(PLACES)
        text = compose(topic, rng, place)
        key = (text["title"], topic_index, place)
        if key not in vectors:
            body = "\n".join((text["situation"], text["analysis"], text["suggestions"]))
            vectors[key] = (similarity.title_vector_literal(text["title"]),
                            similarity.vector_literal(text["title"], body), text_pinyin(text["title"]))
        kind = rng.choices(("individual", "joint", "collective"), (74, 20, 6))[0]
        member_id, author = pool[rng.randrange(len(pool))]
        row = dict(PROPOSAL_DEFAULTS, id=pk, **text, category=topic.category, kind=kind, author_id=author,
                   plenary_session_id=sessions[year].pk, year=year, status=status,
                   title_vector=vectors[key][0], search_vector=vectors[key][1], search_pinyin=vectors[key][2],
                   suggested_lead_unit_id=unit_by_name.get(topic.lead_unit))
        proposer_members: list[tuple[int | None, int]] = []
        if kind == "collective":
            row["organisation_party_id"] = rng.choice(parties)
            proposer_members.append((None, author))
        else:
            row["lead_member_id"] = member_id
            proposer_members.append((member_id, author))
        lead_unit = (unit_by_name.get(topic.lead_unit) if rng.random() < 0.7 else None) or rng.choice(unit_ids)
        if index < 2:
            lead_unit = officer_unit

        # Dates: when the proposal was written, submitted, registered, assigned.
        if live:
            if milestone in ("reply_30", "reply_7", "reply_1", "reply_0", "overdue", "long_overdue"):
                target_due = today + timedelta(days={"reply_30": 30, "reply_7": 7, "reply_1": 1, "reply_0": 0,
                                                     "overdue": -rng.randint(1, 15),
                                                     "long_overdue": -rng.randint(16, 90)}[milestone])
                assigned_on = months(target_due, -3)
            elif milestone == "not_accepted":
                assigned_on = today - timedelta(days=rng.choice(not_accepted_days))
            elif milestone == "co_opinion":
                opinion_target = today + timedelta(days=rng.choice((7, 1, 0, -rng.randint(1, 10))))
                assigned_on = months(opinion_target, -1)
            elif status in ("submitted", "registered"):
                assigned_on = today - timedelta(days=rng.randint(1, 20))
            elif status == "assigned":
                assigned_on = today - timedelta(days=rng.randint(10, 55))
            elif status == "reply_review":
                assigned_on = today - timedelta(days=rng.randint(40, 120))
            elif milestone == "rating" or status == "replied":
                assigned_on = today - timedelta(days=rng.randint(50, 150))
            elif status in ("rehandling", "rehandling_review"):
                assigned_on = today - timedelta(days=rng.randint(90, 200))
            elif milestone == "followup":
                assigned_on = months(today - timedelta(days=rng.randint(0, 10)), -6) - timedelta(
                    days=rng.randint(30, 80))
            else:
                assigned_on = date(year, 1, 1) + timedelta(days=rng.randint(40, max(41, (today - date(year, 1, 1)).days
                                                                                    - 120)))
            assigned_on = min(assigned_on, today)
            submitted_on = assigned_on - timedelta(days=rng.randint(6, 30))
        else:
            last = min(date(year, 11, 30), today - timedelta(days=150))
            submitted_on = date(year, 1, 10) + timedelta(days=rng.randint(0, max(0, (last - date(year, 1, 10)).days)))
            assigned_on = submitted_on + timedelta(days=rng.randint(6, 20))
        created_on = submitted_on - timedelta(days=rng.randint(1, 20))
        if status in ("draft", "returned"):
            created_on = today - timedelta(days=rng.randint(0, 60))
        row["timing"] = "session" if (sessions[year].proposals_open_on <= submitted_on
                                      <= sessions[year].proposals_close_on) else "interim"
        row["created_at"] = row["updated_at"] = at(created_on)
        changes: list[tuple] = []

        def change(verb, source, target, actor, when, note="", pk=pk, changes=changes):
            changes.append((pk, verb, source, target, actor, note, when))

        # Co-signers (joint): invited before the submission, accepted.
        cosigners: list[tuple[int, int]] = []
        if kind == "joint":
            for other_member, other_user in rng.sample(pool, k=min(len(pool), rng.randint(1, 4))):
                if other_member != member_id:
                    cosigners.append((other_member, other_user))
                    invited = at(created_on)
                    tables.add("proposals_cosignerinvitation", (
                        pk, other_member, "accepted" if status not in ("draft", "returned") else "pending", author,
                        invited, invited + timedelta(hours=5) if status not in ("draft", "returned") else None, ""))
            proposer_members += [(m, u) for m, u in cosigners if status not in ("draft", "returned")]

        if status == "draft":
            tables.add("proposals_proposal", [row[c] for c in PROPOSAL_COLUMNS])
            data.statuses[status] = data.statuses.get(status, 0) + 1
            continue
        submitted_at = at(submitted_on)
        row.update(submitted_at=submitted_at, last_submitted_at=submitted_at)
        change("submit", "draft", "submitted", author, submitted_at)
        if status == "returned":
            row.update(status="draft", revision_requested=True, revision_reason="请补充具体建议和数据来源")
            change("return", "submitted", "draft", officer, submitted_at + timedelta(days=2), "请补充具体建议")
        elif status == "withdrawn":
            row["withdrawn_at"] = submitted_at + timedelta(days=1)
            change("withdraw", "submitted", "withdrawn", author, row["withdrawn_at"], "拟修改后重新提交")
        elif status == "not_registered":
            row.update(rejection_ground=rng.choice(REJECTION_GROUNDS), rejected_at=submitted_at + timedelta(days=3))
            change("reject", "submitted", "not_registered", officer, row["rejected_at"])
        elif status == "merged" and registered_by_year[year]:
            row.update(merged_into_id=rng.choice(registered_by_year[year][-200:]),
                       merged_at=submitted_at + timedelta(days=3))
            change("merge", "submitted", "merged", officer, row["merged_at"], "内容相近，并案办理")
        elif status != "submitted":
            if status == "merged":
                status = row["status"] = "registered" if live else "closed"
            registered_on = min(submitted_on + timedelta(days=rng.randint(1, 5)), assigned_on, today)
            serials[year] += 1
            row.update(registered_at=at(registered_on), serial=serials[year],
                       number=f"{session_label[year]}第{serials[year]:04d}号")
            change("register", "submitted", "registered", officer, row["registered_at"])
            registered_by_year[year].append(pk)
        if status in ("submitted", "registered", "returned", "withdrawn", "not_registered", "merged"):
            tables.add("proposals_proposal", [row[c] for c in PROPOSAL_COLUMNS])
            for item in changes:
                tables.add("proposals_statuschange", item)
            data.statuses[status] = data.statuses.get(status, 0) + 1
            continue

        # Assignment.
        assigned_at = at(assigned_on)
        due_on = target_due or months(assigned_on, 3)
        by_months = due_on == months(assigned_on, 3)
        row.update(lead_unit_id=lead_unit, assignment_round=1, assigned_at=assigned_at, assigned_on=assigned_on,
                   reply_due_on=due_on, reply_due_basis="assignment" if by_months else "custom",
                   reply_due_basis_on=assigned_on, reply_due_months=3 if by_months else None)
        change("assign", "registered", "assigned", officer, assigned_at)
        accepted = milestone != "not_accepted"
        accepted_at = min(assigned_at + timedelta(days=rng.randint(1, 2)), now) if accepted else None
        tables.add("proposals_assignment", (pk, lead_unit, "lead", 1, assigned_at, assigned_on, officer,
                                            "accepted" if accepted else "pending", accepted_at,
                                            unit_user[lead_unit] if accepted else None, "", None, None, "", None,
                                            None, None))
        if accepted:
            change("accept_assignment", "assigned", "assigned", unit_user[lead_unit], accepted_at)
        co_units = [u for u in rng.sample(unit_ids, k=rng.choice((0, 0, 1, 1, 2))) if u != lead_unit]
        if milestone == "co_opinion" and not co_units:
            co_units = [next(u for u in unit_ids if u != lead_unit)]
        for position, unit in enumerate(co_units):
            pending_opinion = milestone == "co_opinion" and position == 0
            opinion_due = opinion_target if pending_opinion else months(assigned_on, 1)
            days_since = max(0, (today - assigned_on).days)
            opinion_at = (None if pending_opinion else
                          min(at(assigned_on + timedelta(days=rng.randint(1, max(1, min(25, days_since))))), now))
            tables.add("proposals_assignment", (
                pk, unit, "co", 1, assigned_at, assigned_on, officer, "accepted", accepted_at or assigned_at,
                unit_user[unit], "", None, opinion_due, "" if pending_opinion else "同意主办单位意见，建议加大投入。",
                None, opinion_at, None if pending_opinion else unit_user[unit]))
            if opinion_at:
                change("submit_co_opinion", "assigned", "assigned", unit_user[unit], opinion_at)
        if milestone == "long_overdue" and rng.random() < 0.34:
            row.update(is_key=True, supervising_leader_id=leader)
        elif rng.random() < 0.03:
            row.update(is_key=True, supervising_leader_id=leader)
        contact_on = assigned_on + timedelta(days=rng.randint(2, 8))
        if contact_on <= today and accepted:
            row["contact_recorded_on"] = contact_on
            change("record_contact", "assigned", "assigned", unit_user[lead_unit], at(contact_on))
        if index == 0:  # the long timeline: many contacts, opinions and reply drafts while handling
            for k in range(max(0, timeline_length - 9)):
                verb = PAD_VERBS[k % len(PAD_VERBS)]
                change(verb, "assigned", "assigned", unit_user[lead_unit],
                       assigned_at + timedelta(days=2, minutes=7 * k), f"{PAD_NOTES[verb]}（{k + 1}）")
        if status == "assigned":
            tables.add("proposals_proposal", [row[c] for c in PROPOSAL_COLUMNS])
            for item in changes:
                tables.add("proposals_statuschange", item)
            data.statuses[status] = data.statuses.get(status, 0) + 1
            if milestone:
                data.due[milestone] = data.due.get(milestone, 0) + 1
            continue

        # Replies, ratings, re-handling, closing.
        if live and status == "reply_review":
            submitted_reply_on = today - timedelta(days=rng.randint(0, 10))
        elif live and (milestone == "rating"):
            approved_on = today - timedelta(days=rng.choice(rating_days))
            submitted_reply_on = approved_on - timedelta(days=rng.randint(1, 5))
        elif live and status == "replied":
            approved_on = today - timedelta(days=rng.randint(0, 5))
            submitted_reply_on = approved_on - timedelta(days=rng.randint(1, 5))
        elif milestone == "followup":
            approved_on = months(today - timedelta(days=rng.randint(0, 10)), -6)
            submitted_reply_on = approved_on - timedelta(days=rng.randint(1, 5))
        else:
            submitted_reply_on = min(assigned_on + timedelta(days=rng.randint(25, 80)), today - timedelta(days=40))
            approved_on = submitted_reply_on + timedelta(days=rng.randint(1, 6))
        submitted_reply_on = max(submitted_reply_on, assigned_on)
        reply_class = "B" if milestone == "followup" else rng.choices(cls_names, cls_weights)[0]
        # A re-handled closed proposal's second approval moves its follow-up date: never for the "followup"
        # milestone, whose date is promised (the random draw stays, so that the data set does not change).
        rounds = 2 if status in ("rehandling", "rehandling_review") or (
            status == "closed" and rng.random() < 0.03 and milestone != "followup") else 1
        if status in ("rehandling", "rehandling_review"):
            rehandling_on = today - timedelta(days=rng.randint(2, 20))
            approved_on = rehandling_on - timedelta(days=rng.randint(1, 8))
            submitted_reply_on = approved_on - timedelta(days=rng.randint(1, 5))
        lead_user = unit_user[lead_unit]
        for round_number in range(1, rounds + 1):
            reply_pk = next_reply
            next_reply += 1
            if round_number == 2:
                round_approved = min(rehandling_on + timedelta(days=rng.randint(6, 29)), today - timedelta(days=1))
                round_submitted = max(rehandling_on, round_approved - timedelta(days=rng.randint(1, 4)))
                if status == "rehandling_review":
                    round_submitted = min(rehandling_on + timedelta(days=rng.randint(1, 5)), today)
            else:
                round_submitted, round_approved = submitted_reply_on, (
                    None if status == "reply_review" else approved_on)
            last_round = round_number == rounds
            in_review = last_round and status in ("reply_review", "rehandling_review")
            unsent = last_round and status == "rehandling"
            if unsent:
                break
            reply_submitted_at = at(round_submitted)
            approved_at = None if in_review else at(round_approved)
            change("submit_reply", "assigned" if round_number == 1 else "rehandling",
                   "reply_review" if round_number == 1 else "rehandling_review", lead_user, reply_submitted_at)
            tables.add("proposals_reply", (
                reply_pk, pk, lead_unit, round_number, "submitted" if in_review else "approved",
                "" if in_review else reply_class, reply_class, reply_text(row["title"], reply_class, year, rng),
                "张主任", "李科长", "0371-67654321", None, reply_submitted_at, reply_submitted_at, reply_submitted_at,
                lead_user, approved_at, None if in_review else officer, None, ""))
            row.update(reply_round=round_number, reply_submitted_at=reply_submitted_at)
            if in_review:
                break
            change("approve_reply", "reply_review" if round_number == 1 else "rehandling_review", "replied",
                   officer, approved_at)
            row.update(reply_approved_at=approved_at, reply_approved_on=round_approved, reply_class=reply_class)
            if round_number == 1:
                row["replied_at"] = approved_at
            open_ratings = status == "replied" and last_round
            dissatisfied_round = rounds == 2 and round_number == 1
            for position, (rating_member, rating_user) in enumerate(proposer_members):
                if open_ratings and (milestone == "rating" or position == 0 or rng.random() < 0.5):
                    tables.add("proposals_rating", (pk, reply_pk, round_number, rating_user, rating_member, "open",
                                                    round_approved, "", "", None, "", None))
                    continue
                if dissatisfied_round:
                    overall = "dissatisfied" if position == 0 else None
                else:
                    overall = rng.choices(sat_names, sat_weights)[0]
                    if overall == "dissatisfied":
                        overall = "basically"
                rated_at = min(approved_at + timedelta(days=rng.randint(1, 8)), now)
                if overall is None:
                    tables.add("proposals_rating", (pk, reply_pk, round_number, rating_user, rating_member,
                                                    "superseded", round_approved, "", "", None, "", None))
                    continue
                tables.add("proposals_rating", (pk, reply_pk, round_number, rating_user, rating_member, "rated",
                                                round_approved, overall, rng.choices(con_names, con_weights)[0],
                                                overall != "dissatisfied", "", rated_at))
            if dissatisfied_round:
                rehandling_on = rehandling_on if status in ("rehandling", "rehandling_review") \
                    else approved_on + timedelta(days=rng.randint(3, 12))
                started = at(rehandling_on)
                change("rehandle", "replied", "rehandling", None, started)
                row.update(rehandling_count=1, rehandling_started_on=rehandling_on,
                           reply_due_on=months(rehandling_on, 1), reply_due_basis="rehandling",
                           reply_due_basis_on=rehandling_on, reply_due_months=1)
        if reply_class == "B" and row["reply_approved_on"]:
            row["followup_due_on"] = months(row["reply_approved_on"], 6)
            if row["followup_due_on"] <= today and milestone != "followup":
                done = min(row["followup_due_on"] + timedelta(days=rng.randint(0, 5)), today)
                row.update(followup_done_at=at(done), followup_note="回头看：相关措施已落实，群众反映良好。")
                change("record_followup", "closed", "closed", officer, row["followup_done_at"])
        if status == "closed":
            closed_on = min(row["reply_approved_on"] + timedelta(days=rng.randint(3, 20)), today)
            row.update(closed_at=at(closed_on, 18), closed_reason="rated")
            change("close", "replied", "closed", None, row["closed_at"])
            if rng.random() < 0.8:
                tables.add("proposals_qualityrating", (pk, lead_unit, rng.choice(("excellent", "good", "good", "fair")),
                                                       "", lead_user, row["closed_at"]))
            if rng.random() < 0.05:
                row.update(is_excellent=True, excellent_at=min(row["closed_at"] + timedelta(days=30), now))
        if status in ("rehandling", "rehandling_review"):
            row["status"] = status
        tables.add("proposals_proposal", [row[c] for c in PROPOSAL_COLUMNS])
        for item in sorted(changes, key=lambda c: c[6]):
            tables.add("proposals_statuschange", item)
        data.statuses[status] = data.statuses.get(status, 0) + 1
        if milestone:
            data.due[milestone] = data.due.get(milestone, 0) + 1
    tables.flush()

    data.ids = (first_id, next_id - 1)
    data.long_timeline_pk, data.short_timeline_pk = first_id, first_id + 1
    data.rows = {name: n for name, n in tables.counts.items()}
    for year, session in sessions.items():
        ProposalNumberSequence.objects.update_or_create(plenary_session=session,
                                                        defaults={"last_serial": serials[year]})
    with connection.cursor() as cursor:
        for table in ("proposals_proposal", "proposals_reply"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                           f"(SELECT MAX(id) FROM {table}))")
        cursor.execute("VACUUM ANALYZE proposals_proposal" if connection.get_autocommit() else
                       "ANALYZE proposals_proposal")
        cursor.execute("ANALYZE proposals_assignment, proposals_reply, proposals_rating, proposals_statuschange, "
                       "proposals_cosignerinvitation, proposals_qualityrating, members_member")
    if stdout is not None:
        stdout.write(f"proposals: {count:,} ({', '.join(f'{k} {v}' for k, v in sorted(data.statuses.items()))}); "
                     f"due {sum(data.due.values())}: {data.due}; rows {data.rows}\n")
    return data


def timeline_pks() -> tuple[int, int]:
    """(long, short) timeline proposals of an already built data set (found by the long one's notes)."""
    from proposals.models import StatusChange

    long_pk = (StatusChange.objects.filter(verb="save_reply", note=f"{PAD_NOTES['save_reply']}（3）")
               .order_by("proposal_id").values_list("proposal_id", flat=True).first())
    if long_pk is None:
        raise LookupError("no proposals data set: run build_proposals first")
    return long_pk, long_pk + 1
