"""Writes on members, organisations and the ledger. Other apps record duty events only through
`ledger_record_event` / `ledger_withdraw_events`."""

import logging
import math
from collections.abc import Iterable
from datetime import date as date_type
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record

from . import personal_data
from .models import (
    Activity,
    Attendance,
    AttendanceStatus,
    EntryOrigin,
    ExcellentEntry,
    ExcellentShortlist,
    Gender,
    HandlingUnit,
    ImportJob,
    ImportStatus,
    LedgerEvent,
    LedgerKind,
    LedgerRule,
    Meeting,
    MeetingKind,
    Member,
    MemberStatus,
    Party,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Street,
    Term,
    TermMembership,
    Visit,
)
from .pinyin import name_pinyin, search_text

logger = logging.getLogger(__name__)

# Kinds staff record directly (meetings have their own attendance screen; proposals, opinions,
# consultations and supervision come from their apps).
STAFF_KINDS = (LedgerKind.STUDY, LedgerKind.RESEARCH, LedgerKind.VISIT, LedgerKind.CONTRIBUTION)


class MembersError(Exception):
    """A business rule refused the action; str(error) is the message shown to the user."""


class DuplicateIdNumber(MembersError):
    pass


# --- Members ---------------------------------------------------------------------------------------


def member_derive_names(member: Member) -> None:
    """Set name_pinyin, name_initials and search_text from the name and employer (no save)."""
    member.name_pinyin, member.name_initials = name_pinyin(member.name)
    member.search_text = search_text(name=member.name, pinyin=member.name_pinyin,
                                     initials=member.name_initials, employer=member.employer)


def _apply_id_number(member: Member, id_number: str) -> None:
    """Validate, check for a duplicate and store an ID number; fill birth date and gender from it."""
    try:
        number = personal_data.validate_id_number(id_number)
    except ValidationError as exc:
        raise MembersError(exc.messages[0]) from exc
    protected = personal_data.protect_id_number(number)
    duplicate = Member.objects.filter(id_number_hash=protected["id_number_hash"])
    if member.pk:
        duplicate = duplicate.exclude(pk=member.pk)
    if duplicate.exists():
        raise DuplicateIdNumber(_("Another member already has this ID number."))
    birth = personal_data.birth_date_from_id(number)
    gender = personal_data.gender_from_id(number)
    if member.birth_date and member.birth_date != birth:
        raise MembersError(_("The birth date does not match the ID number."))
    if member.gender and member.gender != gender:
        raise MembersError(_("The gender does not match the ID number."))
    member.birth_date = birth
    member.gender = gender
    for name, value in protected.items():
        setattr(member, name, value)


MEMBER_FIELDS = ("name", "gender", "ethnic_group", "birth_date", "mobile", "party", "sector", "employer",
                 "job_title", "is_standing_committee", "street", "status", "photo", "user")


def _save_member(member: Member, *, id_number: str | None) -> None:
    member.name = (member.name or "").strip()
    if not member.name:
        raise MembersError(_("The name is missing."))
    try:
        member.mobile = personal_data.validate_mobile(member.mobile)
    except ValidationError as exc:
        raise MembersError(exc.messages[0]) from exc
    if id_number:
        _apply_id_number(member, id_number)
    if member.gender not in Gender.values:
        raise MembersError(_("The gender is missing."))
    if member.user_id and Member.objects.filter(user_id=member.user_id).exclude(pk=member.pk).exists():
        raise MembersError(_("This user account already belongs to another member."))
    member_derive_names(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Two officers saving the same ID number at once: the unique hash decides.
        raise DuplicateIdNumber(_("Another member already has this ID number.")) from exc


@transaction.atomic
def member_create(
    *,
    name: str,
    party: Party,
    sector: Sector,
    gender: str = "",
    id_number: str = "",
    mobile: str = "",
    ethnic_group: str = "汉族",
    birth_date: date_type | None = None,
    employer: str = "",
    job_title: str = "",
    is_standing_committee: bool = False,
    street: Street | None = None,
    status: str = MemberStatus.SERVING,
    terms: Iterable[Term] = (),
    special_committees: Iterable[SpecialCommittee] = (),
    user=None,
    photo=None,
    actor=None,
) -> Member:
    """Create a member. Validates the ID number (refuses a duplicate), stores it encrypted, derives
    pinyin; raises MembersError. Audited without personal data."""
    member = Member(name=name, party=party, sector=sector, gender=gender, mobile=mobile,
                    ethnic_group=ethnic_group or "汉族", birth_date=birth_date, employer=employer,
                    job_title=job_title, is_standing_committee=is_standing_committee, street=street,
                    status=status, user=user)
    if photo:
        member.photo = photo
    _save_member(member, id_number=id_number)
    for term in terms:
        TermMembership.objects.get_or_create(member=member, term=term, defaults={"joined_on": term.starts_on})
    if special_committees:
        member.special_committees.set(special_committees)
    audit_record(action="members.member_created", actor=actor, obj=member)
    return member


@transaction.atomic
def member_update(
    *,
    member: Member,
    actor=None,
    id_number: str = "",
    terms: Iterable[Term] | None = None,
    special_committees: Iterable[SpecialCommittee] | None = None,
    **changes,
) -> Member:
    """Change a member's fields (any of MEMBER_FIELDS); a non-empty id_number replaces the stored
    one. Raises MembersError. Audited with the names of the changed fields only."""
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"member_update: unknown fields {sorted(unknown)}")
    member = Member.objects.select_for_update().get(pk=member.pk)
    changed = [f for f, v in changes.items() if getattr(member, f) != v]
    for field_name, value in changes.items():
        setattr(member, field_name, value)
    if id_number:
        changed.append("id_number")
        # A new ID number re-derives birth date and gender, unless they were changed explicitly.
        if "birth_date" not in changes:
            member.birth_date = None
        if "gender" not in changes:
            member.gender = ""
    _save_member(member, id_number=id_number)
    if terms is not None:
        terms = list(terms)
        member.term_memberships.exclude(term__in=terms).delete()
        for term in terms:
            TermMembership.objects.get_or_create(member=member, term=term,
                                                 defaults={"joined_on": term.starts_on})
        changed.append("terms")
    if special_committees is not None:
        member.special_committees.set(special_committees)
        changed.append("special_committees")
    audit_record(action="members.member_changed", actor=actor, obj=member, details={"fields": sorted(set(changed))})
    return member


def member_reveal_personal_data(*, member: Member, actor) -> dict[str, str]:
    """Return the full ID and mobile numbers. Precondition: the actor holds
    members.view_full_personal_data (else PermissionDenied). Every reveal and every refusal is audited."""
    if not actor.has_perm("members.view_full_personal_data"):
        audit_record(action="members.personal_data_revealed", actor=actor, obj=member, outcome=Outcome.DENIED)
        raise PermissionDenied
    id_number = personal_data.decrypt(member.id_number_encrypted) if member.id_number_encrypted else ""
    audit_record(action="members.personal_data_revealed", actor=actor, obj=member,
                 details={"fields": ["id_number", "mobile"]})
    return {"id_number": id_number, "mobile": member.mobile}


# --- Visits ----------------------------------------------------------------------------------------


def _check_visit(member: Member, visit_date: date_type) -> None:
    if member.party.is_cpc:
        raise MembersError(_("Visits are recorded for members outside the CPC only."))
    if visit_date > timezone.localdate():
        raise MembersError(_("The visit date lies in the future."))


@transaction.atomic
def visit_record(*, member: Member, date: date_type, visitors: str, purpose: str, notes: str = "",
                 actor=None) -> Visit:
    """Record a visit to a member outside the CPC (else MembersError). Audited."""
    _check_visit(member, date)
    visit = Visit.objects.create(member=member, date=date, visitors=visitors.strip()[:200],
                                 purpose=purpose.strip()[:200], notes=notes, recorded_by=actor)
    audit_record(action="members.visit_recorded", actor=actor, obj=visit)
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, member: Member, date: date_type, visitors: str, purpose: str,
                 notes: str = "", actor=None) -> Visit:
    """Correct a recorded visit (same rules as recording). Audited."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _check_visit(member, date)
    visit.member, visit.date, visit.visitors, visit.purpose, visit.notes = (
        member, date, visitors.strip()[:200], purpose.strip()[:200], notes)
    visit.save(update_fields=["member", "date", "visitors", "purpose", "notes"])
    audit_record(action="members.visit_changed", actor=actor, obj=visit)
    return visit


# --- Ledger ----------------------------------------------------------------------------------------


def _source_fields(source: models.Model | None) -> dict:
    if source is None:
        return {"source_type": None, "source_id": ""}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": str(source.pk)}


def ledger_record_event(
    *,
    member: Member,
    kind: str,
    subkind: str,
    date: date_type,
    source: models.Model | None = None,
    note: str = "",
    points_override: Decimal | None = None,
    actor=None,
) -> LedgerEvent:
    """Record one duty event. With a source object the call is idempotent: the live event for the
    same member, kind, sub-kind and source is returned instead of a second one. A new event is
    audited. Points are not stored: they come from the rules when scores are computed."""
    if kind not in LedgerKind.values:
        raise ValueError(f"unknown ledger kind {kind!r}")
    fields = _source_fields(source)
    if source is not None:
        existing = LedgerEvent.objects.filter(
            member=member, kind=kind, subkind=subkind, withdrawn_at__isnull=True, **fields
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            event = LedgerEvent.objects.create(
                member=member, kind=kind, subkind=subkind, date=date, note=note[:200],
                points_override=points_override, recorded_by=actor, **fields,
            )
    except IntegrityError:
        return LedgerEvent.objects.get(member=member, kind=kind, subkind=subkind,
                                       withdrawn_at__isnull=True, **fields)
    audit_record(action="members.ledger_event_recorded", actor=actor, obj=event,
                 details={"kind": kind, "subkind": subkind, "date": date.isoformat(),
                          "source": f"{fields['source_type'].model}:{fields['source_id']}"
                          if source is not None else ""})
    return event


def ledger_withdraw_events(
    *,
    source: models.Model,
    member: Member | None = None,
    kind: str | None = None,
    subkind: str | None = None,
) -> int:
    """Withdraw the live events that came from `source` (e.g. a merged proposal). Returns how many.
    Withdrawn events stay in the table (marked) and stop counting; audited when any were live."""
    qs = LedgerEvent.objects.filter(withdrawn_at__isnull=True, **_source_fields(source))
    if member is not None:
        qs = qs.filter(member=member)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if subkind is not None:
        qs = qs.filter(subkind=subkind)
    count = qs.update(withdrawn_at=timezone.now())
    if count:
        audit_record(action="members.ledger_events_withdrawn", obj=source,
                     details={"count": count, "member": member.pk if member else None,
                              "kind": kind or "", "subkind": subkind or ""})
    return count


def _check_staff_kind(kind: str, subkind: str) -> LedgerRule:
    if kind not in STAFF_KINDS:
        raise MembersError(_("Events of this kind are recorded by their own module."))
    rule = LedgerRule.objects.filter(kind=kind, subkind=subkind).first()
    if rule is None:
        raise MembersError(_("There is no points rule for this kind of event."))
    return rule


@transaction.atomic
def ledger_record_single(*, member: Member, kind: str, subkind: str, date: date_type, note: str = "",
                         actor=None) -> LedgerEvent:
    """Staff record one study, research, visit or contribution event for one member. Audited."""
    _check_staff_kind(kind, subkind)
    if date > timezone.localdate():
        raise MembersError(_("The date lies in the future."))
    return ledger_record_event(member=member, kind=kind, subkind=subkind, date=date, note=note, actor=actor)


@transaction.atomic
def ledger_event_withdraw(*, event: LedgerEvent, reason: str, actor=None) -> LedgerEvent:
    """Withdraw one event staff recorded directly (meeting events change through attendance, other
    modules' events through their source). Audited with the reason."""
    event = LedgerEvent.objects.select_for_update().get(pk=event.pk)
    if event.withdrawn_at is not None:
        raise MembersError(_("This event has already been withdrawn."))
    activity_type = ContentType.objects.get_for_model(Activity)
    if event.source_type_id not in (None, activity_type.pk):
        raise MembersError(_("This event comes from another module and is withdrawn there."))
    event.withdrawn_at = timezone.now()
    event.save(update_fields=["withdrawn_at"])
    audit_record(action="members.ledger_event_withdrawn", actor=actor, obj=event, details={"reason": reason[:200]})
    return event


@transaction.atomic
def ledger_rule_update(*, rule: LedgerRule, label: str, points: Decimal, annual_cap: Decimal | None,
                       unit: str, actor=None) -> LedgerRule:
    """Change a points rule. Scores are derived, so every year is recomputed from now on. Audited
    with the values before and after."""
    rule = LedgerRule.objects.select_for_update().get(pk=rule.pk)
    if annual_cap is not None and annual_cap < 0:
        raise MembersError(_("The annual cap cannot be negative."))
    before = {"label": rule.label, "points": str(rule.points), "annual_cap": _str_or_none(rule.annual_cap),
              "unit": rule.unit}
    rule.label, rule.points, rule.annual_cap, rule.unit = label, points, annual_cap, unit
    rule.save()
    after = {"label": label, "points": str(points), "annual_cap": _str_or_none(annual_cap), "unit": unit}
    audit_record(action="members.ledger_rule_changed", actor=actor, obj=rule,
                 details={"before": before, "after": after})
    return rule


@transaction.atomic
def ledger_rule_create(*, kind: str, subkind: str, label: str, points: Decimal, annual_cap: Decimal | None,
                       unit: str, actor=None) -> LedgerRule:
    """Add a points rule for a new sub-kind (unique per kind). Audited."""
    if kind not in LedgerKind.values:
        raise MembersError(_("Unknown kind of event."))
    if LedgerRule.objects.filter(kind=kind, subkind=subkind).exists():
        raise MembersError(_("A rule for this kind and sub-kind already exists."))
    if annual_cap is not None and annual_cap < 0:
        raise MembersError(_("The annual cap cannot be negative."))
    rule = LedgerRule.objects.create(kind=kind, subkind=subkind, label=label, points=points,
                                     annual_cap=annual_cap, unit=unit)
    audit_record(action="members.ledger_rule_created", actor=actor, obj=rule,
                 details={"kind": kind, "subkind": subkind, "points": str(points)})
    return rule


def _str_or_none(value) -> str | None:
    return None if value is None else str(value)


# --- Meetings and activities -------------------------------------------------------------------------


def meeting_eligible_members(meeting: Meeting) -> models.QuerySet[Member]:
    """Who is expected at the meeting: serving members of its term (standing-committee members for
    a standing-committee meeting)."""
    qs = Member.objects.filter(term_memberships__term=meeting.term, status=MemberStatus.SERVING)
    if meeting.kind == MeetingKind.STANDING:
        qs = qs.filter(is_standing_committee=True)
    return qs


@transaction.atomic
def meeting_create(*, kind: str, title: str, date: date_type, term: Term,
                   plenary_session: PlenarySession | None = None, location: str = "", actor=None) -> Meeting:
    """Create a plenary or standing-committee meeting of a term. Audited."""
    if kind not in MeetingKind.values:
        raise MembersError(_("Unknown kind of meeting."))
    if not (term.starts_on <= date <= term.ends_on):
        raise MembersError(_("The meeting date lies outside the term."))
    if plenary_session is not None and plenary_session.term_id != term.pk:
        raise MembersError(_("The plenary session belongs to another term."))
    meeting = Meeting.objects.create(kind=kind, title=title.strip(), date=date, term=term,
                                     plenary_session=plenary_session, location=location, created_by=actor)
    audit_record(action="members.meeting_created", actor=actor, obj=meeting)
    return meeting


@transaction.atomic
def meeting_record_attendance(*, meeting: Meeting, statuses: dict[int, str], actor=None) -> int:
    """Record attendance (member pk -> attended/excused/absent) for members expected at the meeting.
    Each change replaces the member's ledger event for this meeting. Returns how many changed; audited."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.date > timezone.localdate():
        raise MembersError(_("Attendance can be recorded once the meeting has taken place."))
    wanted = {int(pk): status for pk, status in statuses.items() if status}
    if any(status not in AttendanceStatus.values for status in wanted.values()):
        raise MembersError(_("Unknown attendance status."))
    eligible = {m.pk: m for m in meeting_eligible_members(meeting).filter(pk__in=wanted)}
    strangers = set(wanted) - set(eligible)
    if strangers:
        raise MembersError(_("Some of these members are not expected at this meeting."))
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting, member_id__in=wanted)}
    changed = 0
    for pk, status in wanted.items():
        attendance = existing.get(pk)
        if attendance is not None and attendance.status == status:
            continue
        member = eligible[pk]
        if attendance is None:
            Attendance.objects.create(meeting=meeting, member=member, status=status, recorded_by=actor)
        else:
            attendance.status, attendance.recorded_by = status, actor
            attendance.save(update_fields=["status", "recorded_by", "updated_at"])
            LedgerEvent.objects.filter(member=member, withdrawn_at__isnull=True,
                                       **_source_fields(meeting)).update(withdrawn_at=timezone.now())
        LedgerEvent.objects.create(member=member, kind=LedgerKind.MEETING,
                                   subkind=Meeting.subkind_for(meeting.kind, status), date=meeting.date,
                                   note=meeting.title[:200], recorded_by=actor, **_source_fields(meeting))
        changed += 1
    if changed:
        audit_record(action="members.attendance_recorded", actor=actor, obj=meeting, details={"changed": changed})
    return changed


@transaction.atomic
def activity_create(*, kind: str, subkind: str, title: str, date: date_type, participants: Iterable[Member],
                    notes: str = "", actor=None) -> Activity:
    """Record a study session, research trip, inspection, visit or contribution with its participants;
    each participant gets a ledger event. Audited."""
    _check_staff_kind(kind, subkind)
    participants = list(participants)
    if not participants:
        raise MembersError(_("Choose at least one participant."))
    if date > timezone.localdate():
        raise MembersError(_("The date lies in the future."))
    activity = Activity.objects.create(kind=kind, subkind=subkind, title=title.strip(), date=date, notes=notes,
                                       created_by=actor)
    source = _source_fields(activity)
    LedgerEvent.objects.bulk_create([
        LedgerEvent(member=m, kind=kind, subkind=subkind, date=date, note=activity.title[:200], recorded_by=actor,
                    **source)
        for m in participants
    ])
    audit_record(action="members.activity_recorded", actor=actor, obj=activity,
                 details={"kind": kind, "subkind": subkind, "participants": len(participants)})
    return activity


@transaction.atomic
def activity_set_participants(*, activity: Activity, participants: Iterable[Member], actor=None) -> Activity:
    """Make the activity's participants exactly `participants`: new ones get an event, removed ones
    have theirs withdrawn. Audited."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    wanted = {m.pk: m for m in participants}
    source = _source_fields(activity)
    live = LedgerEvent.objects.filter(withdrawn_at__isnull=True, **source)
    current = set(live.values_list("member_id", flat=True))
    removed = current - set(wanted)
    if removed:
        live.filter(member_id__in=removed).update(withdrawn_at=timezone.now())
    added = [wanted[pk] for pk in wanted if pk not in current]
    LedgerEvent.objects.bulk_create([
        LedgerEvent(member=m, kind=activity.kind, subkind=activity.subkind, date=activity.date,
                    note=activity.title[:200], recorded_by=actor, **source)
        for m in added
    ])
    audit_record(action="members.activity_participants_changed", actor=actor, obj=activity,
                 details={"added": len(added), "removed": len(removed)})
    return activity


# --- Excellent-member shortlist ------------------------------------------------------------------------


def _shortlist_for_update(shortlist: ExcellentShortlist) -> ExcellentShortlist:
    shortlist = ExcellentShortlist.objects.select_for_update().get(pk=shortlist.pk)
    if shortlist.is_final:
        raise MembersError(_("The shortlist is final; reopen it first."))
    return shortlist


@transaction.atomic
def shortlist_generate(*, year: int, percent: Decimal, actor=None) -> ExcellentShortlist:
    """Propose the year's shortlist: members whose rank lies within the top `percent` % of the
    eligible members and whose grade is excellent. Hand-made changes (additions, exclusions) are
    kept; scores and ranks are snapshots. Refused when the list is final. Audited."""
    from .scoring import Grade, annual_ranking
    from .selectors import eligible_members_for_year

    if not (Decimal("0") < percent <= Decimal("100")):
        raise MembersError(_("The percentage must lie between 0 and 100."))
    shortlist, _created = ExcellentShortlist.objects.get_or_create(year=year, defaults={"percent": percent})
    shortlist = _shortlist_for_update(shortlist)
    ranking = annual_ranking(year=year, members=eligible_members_for_year(year))
    slots = math.floor(ranking.total * percent / Decimal(100))
    chosen = {r.id: r for r in ranking.rows if r.rank <= slots and r.grade == Grade.EXCELLENT}
    by_member = {r.id: r for r in ranking.rows}
    entries = {e.member_id: e for e in shortlist.entries.all()}
    for member_id, entry in entries.items():
        if entry.origin == EntryOrigin.AUTO and member_id not in chosen:
            entry.delete()
            continue
        snapshot = by_member.get(member_id)
        entry.score = snapshot.score if snapshot else Decimal("0")
        entry.rank = snapshot.rank if snapshot else None
        entry.save(update_fields=["score", "rank", "updated_at"])
    ExcellentEntry.objects.bulk_create([
        ExcellentEntry(shortlist=shortlist, member_id=member_id, origin=EntryOrigin.AUTO, score=row.score,
                       rank=row.rank, updated_by=actor)
        for member_id, row in chosen.items() if member_id not in entries
    ])
    shortlist.percent, shortlist.eligible_count, shortlist.slots = percent, ranking.total, slots
    shortlist.generated_at, shortlist.generated_by = timezone.now(), actor
    shortlist.save()
    audit_record(action="members.shortlist_generated", actor=actor, obj=shortlist,
                 details={"year": year, "percent": str(percent), "eligible": ranking.total, "chosen": len(chosen)})
    return shortlist


@transaction.atomic
def shortlist_add(*, shortlist: ExcellentShortlist, member: Member, reason: str, actor=None) -> ExcellentEntry:
    """Add a member by hand (or re-include an excluded one). A reason is required. Audited."""
    from .scoring import annual_ranking
    from .selectors import eligible_members_for_year

    shortlist = _shortlist_for_update(shortlist)
    if not reason.strip():
        raise MembersError(_("Give a reason for the change."))
    entry = shortlist.entries.filter(member=member).first()
    if entry is not None and not entry.excluded:
        raise MembersError(_("This member is already on the shortlist."))
    if entry is None:
        ranking = annual_ranking(year=shortlist.year, members=eligible_members_for_year(shortlist.year),
                                 member_id=member.pk)
        row = ranking.rows[0] if ranking.rows else None
        entry = ExcellentEntry(shortlist=shortlist, member=member, origin=EntryOrigin.MANUAL,
                               score=row.score if row else Decimal("0"), rank=row.rank if row else None)
    entry.excluded, entry.reason, entry.updated_by = False, reason.strip()[:200], actor
    entry.save()
    audit_record(action="members.shortlist_member_added", actor=actor, obj=shortlist,
                 details={"member": member.pk, "reason": entry.reason})
    return entry


@transaction.atomic
def shortlist_exclude(*, entry: ExcellentEntry, reason: str, actor=None) -> ExcellentEntry:
    """Take a member off the shortlist, keeping the decision and its reason. Audited."""
    _shortlist_for_update(entry.shortlist)
    if not reason.strip():
        raise MembersError(_("Give a reason for the change."))
    entry = ExcellentEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.excluded:
        raise MembersError(_("This member is not on the shortlist."))
    entry.excluded, entry.reason, entry.updated_by = True, reason.strip()[:200], actor
    entry.save(update_fields=["excluded", "reason", "updated_by", "updated_at"])
    audit_record(action="members.shortlist_member_excluded", actor=actor, obj=entry.shortlist,
                 details={"member": entry.member_id, "reason": entry.reason})
    return entry


@transaction.atomic
def shortlist_finalize(*, shortlist: ExcellentShortlist, actor=None) -> ExcellentShortlist:
    """Freeze the shortlist (no regeneration or changes until reopened). Audited."""
    shortlist = _shortlist_for_update(shortlist)
    shortlist.finalized_at, shortlist.finalized_by = timezone.now(), actor
    shortlist.save(update_fields=["finalized_at", "finalized_by"])
    audit_record(action="members.shortlist_finalized", actor=actor, obj=shortlist,
                 details={"members": shortlist.entries.filter(excluded=False).count()})
    return shortlist


@transaction.atomic
def shortlist_reopen(*, shortlist: ExcellentShortlist, actor=None) -> ExcellentShortlist:
    """Allow changes to a final shortlist again. Audited."""
    shortlist = ExcellentShortlist.objects.select_for_update().get(pk=shortlist.pk)
    if not shortlist.is_final:
        raise MembersError(_("The shortlist is not final."))
    shortlist.finalized_at = shortlist.finalized_by = None
    shortlist.save(update_fields=["finalized_at", "finalized_by"])
    audit_record(action="members.shortlist_reopened", actor=actor, obj=shortlist)
    return shortlist


# --- Handling units ----------------------------------------------------------------------------------


@transaction.atomic
def handling_unit_save(*, unit: HandlingUnit | None, name: str, kind: str, street: Street | None,
                       contact_phone: str, is_active: bool, officers: Iterable, actor=None) -> HandlingUnit:
    """Create (unit=None) or change a handling unit and its officer accounts; officers must hold the
    handler role. Audited with the officer list."""
    officers = list(officers)
    if any(not u.has_role("handler") for u in officers):
        raise MembersError(_("Unit officers must hold the handling-unit officer role."))
    name = name.strip()
    clash = HandlingUnit.objects.filter(name=name)
    if unit is not None:
        unit = HandlingUnit.objects.select_for_update().get(pk=unit.pk)
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise MembersError(_("A handling unit with this name already exists."))
    created = unit is None
    unit = unit or HandlingUnit()
    unit.name, unit.kind, unit.street, unit.contact_phone, unit.is_active = (
        name, kind, street, contact_phone, is_active)
    unit.save()
    unit.officers.set(officers)
    audit_record(action="members.unit_created" if created else "members.unit_changed", actor=actor, obj=unit,
                 details={"officers": sorted(u.username for u in officers)})
    return unit


# --- Excel import ----------------------------------------------------------------------------------

IMPORT_STALE_AFTER_SECONDS = 600
IMPORT_BATCH = 500
IMPORT_UPDATE_FIELDS = ["name", "name_pinyin", "name_initials", "search_text", "gender", "ethnic_group",
                        "birth_date", "mobile", "party", "sector", "employer", "job_title",
                        "is_standing_committee", "street", "status", "id_number_encrypted",
                        "id_number_masked", "updated_at"]


@transaction.atomic
def member_import_start(*, upload, actor) -> ImportJob:
    """Check an uploaded workbook (ImportFileError for a bad file: nothing is stored), store it under a
    random name and create the job. Small files are imported at once by the caller
    (`import_job_run`); larger ones are queued for a worker after commit. Audited."""
    from zhongyuan_cppcc.core.parameters import get_parameter
    from zhongyuan_cppcc.core.tasks_util import enqueue_on_commit

    from .importing import inspect_file
    from .tasks import member_import_task

    info = inspect_file(upload, upload.size)
    upload.seek(0)
    run_async = info.rows_estimate is None or info.rows_estimate > get_parameter("members.import_sync_max_rows")
    job = ImportJob(original_name=upload.name[:200], size=upload.size, created_by=actor, run_async=run_async,
                    total_rows=info.rows_estimate)
    job.file.save("upload.xlsx", upload, save=False)
    job.save()
    audit_record(action="members.import_started", actor=actor, obj=job,
                 details={"file": job.original_name, "size": job.size, "async": run_async})
    if run_async:
        enqueue_on_commit(member_import_task, job.pk)
    return job


class _ImportProgress:
    """Writes a job's progress so that other connections (the polling page) see it.

    The writing phase runs in one transaction (all or nothing), whose own updates nobody else could
    see before commit; on PostgreSQL progress therefore goes through a second connection in
    autocommit mode. SQLite allows one writer at a time, so there progress is only written outside
    the transaction."""

    def __init__(self, job_id: int):
        from django.db import DEFAULT_DB_ALIAS, connection, connections

        self.job_id = job_id
        self.side = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def update(self, **fields) -> None:
        from django.db import connection


        fields["heartbeat_at"] = timezone.now()
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
            return
        if self.side is None:
            return
        meta = ImportJob._meta
        assignments = ", ".join(f"{connection.ops.quote_name(meta.get_field(k).column)} = %s" for k in fields)
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {assignments} WHERE id = %s",
                           [*fields.values(), self.job_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _claim_import_job(job_id: int) -> bool:
    from django.db.models import Q


    now = timezone.now()
    stale = now - timezone.timedelta(seconds=IMPORT_STALE_AFTER_SECONDS)
    claimable = Q(status=ImportStatus.PENDING) | (
        Q(status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING]) & Q(heartbeat_at__lt=stale)
    )
    return bool(ImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportStatus.VALIDATING, started_at=now, heartbeat_at=now, processed_rows=0))


def import_job_run(*, job_id: int) -> None:
    """Validate every row, then import all rows in one transaction or none. Idempotent: only a
    pending (or stalled) job is claimed. The result stays on the job; the uploaded file is deleted."""
    from .importing import ImportFileError, parse_workbook

    if not _claim_import_job(job_id):
        return
    job = ImportJob.objects.get(pk=job_id)
    progress = _ImportProgress(job_id)
    try:
        try:
            with job.file.open("rb") as fh:
                parsed = parse_workbook(fh, progress=lambda n: progress.update(processed_rows=n))
        except ImportFileError as exc:
            _finish_import(job, ImportStatus.FAILED, message=str(exc))
            return
        except FileNotFoundError:
            _finish_import(job, ImportStatus.FAILED, message=_("The uploaded file is no longer available; "
                                                               "upload it again."))
            return
        if parsed.errors:
            _finish_import(job, ImportStatus.REJECTED, total_rows=parsed.data_rows, processed_rows=parsed.data_rows,
                           error_count=parsed.error_rows, errors=[e.as_dict() for e in parsed.errors[:1000]],
                           message=_("Nothing was imported: %(n)s rows have errors. Correct them and upload the "
                                     "whole file again.") % {"n": parsed.error_rows})
            return
        progress.update(status=ImportStatus.IMPORTING, total_rows=parsed.data_rows, processed_rows=0)
        try:
            with transaction.atomic():
                created, updated = _import_rows(parsed, actor=job.created_by,
                                                progress=lambda n: progress.update(processed_rows=n))
                audit_record(action="members.imported", actor=job.created_by, obj=job,
                             details={"created": created, "updated": updated, "rows": parsed.data_rows})
        except (IntegrityError, MembersError) as exc:
            logger.warning("member import %s rolled back: %s", job_id, type(exc).__name__)
            _finish_import(job, ImportStatus.FAILED, message=_(
                "Nothing was imported: another change to the same members happened at the same time. "
                "Upload the file again."))
            return
        _finish_import(job, ImportStatus.SUCCEEDED, total_rows=parsed.data_rows, processed_rows=parsed.data_rows,
                       created_count=created, updated_count=updated,
                       message=_("%(created)s members created, %(updated)s updated.")
                       % {"created": created, "updated": updated})
    except Exception as exc:  # noqa: BLE001 - any failure ends the job as failed, never half-imported
        # The traceback without the exception's message: a message may quote a cell (an ID number).
        import traceback

        logger.error("member import %s failed with %s:\n%s", job_id, type(exc).__name__,
                     "".join(traceback.format_tb(exc.__traceback__)))
        _finish_import(job, ImportStatus.FAILED, message=_("The import failed unexpectedly; nothing was imported."))
    finally:
        progress.close()


def _finish_import(job, status: str, **fields) -> None:

    if job.file:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(status=status, file="", finished_at=timezone.now(),
                                               heartbeat_at=timezone.now(), **fields)
    job.refresh_from_db()
    if status != "succeeded":
        audit_record(action="members.import_finished", actor=job.created_by, obj=job,
                     outcome=Outcome.FAILURE, details={"status": status, "errors": job.error_count})


def _bulk_update(members: list[Member], fields: list[str]) -> None:
    """UPDATE … FROM (VALUES …) on PostgreSQL: Django's bulk_update writes one CASE per field with a
    branch per row, which PostgreSQL plans and runs several times slower for batches of hundreds."""
    from django.db import connection

    if not members:
        return
    if connection.vendor != "postgresql":
        Member.objects.bulk_update(members, fields, batch_size=IMPORT_BATCH)
        return
    meta = Member._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    row_sql = "(" + ", ".join(["%s::bigint"] + [f"%s::{f.db_type(connection)}" for f in columns]) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(members), IMPORT_BATCH):
            chunk = members[start:start + IMPORT_BATCH]
            params: list = []
            for member in chunk:
                params.append(member.pk)
                params.extend(f.get_db_prep_save(getattr(member, f.attname), connection) for f in columns)
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v(id, {names}) WHERE t.id = v.id",
                params,
            )


def _import_rows(parsed, *, actor, progress) -> tuple[int, int]:
    """Create or update (matched by the ID number's lookup hash) every parsed row, in bulk."""
    present = parsed.present
    hashes = [row.id_hash for row in parsed.rows]
    existing: dict[str, int] = {}
    for start in range(0, len(hashes), 2000):
        existing.update(Member.objects.filter(id_number_hash__in=hashes[start:start + 2000])
                        .values_list("id_number_hash", "id"))
    now = timezone.now()
    always = {"name_pinyin", "name_initials", "search_text", "gender", "birth_date", "id_number_encrypted",
              "id_number_masked", "updated_at", "name", "party", "sector"}
    update_fields = [f for f in IMPORT_UPDATE_FIELDS if f in present or f in always]
    pairs: list[tuple[Member, object]] = []
    created = updated = 0
    for start in range(0, len(parsed.rows), IMPORT_BATCH):
        batch = parsed.rows[start:start + IMPORT_BATCH]
        current = Member.objects.in_bulk([existing[r.id_hash] for r in batch if r.id_hash in existing])
        new_members, changed_members = [], []
        for row in batch:
            member_id = existing.get(row.id_hash)
            member = current[member_id] if member_id else Member()
            for key, value in row.values.items():
                if key not in ("term", "special_committees"):
                    setattr(member, key, value)
            for key, value in personal_data.protect_id_number(row.id_number).items():
                setattr(member, key, value)
            member_derive_names(member)
            member.updated_at = now
            (changed_members if member_id else new_members).append(member)
            pairs.append((member, row))
        Member.objects.bulk_create(new_members, batch_size=IMPORT_BATCH)
        _bulk_update(changed_members, update_fields)
        created += len(new_members)
        updated += len(changed_members)
        progress(start + len(batch))
    memberships = [TermMembership(member=m, term=r.values["term"], joined_on=r.values["term"].starts_on)
                   for m, r in pairs if r.values.get("term") is not None]
    TermMembership.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
    if "special_committees" in present:
        through = Member.special_committees.through
        member_ids = [m.pk for m, _r in pairs]
        for start in range(0, len(member_ids), 2000):
            through.objects.filter(member_id__in=member_ids[start:start + 2000]).delete()
        through.objects.bulk_create([
            through(member_id=m.pk, specialcommittee_id=c.pk)
            for m, r in pairs for c in r.values.get("special_committees", [])
        ], batch_size=2000)
    return created, updated


# --- Exports (sensitive reads: audited) ---------------------------------------------------------------


def member_export(*, members: models.QuerySet[Member], actor, full: bool = False,
                  filters: dict | None = None, progress=None) -> tuple[bytes, int]:
    """An .xlsx of `members` (already scoped to the actor). Masked unless `full`, which needs
    members.view_full_personal_data (else PermissionDenied). Every export is audited. Returns
    (content, row count); `progress(done, total)` is called while writing (background exports)."""
    from .exporting import members_workbook

    if full and not actor.has_perm("members.view_full_personal_data"):
        audit_record(action="members.exported", actor=actor, object_type="members.member",
                     outcome=Outcome.DENIED, details={"full_personal_data": True})
        raise PermissionDenied
    content, count = members_workbook(members, full=full, progress=progress)
    audit_record(action="members.exported", actor=actor, object_type="members.member",
                 details={"rows": count, "full_personal_data": full, "filters": filters or {}})
    return content, count


def shortlist_export(*, shortlist: ExcellentShortlist, actor) -> bytes:
    """The shortlist as .xlsx (names, units, scores; no personal numbers). Audited."""
    from .exporting import shortlist_workbook

    content = shortlist_workbook(shortlist)
    audit_record(action="members.shortlist_exported", actor=actor, obj=shortlist)
    return content
