"""Activities and their participants."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.views import ServiceFormMixin

from .. import selectors, services
from ..exporting import rule_labels
from ..forms import ActivityForm
from ..models import LedgerRule
from ._common import _FormPage


class ActivityListView(FilteredListView):
    permission_required = "members.view_activity"
    template_name = "members/activity_list.html"
    title = gettext_lazy("Study, research, visits and contributions")
    export_url_name = "members:activity-export"
    export_permission = "members.view_activity"

    def get_base_queryset(self):
        return selectors.activities_visible_to(self.request.user).order_by("-date", "-id")

    def decorate(self, rows):
        labels = rule_labels()
        for activity in rows:
            activity.rule_label = labels.get((activity.kind, activity.subkind), activity.subkind)


class ActivityExportView(ExcelExportView):
    """POST: every activity of the list with its participants (members.exporting.ACTIVITIES)."""

    kind = "members.activities"


class ActivityCreateView(PermissionRequiredMixin, _FormPage, ServiceFormMixin, FormView):
    permission_required = "members.add_activity"
    heading = gettext_lazy("Record an activity")
    parent = ("members:activity-list", gettext_lazy("Activities"))
    template_name = "members/activity_form.html"
    form_class = ActivityForm

    def perform(self, data):
        self.participant_count = len(data["participants"])
        return services.activity_create(kind=data["rule"].kind, subkind=data["rule"].subkind, title=data["title"],
                                        date=data["date"], participants=data["participants"], notes=data["notes"],
                                        actor=self.request.user)

    def get_success_message(self, activity):
        return _("The activity was recorded for %(n)s members.") % {"n": self.participant_count}

    def get_success_url(self, activity=None):
        return reverse("members:activity-detail", args=[activity.pk])


class ActivityDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_activity"
    template_name = "members/activity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = get_object_or_404(selectors.activities_visible_to(self.request.user), pk=self.kwargs["pk"])
        rule = LedgerRule.objects.filter(kind=activity.kind, subkind=activity.subkind).first()
        context.update(activity=activity, rule=rule, participants=selectors.activity_participants(activity))
        return context
