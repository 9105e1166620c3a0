from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


def _role_group_str(group) -> str:
    """A role group reads as its Chinese role name (“提案工作人员”), never its code (`proposal_officer`)."""
    from .roles import Role

    return str(Role(group.name).label) if group.name in Role.values else group.name


def _axes_row_str(row) -> str:
    """django-axes' rows ("Access Log for demo @ 2026-…", "Attempted Access: …") in the admin's titles and
    messages: who, when, in Chinese."""
    from django.utils import timezone
    from django.utils.translation import gettext

    when = getattr(row, "attempt_time", None)
    when = f"{timezone.localtime(when):%Y-%m-%d %H:%M}" if when else ""
    return gettext("%(username)s at %(time)s") % {"username": row.username or gettext("unknown account"),
                                                  "time": when}


class AccountsConfig(AppConfig):
    name = "zhongyuan_cppcc.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.models import Group

        from . import checks, grants, signals  # noqa: F401

        grants.connect()
        # Groups are the roles of DESIGN.md §1: every admin list, filter and widget shows them by name.
        Group.__str__ = _role_group_str
        # django-axes calls its app "Axes"; the administrators read what it does.
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Login protection")
            from axes.models import AccessAttempt, AccessFailureLog, AccessLog

            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.__str__ = _axes_row_str
