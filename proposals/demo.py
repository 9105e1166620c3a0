"""Demo data of the proposals module (invented texts, deterministic), built through the services.

- 2023: exactly 212 registered proposals, all replied and closed (reply rate 100 %, the work report's
  figure), with joint and collective proposals, key proposals under a supervising leader, excellent
  ones, a few dissatisfied ratings followed by re-handling, class B follow-up reviews; plus proposals
  that were not registered, withdrawn or merged (not counted in the 212).
- 2024 up to the year before the running one (`live_year`: the session year proposals written today are
  filed under, so on 1–11 January still the previous year): full years, every registered proposal closed.
- With ``load_demo --recent`` (a quicker demo; the date-sweep tests use it): no 2023, and only the year
  before the running one, with 30 registered proposals.
- The current year (`timezone.localdate()`): every state, with dates relative to today so that the
  reminder scan fires on its first run (reply due in 30, 7 and 1 days, overdue and long overdue, an
  assignment not accepted after 3 working days, co-handling opinions due in 7 and 1 days, ratings still
  open 11 working days after the approval, a follow-up review due). The demo accounts have their part:
  demo-member (drafts, a returned draft, invitations, a reply to rate), demo-handler's unit (区教育局),
  demo-proposal-officer (queues) and demo-leader (supervised key proposals).

Past years are loaded without notifications (they would flood the inboxes with old news); the current
year notifies as the services always do, in the app only (no e-mail or SMS about invented events).
"""

import copy
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.models import HandlingUnit, Member, MemberStatus, Party, PlenarySession, Sector, SpecialCommittee, Term
from zhongyuan_cppcc.calendar.services import add_working_days

from . import services
from .deadlines import add_months, co_opinion_due, default_reply_due
from .demo_topics import TOPICS, Topic, compose, reply_text
from .models import Assignment, AssignmentRole, CosignerInvitation, InvitationStatus, Proposal, ProposerKind
from .services import _common, drafting, evaluation, handling, review

SEED = 20230315
REGISTERED_2023 = 212
PAST_YEARS = {2024: 100, 2025: 110}
LATER_PAST_YEAR = 110  # registered proposals of each later completed year (2026 once the running year is 2027)
RECENT_PREVIOUS_YEAR = 30  # registered proposals of the previous year in a recent-only load (load_demo --recent)
EDUCATION = "区教育局"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
SIGNERS = ("张明华", "李国强", "王建设", "赵红梅", "刘志刚", "陈立平", "杨文静", "黄海涛")
CONTACT_PEOPLE = ("孙科长", "周主任", "吴科员", "郑副科长", "冯主任", "何科长")
OPINIONS = ("同意主办单位意见，我单位将在职责范围内配合落实。", "建议统筹相关项目资金，我单位积极配合。",
            "已梳理我单位相关工作情况，供主办单位答复时参考。")
RATING_COMMENTS = ("", "", "", "答复认真，措施具体。", "沟通及时，希望持续跟进落实。", "建议进一步明确时间表。")
DISSATISFIED_COMMENTS = ("答复内容与建议不对应，未提出具体措施。", "承办单位未与提案人沟通，答复过于笼统。")


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


@contextmanager
def _quiet():
    """No notifications while replaying past years: the services' `send` (imported by each service module
    from _common) does nothing, so not even the recipients are looked up."""
    modules = [m for m in (_common, drafting, evaluation, handling, review) if hasattr(m, "send")]
    originals = [m.send for m in modules]
    for module in modules:
        module.send = lambda *args, **kwargs: 0
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.send = original


@contextmanager
def _in_app_only():
    """The current year notifies in the app only: no e-mail or SMS about invented events (hundreds of
    deliveries would also keep a fresh demo's single worker busy)."""
    original = _common.notify

    def notify(*, recipient, **kwargs):
        quiet = copy.copy(recipient)
        quiet.email_notifications = quiet.sms_notifications = False
        return original(recipient=quiet, **kwargs)

    _common.notify = notify
    try:
        yield
    finally:
        _common.notify = original


@dataclass
class Story:
    """One proposal's life, replayed through the services up to `stop`. Dates not given are drawn from
    the previous step; `stop` is one of draft, returned, withdrawn_draft, withdrawn, not_registered,
    merged, submitted, registered, assigned, reply_review, replied, rehandling, rehandling_review, closed."""

    author: Member | None
    topic: Topic
    created: date
    stop: str = "closed"
    place: str | None = None
    collective: object = None
    cosigners: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    lead_unit: HandlingUnit | None = None
    co_units: list | None = None  # None: drawn from the topic
    key: bool = False
    accept: bool = True
    co_opinions: bool = True
    reply_due_on: date | None = None
    extend_days: int = 0
    reply_class: str = "A"
    approve_class: str | None = None
    overall: list = field(default_factory=list)
    rate: bool = True
    rehandle: bool = False
    excellent: bool = False
    quality: str | None = "good"
    followup: bool = True
    followers: list = field(default_factory=list)
    merge_into: Proposal | None = None
    ground: str = ""
    dates: dict = field(default_factory=dict)


class Demo:
    def __init__(self, rng: random.Random, today: date) -> None:
        User = get_user_model()
        self.rng, self.today = rng, today
        self.tz = timezone.get_current_timezone()
        self.officer = User.objects.get(username="demo-proposal-officer")
        self.leader = User.objects.get(username="demo-leader")
        self.handler = User.objects.filter(username="demo-handler").first()
        self.units = {u.name: u for u in HandlingUnit.objects.filter(is_active=True).order_by("order", "pk")}
        self.unit_actor = {}
        for unit in self.units.values():
            officers = list(unit.officers.filter(is_active=True).order_by("username"))
            chosen = next((o for o in officers if o.username.startswith("unit-")), officers[0] if officers else None)
            if unit.name == EDUCATION and self.handler is not None:
                chosen = self.handler
            self.unit_actor[unit.pk] = chosen
        unit_users = {u.pk for u in self.unit_actor.values() if u}
        self.demo_member = Member.objects.select_related("user").get(user__username="demo-member")
        self.members = [m for m in Member.objects.filter(status=MemberStatus.SERVING, user__isnull=False,
                                                         user__is_active=True).select_related("user", "party")
                        .order_by("pk") if m.user_id not in unit_users and m.pk != self.demo_member.pk]
        self.collectives = self._collectives()
        self.counts: dict[str, int] = {}

    # --- helpers -------------------------------------------------------------------------------------------
    def at(self, day: date, hour: int) -> datetime:
        moment = datetime.combine(day, time(hour, self.rng.randint(0, 50)), tzinfo=self.tz)
        return min(moment, timezone.now() - timedelta(minutes=5))

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def pdf(self) -> SimpleUploadedFile:
        return SimpleUploadedFile("答复函（签章）.pdf", PDF, content_type="application/pdf")

    def unit(self, name: str | None) -> HandlingUnit:
        return self.units.get(name) or self.rng.choice(list(self.units.values()))

    def lead_for(self, topic: Topic) -> HandlingUnit:
        if topic.lead_unit in self.units and self.rng.random() < 0.85:
            return self.units[topic.lead_unit]
        return self.rng.choice(list(self.units.values()))

    def co_for(self, topic: Topic, lead: HandlingUnit) -> list[HandlingUnit]:
        names = [n for n in topic.co_units if n in self.units and n != lead.name]
        return [self.units[n] for n in self.rng.sample(names, k=min(len(names), self.rng.choice((0, 0, 1, 1, 2))))]

    def co_of(self, story: "Story", lead: HandlingUnit) -> list[HandlingUnit]:
        return story.co_units if story.co_units is not None else self.co_for(story.topic, lead)

    def others(self, exclude: Member | None, k: int) -> list[Member]:
        pool = [m for m in self.members if exclude is None or m.pk != exclude.pk]
        return self.rng.sample(pool, k=k)

    def _collectives(self) -> list:
        """Three organisations file collective proposals through an authorised member's account."""
        grants = []
        for model, name in ((Party, "中国民主同盟"), (Sector, "经济界"), (SpecialCommittee, "提案委员会")):
            organisation = model.objects.filter(name=name).first()
            if organisation is None:
                continue
            if model is Party:
                candidates = [m for m in self.members if m.party_id == organisation.pk]
            elif model is Sector:
                candidates = [m for m in self.members if m.sector_id == organisation.pk]
            else:
                in_committee = set(Member.objects.filter(special_committees=organisation).values_list("pk", flat=True))
                candidates = [m for m in self.members if m.pk in in_committee]
            member = (candidates or self.members)[0]
            grants.append(services.collective_authorisation_grant(
                actor=self.officer, user=member.user, organisation=organisation, note="演示：集体提案填报人",
                at=self.at(date(2023, 1, 5), 9)))
        return grants

    # --- one story -----------------------------------------------------------------------------------------
    def run(self, story: Story) -> Proposal:
        rng, d = self.rng, dict(story.dates)
        text = compose(story.topic, rng, story.place)
        author = story.collective.user if story.collective is not None else story.author.user
        lead = story.lead_unit or self.lead_for(story.topic)
        proposal = services.proposal_create_draft(
            author=author, category=story.topic.category, suggested_lead_unit=lead,
            suggested_co_units=self.co_of(story, lead), collective=story.collective,
            at=self.at(story.created, 9), **text)
        self.counts[story.stop] = self.counts.get(story.stop, 0) + 1
        for member in story.cosigners:
            invitation = services.proposal_invite_cosigner(actor=author, proposal=proposal, member=member,
                                                           at=self.at(story.created, 10))
            services.invitation_accept(actor=member.user, invitation=invitation,
                                       at=self.at(story.created, 15))
        for member in story.pending:
            services.proposal_invite_cosigner(actor=author, proposal=proposal, member=member,
                                              at=self.at(story.created, 11))
        if story.stop == "draft":
            return proposal
        if story.stop == "withdrawn_draft":
            services.proposal_withdraw(actor=author, proposal=proposal, reason="暂不提交，待调研后再提",
                                       at=self.at(story.created + self.days(1, 5), 18))
            return proposal
        d.setdefault("submit", story.created + self.days(0, 3))
        services.proposal_submit(actor=author, proposal=proposal, accept_interim=True, at=self.at(d["submit"], 9))
        if story.stop == "returned":
            services.proposal_return(actor=self.officer, proposal=proposal,
                                     reason="请补充问题的具体数据和可操作的建议（一事一案）。",
                                     at=self.at(d.get("return", d["submit"] + self.days(1, 4)), 11))
            return proposal
        if story.stop == "withdrawn":
            services.proposal_withdraw(actor=author, proposal=proposal, reason="拟与其他委员联名后重新提交",
                                       at=self.at(d["submit"] + self.days(1, 3), 17))
            return proposal
        if story.stop == "not_registered":
            services.proposal_reject(actor=self.officer, proposal=proposal, ground=story.ground or "personal",
                                     note="建议通过其他渠道反映", at=self.at(d["submit"] + self.days(2, 6), 10))
            return proposal
        if story.stop == "merged":
            merged_on = d.get("merge", d["submit"] + self.days(2, 5))
            services.proposal_merge(actor=self.officer, proposal=proposal, into=story.merge_into,
                                    note="内容相近，并案办理", at=self.at(merged_on, 10))
            return proposal
        if story.stop == "submitted":
            return proposal
        d.setdefault("register", min(d["submit"] + self.days(2, 8), d.get("assign", date.max)))
        services.proposal_register(actor=self.officer, proposal=proposal, at=self.at(d["register"], 10))
        for follower in story.followers:
            follower.merge_into = proposal
            follower.dates.setdefault("submit", min(follower.created, d["register"]))
            follower.dates.setdefault("merge", d["register"])
            self.run(follower)
        if story.stop == "registered":
            return proposal
        return self._handle(story, proposal, lead, d)

    def _handle(self, story: Story, proposal: Proposal, lead: HandlingUnit, d: dict) -> Proposal:
        rng = self.rng
        co = self.co_of(story, lead)
        d.setdefault("assign", d["register"] + self.days(2, 10))
        services.proposal_assign(actor=self.officer, proposal=proposal, lead_unit=lead, co_units=co,
                                 is_key=story.key, supervising_leader=self.leader if story.key else None,
                                 reply_due_on=story.reply_due_on, at=self.at(d["assign"], 11))
        lead_actor = self.unit_actor[lead.pk]
        assignments = list(Assignment.objects.filter(proposal=proposal, superseded_at__isnull=True))
        if story.accept:
            d.setdefault("accept", d["assign"] + self.days(1, 2))
            for assignment in assignments:
                services.assignment_accept(actor=self.unit_actor[assignment.unit_id], assignment=assignment,
                                           at=self.at(d["accept"], 14))
        if story.co_opinions:
            d.setdefault("opinion", d["assign"] + self.days(8, 25))
            for assignment in assignments:
                if assignment.role == AssignmentRole.CO and d["opinion"] < self.today:
                    services.assignment_submit_opinion(actor=self.unit_actor[assignment.unit_id],
                                                       assignment=assignment, text=rng.choice(OPINIONS),
                                                       at=self.at(d["opinion"], 15))
        d.setdefault("contact", d["assign"] + self.days(5, 20))
        if story.accept and d["contact"] < self.today:
            services.proposal_record_contact(actor=lead_actor, proposal=proposal,
                                             method=rng.choice(("face_to_face", "face_to_face", "phone")),
                                             contacted_on=d["contact"], note="听取提案人意见，介绍办理思路",
                                             at=self.at(d["contact"], 10))
        if story.extend_days:
            proposal.refresh_from_db()
            services.proposal_extend(actor=self.officer, proposal=proposal,
                                     new_due_on=proposal.reply_due_on + timedelta(days=story.extend_days),
                                     reason="涉及多个部门协调，需延期答复",
                                     at=self.at(d.get("extend", d["assign"] + self.days(15, 30)), 16))
        if story.stop == "assigned":
            return proposal
        self._reply(story, proposal, lead_actor, d, "reply", "approve", story.stop == "reply_review")
        if story.stop == "reply_review":
            return proposal
        rehandled = self._rate(story, proposal, d, "rate", story.rehandle)
        if story.stop == "replied":
            return proposal
        if rehandled:
            d.setdefault("contact2", d["rate"] + self.days(3, 8))
            if d["contact2"] < self.today:
                services.proposal_record_contact(actor=lead_actor, proposal=proposal, method="face_to_face",
                                                 contacted_on=d["contact2"], note="再次上门沟通，研究补充措施",
                                                 at=self.at(d["contact2"], 10))
            if story.stop == "rehandling":
                return proposal
            d.setdefault("reply2", d["contact2"] + self.days(5, 15))
            self._reply(story, proposal, lead_actor, d, "reply2", "approve2", story.stop == "rehandling_review")
            if story.stop == "rehandling_review":
                return proposal
            self._rate(story, proposal, d, "rate2", False)
        proposal.refresh_from_db()
        last_approved = proposal.reply_approved_on
        if story.quality and proposal.status == "closed":
            services.proposal_rate_quality(actor=lead_actor, proposal=proposal, grade=story.quality,
                                           at=self.at(min(d.get("quality", last_approved + self.days(2, 10)),
                                                          self.today), 16))
        if story.excellent:
            services.proposal_mark_excellent(actor=self.officer, proposal=proposal, note="经主席会议审议评定",
                                             at=self.at(d.get("excellent", min(last_approved + self.days(30, 60),
                                                                                   self.today)), 10))
        if proposal.followup_due_on and story.followup:
            done = proposal.followup_due_on + self.days(0, 10)
            if done < self.today:
                services.proposal_record_followup(actor=self.officer, proposal=proposal,
                                                  note="回头看：实地查看落实情况，相关措施已推进，提案人表示认可。",
                                                  at=self.at(done, 15))
        return proposal

    def _reply(self, story, proposal, lead_actor, d: dict, key: str, approve_key: str, stop_in_review: bool):
        rng = self.rng
        d.setdefault(key, d["assign"] + self.days(35, 80))
        services.reply_submit(actor=lead_actor, proposal=proposal, reply_class=story.reply_class,
                              text=reply_text(proposal.title, story.reply_class, d[key].year, rng),
                              signer=rng.choice(SIGNERS), contact_person=rng.choice(CONTACT_PEOPLE),
                              contact_phone=f"0371-6{rng.randint(100, 999)}{rng.randint(1000, 9999)}",
                              document=self.pdf(), at=self.at(d[key], 16))
        if stop_in_review:
            return
        d.setdefault(approve_key, d[key] + self.days(1, 5))
        services.reply_approve(actor=self.officer, proposal=proposal, reply_class=story.approve_class,
                               at=self.at(d[approve_key], 11))

    def _rate(self, story: Story, proposal: Proposal, d: dict, key: str, dissatisfied_first: bool) -> bool:
        """Every proposer rates (unless the story stops before); returns True if re-handling started."""
        approve = d["approve2" if key == "rate2" else "approve"]
        d.setdefault(key, approve + self.days(1, 6))
        users = list(services.queries.proposer_users(proposal).order_by("pk"))
        first_user = (story.author.user if story.author else story.collective.user)
        users.sort(key=lambda u: (u.pk != first_user.pk, u.pk))
        if not story.rate or (story.stop == "replied" and key == "rate"):
            # Leave every rating open, except (rate=True) the co-signers' on a replied proposal.
            if story.rate:
                users = users[1:]
            else:
                return False
        for position, user in enumerate(users):
            overall = story.overall[position] if position < len(story.overall) else self.rng.choices(
                ("satisfied", "basically"), (85, 15))[0]
            if dissatisfied_first and position == 0:
                overall = "dissatisfied"
            services.rating_submit(
                actor=user, proposal=proposal, overall=overall,
                contacted=self.rng.choices(("yes", "phone", "no"), (70, 27, 3))[0], on_point=overall != "dissatisfied",
                comment=self.rng.choice(DISSATISFIED_COMMENTS) if overall == "dissatisfied"
                else self.rng.choice(RATING_COMMENTS), at=self.at(d[key] + timedelta(days=position % 3), 20))
            if overall == "dissatisfied" and key == "rate":
                break  # re-handling: the other proposers' ratings of this round are superseded
        proposal.refresh_from_db()
        return proposal.status == "rehandling"


# --- The years ----------------------------------------------------------------------------------------------


def _session_window(year: int) -> tuple[date, date]:
    session = PlenarySession.objects.filter(opens_on__year=year).order_by("pk").first()
    if session is None:
        return date(year, 1, 10), date(year, 2, 20)
    return session.proposals_open_on, session.opens_on


def _created_in(demo: Demo, year: int) -> date:
    start, session_day = _session_window(year)
    if demo.rng.random() < 0.6:
        return start + timedelta(days=demo.rng.randint(0, max(0, (session_day - start).days - 3)))
    return date(year, 3, 1) + timedelta(days=demo.rng.randint(0, 200))


def _past_year(demo: Demo, year: int, registered: int) -> None:
    """`registered` proposals registered and closed in `year`, plus not registered, withdrawn, merged."""
    rng = demo.rng
    stories = []
    rehandled = set(rng.sample(range(registered), k=max(3, registered // 45)))
    stays_dissatisfied = min(rehandled)
    keys = set(rng.sample(range(registered), k=max(6, registered // 20)))
    excellent = set(rng.sample(range(registered), k=max(8, registered // 14)))
    merged_into = set(rng.sample(range(registered), k=3))
    demo_member_own = {5, 60, 140} if year == 2023 else {7, 90}
    light = year != 2023  # later years: fewer optional steps (co-handling units, quality ratings)
    for n in range(registered):
        topic = rng.choice(TOPICS)
        kind = rng.choices(("individual", "joint", "collective"), (68, 26, 6))[0]
        author = demo.demo_member if n in demo_member_own else rng.choice(demo.members)
        story = Story(author=author, topic=topic, created=_created_in(demo, year), stop="closed",
                      reply_class=rng.choices("ABC", (60, 31, 9))[0], key=n in keys, excellent=n in excellent,
                      quality=rng.choice(("excellent", "good", "fair", None, None, None)))
        if kind == "collective" and demo.collectives and n not in demo_member_own:
            story.author, story.collective = None, rng.choice(demo.collectives)
        elif kind == "joint":
            story.cosigners = demo.others(author, rng.choice((1, 1, 2, 3)))
        if light and rng.random() < 0.8:
            story.co_units, story.quality = [], None
        if n in rehandled:
            story.rehandle = True
            if n == stays_dissatisfied:
                story.overall = ["dissatisfied"]
        if rng.random() < 0.04:
            story.extend_days = 30
        if rng.random() < 0.05:
            story.approve_class = "B" if story.reply_class == "A" else "A"
        if n in merged_into:
            follower_author = rng.choice(demo.members)
            story.followers = [Story(author=follower_author, topic=topic, created=story.created, stop="merged")]
        stories.append(story)
    for ground in ("personal", "no_suggestion", "litigation", "advertising", "academic", "personal")[
            :4 if year != 2023 else 6]:
        stories.append(Story(author=rng.choice(demo.members), topic=rng.choice(TOPICS), stop="not_registered",
                             created=_created_in(demo, year), ground=ground))
    for _ in range(2):
        stories.append(Story(author=rng.choice(demo.members), topic=rng.choice(TOPICS), stop="withdrawn",
                             created=_created_in(demo, year)))
    stories.sort(key=lambda s: s.created)
    for story in stories:
        demo.run(story)


def _live_year(demo: Demo) -> None:
    """The current year: every state, dates relative to today (see the module docstring)."""
    rng, today = demo.rng, demo.today
    edu, me = demo.units.get(EDUCATION), demo.demo_member
    window_start, _session_day = _session_window(today.year)
    edu_topics = [t for t in TOPICS if t.lead_unit == EDUCATION] or list(TOPICS)
    other_topics = [t for t in TOPICS if t.lead_unit != EDUCATION]
    member = lambda: rng.choice(demo.members)  # noqa: E731

    def before(days: int) -> date:
        return today - timedelta(days=days)

    def assigned_for_due(due: date) -> tuple[date, date | None]:
        """An assignment date whose default deadline is `due` (or a custom deadline when months clamp)."""
        assigned = add_months(due, -3)
        return (assigned, None) if default_reply_due(assigned) == due else (assigned, due)

    def assigned_for_opinion(due: date) -> date:
        for shift in range(0, 4):
            day = add_months(due, -1) - timedelta(days=shift)
            if co_opinion_due(day) == due:
                return day
        return add_months(due, -1)

    stories: list[Story] = []
    # Closed earlier this year (background for this year's figures).
    span = (before(130) - window_start).days
    for n in range(28 if span > 30 else 0):
        topic = rng.choice(TOPICS)
        created = window_start + timedelta(days=rng.randint(0, span))
        story = Story(author=me if n in (3, 17) else member(), topic=topic, created=created,
                      reply_class=rng.choices("ABC", (60, 32, 8))[0], key=n in (4, 11), excellent=n == 9,
                      dates={"assign": created + timedelta(days=12)})
        if n % 4 == 1:
            story.cosigners = demo.others(story.author, rng.randint(1, 2))
        if n in (2, 20):
            story.lead_unit = edu
        stories.append(story)

    # A class B reply approved 6 months ago: its follow-up review (回头看) is due now.
    approve = add_months(today, -6) - timedelta(days=3)
    stories.append(Story(author=member(), topic=edu_topics[0], created=approve - timedelta(days=90), lead_unit=edu,
                         reply_class="B", followup=False,
                         dates={"assign": approve - timedelta(days=70), "reply": approve - timedelta(days=3),
                                "approve": approve, "rate": approve + timedelta(days=2)}))

    # Assigned, reply due in exactly 30, 7 and 1 days (and today), accepted and contacted.
    for offset, unit, topic in ((30, edu, edu_topics[1 % len(edu_topics)]), (30, None, other_topics[0]),
                                (7, edu, edu_topics[0]), (7, None, other_topics[1]), (1, None, other_topics[2]),
                                (1, edu, edu_topics[1 % len(edu_topics)]), (0, None, other_topics[3])):
        assigned, custom = assigned_for_due(today + timedelta(days=offset))
        stories.append(Story(author=me if offset == 7 and unit is None else member(), topic=topic,
                             created=assigned - timedelta(days=rng.randint(10, 20)), stop="assigned",
                             lead_unit=unit, reply_due_on=custom,
                             dates={"assign": assigned, "contact": assigned + timedelta(days=6)}))

    # Overdue: 3 days, 20 days (long overdue, key, supervised by demo-leader), 40 days, 18 days (edu).
    for overdue, unit, key in ((3, None, False), (20, None, True), (40, None, False), (18, edu, True)):
        due = before(overdue)
        assigned, custom = assigned_for_due(due)
        topic = edu_topics[0] if unit else rng.choice(other_topics)
        stories.append(Story(author=member(), topic=topic, created=assigned - timedelta(days=15), stop="assigned",
                             lead_unit=unit, key=key, reply_due_on=custom,
                             dates={"assign": assigned, "contact": assigned + timedelta(days=10)}))

    # An assignment nobody accepted: 5 working days ago (the reminder fires after 3).
    assigned = add_working_days(today, -5)
    stories.append(Story(author=member(), topic=edu_topics[0], created=assigned - timedelta(days=12),
                         stop="assigned", lead_unit=edu, accept=False, co_opinions=False,
                         dates={"assign": assigned}))
    assigned = add_working_days(today, -4)
    stories.append(Story(author=member(), topic=other_topics[4], created=assigned - timedelta(days=9),
                         stop="assigned", accept=False, co_opinions=False, dates={"assign": assigned}))

    # Co-handling opinions due in 7 and in 1 days (区教育局 co-handles the first).
    for offset, co in ((7, [edu] if edu else []), (1, [])):
        due = today + timedelta(days=offset)
        assigned = assigned_for_opinion(due)
        topic = next(t for t in other_topics if t.co_units)
        lead = demo.units.get(topic.lead_unit) or demo.unit(None)
        co_units = co or [demo.units[n] for n in topic.co_units[:1] if n in demo.units and n != lead.name]
        if edu and lead.pk == edu.pk:
            lead = demo.unit("区财政局")
        stories.append(Story(author=member(), topic=topic, created=assigned - timedelta(days=14), stop="assigned",
                             lead_unit=lead, co_units=co_units, co_opinions=False,
                             dates={"assign": assigned, "contact": assigned + timedelta(days=3)}))

    # Being handled, nothing due yet (one key proposal supervised by demo-leader, one extended).
    for n in range(6):
        assigned = before(rng.randint(12, 50))
        stories.append(Story(author=me if n == 0 else member(), topic=rng.choice(TOPICS),
                             created=assigned - timedelta(days=15), stop="assigned",
                             lead_unit=edu if n in (1, 4) else None, key=n == 2, extend_days=20 if n == 5 else 0,
                             dates={"assign": assigned, "contact": assigned + timedelta(days=5),
                                    "extend": assigned + timedelta(days=8)}))

    # Replies waiting for the officer's approval.
    for n, unit in enumerate((edu, None, None)):
        assigned = before(rng.randint(50, 80))
        stories.append(Story(author=member(), topic=edu_topics[0] if unit else rng.choice(other_topics),
                             created=assigned - timedelta(days=10), stop="reply_review", lead_unit=unit,
                             reply_class="AB"[n % 2], dates={"assign": assigned, "reply": before(n + 1)}))

    # Replied: demo-member's rating still open 11 working days after the approval (reminder), the
    # co-signers have rated; another approved 12 working days ago; two fresh ones.
    for author, working_days, unit, cosigners in ((me, 11, edu, 1), (None, 12, None, 0), (None, 2, None, 1),
                                                  (me, 1, None, 0)):
        approved = add_working_days(today, -working_days)
        author = author or member()
        stories.append(Story(author=author, topic=edu_topics[0] if unit else rng.choice(other_topics),
                             created=approved - timedelta(days=80), stop="replied", lead_unit=unit,
                             cosigners=demo.others(author, cosigners),
                             dates={"assign": approved - timedelta(days=60), "reply": approved - timedelta(days=2),
                                    "approve": approved, "rate": approved + timedelta(days=1)}))

    # Re-handling after a dissatisfied rating (due in about three weeks), and a re-handled reply in review.
    for stop, started in (("rehandling", 9), ("rehandling_review", 20)):
        rated = before(started)
        stories.append(Story(author=member(), topic=rng.choice(other_topics), created=rated - timedelta(days=90),
                             stop=stop, rehandle=True, lead_unit=edu if stop == "rehandling" else None,
                             dates={"assign": rated - timedelta(days=70), "reply": rated - timedelta(days=8),
                                    "approve": rated - timedelta(days=5), "rate": rated,
                                    "contact2": rated + timedelta(days=2), "reply2": rated + timedelta(days=10)}))

    # The proposal office's queue: submitted and registered, not yet assigned.
    for n in range(4):
        stories.append(Story(author=me if n == 0 else member(), topic=rng.choice(TOPICS), stop="submitted",
                             created=before(rng.randint(2, 9))))
    for _n in range(3):
        created = before(rng.randint(8, 16))
        stories.append(Story(author=member(), topic=rng.choice(TOPICS), stop="registered", created=created,
                             dates={"submit": created + timedelta(days=1), "register": before(rng.randint(1, 5))}))
    # Merged into a registered proposal, not registered, withdrawn.
    main = Story(author=member(), topic=TOPICS[1], created=before(30), stop="assigned",
                 dates={"register": before(25), "assign": before(20), "contact": before(12)})
    main.followers = [Story(author=member(), topic=TOPICS[1], created=before(28), stop="merged"),
                      Story(author=me, topic=TOPICS[1], created=before(27), stop="merged")]
    stories.append(main)
    for ground in ("personal", "no_suggestion", "advertising"):
        stories.append(Story(author=member(), topic=rng.choice(TOPICS), stop="not_registered", ground=ground,
                             created=before(rng.randint(20, 120))))
    stories.append(Story(author=member(), topic=rng.choice(TOPICS), stop="withdrawn", created=before(40)))
    stories.append(Story(author=me, topic=TOPICS[7], stop="withdrawn_draft", created=before(60)))

    # demo-member's drafts: one being written, one waiting for a co-signer's answer, one returned.
    stories.append(Story(author=me, topic=edu_topics[0], stop="draft", created=before(3)))
    stories.append(Story(author=me, topic=TOPICS[2], stop="draft", created=before(2),
                         pending=demo.others(me, 1)))
    stories.append(Story(author=me, topic=TOPICS[5], stop="returned", created=before(12),
                         dates={"submit": before(11), "return": before(8)}))
    # Another member invites demo-member to co-sign (waiting for demo-member's answer).
    stories.append(Story(author=member(), topic=TOPICS[0], stop="draft", created=before(1), pending=[me]))
    stories.append(Story(author=member(), topic=rng.choice(TOPICS), stop="draft", created=before(5)))

    stories.sort(key=lambda s: s.dates.get("assign", s.created))
    for story in stories:
        demo.run(story)


def _ensure_session(year: int) -> None:
    """A plenary session for the current year (the members demo covers 2022–2026)."""
    if PlenarySession.objects.filter(opens_on__year=year).exists():
        return
    term = Term.objects.filter(starts_on__year__lte=year, ends_on__year__gte=year).first()
    if term is None:
        number = (Term.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        term = Term.objects.create(number=number, starts_on=date(year, 1, 1), ends_on=date(year + 4, 12, 31))
    number = (term.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    opens = date(year, 2, 24)
    PlenarySession.objects.create(term=term, number=number, opens_on=opens, closes_on=opens + relativedelta(days=3),
                                  proposals_open_on=date(year, 1, 12), proposals_close_on=opens + relativedelta(days=3))


def _analyze() -> None:
    """Planner statistics while the tables fill up (inside the loader's transaction PostgreSQL counts its
    own new rows), so the services' queries stop planning for empty tables."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE proposals_proposal, proposals_assignment, proposals_reply, proposals_rating, "
                           "proposals_cosignerinvitation, proposals_statuschange, proposals_contactrecord, "
                           "members_member, members_ledgerevent")


def live_year(today: date) -> int:
    """The proposals year running on `today`: the session that proposals written today are filed under.
    Before a year's proposal window opens (1–11 January) it is still the previous year's."""
    return drafting.session_for(today)[0].year


def completed_years(live: int, *, recent: bool = False) -> dict[int, int]:
    """The completed years loaded before the running one, with their registered proposals: 2023 (the work
    report's 212) and every year from 2024 up to the one before the running one; with `recent`, only that
    last year, smaller."""
    if recent:
        return {live - 1: RECENT_PREVIOUS_YEAR}
    later = {year: PAST_YEARS.get(year, LATER_PAST_YEAR) for year in range(min(PAST_YEARS), live)}
    return {2023: REGISTERED_2023, **later}


def load(*, stdout=None, recent: bool = False) -> None:
    today = timezone.localdate()
    rng = random.Random(SEED)
    # A session for every year up to this one (the members demo has 2022–2026): proposals written in a
    # later year are filed under that year's session, not under the last one the members demo made.
    for year in range(min(PAST_YEARS), today.year + 1):
        _ensure_session(year)
    demo = Demo(rng, today)
    with _quiet():
        for year, count in completed_years(live_year(today), recent=recent).items():
            _past_year(demo, year, count)
            _analyze()
        # Anything of the past years still waiting for ratings closes when its rating period ends.
        services.proposals_close_expired_rating_periods(today=today)
    with _in_app_only():
        _live_year(demo)
    _analyze()
    _say(stdout, f"  proposals: {Proposal.objects.count()} proposals "
                 f"({Proposal.objects.filter(year=2023, status='closed').count()} closed in 2023), "
                 f"{CosignerInvitation.objects.filter(status=InvitationStatus.PENDING).count()} pending invitations, "
                 f"{Proposal.objects.filter(kind=ProposerKind.COLLECTIVE).count()} collective\n")
