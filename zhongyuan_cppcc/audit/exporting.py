"""The audit log as .xlsx for the auditor: the filtered log as the page shows it (labels, names, details as text)."""

from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.exports.excel import Column, ExcelExport, register

from .filters import AuditFilterSet
from .labels import describe, lines_text
from .models import AuditEvent

KIND = "audit.events"


def _rows(user, query):
    base = AuditEvent.objects.order_by("-at", "-id")
    return AuditFilterSet(query, queryset=base).qs


def _prepare(chunk) -> dict:
    describe(chunk)
    return {}


def _audit_details(query) -> dict:
    return {"filters": AuditFilterSet(query, queryset=AuditEvent.objects.none()).as_dict()}


AUDIT_EVENTS = register(ExcelExport(
    kind=KIND, label=_("Audit log"), permission="audit.view_auditevent", rows=_rows, prepare=_prepare,
    filename=_("Audit log"), audit_action="audit.exported", audit_object_type="audit.auditevent",
    audit_details=_audit_details,
    columns=[
        Column(_("Time"), "at", width=18),
        Column(_("Person"), lambda e, x: e.actor_name, width=20),
        Column(_("Action"), lambda e, x: e.action_label, width=28),
        Column(_("Object type"), lambda e, x: e.object_type_label, width=14),
        Column(_("Object"), lambda e, x: e.object_name, width=30),
        Column(_("Outcome"), lambda e, x: e.get_outcome_display(), width=8),
        Column(_("IP address"), lambda e, x: e.ip or "", width=16),
        Column(_("Details"), lambda e, x: lines_text(e.detail_lines), width=60),
    ],
))
