"""Visits to members outside the CPC."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.views import ServiceFormMixin

from .. import selectors, services
from ..filters import VisitFilterSet
from ..forms import VisitForm
from ._common import _FormPage


class VisitListView(FilteredListView):
    permission_required = "members.view_visit"
    filterset_class = VisitFilterSet
    template_name = "members/visit_list.html"
    title = gettext_lazy("Visits to members outside the CPC")
    export_url_name = "members:visit-export"
    export_permission = "members.view_visit"

    def get_base_queryset(self):
        return selectors.visits_visible_to(self.request.user).order_by("-date", "-id")


class VisitExportView(ExcelExportView):
    """POST: the visit list as filtered on the screen, all pages (members.exporting.VISITS)."""

    kind = "members.visits"


class VisitCreateView(PermissionRequiredMixin, _FormPage, ServiceFormMixin, FormView):
    permission_required = "members.add_visit"
    heading = gettext_lazy("Record a visit")
    parent = ("members:visit-list", gettext_lazy("Visits"))
    template_name = "members/visit_form.html"
    form_class = VisitForm
    success_url = "members:visit-list"
    success_message = gettext_lazy("The visit was recorded.")

    def perform(self, data):
        return services.visit_record(actor=self.request.user, **data)


class VisitUpdateView(PermissionRequiredMixin, _FormPage, ServiceFormMixin, FormView):
    permission_required = "members.change_visit"
    heading = gettext_lazy("Edit visit")
    parent = ("members:visit-list", gettext_lazy("Visits"))
    template_name = "members/visit_form.html"
    form_class = VisitForm
    success_url = "members:visit-list"
    success_message = gettext_lazy("The visit was saved.")

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

    def perform(self, data):
        return services.visit_update(visit=self.visit, actor=self.request.user, **data)
