"""Excel exports of every consultations list (the shared formula-safe writer), filtered like the list."""

from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.exports.excel import Column, ExcelExport, register

from . import selectors
from .lists import OutcomeFilterSet, ProjectFilterSet, RoomFilterSet, SessionFilterSet, TopicFilterSet
from .views_util import mask_name

PERMISSION = "consultations.export_consultations"


def _rows(filterset_class, base):
    def rows(user, query):
        return filterset_class(query, queryset=base(user)).qs
    return rows


def _display(field: str):
    return lambda row, extras: getattr(row, f"get_{field}_display")()


SESSIONS = register(ExcelExport(
    kind="consultations.sessions", label=_("Consultation sessions"), permission=PERMISSION,
    rows=_rows(SessionFilterSet, lambda user: selectors.sessions_for(user=user).order_by("-date", "-id")),
    filename=_("consultation-sessions"), sheet_title=_("Sessions"), audit_action="consultations.sessions_exported",
    columns=[
        Column(_("Date"), "date", width=12), Column(_("Title"), "title", width=40),
        Column(_("Kind"), _display("kind"), width=16), Column(_("Street"), "street.name", width=12),
        Column(_("Place"), "place", width=24), Column(_("Supervision project"), "project.name", width=24),
        Column(_("Residents taking part"), "residents_count", width=10),
        Column(_("Officials present"), "officials", width=24), Column(_("Units present"), "units", width=24),
        Column(_("Status"), _display("status"), width=10), Column(_("Minutes"), "minutes", width=50),
    ]))

OUTCOMES = register(ExcelExport(
    kind="consultations.outcomes", label=_("Consultation outcomes"), permission=PERMISSION,
    rows=_rows(OutcomeFilterSet, lambda user: selectors.outcomes_for(user=user).order_by(
        "-session__date", "session_id", "id")),
    filename=_("consultation-outcomes"), sheet_title=_("Outcomes"), audit_action="consultations.outcomes_exported",
    columns=[
        Column(_("Session date"), "session.date", width=12), Column(_("Session"), "session.title", width=30),
        Column(_("Kind"), lambda o, e: o.session.get_kind_display(), width=16),
        Column(_("Suggestion"), "text", width=50), Column(_("Responsible party"), "responsible", width=16),
        Column(_("Due date"), "due_on", width=12), Column(_("Status"), _display("status"), width=10),
    ]))

TOPICS = register(ExcelExport(
    kind="consultations.topics", label=_("Consultation topics"), permission=PERMISSION,
    rows=_rows(TopicFilterSet, lambda user: selectors.topics_for(user=user).order_by("-created_at", "-id")),
    filename=_("consultation-topics"), sheet_title=_("Topics"), audit_action="consultations.topics_exported",
    columns=[
        Column(_("Proposed on"), "created_at", width=12, date=True), Column(_("Title"), "title", width=40),
        Column(_("Source"), _display("source"), width=10), Column(_("Street"), "street.name", width=12),
        Column(_("Proposer"), lambda t, e: t.member.name if t.member else mask_name(t.proposer_name), width=10),
        Column(_("Status"), _display("status"), width=10),
        Column(_("Reason for declining"), "decline_reason", width=30),
        Column(_("Session"), "session.title", width=30),
    ]))

ROOMS = register(ExcelExport(
    kind="consultations.rooms", label=_("Consultation rooms"), permission=PERMISSION,
    rows=_rows(RoomFilterSet, lambda user: selectors.rooms_for(user=user).order_by("level", "street__order",
                                                                                     "name", "pk")),
    filename=_("consultation-rooms"), sheet_title=_("Rooms"), audit_action="consultations.rooms_exported",
    columns=[
        Column(_("Name"), "name", width=30), Column(_("Level"), _display("level"), width=8),
        Column(_("Street"), "street.name", width=12), Column(_("Community"), "community.name", width=14),
        Column(_("Address"), "address", width=30), Column(_("Opened on"), "opened_on", width=12),
        Column(_("Renovated on"), "renovated_on", width=12),
        Column(_("Six standards"), lambda r, e: "、".join(label for label, done in r.checklist if done), width=30),
        Column(_("Contact person"), "contact_name", width=10),
    ]))

PROJECTS = register(ExcelExport(
    kind="consultations.projects", label=_("Supervision projects"), permission=PERMISSION,
    rows=_rows(ProjectFilterSet, lambda user: selectors.projects_for(user=user).order_by("street__order", "name",
                                                                                           "pk")),
    filename=_("supervision-projects"), sheet_title=_("Supervision projects"),
    audit_action="consultations.projects_exported",
    columns=[
        Column(_("Name"), "name", width=30), Column(_("Street"), "street.name", width=12),
        Column(_("Owner unit"), "owner_unit", width=16), Column(_("Visits"), "visit_count", width=8),
        Column(_("Description"), "description", width=40),
    ]))
