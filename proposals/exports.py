"""The 提案汇编 workbook: the officer's filtered list as .xlsx, declared for the shared Excel writer
(zhongyuan_cppcc.exports.excel: write-only, chunked ids-first, text never a formula, background job for long
lists, audited). No contact details: no telephone numbers, no reply contact persons."""

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongyuan_cppcc.exports.excel import Column, ExcelExport, register

from .filters import ProposalFilterSet, officer_proposals
from .models import (
    Assignment,
    CosignerInvitation,
    InvitationStatus,
    Proposal,
    Rating,
    RatingStatus,
    Reply,
    ReplyClass,
    ReplyStatus,
)
from .models import Satisfaction as SatisfactionChoices

KIND = "proposals.proposals"


def _rows(user, query):
    return officer_proposals(user, query)[1].select_related(
        "lead_member", "lead_unit", "organisation_party", "organisation_sector", "organisation_committee")


def _grouped(pairs) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _prepare(chunk: list[Proposal]) -> dict:
    """Each chunk's co-handling units, co-signers and ratings (one query each), and the labels resolved once
    (get_FOO_display() translates a lazy label on every call: seconds per 10,000 rows)."""
    ids = [x.pk for x in chunk]
    texts = {pk: (situation, analysis, suggestions) for pk, situation, analysis, suggestions in
             Proposal.objects.filter(pk__in=ids).values_list("pk", "situation", "analysis", "suggestions")}
    replies: dict[int, str] = {}
    for proposal_id, text in (Reply.objects.filter(proposal_id__in=ids, status=ReplyStatus.APPROVED)
                              .order_by("round", "approved_at", "pk").values_list("proposal_id", "text")):
        replies[proposal_id] = text  # the latest approved reply
    ratings: dict[int, dict[str, int]] = {}
    for proposal_id, overall in (Rating.objects.filter(proposal_id__in=ids, status=RatingStatus.RATED,
                                                       round=F("proposal__reply_round"))
                                 .values_list("proposal_id", "overall")):
        bucket = ratings.setdefault(proposal_id, {})
        bucket[overall] = bucket.get(overall, 0) + 1
    return {
        "texts": texts, "replies": replies,
        "co_units": _grouped(Assignment.objects.filter(proposal_id__in=ids, role="co", superseded_at__isnull=True)
                             .order_by("unit__order", "unit__name").values_list("proposal_id", "unit__name")),
        "cosigners": _grouped(CosignerInvitation.objects.filter(proposal_id__in=ids, status=InvitationStatus.ACCEPTED)
                              .order_by("invited_at", "pk").values_list("proposal_id", "member__name")),
        "ratings": ratings,
        "classes": {value: str(label) for value, label in ReplyClass.choices},
        "categories": {value: str(label) for value, label in Proposal._meta.get_field("category").choices},
        "statuses": {value: str(label) for value, label in Proposal._meta.get_field("status").choices},
        "satisfaction": [(value, str(label)) for value, label in SatisfactionChoices.choices],
        "yes": _("Yes"), "no": _("No"),
    }


def _proposers(x: Proposal, extras: dict) -> str:
    first = str(x.organisation or "") if x.is_collective else (x.lead_member.name if x.lead_member else "")
    return "、".join(name for name in [first, *extras["cosigners"].get(x.pk, [])] if name)


def _satisfaction(x: Proposal, extras: dict) -> str:
    """满意 / 基本满意 / 不满意: with several proposers, the least satisfied rating of the final reply counts
    (one dissatisfied proposer sends the proposal back to re-handling)."""
    counts = extras["ratings"].get(x.pk, {})
    rated = [label for value, label in extras["satisfaction"] if counts.get(value)]
    return rated[-1] if rated else ""


def _text(part: int):
    return lambda x, extras: extras["texts"].get(x.pk, ("", "", ""))[part]


def _flag(name: str):
    return lambda x, extras: extras["yes"] if getattr(x, name) else extras["no"]


def _audit_details(query) -> dict:
    return {"filters": ProposalFilterSet(query, queryset=Proposal.objects.none()).as_dict()}


PROPOSALS = register(ExcelExport(
    kind=KIND, label=gettext_lazy("Proposal compilation"), permission="proposals.export_proposals",
    rows=_rows, prepare=_prepare, filename=gettext_lazy("Proposal compilation"), sheet_title=gettext_lazy("Proposals"),
    audit_action="proposals.exported", audit_object_type="proposals.proposal", audit_details=_audit_details,
    columns=[
        Column(gettext_lazy("Number"), "number", width=14),
        Column(gettext_lazy("Proposal title"), "title", width=40),
        Column(gettext_lazy("Proposers"), _proposers, width=24),
        Column(gettext_lazy("Category"), lambda x, e: e["categories"].get(x.category, x.category), width=10),
        Column(gettext_lazy("Lead unit"), lambda x, e: x.lead_unit.name if x.lead_unit else "", width=20),
        Column(gettext_lazy("Co-handling units"), lambda x, e: "、".join(e["co_units"].get(x.pk, [])), width=24),
        Column(gettext_lazy("Status"), lambda x, e: e["statuses"].get(x.status, x.status), width=10),
        Column(gettext_lazy("Submitted on"), "submitted_at", width=12, date=True),
        Column(gettext_lazy("Registered on"), "registered_at", width=12, date=True),
        Column(gettext_lazy("Assigned on"), "assigned_on", width=12, date=True),
        Column(gettext_lazy("Reply due on"), "reply_due_on", width=12, date=True),
        Column(gettext_lazy("Reply approved on"), "reply_approved_on", width=12, date=True),
        Column(gettext_lazy("Reply class"), lambda x, e: e["classes"].get(x.reply_class, ""), width=16),
        Column(gettext_lazy("Satisfaction"), _satisfaction, width=18),
        Column(gettext_lazy("Key proposal"), _flag("is_key"), width=8),
        Column(gettext_lazy("Excellent proposal"), _flag("is_excellent"), width=8),
        Column(gettext_lazy("Situation"), _text(0), width=60),
        Column(gettext_lazy("Analysis"), _text(1), width=60),
        Column(gettext_lazy("Suggestions"), _text(2), width=60),
        Column(gettext_lazy("Reply text"), lambda x, e: e["replies"].get(x.pk, ""), width=60),
    ],
))


# --- The other proposal lists: each export holds exactly the rows its list shows the user --------------------

def _labels(chunk) -> dict:
    return {"statuses": {value: str(label) for value, label in Proposal._meta.get_field("status").choices},
            "categories": {value: str(label) for value, label in Proposal._meta.get_field("category").choices}}


def _status(x, e) -> str:
    return e["statuses"].get(x.status, x.status)


def _unit_name(x, e) -> str:
    return x.lead_unit.name if x.lead_unit else ""


NUMBER = Column(gettext_lazy("Number"), lambda x, e: x.number or "", width=14)
TITLE = Column(gettext_lazy("Proposal title"), "title", width=40)
LEAD_UNIT = Column(gettext_lazy("Lead unit"), _unit_name, width=20)
STATUS = Column(gettext_lazy("Status"), _status, width=12)
REPLY_DUE = Column(gettext_lazy("Reply due on"), "reply_due_on", width=12, date=True)


def _query_unit(user, query):
    """The unit the handler's list is narrowed to (?unit=), among the user's own units; None for all of them."""
    from members.models import HandlingUnit

    value = (query.get("unit") or "").strip()
    if not value.isdigit():
        return None
    return HandlingUnit.objects.filter(officers=user, pk=int(value)).first()


def _unit_rows(user, query):
    from . import selectors

    return selectors.unit_proposals_for(user=user, unit=_query_unit(user, query)).defer(*selectors.HEAVY_COLUMNS)


def _unit_prepare(chunk) -> dict:
    extras = _labels(chunk)
    roles: dict[int, set] = {}
    for proposal_id, role in (Assignment.objects.filter(proposal_id__in=[x.pk for x in chunk],
                                                        superseded_at__isnull=True)
                              .values_list("proposal_id", "role")):
        roles.setdefault(proposal_id, set()).add(role)
    extras["roles"] = roles
    return extras


UNIT_LIST = register(ExcelExport(
    kind="proposals.unit", label=gettext_lazy("My unit's proposals"), permission="proposals.list_unit_proposals",
    rows=_unit_rows, prepare=_unit_prepare, filename=gettext_lazy("Handling unit proposals"),
    audit_action="proposals.exported", audit_object_type="proposals.proposal",
    columns=[
        NUMBER, TITLE,
        Column(gettext_lazy("Category"), lambda x, e: e["categories"].get(x.category, x.category), width=10),
        LEAD_UNIT, STATUS,
        Column(gettext_lazy("Assigned on"), "assigned_on", width=12, date=True),
        REPLY_DUE,
        Column(gettext_lazy("Overdue"), lambda x, e: _("Yes") if getattr(x, "is_overdue", False) else _("No"),
               width=8),
    ],
))


def _key_year(query) -> int | None:
    value = (query.get("year") or "").strip()
    return int(value) if value.isdigit() and 1990 <= int(value) <= 2100 else None


def _key_rows(user, query):
    from . import selectors

    return selectors.key_proposals_for(user=user, year=_key_year(query)).defer(*selectors.HEAVY_COLUMNS)


KEY_LIST = register(ExcelExport(
    kind="proposals.key", label=gettext_lazy("Key proposals"), permission="proposals.view_key_proposals",
    rows=_key_rows, prepare=_labels, filename=gettext_lazy("Key proposals"),
    audit_action="proposals.exported", audit_object_type="proposals.proposal",
    columns=[
        NUMBER, TITLE,
        Column(gettext_lazy("Supervising leader"),
               lambda x, e: x.supervising_leader.get_full_name() if x.supervising_leader else "", width=12),
        LEAD_UNIT, REPLY_DUE, STATUS,
    ],
))


def _approval_rows(user, query):
    from . import selectors

    return selectors.reply_approval_queue_for(user=user).defer(*selectors.HEAVY_COLUMNS)


def _approval_prepare(chunk) -> dict:
    extras = _labels(chunk)
    extras["replies"] = {r.proposal_id: r for r in Reply.objects.filter(
        proposal_id__in=[x.pk for x in chunk], status=ReplyStatus.SUBMITTED).select_related("unit").order_by("pk")}
    extras["classes"] = {value: str(label) for value, label in ReplyClass.choices}
    return extras


def _pending(x, e):
    return e["replies"].get(x.pk)


APPROVAL_QUEUE = register(ExcelExport(
    kind="proposals.approval", label=gettext_lazy("Replies to approve"), permission="proposals.review_replies",
    rows=_approval_rows, prepare=_approval_prepare, filename=gettext_lazy("Replies to approve"),
    audit_action="proposals.exported", audit_object_type="proposals.proposal",
    columns=[
        NUMBER, TITLE, LEAD_UNIT,
        Column(gettext_lazy("Replying unit"), lambda x, e: _pending(x, e).unit.name if _pending(x, e) else "",
               width=20),
        Column(gettext_lazy("Class proposed by the unit"),
               lambda x, e: e["classes"].get(_pending(x, e).submitted_class, "") if _pending(x, e) else "", width=14),
        Column(gettext_lazy("Submitted on"), lambda x, e: x.reply_submitted_at, width=12, date=True),
        REPLY_DUE, STATUS,
    ],
))


def _unit_table_rows(user, query):
    from django.utils import timezone

    from . import selectors

    this_year = timezone.localdate().year
    year = _key_year(query)
    year = year if year and year <= this_year + 1 else this_year
    rows = selectors.unit_figures(year=year)
    rows.sort(key=lambda f: (-f.registered, f.unit.order, f.unit.name))
    return rows


def _percent(value) -> str:
    return f"{value * 100:.0f}%" if value is not None else ""


UNIT_TABLE = register(ExcelExport(
    kind="proposals.units", label=gettext_lazy("Proposals by handling unit"), permission="proposals.view_statistics",
    rows=_unit_table_rows, filename=gettext_lazy("Proposals by handling unit"), background=False,
    audit_action="proposals.exported", audit_object_type="members.handlingunit",
    columns=[
        Column(gettext_lazy("Handling unit"), lambda f, e: f.unit.name, width=24),
        Column(gettext_lazy("Assigned (lead)"), "registered", width=10),
        Column(gettext_lazy("Replied"), "replied", width=10),
        Column(gettext_lazy("Overdue"), "overdue", width=10),
        Column(gettext_lazy("Reply rate"), lambda f, e: _percent(f.reply_rate), width=10),
        Column(gettext_lazy("Satisfaction rate"), lambda f, e: _percent(f.satisfaction_rate), width=10),
        Column(gettext_lazy("Co-handled"), "co_handled", width=10),
    ],
))


def _reminder_rows(user, query):
    from .views.reminders import ReminderFilter, _reminders

    form = ReminderFilter(query or None)
    return _reminders(form.cleaned_data if form.is_valid() else {})


def _reminder_prepare(chunk) -> dict:
    from .models import Milestone, ReminderKind, ReminderStatus

    return {"milestones": dict((v, str(label)) for v, label in Milestone.choices),
            "kinds": dict((v, str(label)) for v, label in ReminderKind.choices),
            "statuses": dict((v, str(label)) for v, label in ReminderStatus.choices)}


REMINDERS = register(ExcelExport(
    kind="proposals.reminders", label=gettext_lazy("Deadline reminders"), permission="proposals.view_reminders",
    rows=_reminder_rows, prepare=_reminder_prepare, filename=gettext_lazy("Deadline reminders"),
    audit_action="proposals.exported", audit_object_type="proposals.reminder",
    columns=[
        Column(gettext_lazy("Created at"), "created_at", width=16),
        Column(gettext_lazy("Number"), lambda r, e: r.proposal.number or "", width=14),
        Column(gettext_lazy("Proposal title"), lambda r, e: r.proposal.title, width=36),
        Column(gettext_lazy("Milestone"), lambda r, e: e["milestones"].get(r.milestone, r.milestone), width=22),
        Column(gettext_lazy("Kind"), lambda r, e: e["kinds"].get(r.kind, r.kind), width=10),
        Column(gettext_lazy("Recipient"), lambda r, e: r.recipient.get_full_name() or r.recipient.get_username(),
               width=12),
        Column(gettext_lazy("Handling unit"), lambda r, e: r.unit.name if r.unit else "", width=20),
        Column(gettext_lazy("Due on"), "due_on", width=12, date=True),
        Column(gettext_lazy("Status"), lambda r, e: e["statuses"].get(r.status, r.status), width=10),
        Column(gettext_lazy("Sent at"), "sent_at", width=16),
        Column(gettext_lazy("Note"), "note", width=30),
    ],
))
