from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from zhongyuan_cppcc.core.db import replica_reads

from .registry import panels_for


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "dashboard.view"
    template_name = "dashboard/dashboard.html"

    def get_year(self) -> int:
        this_year = timezone.localdate().year
        try:
            year = int(self.request.GET.get("year", this_year))
        except (TypeError, ValueError):
            return this_year
        return year if 2000 <= year <= this_year + 1 else this_year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        this_year = timezone.localdate().year
        with replica_reads():  # aggregates tolerate a replica's lag; the heaviest reads leave the primary
            panels = panels_for(self.request.user, year)
        context.update(year=year, years=list(range(this_year, 2021, -1)), panels=panels)
        return context
