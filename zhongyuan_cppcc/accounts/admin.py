from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.audit.services import audit_record

from .models import User
from .services import validate_role_combination


class RoleCheckingChangeForm(UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is not None:
            try:
                validate_role_combination(g.name for g in groups)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return groups


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = RoleCheckingChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "is_active", "last_login", "password_changed_at")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "mobile")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Notifications"), {"fields": ("notification_mode", "email_notifications", "sms_notifications")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    filter_horizontal = ("groups",)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # 三员分立: only the security administrator assigns roles; only the system administrator
        # edits account data.
        if not request.user.has_perm("accounts.assign_roles"):
            fields += ["groups", "is_staff"]
        if not request.user.has_perm("accounts.add_user"):
            fields += ["username", "full_name", "email", "mobile", "is_active",
                       "notification_mode", "email_notifications", "sms_notifications"]
        return fields

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, never deleted: audit rows point at them

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action="accounts.user_changed" if change else "accounts.user_created",
                     obj=obj, request=request, details={"fields": form.changed_data})

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            audit_record(action="accounts.roles_changed", obj=form.instance, request=request,
                         details={"before": sorted(before), "after": sorted(after)})


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(admin.ModelAdmin):
    """Roles are fixed by a data migration; administrators may look, not edit."""

    list_display = ("name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
