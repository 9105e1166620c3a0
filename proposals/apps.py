from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from zhongyuan_cppcc.core.registry import NavItem, register_home, register_nav
        from zhongyuan_cppcc.dashboard.registry import register_panel
        from zhongyuan_cppcc.exports.registry import ExportKind, register_export

        from . import parameters  # noqa: F401 - declares the business parameters
        from .exports import build_export_job
        from .home import home_sections
        from .panels import dashboard_panels
        from .reminders import parameters as _reminder_parameters  # noqa: F401
        from .reminders.home import home_sections as reminder_home

        register_nav(NavItem(label=_("Proposals"), url_name="proposals:proposal-list",
                             permission="proposals.open_proposal_lists", order=20, icon="file-earmark-text"))
        register_nav(NavItem(label=_("Proposal archive"), url_name="proposals:archive",
                             permission="proposals.view_archive", order=21, icon="archive"))
        register_nav(NavItem(label=_("Deadline reminders"), url_name="proposals:reminders",
                             permission="proposals.view_reminders", order=22, icon="alarm"))
        register_home(home_sections)
        register_home(reminder_home)
        register_panel(dashboard_panels)
        register_export(ExportKind(name="proposals.proposals", label=_("Proposal compilation"),
                                   permission="proposals.export_proposals", build=build_export_job))
