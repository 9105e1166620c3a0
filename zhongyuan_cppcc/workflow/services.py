"""Generic service helpers: lock the row, check the table and the permission, move, record history and audit,
queue side effects after commit. An app's verb service is usually a few lines around `perform()`:

    def report_adopt(*, report: OpinionReport | int, actor: User, note: str = "") -> OpinionReport:
        \"\"\"screening → adopted; notifies the author after commit.\"\"\"
        def apply(locked):
            locked.adopted_at = timezone.now()
            return ["adopted_at"]
        return perform(WORKFLOW, report, Verb.ADOPT, actor, note=note, apply=apply,
                       on_commit=lambda r: notify_author(r, "adopted"))

Services with more to do than `perform()` allows use lock() / check() / transition() inside their own
`transaction.atomic()` block in that order.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial

import rules
from django.db import models, transaction
from django.utils import timezone

from zhongyuan_cppcc.audit.services import audit_record

from .engine import Workflow


def pk_of(obj) -> int:
    return obj.pk if hasattr(obj, "pk") else int(obj)


def lock(model: type[models.Model], obj) -> models.Model:
    """Re-read the row under a lock (inside a transaction): concurrent verbs on one object run one after
    another, and each sees the status the previous one left."""
    return model._default_manager.select_for_update().get(pk=pk_of(obj))


def check(workflow: Workflow, obj, verb: str, actor, *, message=None) -> None:
    """The table first (a clear 'not possible now' beats 'not allowed'), then the permission again."""
    if not workflow.can(workflow.status_of(obj), verb):
        raise workflow.invalid_transition(verb=verb, status=workflow.status_of(obj), workflow=workflow)
    if actor is None or not rules.has_perm(workflow.permission_name(verb), actor, obj):
        raise workflow.not_allowed(message)


def _has_field(obj, name: str) -> bool:
    try:
        obj._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return True


def transition(
    workflow: Workflow,
    obj,
    verb: str,
    actor,
    *,
    at: datetime | None = None,
    note: str = "",
    fields: Iterable[str] = (),
    details: dict | None = None,
    history: bool = True,
    audit_actor=None,
):
    """Apply `verb` to a locked object: the new status from the table, save the status and `fields`, a
    status-change row (unless history=False) and an audit row. Returns the status-change row or None."""
    at = at or timezone.now()
    from_status = workflow.status_of(obj)
    to_status = workflow.target(from_status, verb)
    if to_status is None:
        raise workflow.invalid_transition(verb=verb, status=from_status, workflow=workflow)
    setattr(obj, workflow.status_field, to_status)
    update = {*fields, workflow.status_field}
    if _has_field(obj, "updated_at"):
        update.add("updated_at")
    obj.save(update_fields=sorted(update))
    if workflow.on_saved is not None:
        workflow.on_saved(obj)
    change = history_note(workflow, obj, verb, actor, at=at, note=note, from_status=from_status) \
        if history and workflow.history else None
    audit_record(action=f"{workflow.app_label}.{verb}", actor=audit_actor or actor, obj=obj,
                 details={"from": from_status, "to": to_status, "note": note[:500], **(details or {})})
    return change


def history_note(workflow: Workflow, obj, verb: str, actor, *, at: datetime | None = None, note: str = "",
                 from_status: str | None = None):
    """A timeline row; from == to when the status did not change through this verb's table entry."""
    model = workflow.history_model
    status = workflow.status_of(obj)
    return model.objects.create(**{workflow.history_fk: obj}, verb=verb,
                                from_status=from_status if from_status is not None else status,
                                to_status=status, actor=actor, note=note, at=at or timezone.now())


def perform(
    workflow: Workflow,
    obj,
    verb: str,
    actor,
    *,
    model: type[models.Model] | None = None,
    apply: Callable[[models.Model], Iterable[str] | None] | None = None,
    at: datetime | None = None,
    note: str = "",
    details: dict | None = None,
    on_commit: Callable[[models.Model], None] | None = None,
    message=None,
):
    """The whole verb in one transaction: lock, check, `apply(locked)` (sets fields, returns their names;
    may raise a DomainError or ValidationError to refuse), transition, and `on_commit(locked)` after commit.
    Returns the locked, updated object."""
    model = model or (type(obj) if isinstance(obj, models.Model) else None)
    if model is None:
        raise TypeError("perform() needs a model instance or model=")
    with transaction.atomic():
        locked = lock(model, obj)
        check(workflow, locked, verb, actor, message=message)
        fields = (apply(locked) or ()) if apply else ()
        transition(workflow, locked, verb, actor, at=at, note=note, fields=fields, details=details)
        if on_commit is not None:
            transaction.on_commit(partial(on_commit, locked))
    return locked
