from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "zhongyuan_cppcc.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from zhongyuan_cppcc.core.registry import HomeLink, HomeSection, NavItem, register_home, register_nav

        from . import exporting  # noqa: F401  (registers the audit log's Excel export)

        register_nav(NavItem(label=_("Audit log"), url_name="audit-list",
                             permission="audit.view_auditevent", order=90, icon="journal-check"))

        def home(user):
            if not user.has_perm("audit.view_auditevent"):
                return []
            from django.urls import reverse
            from django.utils import timezone

            from .models import AuditEvent, Outcome

            today = timezone.localdate()
            failures = AuditEvent.objects.filter(at__date=today).exclude(outcome=Outcome.SUCCESS).count()
            return [HomeSection(
                title=_("Audit"), order=90,
                links=[
                    HomeLink(label=_("Read the audit log"), url=reverse("audit-list")),
                    HomeLink(label=_("Failed or denied events today"),
                             url=reverse("audit-list") + f"?outcome=failure&date_from={today:%Y-%m-%d}",
                             count=failures),
                ],
            )]

        register_home(home)
