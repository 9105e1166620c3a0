"""Uploaded files. Stored under MEDIA_ROOT with random names; served only by the download view."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import HandlingUnit

from .proposal import Proposal


class AttachmentKind(models.TextChoices):
    MATERIAL = "material", _("Proposal material")
    REPLY_DOCUMENT = "reply_document", _("Signed reply document")
    CO_OPINION = "co_opinion", _("Co-handling opinion document")


def attachment_storage_name(instance, filename: str) -> str:
    """Random name, nothing from the uploader: proposals/2024/05/<32 hex>.<detected extension>."""
    now = timezone.now()
    extension = getattr(instance, "_storage_extension", "") or "bin"
    return f"proposals/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="attachments")
    kind = models.CharField(_("kind"), max_length=15, choices=AttachmentKind.choices,
                            default=AttachmentKind.MATERIAL)
    # The unit that uploaded a reply or co-handling document (empty for proposers' material).
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=attachment_storage_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["proposal_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
