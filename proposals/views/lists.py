"""Proposal lists per role, the public archive, the per-unit table, the Excel export and the print form.

Every list runs a fixed number of queries whatever the page size: rows come from the scoped selectors
with their related rows joined, per-row extras (the user's assignment, open ratings, approved replies)
are fetched for the whole page at once, and working-day deadlines use one calendar snapshot.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from members.models import HandlingUnit
from zhongyuan_cppcc.calendar.services import WorkingCalendar
from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.exports.services import export_start
from zhongyuan_cppcc.exports.services import sync_limit as export_sync_limit

from .. import deadlines, exports, selectors, services
from .. import parameters as p
from ..forms import ArchiveSearchForm, BulkAssignForm, ProposalFilterForm
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
from ..paging import IdsFirst
from ..workflow import DEADLINE_STATUSES, REGISTERED_STATUSES, Status

PER_PAGE_CHOICES = (10, 25, 50, 100)
# Long text columns no list shows: leaving them out keeps the rows the database sorts and sends narrow.
HEAVY_COLUMNS = ("situation", "analysis", "suggestions", "search_vector", "title_vector", "revision_reason",
                 "rejection_note", "extension_reason", "followup_note", "withheld_reason")
DEFAULT_PER_PAGE = 25
FIRST_YEAR = 2000


# --- Helpers ------------------------------------------------------------------------------------------------


def _per_page(request) -> int:
    try:
        value = int(request.GET.get("per_page") or DEFAULT_PER_PAGE)
    except (TypeError, ValueError):
        return DEFAULT_PER_PAGE
    return value if value in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def _paginate(request, queryset, per_page: int | None = None):
    """The requested page (an out-of-range or malformed number shows the nearest page, never a 404)."""
    paginator = Paginator(queryset, per_page or _per_page(request))
    return paginator.get_page(request.GET.get("page"))


def _query_string(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


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


def officer_list_url(**params) -> str:
    """The officer list filtered by `params` (None and "" dropped) — for figures that link to their rows."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("proposals:officer-list") + ("?" + urlencode(clean) if clean else "")


class _Calendar:
    """Working-day arithmetic for many dates of one page with a single calendar query."""

    def __init__(self, today: date, dates) -> None:
        dates = [d for d in dates if d is not None]
        longest = max(get_parameter(p.RATING_WINDOW_WORKING_DAYS), get_parameter(p.CONTACT_WORKING_DAYS),
                      get_parameter(p.OBJECTION_WORKING_DAYS))
        reach = timedelta(days=longest * 2 + 45)
        start = min([today, *dates]) - timedelta(days=1)
        end = max([today, *dates]) + reach
        self.calendar = WorkingCalendar(start, end)
        self.today = today

    def add(self, basis: date, days: int) -> date:
        day, remaining = basis, days
        while remaining:
            day += timedelta(days=1)
            if day > self.calendar.end:  # pragma: no cover - the span covers every page's dates
                return deadlines.add_working_days(basis, days)
            if self.calendar.is_working_day(day):
                remaining -= 1
        return day

    def left(self, due: date) -> int:
        """Working days from today until `due` (negative when passed), as deadlines.working_days_left."""
        a, b, sign = (self.today, due, 1) if due >= self.today else (due, self.today, -1)
        count, day = 0, a
        while day < b:
            day += timedelta(days=1)
            if self.calendar.is_working_day(day):
                count += 1
        return sign * count


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


def _next_step(proposal: Proposal, *, open_rating: Rating | None, rating_due: date | None) -> str:
    """What happens next, in the proposer's words."""
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
        if open_rating is not None:
            return _("Please rate the reply by %(due)s.") % {"due": rating_due or "—"}
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
def my_proposals(request):
    _require(request, "proposals.list_own_proposals")
    user = request.user
    today = timezone.localdate()
    mine = selectors.my_proposals_for(user=user).defer(*HEAVY_COLUMNS).prefetch_related(
        Prefetch("invitations", queryset=CosignerInvitation.objects.filter(member__user=user),
                 to_attr="my_invitations"))
    page = _paginate(request, mine)
    rows = list(page.object_list)
    ratings = {r.proposal_id: r for r in Rating.objects.filter(
        user=user, status=RatingStatus.OPEN, round=F("proposal__reply_round"),
        proposal__in=[r.pk for r in rows])} if rows else {}
    window = get_parameter(p.RATING_WINDOW_WORKING_DAYS)
    calendar = _Calendar(today, [r.requested_on for r in ratings.values()])
    for proposal in rows:
        rating = ratings.get(proposal.pk)
        proposal.rating_due = calendar.add(rating.requested_on, window) if rating else None
        proposal.open_rating = rating
        if proposal.author_id == user.pk or (proposal.lead_member and proposal.lead_member.user_id == user.pk):
            proposal.my_part = _("Lead proposer")
        elif any(i.status == InvitationStatus.ACCEPTED for i in proposal.my_invitations):
            proposal.my_part = _("Co-signer")
        elif any(i.status == InvitationStatus.PENDING for i in proposal.my_invitations):
            proposal.my_part = _("Invited to co-sign")
        else:
            proposal.my_part = _("Through a merged proposal")
        proposal.next_step = _next_step(proposal, open_rating=rating, rating_due=proposal.rating_due)
        proposal.overdue = _is_overdue(proposal, today)
        proposal.reply_running = proposal.status in DEADLINE_STATUSES and proposal.reply_due_on is not None
    invitations = list(selectors.invitations_waiting_for(user=user)[:50])
    return render(request, "proposals/lists/mine.html", {
        "page_obj": page, "proposals": rows, "invitations": invitations,
        "query_string": _query_string(request), "today": today,
    })


# --- Handling unit ------------------------------------------------------------------------------------------


@require_GET
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
    qs = selectors.unit_proposals_for(user=user, unit=unit, today=today).defer(*HEAVY_COLUMNS).prefetch_related(
        Prefetch("assignments", queryset=mine.order_by("role", "unit__order"), to_attr="my_assignments"))
    page = _paginate(request, IdsFirst(qs, count=lambda: selectors.unit_proposals_count(user=user, unit=unit)))
    rows = list(page.object_list)
    # An unanswered assignment matters while the proposal is being handled (later it is moot).
    pending = [a for row in rows for a in row.my_assignments
               if a.answer == AssignmentAnswer.PENDING and row.status == Status.ASSIGNED]
    objection_due = deadlines.objection_deadlines([a.assigned_on for a in pending]) if pending else {}
    calendar = _Calendar(today, [*objection_due.values(), *(r.assigned_on for r in rows)]) if rows else None
    contact_days = get_parameter(p.CONTACT_WORKING_DAYS)
    for proposal in rows:
        proposal.days_left = _calendar_days_left(proposal, today)
        # The lead unit contacts the proposer within N working days of the assignment.
        leads = any(a.role == "lead" for a in proposal.my_assignments)
        proposal.contact_due = (calendar.add(proposal.assigned_on, contact_days)
                                if leads and proposal.assigned_on and proposal.contact_recorded_on is None
                                and proposal.status in DEADLINE_STATUSES else None)
        proposal.contact_days_left = calendar.left(proposal.contact_due) if proposal.contact_due else None
        proposal.days_late = -proposal.days_left if proposal.days_left is not None and proposal.days_left < 0 else 0
        for assignment in proposal.my_assignments:
            assignment.waiting = assignment.answer == AssignmentAnswer.PENDING and proposal.status == Status.ASSIGNED
            assignment.objection_due = objection_due.get(assignment.assigned_on) if assignment.waiting else None
            assignment.objection_days_left = (calendar.left(assignment.objection_due)
                                              if assignment.objection_due else None)
            assignment.opinion_days_left = ((assignment.opinion_due_on - today).days
                                            if assignment.role == "co" and assignment.opinion_due_on
                                            and assignment.opinion_submitted_at is None else None)
    return render(request, "proposals/lists/unit.html", {
        "page_obj": page, "proposals": rows, "units": units, "unit": unit,
        "query_string": _query_string(request), "today": today,
    })


# --- Officer: every proposal, filters, bulk assignment ------------------------------------------------------


class OfficerFilterForm(ProposalFilterForm):
    """The officer list's filters with the search box named `q` and a stage (registered / replied), which
    the dashboard's figures use."""

    STAGE_REGISTERED = "registered"
    STAGE_REPLIED = "replied"
    STAGES = {
        STAGE_REGISTERED: Q(status__in=REGISTERED_STATUSES),
        STAGE_REPLIED: Q(status__in=REGISTERED_STATUSES, replied_at__isnull=False),
    }

    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False, choices=[
        ("", gettext_lazy("All")), (STAGE_REGISTERED, gettext_lazy("Registered (all later steps)")),
        (STAGE_REPLIED, gettext_lazy("Replied (reply approved)"))])
    q = forms.CharField(label=gettext_lazy("Search"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["text"]
        self.fields["session"].empty_label = self.fields["unit"].empty_label = _("All")

    def to_filter(self) -> selectors.ProposalFilter:
        flt = super().to_filter()
        flt.text = (self.cleaned_data.get("q") or "") if self.is_valid() else ""
        return flt

    def apply(self, qs):
        stage = self.cleaned_data.get("stage") if self.is_valid() else ""
        return qs.filter(self.STAGES[stage]) if stage in self.STAGES else qs

    def as_dict(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: (getattr(v, "pk", v)) for k, v in self.cleaned_data.items() if v not in (None, "")}


def officer_queryset(user, query):
    """The officer list for `user` filtered by the query string `query` (also used by background exports)."""
    form = OfficerFilterForm(query)
    qs = selectors.officer_proposals_for(user=user, flt=form.to_filter()).defer(*HEAVY_COLUMNS)
    return form, form.apply(qs)


def _officer_queryset(request):
    return officer_queryset(request.user, request.GET)


class _BulkForm(BulkAssignForm):
    """Bulk assignment: any proposal the office sees may be checked; the service reports, per row, why
    one cannot be assigned (instead of the whole form failing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = Proposal.objects.filter(submitted_at__isnull=False)


@require_GET
def officer_list(request):
    _require(request, "proposals.list_all_proposals")
    today = timezone.localdate()
    form, qs = _officer_queryset(request)
    page = _paginate(request, IdsFirst(qs))
    rows = list(page.object_list)
    for proposal in rows:
        proposal.overdue = _is_overdue(proposal, today)
        proposal.days_left = _calendar_days_left(proposal, today)
        proposal.assignable = proposal.status == Status.REGISTERED
    can_assign = request.user.has_perm("proposals.bulk_assign_proposals")
    return render(request, "proposals/lists/officer.html", {
        "page_obj": page, "proposals": rows, "form": form,
        "bulk_form": _BulkForm() if can_assign and any(r.assignable for r in rows) else None,
        "can_export": request.user.has_perm("proposals.export_proposals"),
        "query_string": _query_string(request), "export_query": _query_string(request, drop=("page", "per_page")),
        "per_page": _per_page(request), "per_page_choices": PER_PAGE_CHOICES, "today": today,
    })


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and \
            target.startswith(reverse("proposals:officer-list")):
        return target
    return reverse("proposals:officer-list")


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
        "page_obj": page, "proposals": rows, "query_string": _query_string(request),
    })


# --- Leaders: key proposals ---------------------------------------------------------------------------------


@require_GET
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
        "page_obj": page, "proposals": rows, "year": year, "years": list(range(this_year, this_year - 6, -1)),
        "query_string": _query_string(request),
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
    })


# --- Archive ------------------------------------------------------------------------------------------------


@require_GET
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
        "page_obj": page, "proposals": rows, "form": form, "query_string": _query_string(request),
    })


# --- Export -------------------------------------------------------------------------------------------------


@require_GET
def export(request):
    _require(request, "proposals.export_proposals")
    form, qs = _officer_queryset(request)
    total = qs.count()
    if total > export_sync_limit():
        # Long lists are written by a worker; the page shows the progress and then the file.
        job = export_start(actor=request.user, kind="proposals.proposals", total_rows=total,
                           params={key: request.GET.getlist(key) for key in request.GET})
        return redirect("exports:job-detail", pk=job.pk)
    handle, _count = exports.proposals_export(proposals=qs, actor=request.user, filters=form.as_dict())
    response = FileResponse(handle, as_attachment=True, filename=exports.export_filename(),
                            content_type=exports.XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


# --- Print --------------------------------------------------------------------------------------------------


@require_GET
def print_proposal(request, pk: int):
    """The 提案表 and its approved replies, laid out for A4 paper."""
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not rules.has_perm("proposals.view_proposal", request.user, proposal):
        raise Http404
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
