"""A member's performance record, single ledger events and the points rules."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.views import FilteredListView, export_form_context
from zhongyuan_cppcc.workflow.views import ServiceFormMixin, run_service

from .. import selectors, services
from ..exporting import label_ledger_events
from ..forms import LedgerRuleCreateForm, LedgerRuleForm, ReasonForm, SingleEventForm
from ..models import LedgerEvent, LedgerRule, Member
from ..scoring import grade_thresholds, member_breakdown, member_standing
from ._common import _FormPage, _MemberObjectMixin, _year_from


def _record_context(request, member: Member, *, own: bool = False) -> dict:
    first_event, default_year = selectors.member_event_span(member)
    years = selectors.member_years(member, first_event=first_event)
    year = _year_from(request, default=default_year)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    # The thresholds and rules are read once per page; the standing comes from the year's field (scoring.py).
    thresholds = grade_thresholds()
    rules = {(r.kind, r.subkind): r for r in LedgerRule.objects.all()}
    breakdown = member_breakdown(member=member, years=years, thresholds=thresholds, rules=rules)
    current = breakdown[year]
    standing = member_standing(member_id=member.pk, year=year)
    events = label_ledger_events(list(selectors.ledger_events_of(member=member, year=year)), rules)
    for event in events:
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
        "chart": chart, "thresholds": thresholds,
        "can_record": request.user.has_perm("members.add_ledgerevent"),
        # The events' export: this year's events (a member's own page exports through "my record").
        **(export_form_context(request, "members:my-record-export", "members.view_own_record") if own else
           export_form_context(request, "members:member-record-export", "members.view_ledgerevent",
                               args=[member.pk])),
        "export_fields": [("year", str(year))],
    }


class MemberRecordView(_MemberObjectMixin, TemplateView):
    template_name = "members/member_record.html"
    object_permission = "members.view_ledgerevent"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_record_context(self.request, self.get_member())}


class MemberRecordExportView(ExcelExportView):
    """POST: the record page's events of the posted year as .xlsx (members.exporting.RECORD; 404 outside the
    user's scope, as the page)."""

    kind = "members.record"

    def params(self, request, pk):
        query = request.POST.copy()
        query["member"] = str(pk)
        return query


class MyRecordExportView(ExcelExportView):
    """POST: the user's own record's events of the posted year as .xlsx (members.exporting.OWN_RECORD)."""

    kind = "members.own_record"

    def params(self, request):
        from ..exporting import own_member

        query = request.POST.copy()
        query["member"] = str(own_member(request.user).pk)
        return query


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
        return {**context, **_record_context(self.request, member, own=True)}


class EventCreateView(PermissionRequiredMixin, _MemberObjectMixin, ServiceFormMixin, FormView):
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

    success_message = gettext_lazy("The event was recorded.")

    def perform(self, data):
        return services.ledger_record_single(member=self.member, kind=data["rule"].kind, subkind=data["rule"].subkind,
                                             date=data["date"], note=data["note"], actor=self.request.user)

    def get_success_url(self, event=None):
        return reverse("members:member-record", args=[self.member.pk]) + f"?year={event.date.year}"


class EventWithdrawView(PermissionRequiredMixin, View):
    permission_required = "members.add_ledgerevent"
    http_method_names = ["post"]

    def post(self, request, pk):
        event = get_object_or_404(LedgerEvent.objects.select_related("member"), pk=pk)
        return run_service(
            request, form=ReasonForm(request.POST),
            call=lambda data: services.ledger_event_withdraw(event=event, reason=data["reason"], actor=request.user),
            success=_("The event was withdrawn; it no longer counts."),
            redirect_to=reverse("members:member-record", args=[event.member_id]) + f"?year={event.date.year}",
            invalid_message=_("Give a reason for withdrawing the event."))


class RuleListView(FilteredListView):
    permission_required = "members.view_ledgerrule"
    template_name = "members/rule_list.html"
    title = gettext_lazy("Points rules")
    default_per_page = 100
    export_url_name = "members:rule-export"
    export_permission = "members.view_ledgerrule"

    def get_base_queryset(self):
        return LedgerRule.objects.order_by("kind", "subkind", "id")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "thresholds": grade_thresholds()}


class RuleExportView(ExcelExportView):
    """POST: every points rule as .xlsx (members.exporting.RULES)."""

    kind = "members.rules"


class RuleUpdateView(PermissionRequiredMixin, _FormPage, ServiceFormMixin, FormView):
    permission_required = "members.change_ledgerrule"
    heading = gettext_lazy("Edit points rule")
    parent = ("members:rule-list", gettext_lazy("Points rules"))
    template_name = "members/rule_form.html"
    form_class = LedgerRuleForm
    success_url = "members:rule-list"
    success_message = gettext_lazy("The rule was saved; all scores now use it.")

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

    def perform(self, data):
        return services.ledger_rule_update(rule=self.rule, actor=self.request.user, **data)


class RuleCreateView(PermissionRequiredMixin, _FormPage, ServiceFormMixin, FormView):
    permission_required = "members.add_ledgerrule"
    heading = gettext_lazy("Add a points rule")
    parent = ("members:rule-list", gettext_lazy("Points rules"))
    template_name = "members/rule_form.html"
    form_class = LedgerRuleCreateForm
    success_url = "members:rule-list"
    success_message = gettext_lazy("The rule was added.")

    def perform(self, data):
        return services.ledger_rule_create(actor=self.request.user, **data)
