from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from .selectors import opinion_reports_of


class MyReportListView(PermissionRequiredMixin, ListView):
    permission_required = "opinions.view_own_reports"
    template_name = "opinions/report_list.html"
    context_object_name = "reports"
    paginate_by = 20

    def get_queryset(self):
        return opinion_reports_of(user=self.request.user)
