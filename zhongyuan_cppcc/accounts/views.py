import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView, UpdateView

from zhongyuan_cppcc.audit.services import audit_record

from . import two_factor
from .forms import LoginForm, PreferencesForm
from .models import User
from .services import user_password_changed

PENDING_SESSION_KEY = "_two_factor_pending"
PENDING_SECONDS = 5 * 60


def throttled_response(request, username: str = ""):
    two_factor.record_address_throttled(request, username)
    return render(request, "registration/address_throttled.html",
                  {"minutes": settings.LOGIN_ADDRESS_WINDOW_MINUTES}, status=429)


class LoginView(auth_views.LoginView):
    """Password first; an account with a second factor then gives a code (TwoFactorVerifyView)."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if two_factor.address_throttled(request):
            return throttled_response(request, request.POST.get("username", ""))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.confirmed_devices(user):
            self.request.session.cycle_key()
            self.request.session[PENDING_SESSION_KEY] = {
                "user": user.pk, "backend": user.backend, "at": int(time.time()), "next": self.get_success_url()}
            return redirect("two_factor_verify")
        return super().form_valid(form)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the authenticator app, or a backup code"), max_length=16,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


@method_decorator(login_not_required, name="dispatch")
@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class TwoFactorVerifyView(TemplateView):
    """Second step of the login. A wrong code is a failed login (lockout and per-address throttle)."""

    template_name = "registration/two_factor_verify.html"

    def pending_user(self) -> tuple[User | None, dict]:
        pending = self.request.session.get(PENDING_SESSION_KEY) or {}
        if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
            return None, {}
        return User.objects.filter(pk=pending.get("user"), is_active=True).first(), pending

    def get(self, request, *args, **kwargs):
        user, _pending = self.pending_user()
        if user is None:
            return redirect("login")
        return self.render_to_response({"form": CodeForm()})

    def post(self, request, *args, **kwargs):
        from axes.handlers.proxy import AxesProxyHandler

        user, pending = self.pending_user()
        if user is None:
            messages.warning(request, _("Please log in again."))
            return redirect("login")
        if two_factor.address_throttled(request):
            return throttled_response(request, user.get_username())
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING_SESSION_KEY, None)
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        form = CodeForm(request.POST)
        device = two_factor.verify_code(user, form.data.get("code", "")) if form.is_valid() else None
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING_SESSION_KEY, None)
                return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
            form.add_error(None, _("The code is wrong or has expired. Please try again."))
            return self.render_to_response({"form": form})
        request.session.pop(PENDING_SESSION_KEY, None)
        user.otp_device = device  # django-otp's login receiver keeps it in the new session
        auth_login(request, user, backend=pending["backend"])
        audit_record(action="auth.otp_verified", actor=user, obj=user, request=request,
                     details={"device": type(device).__name__})
        return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)


class TwoFactorView(TemplateView):
    """/accounts/2fa/: enrol (QR code rendered here, backup codes shown once), or see the status."""

    template_name = "accounts/two_factor.html"

    def context(self, **extra):
        user = self.request.user
        context = {"enrolled": two_factor.is_enrolled(user), "required": two_factor.requires_second_factor(user),
                   "verified": two_factor.session_verified(self.request), "form": CodeForm(), **extra}
        if context["enrolled"]:
            context["backup_left"] = two_factor.backup_codes_left(user)
        elif "backup_codes" not in context:
            device = two_factor.pending_device(user)
            context["qr_svg"] = mark_safe(two_factor.qr_svg(device))  # noqa: S308 — generated here, no input
            context["secret"] = two_factor.secret_base32(device)
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context())

    def post(self, request, *args, **kwargs):
        from django_otp import login as otp_login

        user = request.user
        action = request.POST.get("action", "")
        enrolled = two_factor.is_enrolled(user)
        if action == "confirm" and not enrolled:
            form = CodeForm(request.POST)
            result = two_factor.confirm_enrolment(user=user, code=form.data.get("code", "")) \
                if form.is_valid() else None
            if result is None:
                form.add_error(None, _("The code is wrong or has expired. Please try again."))
                return self.render_to_response(self.context(form=form))
            device, codes = result
            otp_login(request, device)
            messages.success(request, _("The second factor is on. Keep the backup codes below somewhere safe: "
                                        "they are shown only now."))
            return self.render_to_response(self.context(backup_codes=codes))
        if action == "verify" and enrolled:
            form = CodeForm(request.POST)
            device = two_factor.verify_code(user, form.data.get("code", "")) if form.is_valid() else None
            if device is None:
                user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                                       request=request)
                form.add_error(None, _("The code is wrong or has expired. Please try again."))
                return self.render_to_response(self.context(form=form))
            otp_login(request, device)
            audit_record(action="auth.otp_verified", actor=user, obj=user, details={"device": type(device).__name__})
            return redirect(settings.LOGIN_REDIRECT_URL)
        if action == "backup" and enrolled and two_factor.session_verified(request):
            codes = two_factor.regenerate_backup_codes(user=user)
            messages.success(request, _("New backup codes: the old ones no longer work. They are shown only now."))
            return self.render_to_response(self.context(backup_codes=codes))
        messages.error(request, _("This request could not be carried out. Please try again."))
        return redirect(reverse("two_factor"))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=self.request.user, request=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link of an administrator-started reset: the holder chooses the new password."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user, request=self.request, via="reset_link")
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PreferencesView(UpdateView):
    form_class = PreferencesForm
    template_name = "accounts/preferences.html"
    success_url = reverse_lazy("preferences")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="accounts.preferences_changed", obj=self.request.user,
                     details={"fields": form.changed_data})
        messages.success(self.request, _("Your notification settings have been saved."))
        return response
