"""What the audit log shows the auditor: a Chinese label for every action code, the labels of the details' keys
and the details as labelled text.

Labels whose English words other catalogues translate differently ("Unit" is 计量单位 in members) carry the
context "audit" (pgettext), so that each keeps its meaning here and there.

ACTION_LABELS is the one mapping of action codes written with a literal code (`audit_record(action="auth.login")`).
Codes made from a verb are labelled from the verb: a workflow's verbs (`proposals.register`,
`<app>.<verb>` of zhongyuan_cppcc.workflow) read "<app>: <verb label>", and the admin's
`<app>.<model>_created` / `_changed` read "<model>: created / changed". `tests/foundation/test_audit_labels.py`
fails for any code written anywhere in the code base that has no label here.
"""

from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "accounts.change_refused": _("Account change refused"),
    "accounts.grant_refused": _("Grant refused"),
    "accounts.password_reset": _("Password reset"),
    "accounts.password_reset_declined": _("Password reset request declined"),
    "accounts.password_reset_refused": _("Password reset refused"),
    "accounts.password_reset_requested": _("Password reset requested"),
    "accounts.password_set_refused": _("Password change refused"),
    "accounts.preferences_changed": _("Notification preferences changed"),
    "accounts.roles_change_refused": _("Role change refused"),
    "accounts.roles_changed": _("Roles changed"),
    "accounts.user_changed": _("Account changed"),
    "accounts.user_created": _("Account created"),
    "auth.locked_out": _("Account locked after failed logins"),
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Login failed"),
    "auth.logout": _("Logged out"),
    "auth.password_changed": _("Password changed"),
    "auth.unlocked": _("Account unlocked"),
    "auth.unlock_refused": _("Unlocking one's own account refused"),
    "calendar.day_deleted": _("Calendar day removed"),
    "calendar.day_saved": _("Calendar day saved"),
    "core.parameter_changed": _("Business parameter changed"),
    "exports.downloaded": _("Export downloaded"),
    "exports.finished": _("Export finished"),
    "exports.requested": _("Export requested"),
    "members.activity_participants_changed": _("Activity participants changed"),
    "members.activity_recorded": _("Activity recorded"),
    "members.attendance_recorded": _("Attendance recorded"),
    "members.clearance_granted": _("Access to personal data granted"),
    "members.clearance_revoked": _("Access to personal data revoked"),
    "members.exported": _("Members exported"),
    "members.import_finished": _("Member import finished"),
    "members.import_started": _("Member import started"),
    "members.imported": _("Members imported"),
    "members.ledger_event_recorded": _("Duty record entered"),
    "members.ledger_event_withdrawn": _("Duty record withdrawn"),
    "members.ledger_events_withdrawn": _("Duty records withdrawn"),
    "members.ledger_rule_changed": _("Duty rule changed"),
    "members.ledger_rule_created": _("Duty rule created"),
    "members.meeting_created": _("Meeting created"),
    "members.member_changed": _("Member record changed"),
    "members.member_created": _("Member record created"),
    "members.personal_data_revealed": _("Personal data shown in full"),
    "members.ranking_exported": _("Ranking exported"),
    "members.shortlist_exported": _("Excellent-member shortlist exported"),
    "members.shortlist_finalized": _("Excellent-member shortlist finalised"),
    "members.shortlist_generated": _("Excellent-member shortlist generated"),
    "members.shortlist_member_added": _("Member added to the shortlist"),
    "members.shortlist_member_excluded": _("Member removed from the shortlist"),
    "members.shortlist_reopened": _("Excellent-member shortlist reopened"),
    "members.unit_created": _("Handling unit created"),
    "members.visit_changed": _("Visit changed"),
    "members.visit_recorded": _("Visit recorded"),
    "opinions.report_draft_created": _("Opinion report draft created"),
    "ops.backup": _("Backup"),
    "proposals.attachment_deleted": _("Attachment removed"),
    "proposals.attachment_downloaded": _("Attachment downloaded"),
    "proposals.attachment_stored": _("Attachment uploaded"),
    "proposals.collective_authorisation_granted": _("Collective proposal authorisation granted"),
    "proposals.collective_authorisation_revoked": _("Collective proposal authorisation revoked"),
    "proposals.create_draft": _("Proposal draft created"),
    "proposals.exported": _("Proposals exported"),
    "proposals.urge": _("Proposal urged"),
    "proposals.compilation_printed": _("Proposal compilation printed (PDF)"),
    "audit.exported": _("Audit log exported"),
    "dashboard.exported": _("Dashboard figures exported"),
    "dashboard.printed": _("Dashboard printed (PDF)"),
    "members.record_printed": _("Performance record printed (PDF)"),
    # Codes written on main by the other branches (security, opinions, consultations).
    "accounts.otp_backup_codes_renewed": _("Two-factor backup codes renewed"),
    "accounts.otp_enrolled": _("Two-factor authentication set up"),
    "accounts.otp_enrolment_failed": _("Two-factor set-up failed"),
    "accounts.otp_reset": _("Two-factor authentication reset"),
    "accounts.otp_reset_refused": _("Two-factor reset refused"),
    "audit.archive": _("Audit log archived"),
    "auth.address_throttled": _("Logins from one address throttled"),
    "auth.otp_verified": _("Two-factor code verified"),
    "auth.password_set_by_operator": _("Password set by the operator"),
    "consultations.officer_street_deleted": _("Officer's street removed"),
    "consultations.outcomes_exported": _("Consultation outcomes exported"),
    "consultations.photo_added": _("Photo added"),
    "consultations.photo_removed": _("Photo removed"),
    "consultations.project_created": _("Consultation project created"),
    "consultations.projects_exported": _("Consultation projects exported"),
    "consultations.room_created": _("Consultation room created"),
    "consultations.rooms_exported": _("Consultation rooms exported"),
    "consultations.session_created": _("Consultation session created"),
    "consultations.sessions_exported": _("Consultation sessions exported"),
    "consultations.topic_proposed": _("Consultation topic proposed"),
    "consultations.topics_exported": _("Consultation topics exported"),
    "opinions.attachment_downloaded": _("Opinion report attachment downloaded"),
    "opinions.batch_created": _("Opinion report batch created"),
    "opinions.batches_exported": _("Opinion report batches exported"),
    "opinions.bulletin_compiled": _("Bulletin compiled"),
    "opinions.bulletin_created": _("Bulletin created"),
    "opinions.bulletin_published": _("Bulletin published"),
    "opinions.bulletins_exported": _("Bulletins exported"),
    "opinions.exported": _("Opinion reports exported"),
    "opinions.own_exported": _("Own opinion reports exported"),
    "opinions.statistics_exported": _("Opinion report statistics exported"),
}

# The apps' names in an action label ("提案：登记").
APP_LABELS = {
    "proposals": _("Proposal"),
    "opinions": _("Opinion report"),
    "consultations": _("Consultation"),
    "members": _("Members"),
}

DETAIL_LABELS = {
    "kind": pgettext_lazy("audit", "Kind"),
    "reason": pgettext_lazy("audit", "Reason"),
    "rows": _("Rows"),
    "member": _("Member"),
    "fields": _("Fields"),
    "request": _("Request"),
    "user": _("Account"),
    "subkind": _("Subkind"),
    "reply": _("Reply"),
    "note": _("Note"),
    "full_personal_data": _("Full personal data"),
    "date": _("Date"),
    "attachment": _("Attachment"),
    "assignment": pgettext_lazy("audit", "Assignment"),
    "value": _("Value"),
    "to": _("To"),
    "lead_unit": _("Lead unit"),
    "grant": _("Grant"),
    "from": _("From"),
    "filters": _("Filters"),
    "co_units": _("Co-handling units"),
    "class": _("Class"),
    "before": _("Before"),
    "after": _("After"),
    "year": _("Year"),
    "via": _("Via"),
    "username": _("Account name"),
    "updated": _("Updated"),
    "unit": pgettext_lazy("audit", "Unit"),
    "type": _("Type"),
    "timing": _("Timing"),
    "status": _("Status"),
    "size": _("Size"),
    "requested_by": _("Requested by"),
    "requested": _("Requested"),
    "removed": _("Removed"),
    "reminders": _("Reminders"),
    "rating": _("Rating"),
    "proposed_class": _("Proposed class"),
    "points": _("Points"),
    "percent": _("Percent"),
    "participants": pgettext_lazy("audit", "Participants"),
    "origin": _("Origin"),
    "organisation": _("Organisation"),
    "officers": _("Officers"),
    "number": _("Number"),
    "new_due_on": _("New due date"),
    "name": pgettext_lazy("audit", "Name"),
    "members": _("Members"),
    "key": _("Key"),
    "into": _("Into"),
    "ground": _("Ground"),
    "grade": _("Grade"),
    "file": _("File"),
    "failures": _("Failures"),
    "expires_on": _("Expires on"),
    "errors": _("Errors"),
    "error": _("Error"),
    "encrypted": _("Encrypted"),
    "eligible": _("Eligible"),
    "created": pgettext_lazy("audit", "Created"),
    "count": _("Count"),
    "converted": _("Converted"),
    "contact": _("Contact"),
    "chosen": _("Chosen"),
    "changed": _("Changed"),
    "async": _("In the background"),
    "archive": pgettext_lazy("audit", "Archive"),
    "added": _("Added"),
    "roles": _("Roles"),
    "category": _("Category"),
    "q": _("Search"),
    "session": pgettext_lazy("audit", "Plenary session"),
    "stage": pgettext_lazy("audit", "Stage"),
    "overdue": pgettext_lazy("audit", "Overdue"),
    "excellent": _("Excellent"),
    "outcome": _("Outcome"),
    "actor": _("Person"),
    "action": _("Action"),
    "object_type": _("Object type"),
    "date_from": _("From"),
    "date_to": _("To"),
    "milestone": pgettext_lazy("audit", "Milestone"),
}


def _workflow_verb_label(app_label: str, verb: str) -> str | None:
    if app_label == "proposals":
        from proposals.workflow import Verb

        return str(Verb(verb).label) if verb in Verb.values else None
    try:
        from zhongyuan_cppcc.workflow.engine import workflows
    except ImportError:  # pragma: no cover - the engine is part of the project
        return None
    for workflow in workflows():
        if workflow.app_label == app_label and verb in workflow.Verb.values:
            return workflow.verb_label(verb)
    return None


def _admin_label(app_label: str, name: str) -> str | None:
    for suffix, label in (("_created", pgettext_lazy("audit", "created")), ("_changed", _("changed"))):
        if name.endswith(suffix):
            try:
                model = apps.get_model(app_label, name[: -len(suffix)])
            except LookupError:
                return None
            return f"{model._meta.verbose_name}：{label}"
    return None


def action_label(code: str) -> str | None:
    """The Chinese label of an action code, or None for a code nobody labelled."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    app_label, _dot, name = code.partition(".")
    if not name:
        return None
    verb = _workflow_verb_label(app_label, name)
    if verb is not None:
        app = APP_LABELS.get(app_label)
        return f"{app}：{verb}" if app else verb
    return _admin_label(app_label, name)


def action_display(code: str) -> str:
    """The label, or the code itself for one without a label (never an empty cell)."""
    return action_label(code) or code


def action_choices() -> list[tuple[str, str]]:
    """Every labelled action as (code, label), by label: the audit log's action filter."""
    codes = set(ACTION_LABELS)
    from proposals.workflow import Verb

    codes |= {f"proposals.{verb}" for verb in Verb.values}
    try:
        from zhongyuan_cppcc.workflow.engine import workflows

        for workflow in workflows():
            codes |= {f"{workflow.app_label}.{verb}" for verb in workflow.Verb.values}
    except ImportError:  # pragma: no cover
        pass
    return sorted(((code, action_display(code)) for code in codes), key=lambda pair: pair[1])


def object_type_label(object_type: str) -> str:
    """"accounts.user" → the model's name ("用户"); unknown types as they are."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _value_text(value, field=None, names: dict | None = None) -> str:
    """A detail value as text; with the model field it belongs to, a code reads as its choice's label and a
    foreign key as the related row's name (looked up once per `names` cache: one describe() call)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):
        return "；".join(f"{detail_label(k)}：{_value_text(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list | tuple | set):
        return "、".join(_value_text(v, field, names) for v in value) or "—"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    # A generic relation ("session:177") has no model of its own to name the row from: its text stands.
    if _related_field(field) is not None and isinstance(value, int | str):
        names = {} if names is None else names
        key = (field.related_model._meta.label, str(value))
        if key not in names:
            try:
                related = field.related_model._default_manager.filter(pk=value).first()
            except (ValueError, TypeError, ValidationError):
                related = None
            names[key] = str(related)[:MAX_NAME] if related is not None else str(value)
        return names[key]
    return str(value)


def detail_label(key) -> str:
    return str(DETAIL_LABELS.get(str(key), key))


# Detail keys whose value lists field names of the row's object ("fields": ["full_name"] → 姓名).
FIELD_NAME_KEYS = {"fields", "changed", "changed_fields"}
# Detail keys whose value maps the list's filter names to their values ("filters": {"category": "urban"}).
FILTER_KEYS = {"filters"}


def _model_of(object_type: str):
    if not object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(str(name))
    except Exception:  # noqa: BLE001 - FieldDoesNotExist, or a name that is not a field at all
        return None


def _field_names_text(value, model) -> str:
    names = value if isinstance(value, list | tuple | set) else [value]
    return "、".join(str(getattr(_field(model, n), "verbose_name", n)) for n in names) or "—"


def _filters_text(value, model, names: dict | None = None) -> str:
    if not isinstance(value, dict):
        return _value_text(value)
    parts = []
    for key, item in value.items():
        field = _field(model, key)
        label = DETAIL_LABELS.get(str(key)) or getattr(field, "verbose_name", key)
        parts.append(f"{label}：{_value_text(item, field, names)}")
    return "；".join(parts) or "—"


# Detail values whose names an app knows (the ledger's "kind"/"subkind" codes → the points rule's words):
# detail key → namer(details, names) returning the text, or None where it does not apply. Registered by the
# apps in AppConfig.ready; `names` is the describe() call's cache, for a namer that looks rows up.
DETAIL_VALUE_NAMERS: dict[str, list] = {}


def register_detail_value_namer(key: str, namer) -> None:
    DETAIL_VALUE_NAMERS.setdefault(key, []).append(namer)


def _named_value(key, details: dict, names: dict) -> str | None:
    for namer in DETAIL_VALUE_NAMERS.get(str(key), ()):
        text = namer(details, names)
        if text:
            return str(text)
    return None


def details_lines(details, object_type: str = "", names: dict | None = None) -> list[tuple[str, str]]:
    """An audit row's details as (label, text) pairs: nested values as readable text, not a Python dict; field
    names and coded filter values of the row's object type by their Chinese names."""
    if not isinstance(details, dict):
        return [("", _value_text(details))] if details else []
    model = _model_of(object_type)
    names = {} if names is None else names
    lines = []
    for key, value in details.items():
        if key in FIELD_NAME_KEYS and model is not None:
            text = _field_names_text(value, model)
        elif key in FILTER_KEYS and model is not None:
            text = _filters_text(value, model, names)
        else:
            # A code of the row's own model reads as its choice's label, a foreign key as the row's name.
            text = _named_value(key, details, names) or _value_text(value, _field(model, key), names)
        lines.append((detail_label(key), text))
    return lines


def lines_text(lines: list[tuple[str, str]]) -> str:
    """Detail lines on one line ("行数：3；筛选条件：类别：城建") for the export."""
    return "；".join(f"{label}：{text}" if label else text for label, text in lines)


def details_text(details, object_type: str = "") -> str:
    return lines_text(details_lines(details, object_type))


# --- Rows as the auditor reads them ---------------------------------------------------------------------

MAX_NAME = 200


def _keys(model, values) -> list:
    """`values` that can be keys of `model` (anything else names no row)."""
    keys = []
    for value in values:
        try:
            keys.append(model._meta.pk.to_python(value))
        except (ValidationError, TypeError, ValueError):
            continue
    return keys


def _object_keys(events) -> dict:
    """{model: {ids}} of the objects of rows written without their name."""
    wanted: dict = {}
    for event in events:
        if event.object_type and event.object_id and not event.object_repr:
            model = _model_of(event.object_type)
            if model is not None:
                wanted.setdefault(model, set()).add(event.object_id)
    return wanted


def _related_field(field):
    """`field` if its values are keys of rows with a name of their own: a foreign key or a many-to-many field
    (not a generic relation)."""
    if field is None or field.related_model is None or not (field.many_to_one or field.many_to_many):
        return None
    return field


def _foreign_keys(details, object_type: str, wanted: dict) -> None:
    """Add to `wanted` ({related model: {values}}) the foreign keys that details_lines() names in `details`."""
    model = _model_of(object_type)
    if not isinstance(details, dict) or model is None:
        return
    pairs = []
    for key, value in details.items():
        if key in FILTER_KEYS and isinstance(value, dict):
            pairs += list(value.items())
        elif key not in FIELD_NAME_KEYS:
            pairs.append((key, value))
    for key, value in pairs:
        field = _related_field(_field(model, key))
        if field is None:
            continue
        for item in value if isinstance(value, list | tuple | set) else [value]:
            if isinstance(item, int | str) and not isinstance(item, bool) and item != "":
                wanted.setdefault(field.related_model, set()).add(item)


def _names_of(wanted: dict) -> dict:
    """{(model label, key as text): the row's name} of the rows in `wanted` ({model: {keys}}) that exist, read
    together (lists.lookups.fetch_together: one statement for all the plain tables)."""
    from zhongyuan_cppcc.lists.lookups import fetch_together

    models = [model for model, keys in wanted.items() if keys]
    querysets = [model._default_manager.filter(pk__in=_keys(model, wanted[model])) for model in models]
    return {(model._meta.label, str(obj.pk)): str(obj)[:MAX_NAME]
            for model, rows in zip(models, fetch_together(querysets), strict=True) for obj in rows}


def describe(events) -> None:
    """Label each row: `action_label`, `object_label` (type and name), `detail_lines`, `actor_name`. The names
    the rows need — their objects, the rows their details point to, the people who acted — are read at once
    for the whole page, not per row or per object type."""
    from django.contrib.auth import get_user_model

    users = get_user_model()
    related: dict = {}  # the rows the details point to
    for event in events:
        _foreign_keys(event.details, event.object_type, related)
    wanted: dict = {}
    for part in (_object_keys(events), related, {users: {e.actor_id for e in events if e.actor_id}}):
        for model, keys in part.items():
            wanted.setdefault(model, set()).update(keys)
    found = _names_of(wanted)
    # For details_lines(): every key the details hold, a row that is gone read as its key.
    related_names = {(model._meta.label, str(value)): found.get((model._meta.label, str(value)), str(value))
                     for model, values in related.items() for value in values}
    for event in events:
        event.action_label = action_display(event.action)
        event.object_type_label = object_type_label(event.object_type)
        model = _model_of(event.object_type)
        name = event.object_repr or (found.get((model._meta.label, str(event.object_id)), "")
                                     if model is not None and event.object_id else "")
        event.object_name = name or (f"#{event.object_id}" if event.object_id else "")
        event.detail_lines = details_lines(event.details, event.object_type, related_names)
        full_name = found.get((users._meta.label, str(event.actor_id)), "") if event.actor_id else ""
        event.actor_name = (f"{full_name}（{event.actor_username}）" if full_name and full_name != event.actor_username
                            else event.actor_username)
