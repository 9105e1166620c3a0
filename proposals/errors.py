"""Domain errors raised by proposals.services. Views turn them into a message, never a 500.

`str(error)` is the translated, user-facing message (Chinese in the product)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.workflow.errors import DomainError


class ProposalError(DomainError):
    """Base class: a request that cannot be carried out; nothing was changed."""


class InvalidTransition(ProposalError):
    """The proposal's current status does not allow the verb (e.g. someone else acted first)."""

    def __init__(self, *, verb: str, status: str, message=None):
        from .workflow import Status, Verb

        self.verb, self.status = verb, status
        super().__init__(
            message or _("“%(verb)s” is not possible: the proposal is now “%(status)s”. "
                         "Reload the page to see its current state."),
            verb=str(Verb(verb).label) if verb in Verb.values else verb,
            status=str(Status(status).label) if status in Status.values else status,
        )


class ProposalPermissionDenied(ProposalError, PermissionDenied):
    """The actor may not do this to this proposal (checked again in the service)."""

    default_message = _("You are not allowed to do this.")


class DeadlinePassed(ProposalError):
    """A time window (session deadline, objection window, extension limit …) is over."""


class NotReady(ProposalError):
    """A precondition other than the status is missing (pending invitations, missing reply document …)."""
