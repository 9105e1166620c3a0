"""Proposal lists per role, the public archive, the per-unit table, the Excel export and the print form.

Every list runs a fixed number of queries whatever the page size: rows come from the scoped selectors
with their related rows joined, per-row extras (the user's assignment, open ratings, approved replies)
are fetched for the whole page at once, and working-day deadlines use one calendar snapshot.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from members.models import HandlingUnit
from zhongyuan_cppcc.calendar.services import WorkingCalendar
from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.core.params import safe_next_url
from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.page_cache import kept_page
from zhongyuan_cppcc.lists.paging import IdsFirst, parse_page, parse_per_page
from zhongyuan_cppcc.lists.views import (
    DEFAULT_PER_PAGE,
    PER_PAGE_CHOICES,
    FilteredListView,
    export_form_context,
    query_string,
)

from .. import deadlines, selectors, services
from .. import parameters as p
from ..exports import KIND as EXPORT_KIND
from ..filters import ProposalFilterSet, officer_list_url
from ..forms import ArchiveSearchForm, BulkAssignForm
from ..models import (
    Assignment,
    AssignmentAnswer,
    CosignerInvitation,
    InvitationStatus,
    Proposal,
    Rating,
    RatingStatus,
    Reply,
    ReplyStatus,
)
from ..selectors import HEAVY_COLUMNS
from ..workflow import DEADLINE_STATUSES, Status

FIRST_YEAR = 2000


# --- Helpers ------------------------------------------------------------------------------------------------


def _paginate(request, queryset, per_page: int | None = None):
    """The requested page (an out-of-range or malformed number shows the nearest page, never a 404)."""
    per_page = per_page or parse_per_page(request.GET.get("per_page"), choices=PER_PAGE_CHOICES,
                                          default=DEFAULT_PER_PAGE)
    return Paginator(queryset, per_page).get_page(parse_page(request.GET.get("page")))


def _show_label(show: str) -> str:
    """What a home counter's subset of a list (?show=…) holds, as the counter names it."""
    return {"running": _("Being handled"), "overdue": _("Overdue"),
            "pending": _("Assignments waiting for our answer"), "invitations": _("Invitations to co-sign"),
            "to_rate": _("Replies waiting for my rating")}.get(show, "")


def _query_string(request, drop=("page",)) -> str:
    return query_string(request, drop)


def _year(request, default: int | None = None) -> int | None:
    """A sane year from ?year= (or `default`)."""
    try:
        year = int(request.GET.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    this_year = timezone.localdate().year
    return year if FIRST_YEAR <= year <= this_year + 1 else default


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _page_calendar(today: date, dates) -> WorkingCalendar:
    """One calendar snapshot covering every date a page computes from (working-day arithmetic itself is the
    calendar service's add/count)."""
    dates = [d for d in dates if d is not None]
    longest = max(get_parameter(p.RATING_WINDOW_WORKING_DAYS), get_parameter(p.CONTACT_WORKING_DAYS),
                  get_parameter(p.OBJECTION_WORKING_DAYS))
    reach = timedelta(days=longest * 2 + 45)
    return WorkingCalendar(min([today, *dates]) - timedelta(days=1), max([today, *dates]) + reach)


def _is_overdue(proposal: Proposal, today: date) -> bool:
    return proposal.status in DEADLINE_STATUSES and proposal.reply_due_on is not None and proposal.reply_due_on < today


def _calendar_days_left(proposal: Proposal, today: date) -> int | None:
    if proposal.status in DEADLINE_STATUSES and proposal.reply_due_on:
        return (proposal.reply_due_on - today).days
    return None


# --- Role landing -------------------------------------------------------------------------------------------


@require_GET
def proposal_list(request):
    """/proposals/: the list that fits the user's main role."""
    user = request.user
    if user.has_perm("proposals.review_replies") or user.has_perm("proposals.bulk_assign_proposals"):
        return redirect("proposals:officer-list")
    if user.has_role("leader"):
        return redirect("proposals:key-list")
    if user.has_perm("proposals.list_unit_proposals"):
        return redirect("proposals:unit-list")
    if user.has_perm("proposals.list_own_proposals"):
        return redirect("proposals:my-proposals")
    if user.has_perm("proposals.list_all_proposals"):  # pragma: no cover - officers and leaders handled above
        return redirect("proposals:officer-list")
    raise PermissionDenied


# --- Member: my proposals -----------------------------------------------------------------------------------


def _next_step(proposal: Proposal, *, rating_due: date | None) -> str:
    """What happens next, in the proposer's words (`rating_due`: when the user's open rating of the reply is
    due, None if they have none)."""
    status = proposal.status
    if status == Status.DRAFT:
        if proposal.revision_requested:
            return _("Returned for revision: change it and submit it again.")
        return _("Finish the draft and submit it.")
    if status == Status.SUBMITTED:
        return _("Waiting for the proposal office to register it.")
    if status == Status.REGISTERED:
        return _("Registered; waiting for assignment to a handling unit.")
    if status in (Status.ASSIGNED, Status.REHANDLING):
        return _("%(unit)s is handling it; reply due on %(due)s.") % {
            "unit": proposal.lead_unit or "—", "due": proposal.reply_due_on or "—"}
    if status in (Status.REPLY_REVIEW, Status.REHANDLING_REVIEW):
        return _("The reply is being checked by the proposal office.")
    if status == Status.REPLIED:
        if rating_due is not None:
            return _("Please rate the reply by %(due)s.") % {"due": rating_due}
        return _("Replied; waiting for the other proposers' ratings.")
    if status == Status.CLOSED:
        return _("Finished.")
    if status == Status.NOT_REGISTERED:
        return _("Not registered: %(ground)s") % {"ground": proposal.get_rejection_ground_display()}
    if status == Status.MERGED:
        return _("Merged into another proposal; you receive its reply.")
    if status == Status.WITHDRAWN:
        return _("Withdrawn.")
    return ""  # pragma: no cover - every status is listed above


@require_GET
@kept_page
def my_proposals(request):
    _require(request, "proposals.list_own_proposals")
    user = request.user
    today = timezone.localdate()
    show = request.GET.get("show") if request.GET.get("show") in selectors.MINE_SHOW else ""
    # The user's open rating of the current reply comes with each row (the date it was asked for).
    open_rating = Rating.objects.filter(proposal=OuterRef("pk"), user=user, status=RatingStatus.OPEN,
                                        round=OuterRef("reply_round")).order_by().values("requested_on")[:1]
    mine = selectors.my_proposals_for(user=user).filter(selectors.mine_show_q(user=user, show=show)).defer(
        *HEAVY_COLUMNS).annotate(rating_requested_on=Subquery(open_rating)).prefetch_related(
        Prefetch("invitations", queryset=CosignerInvitation.objects.filter(member__user=user),
                 to_attr="my_invitations"))
    page = _paginate(request, mine)
    rows = list(page.object_list)
    window = get_parameter(p.RATING_WINDOW_WORKING_DAYS)
    calendar = _page_calendar(today, [r.rating_requested_on for r in rows])
    for proposal in rows:
        proposal.rating_due = (calendar.add(proposal.rating_requested_on, window)
                               if proposal.rating_requested_on is not None else None)
        if proposal.author_id == user.pk or (proposal.lead_member and proposal.lead_member.user_id == user.pk):
            proposal.my_part = _("Lead proposer")
        elif any(i.status == InvitationStatus.ACCEPTED for i in proposal.my_invitations):
            proposal.my_part = _("Co-signer")
        elif any(i.status == InvitationStatus.PENDING for i in proposal.my_invitations):
            proposal.my_part = _("Invited to co-sign")
        else:
            proposal.my_part = _("Through a merged proposal")
        proposal.next_step = _next_step(proposal, rating_due=proposal.rating_due)
        proposal.overdue = _is_overdue(proposal, today)
        proposal.reply_running = proposal.status in DEADLINE_STATUSES and proposal.reply_due_on is not None
    invitations = list(selectors.invitations_waiting_for(user=user)[:50])
    return render(request, "proposals/lists/mine.html", {
        "title": _("My proposals"), "page_obj": page, "proposals": rows, "rows": rows,
        "invitations": invitations, "show": show, "show_label": _show_label(show),
        "query_string": _query_string(request), "today": today,
    })


# --- Handling unit ------------------------------------------------------------------------------------------


@require_GET
@kept_page
def unit_list(request):
    _require(request, "proposals.list_unit_proposals")
    user = request.user
    today = timezone.localdate()
    units = list(HandlingUnit.objects.filter(officers=user).order_by("order", "name"))
    unit = None
    if request.GET.get("unit"):
        unit = next((u for u in units if str(u.pk) == request.GET["unit"]), None)
        if unit is None:
            raise Http404
    mine = Assignment.objects.filter(superseded_at__isnull=True, unit__officers=user).select_related("unit")
    if unit is not None:
        mine = mine.filter(unit=unit)
    show = request.GET.get("show") if request.GET.get("show") in selectors.UNIT_SHOW else ""
    qs = selectors.unit_proposals_for(user=user, unit=unit, today=today).defer(*HEAVY_COLUMNS).prefetch_related(
        Prefetch("assignments", queryset=mine.order_by("role", "unit__order"), to_attr="my_assignments"))
    if show:  # a home counter's subset; the fast count below is of the whole list
        qs = qs.filter(selectors.unit_show_q(user=user, show=show, today=today))
    count = None if show else (lambda: selectors.unit_proposals_count(user=user, unit=unit))
    page = _paginate(request, IdsFirst(qs, count=count))
    rows = list(page.object_list)
    # An unanswered assignment matters while the proposal is being handled (later it is moot).
    pending = [a for row in rows for a in row.my_assignments
               if a.answer == AssignmentAnswer.PENDING and row.status == Status.ASSIGNED]
    objection_due = deadlines.objection_deadlines([a.assigned_on for a in pending]) if pending else {}
    calendar = _page_calendar(today, [*objection_due.values(), *(r.assigned_on for r in rows)]) if rows else None
    contact_days = get_parameter(p.CONTACT_WORKING_DAYS)
    for proposal in rows:
        proposal.days_left = _calendar_days_left(proposal, today)
        # The lead unit contacts the proposer within N working days of the assignment.
        leads = any(a.role == "lead" for a in proposal.my_assignments)
        proposal.contact_due = (calendar.add(proposal.assigned_on, contact_days)
                                if leads and proposal.assigned_on and proposal.contact_recorded_on is None
                                and proposal.status in DEADLINE_STATUSES else None)
        proposal.contact_days_left = calendar.count(today, proposal.contact_due) if proposal.contact_due else None
        proposal.days_late = -proposal.days_left if proposal.days_left is not None and proposal.days_left < 0 else 0
        for assignment in proposal.my_assignments:
            assignment.waiting = assignment.answer == AssignmentAnswer.PENDING and proposal.status == Status.ASSIGNED
            assignment.objection_due = objection_due.get(assignment.assigned_on) if assignment.waiting else None
            assignment.objection_days_left = (calendar.count(today, assignment.objection_due)
                                              if assignment.objection_due else None)
            assignment.opinion_days_left = ((assignment.opinion_due_on - today).days
                                            if assignment.role == "co" and assignment.opinion_due_on
                                            and assignment.opinion_submitted_at is None else None)
    return render(request, "proposals/lists/unit.html", {
        "title": _("My unit's proposals"), "page_obj": page, "proposals": rows, "rows": rows,
        "units": units, "unit": unit, "show": show, "show_label": _show_label(show),
        "query_string": _query_string(request), "today": today,
        **export_form_context(request, "proposals:unit-export", "proposals.list_unit_proposals"),
    })


# --- Officer: every proposal, filters, bulk assignment ------------------------------------------------------


class _BulkForm(BulkAssignForm):
    """Bulk assignment: any proposal the office sees may be checked; the service reports, per row, why
    one cannot be assigned (instead of the whole form failing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = Proposal.objects.filter(submitted_at__isnull=False)


class OfficerList(FilteredListView):
    """Every submitted proposal, filtered (filters.ProposalFilterSet), with bulk assignment and the export."""

    permission_required = "proposals.list_all_proposals"
    filterset_class = ProposalFilterSet
    template_name = "proposals/lists/officer.html"
    title = gettext_lazy("All proposals")
    export_url_name = "proposals:export"
    export_permission = "proposals.export_proposals"
    export_label = gettext_lazy("Export to Excel (提案汇编)")

    def get_base_queryset(self):
        return selectors.officer_proposals_for(user=self.request.user).defer(*HEAVY_COLUMNS)

    def decorate(self, rows):
        today = self.today = timezone.localdate()
        for proposal in rows:
            proposal.overdue = _is_overdue(proposal, today)
            proposal.days_left = _calendar_days_left(proposal, today)
            proposal.assignable = proposal.status == Status.REGISTERED

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_assign = self.request.user.has_perm("proposals.bulk_assign_proposals")
        context.update(proposals=context["rows"], today=self.today, bulk_form=_BulkForm()
                       if can_assign and any(r.assignable for r in context["rows"]) else None)
        if self.request.user.has_perm("proposals.export_proposals"):  # the year's 提案汇编 as a PDF
            year = (self.get_filterset().as_dict() or {}).get("year") or self.today.year
            context.update(compilation_years=list(range(self.today.year, self.today.year - 6, -1)),
                           compilation_year=year)
        return context


officer_list = OfficerList.as_view()


def _back(request) -> str:
    officer_list = reverse("proposals:officer-list")
    return safe_next_url(request, officer_list, prefix=officer_list)


@require_POST
def bulk_assign(request):
    _require(request, "proposals.bulk_assign_proposals")
    form = _BulkForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect(_back(request))
    chosen = list(form.cleaned_data["proposals"])
    result = services.proposals_bulk_assign(
        actor=request.user, proposals=[x.pk for x in chosen], lead_unit=form.cleaned_data["lead_unit"],
        co_units=list(form.cleaned_data["co_units"]), reply_due_on=form.cleaned_data["reply_due_on"])
    if result.assigned:
        messages.success(request, _("%(count)d proposals were assigned to %(unit)s.") % {
            "count": len(result.assigned), "unit": form.cleaned_data["lead_unit"]})
    by_pk = {x.pk: x for x in chosen}
    for pk, message in result.failed.items():
        proposal = by_pk.get(pk)
        messages.error(request, _("Not assigned: %(proposal)s — %(reason)s") % {
            "proposal": proposal if proposal is not None else pk, "reason": message})
    return redirect(_back(request))


@require_GET
@kept_page
def approval_queue(request):
    _require(request, "proposals.review_replies")
    qs = selectors.reply_approval_queue_for(user=request.user).defer(*HEAVY_COLUMNS).prefetch_related(
        Prefetch("replies", queryset=Reply.objects.filter(status=ReplyStatus.SUBMITTED).select_related("unit"),
                 to_attr="submitted_replies"))
    page = _paginate(request, qs)
    rows = list(page.object_list)
    for proposal in rows:
        proposal.pending_reply = proposal.submitted_replies[-1] if proposal.submitted_replies else None
    return render(request, "proposals/lists/approval_queue.html", {
        "title": _("Replies to approve"), "page_obj": page, "proposals": rows, "rows": rows,
        "query_string": _query_string(request),
        **export_form_context(request, "proposals:approval-export", "proposals.review_replies"),
    })


# --- Leaders: key proposals ---------------------------------------------------------------------------------


@require_GET
@kept_page
def key_list(request):
    _require(request, "proposals.view_key_proposals")
    today = timezone.localdate()
    year = _year(request)
    page = _paginate(request, selectors.key_proposals_for(user=request.user, year=year).defer(*HEAVY_COLUMNS))
    rows = list(page.object_list)
    for proposal in rows:
        proposal.overdue = _is_overdue(proposal, today)
        proposal.days_left = _calendar_days_left(proposal, today)
        proposal.mine = proposal.supervising_leader_id == request.user.pk
    this_year = timezone.localdate().year
    return render(request, "proposals/lists/key.html", {
        "title": _("Key proposals"), "page_obj": page, "proposals": rows, "rows": rows,
        "year": year, "years": list(range(this_year, this_year - 6, -1)),
        "query_string": _query_string(request),
        **export_form_context(request, "proposals:key-export", "proposals.view_key_proposals"),
    })


# --- Statistics: per unit -----------------------------------------------------------------------------------


@require_GET
def unit_table(request):
    _require(request, "proposals.view_statistics")
    this_year = timezone.localdate().year
    year = _year(request, default=this_year)
    rows = selectors.unit_figures(year=year)
    rows.sort(key=lambda f: (-f.registered, f.unit.order, f.unit.name))
    can_list = request.user.has_perm("proposals.list_all_proposals")
    for figures in rows:
        unit_id = figures.unit.pk
        figures.links = {
            "registered": officer_list_url(year=year, unit=unit_id, stage="registered"),
            "replied": officer_list_url(year=year, unit=unit_id, stage="replied"),
            "overdue": officer_list_url(year=year, unit=unit_id, overdue="1"),
        } if can_list else {}
    return render(request, "proposals/lists/units.html", {
        "rows": rows, "year": year, "years": list(range(this_year, this_year - 6, -1)),
        **export_form_context(request, "proposals:unit-table-export", "proposals.view_statistics"),
        "export_fields": [("year", year)],
    })


# --- Archive ------------------------------------------------------------------------------------------------


@require_GET
@kept_page
def archive(request):
    _require(request, "proposals.view_archive")
    form = ArchiveSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.archive_for(user=request.user, text=data.get("text") or "", year=data.get("year"),
                               category=data.get("category") or None).defer(*HEAVY_COLUMNS).prefetch_related(
        Prefetch("replies", queryset=Reply.objects.filter(status=ReplyStatus.APPROVED).select_related("unit")
                 .order_by("round"), to_attr="approved_replies"))
    page = _paginate(request, qs)
    rows = list(page.object_list)
    for proposal in rows:
        # Archive copies: no contact person, phone or signed document; numbers masked.
        proposal.public_replies = [selectors._public_reply(r) for r in proposal.approved_replies]
    return render(request, "proposals/lists/archive.html", {
        "title": _("Archive of proposals and replies"), "page_obj": page, "proposals": rows, "rows": rows,
        "form": form, "query_string": _query_string(request),
    })


# --- Export ---------------------------------------------------------------------------------------------------

# POST only: the officer list's filters come in the form the list page renders (exports.py declares the workbook).
export = ExcelExportView.as_view(kind=EXPORT_KIND)
# The other lists' exports (exports.py): POST, with the list's filters; each holds what its list shows the user.
unit_export = ExcelExportView.as_view(kind="proposals.unit")
key_export = ExcelExportView.as_view(kind="proposals.key")
approval_export = ExcelExportView.as_view(kind="proposals.approval")
unit_table_export = ExcelExportView.as_view(kind="proposals.units")
reminders_export = ExcelExportView.as_view(kind="proposals.reminders")


# --- Print --------------------------------------------------------------------------------------------------


@require_GET
def print_proposal(request, pk: int):
    """The 提案表 and its approved replies, laid out for A4 paper."""
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)  # 404 unless proposals.view_proposal
    cosigners = list(CosignerInvitation.objects.filter(proposal=proposal, status=InvitationStatus.ACCEPTED)
                     .select_related("member").order_by("invited_at", "pk"))
    replies = [r for r in selectors.replies_for(user=request.user, proposal=proposal)
               if r.status == ReplyStatus.APPROVED]
    units = selectors.assignments_for(user=request.user, proposal=proposal)
    return render(request, "proposals/lists/print.html", {
        "proposal": proposal, "cosigners": cosigners, "replies": replies,
        "lead_units": [a.unit for a in units if a.role == "lead"],
        "co_units": [a.unit for a in units if a.role == "co"],
        "printed_at": timezone.localtime(),
    })
