"""Admin: the system administrator attaches consultation officers to their street."""

from django.contrib import admin

from zhongyuan_cppcc.audit.services import audit_record

from .models import OfficerStreet


@admin.register(OfficerStreet)
class OfficerStreetAdmin(admin.ModelAdmin):
    list_display = ("user", "street")
    list_select_related = ("user", "street")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # only consultation officers can be attached to a street
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(groups__name="consultation_officer")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action=f"consultations.officer_street_{'changed' if change else 'created'}", obj=obj,
                     request=request, details={"user": obj.user_id, "street": obj.street_id})

    def delete_model(self, request, obj):
        audit_record(action="consultations.officer_street_deleted", obj=obj, request=request,
                     details={"user": obj.user_id, "street": obj.street_id})
        super().delete_model(request, obj)
