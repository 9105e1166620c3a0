"""Admin: reference data for the system administrator, personal-data clearances for the security
administrator (三员分立). Members, the ledger and imports are managed in the app's own screens."""

from django.contrib import admin

from zhongyuan_cppcc.audit.services import audit_record

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


@admin.register(HandlingUnit)
class HandlingUnitAdmin(AuditedAdmin):
    list_display = ("name", "kind", "street", "is_active")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("officers",)


@admin.register(PersonalDataClearance)
class PersonalDataClearanceAdmin(admin.ModelAdmin):
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
