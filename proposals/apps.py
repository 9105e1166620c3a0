from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from . import parameters  # noqa: F401 - declares the business parameters
        from .reminders import parameters as _reminder_parameters  # noqa: F401
