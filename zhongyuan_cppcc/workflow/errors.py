"""Domain errors: a request that cannot be carried out; nothing was changed.

Services raise them, views turn them into a message (never a 500). `str(error)` is the translated,
user-facing sentence (Chinese in the product). Every app's errors derive from DomainError.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class of every business app's errors."""

    default_message = _("This action is not possible.")

    def __init__(self, message=None, **params):
        self.message = message if message is not None else self.default_message
        self.params = params
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class InvalidTransition(DomainError):
    """The object's current status does not allow the verb (e.g. someone else acted first)."""

    default_message = _("“%(verb)s” is not possible: it is now “%(status)s”. Reload the page to see its "
                        "current state.")

    def __init__(self, *, verb: str, status: str, workflow=None, message=None):
        self.verb, self.status, self.workflow = verb, status, workflow
        verb_label = workflow.verb_label(verb) if workflow is not None else verb
        status_label = workflow.status_label(status) if workflow is not None else status
        super().__init__(message, verb=verb_label, status=status_label)


class ActionNotAllowed(DomainError, PermissionDenied):
    """The actor may not do this to this object (services check the permission again)."""

    default_message = _("You are not allowed to do this.")


class DeadlinePassed(DomainError):
    """A time window (a deadline, an objection window, an extension limit …) is over."""


class NotReady(DomainError):
    """A precondition other than the status is missing."""
