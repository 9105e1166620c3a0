from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "zhongyuan_cppcc.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from .models_registry import connect

        connect()
