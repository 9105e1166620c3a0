from django import forms
from django.contrib import admin
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

from .models import Heartbeat, SystemParameter
from .parameters import REGISTRY, set_parameter


class SystemParameterForm(forms.ModelForm):
    key = forms.ChoiceField(label=SystemParameter._meta.get_field("key").verbose_name)

    class Meta:
        model = SystemParameter
        fields = ["key", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Administrators choose a parameter by what it means; the key stays the stored value.
        self.fields["key"].choices = [(k, p.label) for k, p in sorted(REGISTRY.items())]
        if self.instance.pk:
            self.fields["key"].disabled = True  # a parameter's value changes, not its key
        elif not self.is_bound:
            self.initial["value"] = InvalidJSONInput("")  # an empty box, not "null"

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key")
        if key in REGISTRY and "value" in cleaned:
            cleaned["value"] = REGISTRY[key].coerce(cleaned["value"])
        return cleaned


@admin.register(SystemParameter)
class SystemParameterAdmin(admin.ModelAdmin):
    form = SystemParameterForm
    list_display = ("parameter", "value", "updated_at")

    @admin.display(description=_("parameter"), ordering="key")
    def parameter(self, obj):
        return REGISTRY[obj.key].label if obj.key in REGISTRY else obj.key

    def save_model(self, request, obj, form, change):
        # Through the service (its coercion and audit row), like every other writer of parameters.
        obj.value = set_parameter(key=obj.key, value=form.cleaned_data["value"], actor=request.user)
        obj._state.adding = False


# Heartbeat rows by what they prove (the row names are codes written by the periodic tasks).
HEARTBEAT_NAMES = {"beat": _("Scheduler and background worker")}


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("task", "run_at")

    @admin.display(description=_("periodic task"), ordering="name")
    def task(self, obj):
        return HEARTBEAT_NAMES.get(obj.name, obj.name)

    @admin.display(description=_("last run"), ordering="last_run")
    def run_at(self, obj):
        return obj.last_run

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
