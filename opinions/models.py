"""Opinion reports (社情民意信息, DESIGN.md §5): the report with its three parts and the office's edited text,
its timeline, bulletins (信息专刊), upward-reporting batches (上报), outcomes per level and leaders'
instructions (批示)."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Sector, Street
from zhongyuan_cppcc.workflow.models import AbstractStatusChange

from .workflow import Status

REPORT_MAX_CHARS = 1500
# Kept for callers of the first version of this module.
ReportStatus = Status


class Category(models.TextChoices):
    ECONOMY = "economy", _("Economic development")
    LIVELIHOOD = "livelihood", _("People's livelihood")
    URBAN = "urban", _("Urban construction and management")
    ENVIRONMENT = "environment", _("Ecology and environment")
    EDUCATION = "education", _("Education, science and culture")
    HEALTH = "health", _("Health care")
    GOVERNANCE = "governance", _("Social governance")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


class OpinionReport(models.Model):
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("situation"), blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    suggestion = models.TextField(_("suggestions"), blank=True)
    # Compact pinyin and initials of the title ("xuewei|xw"), kept by zhongyuan_cppcc.search on save.
    search_pinyin = models.TextField(blank=True, default="", editable=False)
    category = models.CharField(_("category"), max_length=30, blank=True, choices=Category.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="opinion_reports")
    co_authors = models.ManyToManyField(Member, verbose_name=_("co-authors"), blank=True,
                                        related_name="opinion_reports")
    source_street = models.ForeignKey(Street, verbose_name=_("source street"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    source_sector = models.ForeignKey(Sector, verbose_name=_("source sector"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    # Where the text came from, e.g. a proposal that was not registered and was converted.
    origin_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    origin_id = models.CharField(max_length=64, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    # The first submission fixes the year the report is counted in ("collected").
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Why the report was kept or returned; the author sees it.
    decision_reason = models.TextField(_("reason"), blank=True)
    # The office's edited text (核稿); the author's original above stays as it was.
    adopted_title = models.CharField(_("edited title"), max_length=200, blank=True)
    adopted_analysis = models.TextField(_("edited analysis"), blank=True)
    adopted_suggestion = models.TextField(_("edited suggestions"), blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("edited by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    signed_off_by = models.CharField(_("signed off by"), max_length=60, blank=True)
    signed_off_on = models.DateField(_("signed off on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("opinion report")
        verbose_name_plural = _("opinion reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="opinions_status_submitted")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opinions:report-detail", args=[self.pk])

    @property
    def body(self) -> str:
        """The author's whole text (situation, analysis, suggestions)."""
        return "\n\n".join(part for part in (self.situation, self.analysis, self.suggestion) if part)

    @property
    def display_title(self) -> str:
        return self.adopted_title or self.title


def attachment_storage_name(instance, filename: str) -> str:
    """A random name, nothing from the uploader: opinions/2024/05/<32 hex>.<detected extension>."""
    extension = getattr(instance, "_storage_extension", "") or "bin"
    return f"opinions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ReportAttachment(models.Model):
    """Material the author attaches; checked by content (zhongyuan_cppcc.attachments), served as a download."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_storage_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReportStatusChange(AbstractStatusChange):
    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(AbstractStatusChange.Meta):
        indexes = [models.Index(fields=["report", "at"], name="opinions_change_report_at")]


class BulletinCounter(models.Model):
    """The last bulletin number of a year; locked while a number is taken (no two issues share one)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("bulletin numbering")
        verbose_name_plural = _("bulletin numbering")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Bulletin(models.Model):
    """A bulletin issue (信息专刊): a draft compilation until it is published with the year's next number."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=100, default="信息专刊")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("compiled by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        ordering = ["-year", "-number", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="opinions_bulletin_number_unique")]

    def __str__(self) -> str:
        if self.number:
            return f"{self.title} {self.year}年第{self.number}期"
        return _("%(title)s (draft)") % {"title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("opinions:bulletin-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.number is not None


class BulletinEntry(models.Model):
    """A report's place in a bulletin; a report is in at most one issue."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="entries")
    report = models.OneToOneField(OpinionReport, on_delete=models.PROTECT, related_name="bulletin_entry")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["bulletin", "position", "id"]
        verbose_name = _("report in a bulletin")
        verbose_name_plural = _("reports in bulletins")

    def __str__(self) -> str:
        return f"{self.bulletin} #{self.position}"


class UpwardBatch(models.Model):
    """Reports sent together to the city CPPCC (上报)."""

    sent_on = models.DateField(_("sent on"))
    channel = models.CharField(_("channel"), max_length=60)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    reports = models.ManyToManyField(OpinionReport, verbose_name=_("reports"), related_name="upward_batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upward report batch")
        verbose_name_plural = _("upward report batches")
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.sent_on:%Y-%m-%d} {self.document_number or self.channel}"


class OutcomeKind(models.TextChoices):
    ALONE = "alone", _("Adopted alone")
    COMBINED = "combined", _("Adopted in a combined report")
    FORWARDED = "forwarded", _("Forwarded")


class CombinedReport(models.Model):
    """A report an upper level wrote from several source reports; each source gets its own outcome row."""

    title = models.CharField(_("title of the combined report"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("combined report")
        verbose_name_plural = _("combined reports")

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    """What a level did with a report. Withdrawn outcomes stay (audited) but no longer count."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="outcomes")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=OutcomeKind.choices)
    combined = models.ForeignKey(CombinedReport, verbose_name=_("combined report"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="outcomes")
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["level", "kind", "date"], name="opinions_outcome_level_kind")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_kind_display()}"

    @property
    def is_adoption(self) -> bool:
        return self.kind in (OutcomeKind.ALONE, OutcomeKind.COMBINED)


class LeaderTitle(models.TextChoices):
    DISTRICT_SECRETARY = "district_secretary", _("District Party secretary")
    DISTRICT_HEAD = "district_head", _("District head")
    DISTRICT_OTHER = "district_other", _("Other district leader")
    CITY = "city", _("City leader")
    PROVINCE = "province", _("Provincial leader")
    NATIONAL = "national", _("National leader")


class Instruction(models.Model):
    """A leader's written instruction (批示) on a report."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="instructions")
    leader_title = models.CharField(_("leader"), max_length=20, choices=LeaderTitle.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    date = models.DateField(_("date"))
    text = models.TextField(_("instruction"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_leader_title_display()} {self.date}"
