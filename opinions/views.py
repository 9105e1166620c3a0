"""Screens of the opinion-report module. Thin: forms parse, services write, selectors scope every read
(out of scope → 404), refusals become Chinese messages and change nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhongyuan_cppcc.dashboard.cache import cached_counts
from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.errors import DomainError
from zhongyuan_cppcc.workflow.forms import add_service_error, form_error_text
from zhongyuan_cppcc.workflow.views import Action, VerbView, available_actions

from . import selectors, services, statistics
from .diff import diff_sides
from .filters import MyReportFilterSet, ReportFilterSet
from .forms import EditAdoptedForm, NoteForm, ReasonForm, ReportForm, SignOffForm
from .models import OpinionReport
from .workflow import WORKFLOW, Status, Verb

ACTIONS = [
    Action(Verb.SUBMIT, gettext_lazy("Submit to the office"), "opinions:report-submit"),
    Action(Verb.START_SCREENING, gettext_lazy("Start screening"), "opinions:report-screen", style="secondary"),
    Action(Verb.ADOPT, gettext_lazy("Adopt"), "opinions:report-adopt", form_class=NoteForm, style="success"),
    Action(Verb.KEEP, gettext_lazy("Keep on file (not used)"), "opinions:report-keep", form_class=ReasonForm,
           style="secondary"),
    Action(Verb.RETURN, gettext_lazy("Return for revision"), "opinions:report-return", form_class=ReasonForm,
           style="warning"),
    Action(Verb.SIGN_OFF, gettext_lazy("Record sign-off"), "opinions:report-sign-off", form_class=SignOffForm,
           style="secondary"),
]

STATUS_BADGE = {Status.DRAFT: "secondary", Status.SUBMITTED: "primary", Status.SCREENING: "info",
                Status.ADOPTED: "success", Status.KEPT: "dark", Status.RETURNED: "warning"}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_text(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


# --- Lists ----------------------------------------------------------------------------------------------


def report_list(request):
    """/opinions/: the office's list for the information officer and leaders, one's own for writers."""
    if request.user.has_perm("opinions.list_all_reports"):
        return redirect("opinions:report-all")
    if request.user.has_perm("opinions.view_own_reports"):
        return redirect("opinions:report-mine")
    raise PermissionDenied


class MyReportListView(FilteredListView):
    permission_required = "opinions.view_own_reports"
    filterset_class = MyReportFilterSet
    template_name = "opinions/report_list.html"
    title = gettext_lazy("My opinion reports")
    export_url_name = "opinions:my-export"
    export_permission = "opinions.view_own_reports"

    def get_base_queryset(self):
        return selectors.opinion_reports_of(user=self.request.user).select_related("author").order_by("-id")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class OfficerReportListView(FilteredListView):
    """Every submitted report with filters; `?figure=&year=` lists exactly what a statistic counted."""

    permission_required = "opinions.list_all_reports"
    filterset_class = ReportFilterSet
    template_name = "opinions/report_all.html"
    title = gettext_lazy("Opinion reports")
    export_url_name = "opinions:export"
    export_permission = "opinions.list_all_reports"

    def get_base_queryset(self):
        return (selectors.reports_visible_to(user=self.request.user)
                .select_related("author", "source_street", "source_sector").order_by("-id"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.get_filterset().form.cleaned_data if not self.get_filterset().invalid else {}
        context.update(status_badge=STATUS_BADGE, figure=statistics.FIGURES_BY_KEY.get(data.get("figure") or ""),
                       figure_year=data.get("year"))
        return context


# --- Writing --------------------------------------------------------------------------------------------


def _autosave_status(request, report, *, error: str = "", created: bool = False):
    return render(request, "opinions/_autosave_status.html",
                  {"report": report, "error": error, "created": created, "saved_at": timezone.localtime()})


def _form_context(form, report=None) -> dict:
    return {"form": form, "report": report, "max_chars": services.REPORT_MAX_CHARS}


@permission_required("opinions.add_report", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_create(request):
    """Start a report. Autosave (htmx) posts here until the draft exists, then to report-autosave."""
    if request.method == "GET":
        return render(request, "opinions/report_form.html", _form_context(ReportForm()))
    autosave = _is_htmx(request)
    form = ReportForm(request.POST, draft=autosave)
    if not form.is_valid():
        if autosave:
            return _autosave_status(request, None, error=form_error_text(form))
        return render(request, "opinions/report_form.html", _form_context(form))
    data = form.cleaned_data
    try:
        report = services.report_create(author=request.user, title=data["title"], situation=data["situation"],
                                        analysis=data["analysis"], suggestion=data["suggestion"],
                                        category=data["category"], source_street=data["source_street"],
                                        source_sector=data["source_sector"], co_authors=data["co_authors"])
    except (DomainError, ValidationError) as exc:
        if autosave:
            return _autosave_status(request, None, error=_error_text(exc))
        add_service_error(form, exc)
        return render(request, "opinions/report_form.html", _form_context(form))
    if autosave:
        return _autosave_status(request, report, created=True)
    messages.success(request, _("The draft was saved. Submit it when it is ready."))
    return redirect(report.get_absolute_url())


def _save_draft(request, report, form, *, autosave: bool):
    data = form.cleaned_data
    services.report_update_draft(report=report, actor=request.user, autosave=autosave,
                                 co_authors=data["co_authors"],
                                 **{name: data[name] for name in services.TEXT_FIELDS})


@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    report = selectors.report_get_for(user=request.user, pk=pk)
    if not WORKFLOW.actor_may(request.user, report, Verb.UPDATE_DRAFT):
        raise PermissionDenied
    if not WORKFLOW.can(report.status, Verb.UPDATE_DRAFT):
        messages.error(request, _("This report has been submitted and can no longer be edited."))
        return redirect(report.get_absolute_url())
    if request.method == "GET":
        return render(request, "opinions/report_form.html", _form_context(ReportForm(instance=report), report))
    form = ReportForm(request.POST, instance=OpinionReport.objects.get(pk=report.pk))
    if form.is_valid():
        try:
            _save_draft(request, report, form, autosave=False)
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(report.get_absolute_url())
    return render(request, "opinions/report_form.html", _form_context(form, report))


@require_POST
def report_autosave(request, pk: int):
    report = selectors.report_get_for(user=request.user, pk=pk)
    if not WORKFLOW.actor_may(request.user, report, Verb.UPDATE_DRAFT):
        raise PermissionDenied
    form = ReportForm(request.POST, instance=OpinionReport.objects.get(pk=report.pk), draft=True)
    if not form.is_valid():
        return _autosave_status(request, None, error=form_error_text(form))
    try:
        _save_draft(request, report, form, autosave=True)
    except (DomainError, ValidationError) as exc:
        return _autosave_status(request, None, error=_error_text(exc))
    return _autosave_status(request, report)


# --- Detail and verbs -----------------------------------------------------------------------------------


def report_detail(request, pk: int):
    report = selectors.report_get_for(user=request.user, pk=pk)
    actions = [(action, action.form_class(prefix=action.verb) if action.form_class else None, action.url(report))
               for action in available_actions(WORKFLOW, request.user, report, ACTIONS)]
    timeline = list(report.status_changes.select_related("actor").order_by("at", "id"))
    for change in timeline:
        change.label = _("Created") if change.verb == "create" else WORKFLOW.verb_label(change.verb)
    staff = request.user.has_perm("opinions.list_all_reports")
    context = {
        "report": report, "actions": actions, "staff": staff, "status_badge": STATUS_BADGE.get(report.status),
        "timeline": timeline,
        "may_edit": WORKFLOW.may(request.user, report, Verb.UPDATE_DRAFT),
        "may_edit_adopted": WORKFLOW.may(request.user, report, Verb.EDIT_ADOPTED),
        "co_authors": report.co_authors.all(),
        "attachments": list(report.attachments.all()),
        "may_add_attachment": WORKFLOW.may(request.user, report, Verb.ADD_ATTACHMENT),
        "may_remove_attachment": WORKFLOW.may(request.user, report, Verb.REMOVE_ATTACHMENT),
        "origin_url": _origin_url(request.user, report),
    }
    context.update(_detail_extras(request, report))
    return render(request, "opinions/report_detail.html", context)


def _origin_url(user, report) -> str:
    """A link back to the proposal the report was converted from, when the user may see it."""
    if report.origin_type_id is None or report.origin_type.app_label != "proposals":
        return ""
    try:
        return reverse("proposals:proposal-detail", args=[int(report.origin_id)])
    except (ValueError, NoReverseMatch):  # a malformed origin shows no link
        return ""


def _detail_extras(request, report) -> dict:
    """The issue the report was published in (authors see only published issues), outcomes, points."""
    from .models import BulletinEntry

    entry = BulletinEntry.objects.filter(report=report).select_related("bulletin").first()
    if entry is not None and not entry.bulletin.is_published and \
            not request.user.has_perm("opinions.manage_bulletins"):
        entry = None
    from .forms import InstructionForm, OutcomeForm, WithdrawForm
    from .points import points_for_report

    outcomes = list(report.outcomes.select_related("combined").order_by("date", "id"))
    instructions = list(report.instructions.order_by("date", "id"))
    may_record = WORKFLOW.may(request.user, report, Verb.RECORD_OUTCOME)
    may_withdraw = WORKFLOW.may(request.user, report, Verb.WITHDRAW_OUTCOME)
    for item, prefix in [*((o, "wo") for o in outcomes), *((i, "wi") for i in instructions)]:
        item.withdraw_form = WithdrawForm(prefix=f"{prefix}{item.pk}") if may_withdraw and not item.withdrawn_at \
            else None
    return {"bulletin_entry": entry, "outcomes": outcomes, "instructions": instructions,
            "outcome_form": OutcomeForm(prefix="outcome") if may_record else None,
            "instruction_form": InstructionForm(prefix="instruction") if may_record else None,
            "points": points_for_report(report), "batches": list(report.upward_batches.all())}


class _ReportVerbView(VerbView):
    workflow = WORKFLOW

    def get_object(self):
        return selectors.report_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self, obj) -> dict:
        # The detail page shows several forms with the same fields (keep and return both ask a reason).
        return {**super().get_form_kwargs(obj), "prefix": self.verb}


class ReportSubmitView(_ReportVerbView):
    verb = Verb.SUBMIT
    success_message = gettext_lazy("The report was submitted to the office.")

    def perform(self, obj, data):
        return services.report_submit(report=obj, actor=self.request.user)


class ReportScreenView(_ReportVerbView):
    verb = Verb.START_SCREENING
    success_message = gettext_lazy("Screening started.")

    def perform(self, obj, data):
        return services.report_start_screening(report=obj, actor=self.request.user)


class ReportAdoptView(_ReportVerbView):
    verb = Verb.ADOPT
    form_class = NoteForm
    success_message = gettext_lazy("The report was adopted. Edit the text and record the sign-off.")

    def perform(self, obj, data):
        return services.report_adopt(report=obj, actor=self.request.user, note=data["note"])


class ReportKeepView(_ReportVerbView):
    verb = Verb.KEEP
    form_class = ReasonForm
    success_message = gettext_lazy("The report was kept on file; the author sees the reason.")

    def perform(self, obj, data):
        return services.report_keep(report=obj, actor=self.request.user, reason=data["reason"])


class ReportReturnView(_ReportVerbView):
    verb = Verb.RETURN
    form_class = ReasonForm
    success_message = gettext_lazy("The report was returned to the author for revision.")

    def perform(self, obj, data):
        return services.report_return(report=obj, actor=self.request.user, reason=data["reason"])


class ReportSignOffView(_ReportVerbView):
    verb = Verb.SIGN_OFF
    form_class = SignOffForm
    success_message = gettext_lazy("The sign-off was recorded.")

    def perform(self, obj, data):
        return services.report_sign_off(report=obj, actor=self.request.user, signed_off_by=data["signed_off_by"],
                                        signed_off_on=data["signed_off_on"])


@require_http_methods(["GET", "POST"])
def report_edit_adopted(request, pk: int):
    """核稿: the office's text beside the author's original, differences highlighted."""
    report = selectors.report_get_for(user=request.user, pk=pk)
    if not WORKFLOW.actor_may(request.user, report, Verb.EDIT_ADOPTED):
        raise PermissionDenied
    if not WORKFLOW.can(report.status, Verb.EDIT_ADOPTED):
        messages.error(request, _("Only an adopted report's text can be edited."))
        return redirect(report.get_absolute_url())
    form = EditAdoptedForm(request.POST or None, instance=OpinionReport.objects.get(pk=report.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_edit_adopted(report=report, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The edited text was saved."))
            return redirect(reverse("opinions:report-edit-adopted", args=[report.pk]))
    report.refresh_from_db()
    original = "\n\n".join(p for p in (report.situation, report.analysis) if p)
    diffs = [
        (_("Title"), *diff_sides(report.title, report.adopted_title)),
        (_("Analysis"), *diff_sides(original, report.adopted_analysis)),
        (_("Suggestions"), *diff_sides(report.suggestion, report.adopted_suggestion)),
    ]
    return render(request, "opinions/report_edit_adopted.html",
                  {"report": report, "form": form, "diffs": diffs, "max_chars": services.REPORT_MAX_CHARS})


def statistics_page(request):
    """The office's yearly figures, each linking to the reports it counts; authors and groups; ranking."""
    if not request.user.has_perm("opinions.view_statistics"):
        raise PermissionDenied
    today = timezone.localdate()
    year = _int_or_none(request.GET.get("year")) or today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    # Two years of figures and the rankings: a second of aggregate SQL at a province's scale, kept until the
    # counted data changes (the dashboard's cache, keyed by the data version).
    figures = cached_counts("opinions.statistics", lambda: statistics.page_figures(year), year)
    counts, previous = figures["counts"], figures["previous"]
    base = reverse("opinions:report-all")
    rows = [{"label": f.label, "count": counts[f.key], "previous": previous[f.key],
             "url": f"{base}?figure={f.key}&year={year}"} for f in statistics.FIGURES]
    rows.insert(2, {"label": _("Bulletin issues"), "count": counts["bulletins"], "previous": previous["bulletins"],
                    "url": reverse("opinions:bulletin-list")})
    years = sorted({*figures["years"], today.year}, reverse=True)
    return render(request, "opinions/statistics.html", {
        "year": year, "rows": rows, "years": years, "authors": figures["authors"], "ranking": figures["ranking"],
        "streets": figures["streets"], "sectors": figures["sectors"], "parties": figures["parties"],
    })
