"""Opinion reports (社情民意信息). This issue's scope: the report itself and its draft state, so that
other modules (e.g. a proposal not registered) can convert their text into a report draft."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Member, Sector, Street

REPORT_MAX_CHARS = 1500


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Being screened")
    ADOPTED = "adopted", _("Adopted")
    KEPT = "kept", _("Kept on file")


class OpinionReport(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    category = models.CharField(_("category"), max_length=30, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="opinion_reports")
    co_authors = models.ManyToManyField(Member, verbose_name=_("co-authors"), blank=True,
                                        related_name="opinion_reports")
    source_street = models.ForeignKey(Street, verbose_name=_("source street"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    source_sector = models.ForeignKey(Sector, verbose_name=_("source sector"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT, db_index=True)
    # Where the text came from, e.g. a proposal that was not registered and was converted.
    origin_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    origin_id = models.CharField(max_length=64, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("opinion report")
        verbose_name_plural = _("opinion reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
