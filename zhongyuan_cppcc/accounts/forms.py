from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Account")

    error_messages = {
        "invalid_login": _("The account name or password is wrong. Please try again."),
        "inactive": _("This account has been disabled. Please contact the system administrator."),
    }


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notification_mode", "email_notifications", "sms_notifications", "email"]
        widgets = {"notification_mode": forms.RadioSelect}
