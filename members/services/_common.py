"""Helpers shared by the members services: the errors, the permission check, the staff-recorded kinds,
source fields.
Not part of the public API (import from members.services)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from zhongyuan_cppcc.workflow.errors import ActionNotAllowed, DomainError

from ..models import STAFF_KINDS, LedgerKind, LedgerRule  # noqa: F401 - STAFF_KINDS re-exported


class MembersError(DomainError):
    """A business rule refused the action; nothing was changed. str(error) is the (Chinese) message shown
    to the user."""


class DuplicateIdNumber(MembersError):
    pass


class MembersPermissionDenied(MembersError, ActionNotAllowed):
    """The actor may not do this. Every write service checks the actor's permission itself (the views check
    it too, to hide what the user may not do); being a PermissionDenied, it is a 403 where no view turns it
    into a message."""


def require_perm(actor, perm: str, obj=None) -> None:
    """Refuse (MembersPermissionDenied) unless `actor` is a signed-in user holding `perm` (on `obj`)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise MembersPermissionDenied


def _source_fields(source: models.Model | None) -> dict:
    if source is None:
        return {"source_type": None, "source_id": ""}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": str(source.pk)}


def _check_staff_kind(kind: str, subkind: str) -> LedgerRule:
    if kind not in STAFF_KINDS:
        raise MembersError(_("Events of this kind are recorded by their own module."))
    rule = LedgerRule.objects.filter(kind=kind, subkind=subkind).first()
    if rule is None:
        raise MembersError(_("There is no points rule for this kind of event."))
    return rule


def _str_or_none(value) -> str | None:
    return None if value is None else str(value)
