from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from zhongyuan_cppcc.accounts.facts import register_fact
        from zhongyuan_cppcc.core.registry import NavItem, register_home, register_nav
        from zhongyuan_cppcc.dashboard.registry import register_panel

        from . import exports, parameters, printing  # noqa: F401 - declare the exports and the business parameters
        from .access import COLLECTIVE_FACT, collective_authorisation_fact, forget
        from .home import home_sections
        from .panels import dashboard_panels
        from .reminders import parameters as _reminder_parameters  # noqa: F401
        from .reminders.home import home_sections as reminder_home
        from .workflow import WORKFLOW

        register_nav(NavItem(label=_("Proposals"), url_name="proposals:proposal-list",
                             permission="proposals.open_proposal_lists", order=20, icon="file-earmark-text"))
        register_nav(NavItem(label=_("Proposal archive"), url_name="proposals:archive",
                             permission="proposals.view_archive", order=21, icon="archive"))
        register_nav(NavItem(label=_("Deadline reminders"), url_name="proposals:reminders",
                             permission="proposals.view_reminders", order=22, icon="alarm"))
        # Relations cached on a proposal instance (proposers, handler roles) may change with its status.
        WORKFLOW.on_saved = forget
        # The navigation asks on every page whether the user may submit for an organisation.
        register_fact(COLLECTIVE_FACT, collective_authorisation_fact)
        register_home(home_sections)
        register_home(reminder_home)
        register_panel(dashboard_panels)
