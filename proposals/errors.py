"""Domain errors raised by proposals.services. Views turn them into a message, never a 500.

`str(error)` is the translated, user-facing message (Chinese in the product)."""

from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.workflow import errors as engine
from zhongyuan_cppcc.workflow.errors import DomainError


class ProposalError(DomainError):
    """Base class: a request that cannot be carried out; nothing was changed."""


class InvalidTransition(ProposalError, engine.InvalidTransition):
    """The proposal's current status does not allow the verb (e.g. someone else acted first)."""

    default_message = _("“%(verb)s” is not possible: the proposal is now “%(status)s”. "
                        "Reload the page to see its current state.")


class ProposalPermissionDenied(ProposalError, engine.ActionNotAllowed):
    """The actor may not do this to this proposal (checked again in the service)."""


class DeadlinePassed(ProposalError, engine.DeadlinePassed):
    """A time window (session deadline, objection window, extension limit …) is over."""


class NotReady(ProposalError, engine.NotReady):
    """A precondition other than the status is missing (pending invitations, missing reply document …)."""
