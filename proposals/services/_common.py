"""Helpers shared by the proposal services: text validation and notifications. Locking, the table check
and the transition record are the workflow engine's (zhongyuan_cppcc.workflow.services, with
proposals.workflow.WORKFLOW). Not part of the public API (import from proposals.services)."""

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.notifications.services import notify

from ..models import Proposal


class _Keep:
    """Marker for "leave this field as it is" in partial updates (autosave)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


def when(at: datetime | None) -> datetime:
    return at or timezone.now()


def local_day(at: datetime) -> date:
    return timezone.localdate(at)


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
