"""Accounts in the admin, under 三员分立. Every change goes through accounts.services, which holds the
rules (the admin only decides which fields to show as editable)."""

import axes.admin  # noqa: F401 — registers the lockout admin first, so that it can be replaced below
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record

from .models import PasswordResetRequest, ResetStatus, User
from .services import (
    check_account_change,
    check_role_change,
    editable_account_fields,
    password_reset_decide,
    password_reset_start,
    user_create,
    user_set_roles,
)


class UserChangeForm(forms.ModelForm):
    """The fields the acting administrator may change (the rest are read-only in the admin)."""

    actor: User | None = None

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "mobile", "is_active", "groups", "notification_mode",
                  "email_notifications", "sms_notifications")

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is not None and self.actor is not None:
            codes = sorted(g.name for g in groups)
            try:
                check_role_change(actor=self.actor, user=self.instance, role_codes=codes)
            except ValidationError as exc:
                if set(codes) != self.instance.role_codes():
                    audit_record(action="accounts.roles_change_refused", actor=self.actor, obj=self.instance,
                                 outcome=Outcome.DENIED, details={"requested": codes, "reason": exc.messages})
                raise
        return groups

    def clean(self):
        cleaned = super().clean()
        if self.actor is not None and self.instance.pk:
            check_account_change(actor=self.actor, user=self.instance,
                                 fields=[f for f in self.changed_data if f != "groups"])
        return cleaned


class UserCreateForm(forms.ModelForm):
    """A new account has no password anyone knows: its holder sets one through a reset link."""

    actor: User | None = None

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "mobile")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreateForm
    list_display = ("username", "full_name", "active", "last_login", "password_changed_at")

    @admin.display(description=_("active"), ordering="is_active")
    def active(self, user):
        # In words: the admin's boolean icon says "True" to a screen reader.
        return _("Yes") if user.is_active else _("No")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "must_change_password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "mobile")}),
        (_("Roles"), {"fields": ("is_active", "groups")}),
        (_("Notifications"), {"fields": ("notification_mode", "email_notifications", "sms_notifications")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "mobile")}),
    )
    filter_horizontal = ("groups",)
    actions = ["start_password_reset", "reset_second_factor"]

    ALL_FIELDS = ("username", "must_change_password", "full_name", "email", "mobile", "is_active", "groups",
                  "notification_mode", "email_notifications", "sms_notifications", "last_login",
                  "date_joined", "password_changed_at")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        editable = editable_account_fields(actor=request.user, user=obj)
        return tuple(f for f in self.ALL_FIELDS if f not in editable)

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, never deleted: audit rows point at them

    def has_reset_password_permission(self, request):
        return request.user.has_perm("accounts.reset_password")

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("accounts.reset_second_factor")

    @admin.action(description=_("Reset the second factor (the account enrols again)"),
                  permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset):
        from .two_factor import otp_reset

        done = 0
        for user in queryset:
            try:
                otp_reset(actor=request.user, user=user)
                done += 1
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        if done:
            messages.success(request, _("%(count)d account(s) will set up their second factor again at their next "
                                        "login.") % {"count": done})

    def user_change_password(self, request, id, form_url=""):
        """Nobody sets another person's password (not even an administrator): refused and audited."""
        audit_record(action="accounts.password_set_refused", request=request, object_type="accounts.user",
                     object_id=str(id)[:64], outcome=Outcome.DENIED)
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if not change:
            created = user_create(actor=request.user, username=obj.username, full_name=obj.full_name,
                                  email=obj.email, mobile=obj.mobile)
            obj.pk, obj.password, obj._state.adding = created.pk, created.password, False
            return
        super().save_model(request, obj, form, change)
        fields = [f for f in form.changed_data if f != "groups"]
        if fields:
            details = {"fields": fields}
            if "is_active" in fields:
                details["is_active"] = obj.is_active
            audit_record(action="accounts.user_changed", obj=obj, request=request, details=details)

    def save_related(self, request, form, formsets, change):
        # Roles go through the service (its checks and audit row), not through the form's m2m save.
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if change and groups is not None:
            user_set_roles(user=form.instance, roles=[g.name for g in groups], actor=request.user)

    @admin.action(description=_("Reset the password (the account chooses a new one)"),
                  permissions=["reset_password"])
    def start_password_reset(self, request, queryset):
        applied = pending = 0
        for user in queryset:
            try:
                reset = password_reset_start(actor=request.user, user=user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
                continue
            if reset.status == ResetStatus.APPLIED:
                applied += 1
            else:
                pending += 1
        if applied:
            messages.success(request, _("%(count)d account(s) must choose a new password at their next login; "
                                        "a one-time link was sent to their own e-mail address.") % {"count": applied})
        if pending:
            messages.warning(request, _("%(count)d reset(s) of administrator accounts wait for a second "
                                        "administrator's approval (Password resets).") % {"count": pending})


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "requested_by", "requested_at", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    readonly_fields = ("user", "requested_by", "requested_at", "reason", "status", "decided_by", "decided_at")
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request):
        return request.user.has_perm("accounts.approve_password_reset")

    def _decide(self, request, queryset, approve: bool) -> None:
        done = 0
        for reset in queryset.filter(status=ResetStatus.PENDING):
            try:
                password_reset_decide(actor=request.user, reset=reset, approve=approve)
                done += 1
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        if done:
            messages.success(request, _("%(count)d reset(s) decided.") % {"count": done})

    @admin.action(description=_("Approve the selected resets"), permissions=["approve"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Refuse the selected resets"), permissions=["approve"])
    def refuse(self, request, queryset):
        self._decide(request, queryset, approve=False)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(admin.ModelAdmin):
    """Roles are fixed by a data migration; administrators may look, not edit."""

    list_display = ("role_name",)
    ordering = ("id",)

    @admin.display(description=_("Role"))
    def role_name(self, group):
        return str(group)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(axes.admin.AccessAttemptAdmin):
    """Deleting a lockout row unlocks the account: the security administrator's act, audited. Never their own
    account's (三员分立: no administrator lifts a control on themselves); their own lockout expires by itself
    after AXES_COOLOFF_TIME."""

    @staticmethod
    def _own(request, attempt) -> bool:
        return attempt.username == request.user.get_username()

    def delete_view(self, request, object_id, extra_context=None):
        attempt = AccessAttempt.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if attempt is not None and self._own(request, attempt):
            self._refuse_own(request, [attempt])
            raise PermissionDenied
        return super().delete_view(request, object_id, extra_context)

    def _refuse_own(self, request, attempts) -> None:
        for attempt in attempts:
            audit_record(action="auth.unlock_refused", request=request, obj=request.user, outcome=Outcome.DENIED,
                         details={"username": attempt.username})
        if attempts:
            messages.error(request, _("Nobody unlocks their own account; the lockout ends by itself after the "
                                      "cool-off period."))

    def _audit_unlock(self, request, attempt) -> None:
        user = User.objects.filter(username=attempt.username).first()
        audit_record(action="auth.unlocked", request=request, obj=user,
                     object_type="" if user else "axes.accessattempt", object_id="" if user else attempt.pk,
                     details={"username": attempt.username, "failures": attempt.failures_since_start})

    def delete_model(self, request, obj):
        self._audit_unlock(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        own = [attempt for attempt in queryset if self._own(request, attempt)]
        self._refuse_own(request, own)
        queryset = queryset.exclude(pk__in=[attempt.pk for attempt in own])
        for attempt in queryset:
            self._audit_unlock(request, attempt)
        super().delete_queryset(request, queryset)
