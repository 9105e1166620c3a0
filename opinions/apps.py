from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = _("Opinion reports")

    def ready(self) -> None:
        from zhongyuan_cppcc.core.registry import NavItem, register_home, register_nav
        from zhongyuan_cppcc.dashboard.registry import register_panel

        from . import exports  # noqa: F401 - registers the Excel exports
        from .home import home_sections
        from .panels import dashboard_panels

        register_nav(NavItem(label=_("Opinion reports"), url_name="opinions:report-list",
                             permission="opinions.view_nav", order=40, icon="chat-square-text"))
        register_home(home_sections)
        register_panel(dashboard_panels)
