"""Factories for proposals. Every status is reached by calling the real services, never by setting
`status=`: ProposalFactory(assigned=True), ProposalFactory(closed=True, cosigners=2), …

The shared cast (officer, leader, units and their officers, a plenary session whose window contains
today) comes from `world()`, created on first use in each test's database.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.models import HandlingUnit, Member, Party, PlenarySession, Sector, Term
from proposals import services
from proposals.models import ContactedAnswer, ContactMethod, Proposal, Satisfaction
from proposals.workflow import Status
from tests.factories import make_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "答复函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_member(username: str | None = None, *, name: str | None = None, **fields) -> Member:
    """A serving member with an account holding the member role."""
    user = make_user("member", **({"username": username} if username else {}))
    return Member.objects.create(user=user, name=name or user.full_name, gender="male",
                                 party=Party.objects.order_by("order").first(),
                                 sector=Sector.objects.order_by("order").first(), **fields)


def make_unit(name: str, *officers) -> HandlingUnit:
    unit, _created = HandlingUnit.objects.get_or_create(name=name)
    if officers:
        unit.officers.add(*officers)
    return unit


def make_session(*, term_number: int = 10, number: int = 3, open_on: date, close_on: date) -> PlenarySession:
    term, _created = Term.objects.get_or_create(
        number=term_number, defaults={"starts_on": date(2000 + term_number, 1, 1),
                                      "ends_on": date(2100, 12, 31)})
    session, _created = PlenarySession.objects.get_or_create(
        term=term, number=number,
        defaults={"opens_on": close_on + timedelta(days=5), "closes_on": close_on + timedelta(days=8),
                  "proposals_open_on": open_on, "proposals_close_on": close_on})
    return session


@dataclass
class World:
    session: PlenarySession
    officer: object
    leader: object
    lead_unit: HandlingUnit
    lead_handler: object
    co_unit: HandlingUnit
    co_handler: object
    other_unit: HandlingUnit
    other_handler: object


def _user(username: str, role: str):
    # Looked up first: calling the user factory again would reset the password (and with it every
    # logged-in test client's session).
    from zhongyuan_cppcc.accounts.models import User

    return User.objects.filter(username=username).first() or make_user(role, username=username)


def world() -> World:
    """The shared cast, get-or-created by fixed names (cheap to call again)."""
    today = timezone.localdate()
    session = make_session(term_number=10, number=3, open_on=today - timedelta(days=30),
                           close_on=today + timedelta(days=30))
    lead_handler = _user("unit-lead-officer", "handler")
    co_handler = _user("unit-co-officer", "handler")
    other_handler = _user("unit-other-officer", "handler")
    return World(
        session=session,
        officer=_user("proposal-officer", "proposal_officer"),
        leader=_user("the-leader", "leader"),
        lead_unit=make_unit("区城市管理局", lead_handler),
        lead_handler=lead_handler,
        co_unit=make_unit("区住房保障局", co_handler),
        co_handler=co_handler,
        other_unit=make_unit("区教育局", other_handler),
        other_handler=other_handler,
    )


# The order in which services take a proposal to each status.
PATHS = {
    Status.DRAFT: [],
    Status.WITHDRAWN: ["cosign", "withdraw"],
    Status.SUBMITTED: ["cosign", "submit"],
    Status.NOT_REGISTERED: ["cosign", "submit", "reject"],
    Status.MERGED: ["cosign", "submit", "merge"],
    Status.REGISTERED: ["cosign", "submit", "register"],
    Status.ASSIGNED: ["cosign", "submit", "register", "assign"],
    Status.REPLY_REVIEW: ["cosign", "submit", "register", "assign", "reply"],
    Status.REPLIED: ["cosign", "submit", "register", "assign", "reply", "approve"],
    Status.REHANDLING: ["cosign", "submit", "register", "assign", "reply", "approve", "dissatisfied"],
    Status.REHANDLING_REVIEW: ["cosign", "submit", "register", "assign", "reply", "approve", "dissatisfied",
                               "reply"],
    Status.CLOSED: ["cosign", "submit", "register", "assign", "reply", "approve", "satisfied"],
}


def advance(proposal: Proposal, status: str, *, cosigners: list[Member], w: World | None = None,
            reply_class: str = "A", with_co_unit: bool = True) -> Proposal:
    """Take a fresh draft to `status` through the real services."""
    w = w or world()
    author = proposal.author
    for step in PATHS[status]:
        if step == "cosign":
            for member in cosigners:
                invitation = services.proposal_invite_cosigner(actor=author, proposal=proposal, member=member)
                services.invitation_accept(actor=member.user, invitation=invitation)
        elif step == "submit":
            services.proposal_submit(actor=author, proposal=proposal)
        elif step == "withdraw":
            services.proposal_withdraw(actor=author, proposal=proposal)
        elif step == "reject":
            services.proposal_reject(actor=w.officer, proposal=proposal, ground="personal")
        elif step == "merge":
            main = ProposalFactory(submitted=True, title="关于合并目标提案的建议")
            services.proposal_merge(actor=w.officer, proposal=proposal, into=main)
        elif step == "register":
            services.proposal_register(actor=w.officer, proposal=proposal)
        elif step == "assign":
            services.proposal_assign(actor=w.officer, proposal=proposal, lead_unit=w.lead_unit,
                                     co_units=[w.co_unit] if with_co_unit else [])
        elif step == "reply":
            services.proposal_record_contact(actor=w.lead_handler, proposal=proposal, method=ContactMethod.PHONE,
                                             contacted_on=timezone.localdate())
            services.reply_submit(actor=w.lead_handler, proposal=proposal, reply_class=reply_class,
                                  text="经研究，已纳入明年计划。", document=pdf_upload())
        elif step == "approve":
            services.reply_approve(actor=w.officer, proposal=proposal)
        elif step == "dissatisfied":
            services.rating_submit(actor=author, proposal=proposal, overall=Satisfaction.DISSATISFIED,
                                   contacted=ContactedAnswer.PHONE, on_point=False)
        elif step == "satisfied":
            for user in [author, *[m.user for m in cosigners]]:
                services.rating_submit(actor=user, proposal=proposal, overall=Satisfaction.SATISFIED,
                                       contacted=ContactedAnswer.YES, on_point=True)
    proposal.refresh_from_db()
    return proposal


class ProposalFactory(factory.Factory):
    """ProposalFactory(<status>=True, cosigners=N, author=<user>) → a proposal in that status."""

    class Meta:
        model = Proposal

    class Params:
        withdrawn = factory.Trait(target_status=Status.WITHDRAWN)
        submitted = factory.Trait(target_status=Status.SUBMITTED)
        not_registered = factory.Trait(target_status=Status.NOT_REGISTERED)
        merged = factory.Trait(target_status=Status.MERGED)
        registered = factory.Trait(target_status=Status.REGISTERED)
        assigned = factory.Trait(target_status=Status.ASSIGNED)
        reply_review = factory.Trait(target_status=Status.REPLY_REVIEW)
        replied = factory.Trait(target_status=Status.REPLIED)
        rehandling = factory.Trait(target_status=Status.REHANDLING)
        rehandling_review = factory.Trait(target_status=Status.REHANDLING_REVIEW)
        closed = factory.Trait(target_status=Status.CLOSED)

    target_status = Status.DRAFT
    cosigners = 0
    reply_class = "A"
    with_co_unit = True
    author = None
    title = factory.Sequence(lambda n: f"关于改善第{n}片区老旧小区停车难问题的建议")
    category = "urban"
    situation = "老旧小区停车位严重不足，车辆占用消防通道的现象时有发生。"
    analysis = "小区建设年代早，规划车位少，周边缺少公共停车场。"
    suggestions = "一是挖潜增设停车位；二是推行错时共享停车；三是加强消防通道管理。"

    @classmethod
    def _create(cls, model_class, *, target_status, cosigners, reply_class, with_co_unit, author, **content):
        w = world()
        if author is None:
            author = make_member().user
        members = cosigners if isinstance(cosigners, list) else [make_member() for _ in range(cosigners)]
        proposal = services.proposal_create_draft(author=author, **content)
        return advance(proposal, target_status, cosigners=members, w=w, reply_class=reply_class,
                       with_co_unit=with_co_unit)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):  # pragma: no cover - proposals are only created by services
        raise NotImplementedError("Use ProposalFactory(...) (create); proposals come from services.")


ALL_STATUS_TRAITS = [s.value for s in Status]
