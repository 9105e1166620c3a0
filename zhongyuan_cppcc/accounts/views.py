from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import UpdateView

from zhongyuan_cppcc.audit.services import audit_record

from .forms import LoginForm, PreferencesForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="auth.password_changed", obj=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


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
