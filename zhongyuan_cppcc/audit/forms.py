from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Outcome


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Account"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=80)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("All"))] + list(Outcome.choices))
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned
