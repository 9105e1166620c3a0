from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from zhongyuan_cppcc.core.registry import register_home

        from . import parameters  # noqa: F401 - declares the business parameters
        from .reminders import parameters as _reminder_parameters  # noqa: F401
        from .reminders.home import home_sections as reminder_home

        register_home(reminder_home)
