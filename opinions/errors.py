from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.workflow.errors import DomainError


class OpinionError(DomainError):
    """A request about opinion reports that cannot be carried out; nothing was changed."""

    default_message = _("This action is not possible for this report.")
