"""Admin: reference data for the system administrator, personal-data clearances for the security
administrator (三员分立). Members, the ledger and imports are managed in the app's own screens. Handling
units are written through the service (its permission and officer-role checks), as in the app's screen."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from zhongyuan_cppcc.accounts.grants import BusinessGrantAdminMixin
from zhongyuan_cppcc.audit.services import audit_record

from . import services
from .models import (
    Community,
    HandlingUnit,
    Party,
    PersonalDataClearance,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Street,
    Term,
)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action=f"members.{obj._meta.model_name}_{'changed' if change else 'created'}", obj=obj,
                     request=request, details={"fields": form.changed_data})


@admin.register(Party)
class PartyAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "order")


@admin.register(Sector, SpecialCommittee)
class OrderedNameAdmin(AuditedAdmin):
    list_display = ("name", "order")


class CommunityInline(admin.TabularInline):
    model = Community
    extra = 0


@admin.register(Street)
class StreetAdmin(AuditedAdmin):
    list_display = ("name", "order")
    inlines = [CommunityInline]


@admin.register(Community)
class CommunityAdmin(AuditedAdmin):
    list_display = ("name", "street")
    list_filter = ("street",)


class PlenarySessionInline(admin.TabularInline):
    model = PlenarySession
    extra = 0


@admin.register(Term)
class TermAdmin(AuditedAdmin):
    list_display = ("__str__", "starts_on", "ends_on")
    inlines = [PlenarySessionInline]


@admin.register(PlenarySession)
class PlenarySessionAdmin(AuditedAdmin):
    list_display = ("__str__", "opens_on", "closes_on", "proposals_open_on", "proposals_close_on")


class HandlingUnitAdminForm(forms.ModelForm):
    class Meta:
        model = HandlingUnit
        fields = ("name", "kind", "street", "officers", "contact_phone", "is_active", "order")

    def clean_officers(self):
        officers = self.cleaned_data["officers"]
        try:
            services.check_unit_officers(officers)  # the service's own rule, shown on the field
        except services.MembersError as exc:
            raise ValidationError(str(exc)) from exc
        return officers


@admin.register(HandlingUnit)
class HandlingUnitAdmin(BusinessGrantAdminMixin, admin.ModelAdmin):
    grant_holder_fields = ("officers",)
    form = HandlingUnitAdminForm
    list_display = ("name", "kind", "street", "is_active")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("officers",)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.MembersError as exc:  # refused by the service (e.g. a concurrent change): nothing saved
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        unit = services.handling_unit_save(
            unit=obj if change else None, actor=request.user, name=data["name"], kind=data["kind"],
            street=data["street"], contact_phone=data["contact_phone"], is_active=data["is_active"],
            officers=data["officers"], order=data["order"])
        obj.pk, obj._state.adding = unit.pk, False

    def save_related(self, request, form, formsets, change):
        # The officers were set by the service; only inline formsets (none today) are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(PersonalDataClearance)
class PersonalDataClearanceAdmin(BusinessGrantAdminMixin, admin.ModelAdmin):
    list_display = ("user", "reason", "expires_on", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")
    autocomplete_fields = ()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
        audit_record(action="members.clearance_granted" if not change else "members.clearance_changed", obj=obj,
                     request=request, details={"user": obj.user.username, "expires_on": str(obj.expires_on or "")})

    def delete_model(self, request, obj):
        audit_record(action="members.clearance_revoked", obj=obj, request=request,
                     details={"user": obj.user.username})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
