from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "zhongyuan_cppcc.dashboard"
    label = "dashboard"
    verbose_name = _("Leaders' dashboard")

    def ready(self) -> None:
        from zhongyuan_cppcc.core.registry import NavItem, register_nav

        from . import exports  # noqa: F401 - registers the Excel export

        register_nav(NavItem(label=_("Dashboard"), url_name="dashboard", permission="dashboard.view",
                             order=10, icon="speedometer2"))
