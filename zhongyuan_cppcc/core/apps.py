from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhongyuan_cppcc.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import choice_labels
        from .db_roles import grant_after_migrate
        from .parameters import forget_stored
        from .registry import HomeLink, HomeSection, NavItem, register_home, register_nav

        # After every migrate (run as the owner), new tables get the application role's grants.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="core-db-role-grants")
        # A request reads the parameters once (core.parameters); one that changes them reads the change.
        post_save.connect(forget_stored, sender="core.SystemParameter", dispatch_uid="core-parameters-saved")
        post_delete.connect(forget_stored, sender="core.SystemParameter", dispatch_uid="core-parameters-deleted")
        # Every app's models are loaded by now: their choice labels come from a table built once per field.
        choice_labels.install()

        register_nav(NavItem(label=_("Administration"), url_name="admin:index",
                             permission="core.view_administration", order=95, icon="gear"))

        def home(user):
            from django.urls import reverse

            sections = [HomeSection(
                title=_("My account"), order=99,
                links=[
                    HomeLink(label=_("Notifications"), url=reverse("notification-list")),
                    HomeLink(label=_("Notification settings"), url=reverse("preferences")),
                    HomeLink(label=_("Change password"), url=reverse("password_change")),
                ],
            )]
            if user.has_perm("core.view_administration"):
                links = []
                if user.has_perm("accounts.view_user"):
                    links.append(HomeLink(label=_("User accounts"),
                                          url=reverse("admin:accounts_user_changelist")))
                if user.has_perm("workcalendar.view_specialday"):
                    links.append(HomeLink(label=_("Holidays and make-up working days"),
                                          url=reverse("admin:workcalendar_specialday_changelist")))
                if user.has_perm("core.view_systemparameter"):
                    links.append(HomeLink(label=_("Business parameters"),
                                          url=reverse("admin:core_systemparameter_changelist")))
                if user.has_perm("axes.view_accessattempt"):
                    links.append(HomeLink(label=_("Locked accounts and failed logins"),
                                          url=reverse("admin:axes_accessattempt_changelist")))
                sections.append(HomeSection(title=_("System administration"), order=80, links=links))
            return sections

        register_home(home)
