from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = _("Opinion reports")

    def ready(self) -> None:
        from zhongyuan_cppcc.core.registry import NavItem, register_nav

        register_nav(NavItem(label=_("Opinion reports"), url_name="opinions:report-list",
                             permission="opinions.view_own_reports", order=40, icon="chat-square-text"))
