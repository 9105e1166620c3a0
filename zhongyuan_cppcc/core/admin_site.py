from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PlatformAdminSite(admin.AdminSite):
    """The admin is for the system and security administrators, decided by role, not is_staff."""

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.has_perm("core.view_administration"))


class PlatformAdminConfig(AdminConfig):
    default_site = "zhongyuan_cppcc.core.admin_site.PlatformAdminSite"
