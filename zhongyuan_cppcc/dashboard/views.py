from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.core.db import replica_reads
from zhongyuan_cppcc.pdf import pdf_response, render_pdf

from .exports import dashboard_year
from .registry import STREET, UNIT, panels_for
from .scope import dashboard_scope


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "dashboard.view"
    template_name = "dashboard/dashboard.html"

    def get_year(self) -> int:
        return dashboard_year(self.request.GET.get("year"))

    def get_context_data(self, **kwargs):
        from members.models import HandlingUnit, Street

        context = super().get_context_data(**kwargs)
        year = self.get_year()
        this_year = timezone.localdate().year
        scope = dashboard_scope(self.request.GET)
        with replica_reads():  # aggregates tolerate a replica's lag; the heaviest reads leave the primary
            panels = panels_for(self.request.user, year, scope)
        for panel in panels:  # the filters in use that this block's figures ignore
            panel.unfiltered = [name for name in scope.active if name not in panel.filters]
        context.update(year=year, years=list(range(this_year, 2021, -1)), panels=panels, scope=scope,
                       filter_params=scope.params(STREET, UNIT), streets=Street.objects.all(),
                       units=HandlingUnit.objects.filter(is_active=True))
        return context


class DashboardPdfView(DashboardView):
    """The print view's tables as a PDF rendered on the server (WeChat's browser has no print command)."""

    def render_to_response(self, context, **response_kwargs):
        title = _("Dashboard %(year)s") % {"year": context["year"]}
        if context["scope"].street:
            title += f" · {context['scope'].street.name}"
        if context["scope"].unit:
            title += f" · {context['scope'].unit.name}"
        pdf = render_pdf("dashboard/print_pdf.html", {**context, "title": title, "printed_at": timezone.localtime()})
        audit_record(action="dashboard.printed", actor=self.request.user, object_type="dashboard",
                     object_id=str(context["year"]), details={"year": context["year"], **context["filter_params"]})
        return pdf_response(pdf, filename=f"{title}.pdf", inline=True)
