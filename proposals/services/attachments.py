"""Attachments: validated by content, stored under a random name, removed with their row."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.workflow.services import check, lock, pk_of

from .. import parameters as p
from ..attachments import ALL_TYPES, PDF, validate_upload
from ..models import Attachment, AttachmentKind, Proposal
from ..workflow import WORKFLOW, Verb
from ._common import when


def store_attachment(*, proposal: Proposal, upload, kind: str, actor, unit=None,
                     allowed: frozenset[str] = ALL_TYPES, at: datetime | None = None) -> Attachment:
    """Validate and store one upload for `proposal` (the caller holds the proposal's lock and has checked
    the permission). Raises ValidationError for a bad file; nothing is stored then."""
    checked = validate_upload(upload, allowed=allowed)
    attachment = Attachment(proposal=proposal, kind=kind, unit=unit, original_name=checked.original_name,
                            content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                            uploaded_by=actor, uploaded_at=when(at))
    attachment._storage_extension = checked.extension
    upload.seek(0)
    # A rolled-back transaction leaves the file behind under its random name, unreachable: harmless,
    # and safer than writing the file after commit (a committed row would point at nothing).
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    audit_record(action="proposals.attachment_stored", actor=actor, obj=proposal,
                 details={"attachment": attachment.pk, "kind": kind, "type": checked.file_type.code,
                          "size": checked.size, "sha256": checked.sha256})
    return attachment


def store_pdf(**kwargs) -> Attachment:
    return store_attachment(allowed=frozenset({PDF}), **kwargs)


def delete_attachment(attachment: Attachment, *, actor) -> None:
    """Delete the row now and the file once the transaction commits."""
    storage, name = attachment.file.storage, attachment.file.name
    audit_record(action="proposals.attachment_deleted", actor=actor, obj=attachment.proposal,
                 details={"attachment": attachment.pk, "name": attachment.original_name})
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attachment_add(*, actor, proposal: Proposal | int, upload, at: datetime | None = None) -> Attachment:
    """The lead proposer attaches material to a draft (type checked by content, size and count limited)."""
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.ADD_ATTACHMENT, actor)
    limit = get_parameter(p.ATTACHMENTS_MAX)
    if proposal.attachments.filter(kind=AttachmentKind.MATERIAL).count() >= limit:
        raise ValidationError({"file": _("A proposal can have at most %(max)d attachments.") % {"max": limit}})
    return store_attachment(proposal=proposal, upload=upload, kind=AttachmentKind.MATERIAL, actor=actor, at=at)


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment | int) -> None:
    """The lead proposer removes material from a draft."""
    proposal_id = Attachment.objects.values_list("proposal_id", flat=True).get(pk=pk_of(attachment))
    proposal = lock(Proposal, proposal_id)
    check(WORKFLOW, proposal, Verb.REMOVE_ATTACHMENT, actor)
    attachment = Attachment.objects.select_related("proposal").get(pk=pk_of(attachment))
    if attachment.kind != AttachmentKind.MATERIAL:
        raise ValidationError(_("Only the proposal's own material can be removed here."))
    delete_attachment(attachment, actor=actor)


def attachment_record_download(*, user, attachment: Attachment) -> None:
    """Audit a download (the view calls it after the permission check)."""
    audit_record(action="proposals.attachment_downloaded", actor=user, obj=attachment.proposal,
                 details={"attachment": attachment.pk, "kind": attachment.kind})
