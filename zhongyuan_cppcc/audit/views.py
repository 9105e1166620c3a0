"""The audit log for the auditor: a filtered list that reads as sentences (who, did what, to which object, with
which details) and its Excel export."""

from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.views import FilteredListView

from .exporting import KIND
from .filters import AuditFilterSet
from .labels import describe
from .models import AuditEvent


class AuditListView(FilteredListView):
    permission_required = "audit.view_auditevent"
    filterset_class = AuditFilterSet
    template_name = "audit/auditevent_list.html"
    title = _("Audit log")
    default_per_page = 50
    per_page_choices = (25, 50, 100)
    export_url_name = "audit-export"
    export_permission = "audit.view_auditevent"

    def get_base_queryset(self):
        return AuditEvent.objects.order_by("-at", "-id")

    def decorate(self, rows):
        describe(rows)


class AuditExportView(ExcelExportView):
    kind = KIND
