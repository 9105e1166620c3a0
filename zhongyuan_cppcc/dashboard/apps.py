from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "zhongyuan_cppcc.dashboard"
    label = "dashboard"
    verbose_name = _("Leaders' dashboard")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from zhongyuan_cppcc.core.registry import NavItem, register_nav

        from . import exports  # noqa: F401 - registers the Excel export
        from .cache import install_after_migrate

        # After every migrate (and flush), every counted table — new ones too — advances the panels' cache
        # version. post_migrate is sent only for apps with models, which this one has none of: hook core's.
        post_migrate.connect(install_after_migrate, sender=apps.get_app_config("core"),
                             dispatch_uid="dashboard-data-version")

        register_nav(NavItem(label=_("Dashboard"), url_name="dashboard", permission="dashboard.view",
                             order=10, icon="speedometer2"))
