from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import UpdateView

from zhongyuan_cppcc.audit.services import audit_record

from .forms import LoginForm, PreferencesForm
from .services import user_password_changed


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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
