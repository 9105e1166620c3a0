"""Organisations overview and handling units."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.views import ServiceFormMixin

from .. import selectors, services
from ..forms import HandlingUnitForm
from ..models import PlenarySession, SpecialCommittee, Street, Term
from ._common import _FormPage


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


class UnitListView(FilteredListView):
    permission_required = "members.view_handlingunit"
    template_name = "members/unit_list.html"
    title = gettext_lazy("Handling units")
    default_per_page = 100

    def get_base_queryset(self):
        return selectors.handling_units_visible_to(self.request.user).order_by("order", "name", "id")


class UnitFormView(PermissionRequiredMixin, _FormPage, ServiceFormMixin, FormView):
    template_name = "members/unit_form.html"
    parent = ("members:unit-list", gettext_lazy("Handling units"))
    form_class = HandlingUnitForm
    success_url = "members:unit-list"
    success_message = gettext_lazy("The handling unit was saved.")

    def get_heading(self):
        return _("Edit handling unit") if self.unit else _("New handling unit")

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

    def perform(self, data):
        return services.handling_unit_save(unit=self.unit, actor=self.request.user, **data)
