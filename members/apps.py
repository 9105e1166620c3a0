
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:

        from zhongyuan_cppcc.accounts.facts import register_fact
        from zhongyuan_cppcc.audit.labels import register_detail_value_namer
        from zhongyuan_cppcc.core.registry import NavItem, register_home, register_nav
        from zhongyuan_cppcc.dashboard.registry import register_panel
        from zhongyuan_cppcc.exports.registry import ExportKind, register_export

        from . import parameters  # noqa: F401 - declares the module's business parameters
        from .audit_names import ledger_kind_name, ledger_subkind_name
        from .exporting import build_member_export
        from .home import home_sections
        from .panels import dashboard_panels
        from .rules import CLEARANCE_FACT, personal_data_clearance_fact

        register_nav(NavItem(label=_("Members"), url_name="members:member-list",
                             permission="members.view_member", order=50, icon="people"))
        register_nav(NavItem(label=_("My record"), url_name="members:my-record",
                             permission="members.view_own_record", order=51, icon="person-badge"))
        register_home(home_sections)
        register_panel(dashboard_panels)
        # Member pages ask whether the user may see full ID and mobile numbers.
        register_fact(CLEARANCE_FACT, personal_data_clearance_fact)
        register_export(ExportKind(name="members.members", label=_("Member list"),
                                   permission="members.export_member", build=build_member_export))
        register_detail_value_namer("kind", ledger_kind_name)
        register_detail_value_namer("subkind", ledger_subkind_name)
