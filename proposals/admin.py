"""Administration: proposals are read-only here (state changes only through services); collective
authorisations are configuration, granted and revoked through their services (audited)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.accounts.grants import BusinessGrantAdminMixin

from . import services
from .models import (
    Assignment,
    Attachment,
    CollectiveAuthorisation,
    CosignerInvitation,
    Proposal,
    ProposalNumberSequence,
    Reply,
    StatusChange,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("at", "verb", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ("round", "unit", "role", "assigned_on", "answer", "superseded_at", "opinion_due_on",
              "opinion_submitted_at")
    readonly_fields = fields


class InvitationInline(ReadOnlyInline):
    model = CosignerInvitation
    fields = ("member", "status", "invited_at", "answered_at")
    readonly_fields = fields


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "year", "kind", "lead_unit", "reply_due_on", "is_key")
    list_filter = ("status", "year", "kind", "timing", "is_key", "is_excellent")
    search_fields = ("number", "title")
    list_select_related = ("lead_unit",)
    inlines = [InvitationInline, AssignmentInline, StatusChangeInline]
    exclude = ("search_vector",)


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "round", "unit", "status", "reply_class", "approved_at")
    list_filter = ("status", "reply_class")
    list_select_related = ("proposal", "unit")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "proposal", "kind", "content_type", "size", "uploaded_at")
    list_filter = ("kind",)
    exclude = ("file",)


@admin.register(ProposalNumberSequence)
class ProposalNumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("plenary_session", "last_serial")


@admin.register(CollectiveAuthorisation)
class CollectiveAuthorisationAdmin(BusinessGrantAdminMixin, admin.ModelAdmin):
    list_display = ("user", "party", "sector", "special_committee", "granted_at", "revoked_at")
    list_filter = ("revoked_at",)
    fields = ("user", "party", "sector", "special_committee", "note", "revoked_at")
    readonly_fields = ("revoked_at",)
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # An authorisation is granted once; afterwards it can only be revoked.
        return self.fields if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        granted = services.collective_authorisation_grant(
            actor=request.user, user=obj.user, organisation=obj.party or obj.sector or obj.special_committee,
            note=obj.note)
        obj.pk = granted.pk

    @admin.action(description=_("Revoke the selected authorisations"), permissions=["change"])
    def revoke(self, request, queryset):
        for authorisation in queryset.filter(revoked_at__isnull=True):
            services.collective_authorisation_revoke(actor=request.user, authorisation=authorisation,
                                                     at=timezone.now())
        messages.success(request, _("The authorisations were revoked."))
