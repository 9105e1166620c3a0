"""Helpers shared by the proposal services: locking, the table check, the transition record,
text validation and notifications. Not part of the public API (import from proposals.services)."""

from collections.abc import Iterable
from datetime import date, datetime

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.notifications.services import notify

from .. import access
from ..errors import InvalidTransition, ProposalPermissionDenied
from ..models import Proposal, StatusChange
from ..workflow import can, permission_name, target


class _Keep:
    """Marker for "leave this field as it is" in partial updates (autosave)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


def when(at: datetime | None) -> datetime:
    return at or timezone.now()


def local_day(at: datetime) -> date:
    return timezone.localdate(at)


def pk_of(obj) -> int:
    return obj.pk if hasattr(obj, "pk") else int(obj)


def lock(proposal: Proposal | int) -> Proposal:
    """Re-read the proposal under a row lock: concurrent verbs on one proposal run one after another,
    and each sees the status the previous one left."""
    return Proposal.objects.select_for_update().get(pk=pk_of(proposal))


def check(proposal: Proposal, verb: str, actor, *, message=None) -> None:
    """The table first (a clear 'not possible now' beats 'not allowed'), then the permission again."""
    if not can(proposal.status, verb):
        raise InvalidTransition(verb=verb, status=proposal.status)
    if not rules.has_perm(permission_name(verb), actor, proposal):
        raise ProposalPermissionDenied(message)


def transition(
    proposal: Proposal,
    verb: str,
    actor,
    *,
    at: datetime,
    note: str = "",
    fields: Iterable[str] = (),
    details: dict | None = None,
    history: bool = True,
    audit_actor=None,
) -> StatusChange | None:
    """Apply `verb` to a locked proposal: new status from the table, save only the given fields,
    a StatusChange row (unless history=False) and an audit row."""
    from_status = proposal.status
    to_status = target(from_status, verb)
    if to_status is None:
        raise InvalidTransition(verb=verb, status=from_status)
    proposal.status = to_status
    proposal.save(update_fields=sorted({*fields, "status", "updated_at"}))
    access.forget(proposal)
    change = None
    if history:
        change = StatusChange.objects.create(proposal=proposal, verb=verb, from_status=from_status,
                                             to_status=to_status, actor=actor, note=note, at=at)
    audit_record(action=f"proposals.{verb}", actor=audit_actor or actor, obj=proposal,
                 details={"from": from_status, "to": to_status, "note": note[:500], **(details or {})})
    return change


def history_note(proposal: Proposal, verb: str, actor, *, at: datetime, note: str = "") -> StatusChange:
    """A timeline entry on a proposal whose status does not change through this verb's table entry
    (e.g. the main proposal of a merge)."""
    return StatusChange.objects.create(proposal=proposal, verb=verb, from_status=proposal.status,
                                       to_status=proposal.status, actor=actor, note=note, at=at)


def clean_text(value, *, field: str, label: str, max_chars: int, required: bool = False) -> str:
    """Normalise line ends and surrounding space; HTML is kept as typed (templates escape it)."""
    text = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError({field: _("%(label)s must not be empty.") % {"label": label}}, code="required")
    if len(text) > max_chars:
        raise ValidationError(
            {field: _("%(label)s has %(count)d characters; at most %(max)d are allowed.")
             % {"label": label, "count": len(text), "max": max_chars}},
            code="max_length",
        )
    return text


# --- Notifications ------------------------------------------------------------------------------------


def proposal_url(proposal: Proposal) -> str:
    """The detail page (URL contract /proposals/<id>/), also before the view exists."""
    try:
        return reverse("proposals:proposal-detail", kwargs={"pk": proposal.pk})
    except NoReverseMatch:
        return f"/proposals/{proposal.pk}/"


def label(proposal: Proposal) -> str:
    title = proposal.title or _("(untitled proposal)")
    return f"{proposal.number}《{title}》" if proposal.number else f"《{title}》"


def proposal_officers():
    return get_user_model().objects.filter(groups__name=Role.PROPOSAL_OFFICER, is_active=True).distinct()


def unit_officers(unit_ids: Iterable[int]):
    ids = list(unit_ids)
    return get_user_model().objects.filter(handling_units__in=ids, is_active=True).distinct()


def users_by_ids(user_ids: Iterable[int]):
    return get_user_model().objects.filter(pk__in=list(user_ids), is_active=True)


def send(recipients, *, proposal: Proposal, kind: str, title: str, body: str = "", exclude=None) -> int:
    """In-app notification to each recipient (plus e-mail/SMS by their preferences, after commit)."""
    sent, seen = 0, set()
    exclude_id = getattr(exclude, "pk", None)
    for user in recipients:
        if user is None or user.pk in seen or user.pk == exclude_id:
            continue
        seen.add(user.pk)
        notify(recipient=user, kind=f"proposals.{kind}", title=title, body=body, url=proposal_url(proposal),
               target=proposal)
        sent += 1
    return sent
