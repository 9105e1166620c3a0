from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from zhongyuan_cppcc.core.registry import NavItem, register_home, register_nav
        from zhongyuan_cppcc.dashboard.registry import register_panel

        from . import exports  # noqa: F401 - registers the Excel exports
        from .home import home_sections
        from .panels import dashboard_panels

        register_nav(NavItem(label=_("Consultations"), url_name="consultations:session-list",
                             permission="consultations.open_consultations", order=30, icon="people-fill"))
        register_home(home_sections)
        register_panel(dashboard_panels)
