from django import forms
from django.contrib import admin

from zhongyuan_cppcc.audit.services import audit_record

from .models import Heartbeat, SystemParameter
from .parameters import REGISTRY


class SystemParameterForm(forms.ModelForm):
    key = forms.ChoiceField(label=SystemParameter._meta.get_field("key").verbose_name)

    class Meta:
        model = SystemParameter
        fields = ["key", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, f"{k} — {p.label}") for k, p in sorted(REGISTRY.items())]

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key")
        if key in REGISTRY and "value" in cleaned:
            cleaned["value"] = REGISTRY[key].coerce(cleaned["value"])
        return cleaned


@admin.register(SystemParameter)
class SystemParameterAdmin(admin.ModelAdmin):
    form = SystemParameterForm
    list_display = ("key", "value", "updated_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action="core.parameter_changed", obj=obj, request=request,
                     details={"value": obj.value})


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
