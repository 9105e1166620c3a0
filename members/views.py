"""Views of the members module: selector → permission → form → service → message → redirect."""

import logging
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, ListView, TemplateView

from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.exports.services import export_start
from zhongyuan_cppcc.exports.services import sync_limit as export_sync_limit

from . import selectors, services
from .exporting import XLSX_CONTENT_TYPE, ranking_workbook
from .forms import (
    ActivityForm,
    AttendanceForm,
    HandlingUnitForm,
    ImportForm,
    LedgerRuleCreateForm,
    LedgerRuleForm,
    MeetingForm,
    MemberFilterForm,
    MemberForm,
    RankingFilterForm,
    ReasonForm,
    ShortlistAddForm,
    ShortlistGenerateForm,
    SingleEventForm,
    VisitForm,
)
from .importing import ImportFileError, build_template
from .models import (
    ExcellentEntry,
    LedgerEvent,
    LedgerRule,
    MeetingKind,
    Member,
    PlenarySession,
    SpecialCommittee,
    Street,
    Term,
)
from .scoring import Grade, annual_ranking, grade_label, grade_thresholds, member_breakdown, member_standing
from .uploads import SizeLimitedUploadHandler

logger = logging.getLogger(__name__)
FIRST_YEAR = 2022


def _query_string(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


def _year_choices() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _year_from(request, default: int | None = None) -> int:
    years = _year_choices()
    fallback = default if default in years else years[0]
    try:
        year = int(request.GET.get("year") or fallback)
    except (TypeError, ValueError):
        return fallback
    return year if year in years else fallback


class _CountOnly:
    """Lets Django's Paginator work out pages from a count the ranking query already returned."""

    def __init__(self, count: int):
        self._count = count

    def count(self) -> int:
        return self._count


def _requested_page(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def _page(request, rows: list, count: int, per_page: int) -> Page:
    """A Page for includes/pagination.html around rows already fetched with LIMIT/OFFSET."""
    paginator = Paginator(_CountOnly(count), per_page)
    number = min(_requested_page(request), paginator.num_pages)
    return Page(rows, number, paginator)


class _FormPage:
    """Heading and the parent page for members/_simple_form.html."""

    heading = ""
    parent: tuple = ("", "")

    def get_heading(self):
        return self.heading

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("heading", self.get_heading())
        url_name, label = self.parent
        if url_name:
            context.update(parent_url=reverse(url_name), parent_label=label)
        return context


# --- Member list, detail, create, edit -------------------------------------------------------------


class MemberListView(PermissionRequiredMixin, ListView):
    permission_required = "members.view_member"
    template_name = "members/member_list.html"
    context_object_name = "members"

    def get_paginate_by(self, queryset):
        return self.form.cleaned_data.get("per_page") or 25 if self.form.is_valid() else 25

    def get_queryset(self):
        self.form = MemberFilterForm(self.request.GET or None)
        return selectors.member_list(user=self.request.user, filters=self.form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=_query_string(self.request),
                       export_query=_query_string(self.request, drop=("page", "per_page")))
        return context


class _MemberObjectMixin:
    """Loads the member through the user's scope (404 outside it), then checks the object permission."""

    object_permission = "members.view_member"

    def get_member(self) -> Member:
        member = selectors.member_detail(user=self.request.user, pk=self.kwargs["pk"])
        if not self.request.user.has_perm(self.object_permission, member):
            raise PermissionDenied
        return member


class MemberDetailView(_MemberObjectMixin, TemplateView):
    template_name = "members/member_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.get_member()
        context.update(
            member=member,
            can_reveal=self.request.user.has_perm("members.view_full_personal_data"),
            can_edit=self.request.user.has_perm("members.change_member"),
            visits=member.visits.all()[:10] if self.request.user.has_perm("members.view_visit") else [],
        )
        return context


class MemberRevealView(_MemberObjectMixin, View):
    """POST: show the full ID and mobile numbers once; needs the dedicated permission; audited."""

    http_method_names = ["post"]

    def post(self, request, pk):
        member = self.get_member()
        values = services.member_reveal_personal_data(member=member, actor=request.user)  # 403 unless cleared
        context = {"member": member, "revealed": values}
        if request.headers.get("HX-Request"):
            return render(request, "members/_personal_data.html", context)
        can_edit = request.user.has_perm("members.change_member")
        return render(request, "members/member_detail.html", {**context, "can_reveal": True, "can_edit": can_edit})


class MemberPhotoView(_MemberObjectMixin, View):
    def get(self, request, pk):
        member = self.get_member()
        if not member.photo:
            raise Http404
        try:
            handle = member.photo.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type="image/png" if member.photo.name.endswith(".png")
                                else "image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response


class MemberCreateView(PermissionRequiredMixin, FormView):
    permission_required = "members.add_member"
    template_name = "members/member_form.html"
    form_class = MemberForm

    def form_valid(self, form):
        try:
            member = services.member_create(actor=self.request.user, **form.service_kwargs())
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Member %(name)s was created.") % {"name": member.name})
        return redirect("members:member-detail", pk=member.pk)


class MemberUpdateView(PermissionRequiredMixin, _MemberObjectMixin, FormView):
    permission_required = "members.change_member"
    object_permission = "members.change_member"
    template_name = "members/member_form.html"
    form_class = MemberForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.member = self.get_member()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.member}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member}

    def form_valid(self, form):
        data = form.service_kwargs()
        id_number = data.pop("id_number", "")
        terms = data.pop("terms")
        committees = data.pop("special_committees")
        try:
            services.member_update(member=self.member, actor=self.request.user, id_number=id_number, terms=terms,
                                   special_committees=committees, **data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The member record was saved."))
        return redirect("members:member-detail", pk=self.member.pk)


class MemberExportView(PermissionRequiredMixin, View):
    permission_required = "members.export_member"

    def get(self, request):
        form = MemberFilterForm(request.GET or None)
        filters = form.filters()
        members = selectors.member_list(user=request.user, filters=filters)
        full = request.GET.get("full") == "1"
        allowed = not full or request.user.has_perm("members.view_full_personal_data")
        total = members.count()
        if allowed and total > export_sync_limit():
            # Long lists are written by a worker; the page shows the progress and then the file.
            job = export_start(actor=request.user, kind="members.members", total_rows=total,
                               params={key: request.GET.getlist(key) for key in request.GET})
            return redirect("exports:job-detail", pk=job.pk)
        # Refuses (and audits) a full export without the permission.
        content, _count = services.member_export(members=members, actor=request.user, full=full,
                                                 filters=filters.as_dict())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _xlsx_response(content, f"{_('members')}-{stamp}.xlsx")


# --- Performance record ---------------------------------------------------------------------------


def _record_context(request, member: Member) -> dict:
    years = selectors.member_years(member)
    year = _year_from(request, default=selectors.default_year(member))
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    breakdown = member_breakdown(member=member, years=years)
    current = breakdown[year]
    standing = member_standing(member_id=member.pk, year=year, eligible_ids=selectors.eligible_member_ids(year))
    rules = {(r.kind, r.subkind): r for r in LedgerRule.objects.all()}
    events = list(selectors.ledger_events_of(member=member, year=year))
    for event in events:
        rule = rules.get((event.kind, event.subkind))
        event.rule_label = rule.label if rule else event.subkind
        event.points = event.points_override if event.points_override is not None else (
            rule.points if rule else Decimal("0"))
        event.staff_recorded = event.source_type_id is None or event.source_type.model == "activity"
    chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [str(y) for y in reversed(years)]},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "name": _("Score"),
                    "data": [float(breakdown[y].score) for y in reversed(years)]}],
    }
    return {
        "member": member, "year": year, "years": years, "current": current,
        "history": [breakdown[y] for y in years], "events": events,
        "live_events": sum(1 for e in events if e.withdrawn_at is None),
        "rank": standing.rank, "ranked_total": standing.total, "band": standing.band,
        "chart": chart, "thresholds": grade_thresholds(),
        "can_record": request.user.has_perm("members.add_ledgerevent"),
    }


class MemberRecordView(_MemberObjectMixin, TemplateView):
    template_name = "members/member_record.html"
    object_permission = "members.view_ledgerevent"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_record_context(self.request, self.get_member())}


class MyRecordView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_own_record"
    template_name = "members/member_record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = selectors.member_of_user(self.request.user)
        context["own"] = True
        if member is None:
            context["member"] = None
            return context
        return {**context, **_record_context(self.request, member)}


class EventCreateView(PermissionRequiredMixin, _MemberObjectMixin, FormView):
    permission_required = "members.add_ledgerevent"
    object_permission = "members.add_ledgerevent"
    template_name = "members/event_form.html"
    form_class = SingleEventForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.member = self.get_member()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member}

    def form_valid(self, form):
        rule = form.cleaned_data["rule"]
        try:
            services.ledger_record_single(member=self.member, kind=rule.kind, subkind=rule.subkind,
                                          date=form.cleaned_data["date"], note=form.cleaned_data["note"],
                                          actor=self.request.user)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The event was recorded."))
        return HttpResponseRedirect(reverse("members:member-record", args=[self.member.pk])
                                    + f"?year={form.cleaned_data['date'].year}")


class EventWithdrawView(PermissionRequiredMixin, View):
    permission_required = "members.add_ledgerevent"
    http_method_names = ["post"]

    def post(self, request, pk):
        event = get_object_or_404(LedgerEvent.objects.select_related("member"), pk=pk)
        form = ReasonForm(request.POST)
        target = reverse("members:member-record", args=[event.member_id]) + f"?year={event.date.year}"
        if not form.is_valid():
            messages.error(request, _("Give a reason for withdrawing the event."))
            return redirect(target)
        try:
            services.ledger_event_withdraw(event=event, reason=form.cleaned_data["reason"], actor=request.user)
        except services.MembersError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The event was withdrawn; it no longer counts."))
        return redirect(target)


# --- Import ---------------------------------------------------------------------------------------


@method_decorator(csrf_exempt, name="dispatch")
class ImportView(PermissionRequiredMixin, FormView):
    """Upload a workbook. The upload handler stops reading a file past the size limit, so a 50 MB
    upload is refused without being stored; CSRF is checked after the handler is installed."""

    permission_required = "members.import_member"
    template_name = "members/import.html"
    form_class = ImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.user.has_perm(self.permission_required):
            request.upload_handlers.insert(
                0, SizeLimitedUploadHandler(request, limit=get_parameter("members.import_max_bytes")))
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = selectors.import_jobs_visible_to(self.request.user)[:10]
        context["max_rows"] = get_parameter("members.import_max_rows")
        context["max_mb"] = get_parameter("members.import_max_bytes") // (1024 * 1024)
        return context

    def post(self, request, *args, **kwargs):
        request.FILES  # noqa: B018 - parse the body now, through the size-limited handler
        too_large = getattr(request, "upload_too_large", None)
        if too_large:
            form = self.get_form()
            form.errors.clear()
            form.add_error("file", too_large)
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            job = services.member_import_start(upload=upload, actor=self.request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if not job.run_async:
            services.import_job_run(job_id=job.pk)
        return redirect("members:import-detail", pk=job.pk)


class ImportTemplateView(PermissionRequiredMixin, View):
    permission_required = "members.import_member"

    def get(self, request):
        import io

        buffer = io.BytesIO()
        build_template().save(buffer)
        return _xlsx_response(buffer.getvalue(), f"{_('member import template')}.xlsx")


class ImportDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_importjob"
    template_name = "members/import_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = get_object_or_404(selectors.import_jobs_visible_to(self.request.user), pk=self.kwargs["pk"])
        return context


class ImportProgressView(ImportDetailView):
    """The htmx fragment the job page polls while the job runs."""

    template_name = "members/_import_progress.html"


# --- Visits ----------------------------------------------------------------------------------------


class VisitListView(PermissionRequiredMixin, ListView):
    permission_required = "members.view_visit"
    template_name = "members/visit_list.html"
    context_object_name = "visits"
    paginate_by = 25

    def get_queryset(self):
        self.year = _year_from(self.request) if self.request.GET.get("year") else None
        qs = selectors.visits_visible_to(self.request.user)
        if self.year:
            qs = qs.filter(date__year=self.year)
        q = (self.request.GET.get("q") or "").strip()[:50]
        if q:
            qs = qs.filter(member__in=selectors.member_search(Member.objects.all(), q))
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(year=self.year, years=_year_choices(), q=self.request.GET.get("q", ""),
                       query_string=_query_string(self.request), total=self.object_list.count()
                       if not context.get("paginator") else context["paginator"].count)
        return context


class VisitCreateView(PermissionRequiredMixin, _FormPage, FormView):
    permission_required = "members.add_visit"
    heading = gettext_lazy("Record a visit")
    parent = ("members:visit-list", gettext_lazy("Visits"))
    template_name = "members/visit_form.html"
    form_class = VisitForm

    def form_valid(self, form):
        try:
            services.visit_record(actor=self.request.user, **form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The visit was recorded."))
        return redirect("members:visit-list")


class VisitUpdateView(PermissionRequiredMixin, _FormPage, FormView):
    permission_required = "members.change_visit"
    heading = gettext_lazy("Edit visit")
    parent = ("members:visit-list", gettext_lazy("Visits"))
    template_name = "members/visit_form.html"
    form_class = VisitForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.visit = get_object_or_404(selectors.visits_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        v = self.visit
        return {"member": v.member_id, "date": v.date, "visitors": v.visitors, "purpose": v.purpose,
                "notes": v.notes}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "visit": self.visit}

    def form_valid(self, form):
        try:
            services.visit_update(visit=self.visit, actor=self.request.user, **form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The visit was saved."))
        return redirect("members:visit-list")


# --- Points rules ------------------------------------------------------------------------------------


class RuleListView(PermissionRequiredMixin, ListView):
    permission_required = "members.view_ledgerrule"
    template_name = "members/rule_list.html"
    context_object_name = "rules"

    def get_queryset(self):
        return LedgerRule.objects.all().order_by("kind", "subkind")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["thresholds"] = grade_thresholds()
        return context


class RuleUpdateView(PermissionRequiredMixin, _FormPage, FormView):
    permission_required = "members.change_ledgerrule"
    heading = gettext_lazy("Edit points rule")
    parent = ("members:rule-list", gettext_lazy("Points rules"))
    template_name = "members/rule_form.html"
    form_class = LedgerRuleForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.rule = get_object_or_404(LedgerRule, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        r = self.rule
        return {"label": r.label, "points": r.points, "annual_cap": r.annual_cap, "unit": r.unit}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rule": self.rule}

    def form_valid(self, form):
        try:
            services.ledger_rule_update(rule=self.rule, actor=self.request.user, **form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The rule was saved; all scores now use it."))
        return redirect("members:rule-list")


class RuleCreateView(PermissionRequiredMixin, _FormPage, FormView):
    permission_required = "members.add_ledgerrule"
    heading = gettext_lazy("Add a points rule")
    parent = ("members:rule-list", gettext_lazy("Points rules"))
    template_name = "members/rule_form.html"
    form_class = LedgerRuleCreateForm

    def form_valid(self, form):
        try:
            services.ledger_rule_create(actor=self.request.user, **form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The rule was added."))
        return redirect("members:rule-list")


# --- Meetings and activities -----------------------------------------------------------------------


class MeetingListView(PermissionRequiredMixin, ListView):
    permission_required = "members.view_meeting"
    template_name = "members/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 25

    def get_queryset(self):
        return selectors.meetings_visible_to(self.request.user)


class MeetingCreateView(PermissionRequiredMixin, _FormPage, FormView):
    permission_required = "members.add_meeting"
    heading = gettext_lazy("New meeting")
    parent = ("members:meeting-list", gettext_lazy("Meetings"))
    template_name = "members/meeting_form.html"
    form_class = MeetingForm

    def get_initial(self):
        return {"term": selectors.current_term(), "kind": MeetingKind.STANDING}

    def form_valid(self, form):
        try:
            meeting = services.meeting_create(actor=self.request.user, **form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting was created; record its attendance now."))
        return redirect("members:meeting-detail", pk=meeting.pk)


class MeetingDetailView(PermissionRequiredMixin, TemplateView):
    """The meeting's attendance list; officers record it in bulk (POST)."""

    permission_required = "members.view_meeting"
    template_name = "members/meeting_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None) -> AttendanceForm:
        members = services.meeting_eligible_members(self.meeting).select_related("party").order_by("name_pinyin")
        return AttendanceForm(data, members=members, current=selectors.attendance_of(self.meeting))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context.update(meeting=self.meeting, can_record=self.request.user.has_perm("members.change_meeting"),
                       recorded=selectors.attendance_of(self.meeting))
        return context

    def post(self, request, pk):
        if not request.user.has_perm("members.change_meeting"):
            raise PermissionDenied
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            changed = services.meeting_record_attendance(meeting=self.meeting, statuses=form.statuses(),
                                                         actor=request.user)
        except services.MembersError as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Attendance saved (%(n)s changes).") % {"n": changed})
        return redirect("members:meeting-detail", pk=self.meeting.pk)


class ActivityListView(PermissionRequiredMixin, ListView):
    permission_required = "members.view_activity"
    template_name = "members/activity_list.html"
    context_object_name = "activities"
    paginate_by = 25

    def get_queryset(self):
        return selectors.activities_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = {(r.kind, r.subkind): r.label for r in LedgerRule.objects.all()}
        for activity in context["activities"]:
            activity.rule_label = labels.get((activity.kind, activity.subkind), activity.subkind)
        return context


class ActivityCreateView(PermissionRequiredMixin, _FormPage, FormView):
    permission_required = "members.add_activity"
    heading = gettext_lazy("Record an activity")
    parent = ("members:activity-list", gettext_lazy("Activities"))
    template_name = "members/activity_form.html"
    form_class = ActivityForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            activity = services.activity_create(kind=data["rule"].kind, subkind=data["rule"].subkind,
                                                title=data["title"], date=data["date"],
                                                participants=data["participants"], notes=data["notes"],
                                                actor=self.request.user)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The activity was recorded for %(n)s members.")
                         % {"n": len(data["participants"])})
        return redirect("members:activity-detail", pk=activity.pk)


class ActivityDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_activity"
    template_name = "members/activity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = get_object_or_404(selectors.activities_visible_to(self.request.user), pk=self.kwargs["pk"])
        rule = LedgerRule.objects.filter(kind=activity.kind, subkind=activity.subkind).first()
        context.update(activity=activity, rule=rule, participants=selectors.activity_participants(activity))
        return context


# --- Ranking and shortlist ----------------------------------------------------------------------------


class RankingView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_ranking"
    template_name = "members/ranking.html"
    per_page = 50

    def ranking(self, *, paginate: bool = True):
        year = _year_from(self.request, default=selectors.default_year())
        form = RankingFilterForm(self.request.GET or None)
        filters = form.filters()
        members = selectors.member_list(user=self.request.user, filters=filters).filter(
            pk__in=selectors.eligible_members_for_year(year).values("pk"))
        grade = form.cleaned_data.get("grade") if form.is_valid() else ""
        if paginate:
            offset = (_requested_page(self.request) - 1) * self.per_page
            result = annual_ranking(year=year, members=members, grade=grade or None, limit=self.per_page,
                                    offset=offset)
        else:
            result = annual_ranking(year=year, members=members, grade=grade or None)
        return year, form, result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, form, result = self.ranking()
        context.update(
            year=year, years=_year_choices(), form=form, ranking=result,
            page_obj=_page(self.request, result.rows, result.matching, self.per_page),
            query_string=_query_string(self.request), export_query=_query_string(self.request),
            grade_counts=[(grade_label(g), result.grade_counts.get(g, 0), g) for g in Grade.ORDER],
        )
        return context


class RankingExportView(RankingView):
    def get(self, request, *args, **kwargs):
        year, _form, result = self.ranking(paginate=False)
        return _xlsx_response(ranking_workbook(result, grade_label=grade_label), f"{_('ranking')}-{year}.xlsx")


class ShortlistIndexView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_excellentshortlist"
    template_name = "members/shortlist_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shortlists"] = selectors.shortlists_visible_to(self.request.user).annotate(
            n=Count("entries", filter=~_excluded()))
        context["years"] = _year_choices()
        context["default_year"] = selectors.default_year()
        context["form"] = ShortlistGenerateForm(initial={"percent": get_parameter("members.excellent_top_percent")})
        return context


def _excluded():
    from django.db.models import Q

    return Q(entries__excluded=True)


class ShortlistGenerateView(PermissionRequiredMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]

    def post(self, request):
        form = ShortlistGenerateForm(request.POST)
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            year = 0
        if year not in _year_choices() or not form.is_valid():
            messages.error(request, _("Choose a year and a percentage between 0 and 100."))
            return redirect("members:shortlist-index")
        try:
            shortlist = services.shortlist_generate(year=year, percent=form.cleaned_data["percent"],
                                                    actor=request.user)
        except services.MembersError as exc:
            messages.error(request, str(exc))
            return redirect("members:shortlist-index")
        messages.success(request, _("The shortlist for %(year)s was generated.") % {"year": shortlist.year})
        return redirect("members:shortlist-detail", year=shortlist.year)


class _ShortlistMixin:
    def get_shortlist(self):
        return get_object_or_404(selectors.shortlists_visible_to(self.request.user), year=self.kwargs["year"])


class ShortlistDetailView(PermissionRequiredMixin, _ShortlistMixin, TemplateView):
    permission_required = "members.view_excellentshortlist"
    template_name = "members/shortlist_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shortlist = self.get_shortlist()
        entries = list(shortlist.entries.select_related("member__party", "member__sector")
                       .order_by("excluded", "rank", "member__name_pinyin"))
        on_list = {e.member_id for e in entries if not e.excluded}
        candidates = selectors.eligible_members_for_year(shortlist.year).exclude(pk__in=on_list).order_by("name_pinyin")
        context.update(
            shortlist=shortlist, entries=[e for e in entries if not e.excluded],
            excluded=[e for e in entries if e.excluded],
            can_change=self.request.user.has_perm("members.change_excellentshortlist") and not shortlist.is_final,
            can_reopen=self.request.user.has_perm("members.change_excellentshortlist") and shortlist.is_final,
            add_form=ShortlistAddForm(candidates=candidates),
            thresholds=grade_thresholds(),
        )
        return context


class ShortlistAddView(PermissionRequiredMixin, _ShortlistMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]

    def post(self, request, year):
        shortlist = self.get_shortlist()
        form = ShortlistAddForm(request.POST, candidates=selectors.eligible_members_for_year(shortlist.year))
        if not form.is_valid():
            messages.error(request, _("Choose a member and give a reason."))
        else:
            try:
                services.shortlist_add(shortlist=shortlist, actor=request.user, **form.cleaned_data)
            except services.MembersError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The member was added to the shortlist."))
        return redirect("members:shortlist-detail", year=shortlist.year)


class ShortlistExcludeView(PermissionRequiredMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_object_or_404(ExcellentEntry.objects.select_related("shortlist"),
                                  pk=pk, shortlist__in=selectors.shortlists_visible_to(request.user))
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason for the change."))
        else:
            try:
                services.shortlist_exclude(entry=entry, reason=form.cleaned_data["reason"], actor=request.user)
            except services.MembersError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The member was taken off the shortlist."))
        return redirect("members:shortlist-detail", year=entry.shortlist.year)


class ShortlistFinalizeView(PermissionRequiredMixin, _ShortlistMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]
    reopen = False

    def post(self, request, year):
        shortlist = self.get_shortlist()
        try:
            if self.reopen:
                services.shortlist_reopen(shortlist=shortlist, actor=request.user)
                messages.success(request, _("The shortlist can be changed again."))
            else:
                services.shortlist_finalize(shortlist=shortlist, actor=request.user)
                messages.success(request, _("The shortlist is final."))
        except services.MembersError as exc:
            messages.error(request, str(exc))
        return redirect("members:shortlist-detail", year=shortlist.year)


class ShortlistExportView(PermissionRequiredMixin, _ShortlistMixin, View):
    permission_required = "members.view_excellentshortlist"

    def get(self, request, year):
        shortlist = self.get_shortlist()
        content = services.shortlist_export(shortlist=shortlist, actor=request.user)
        return _xlsx_response(content, f"{_('excellent members')}-{shortlist.year}.xlsx")


# --- Organisations and handling units ------------------------------------------------------------------


class OrganisationsView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_member"
    template_name = "members/organisations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            parties=selectors.members_by_party(),
            sectors=selectors.members_by_sector(),
            committees=SpecialCommittee.objects.annotate(n=Count("members")),
            streets=Street.objects.prefetch_related("communities").annotate(n=Count("members", distinct=True)),
            terms=Term.objects.all(),
            sessions=PlenarySession.objects.select_related("term").order_by("opens_on"),
        )
        return context


class UnitListView(PermissionRequiredMixin, ListView):
    permission_required = "members.view_handlingunit"
    template_name = "members/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return selectors.handling_units_visible_to(self.request.user)


class UnitFormView(PermissionRequiredMixin, _FormPage, FormView):
    template_name = "members/unit_form.html"
    parent = ("members:unit-list", gettext_lazy("Handling units"))

    def get_heading(self):
        return _("Edit handling unit") if self.unit else _("New handling unit")
    form_class = HandlingUnitForm

    def dispatch(self, request, *args, **kwargs):
        self.unit = None
        if "pk" in kwargs:
            self.permission_required = "members.change_handlingunit"
            if not request.user.has_perm(self.permission_required):
                return self.handle_no_permission()
            self.unit = get_object_or_404(selectors.handling_units_visible_to(request.user), pk=kwargs["pk"])
        else:
            self.permission_required = "members.add_handlingunit"
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.unit}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "unit": self.unit}

    def form_valid(self, form):
        try:
            services.handling_unit_save(unit=self.unit, actor=self.request.user, **form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The handling unit was saved."))
        return redirect("members:unit-list")

