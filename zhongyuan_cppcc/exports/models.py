"""Long Excel exports run as Celery jobs; the job row holds the progress and, once done, the file."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def export_file_path(job: "ExportJob", filename: str) -> str:
    # A random name outside static: the file is only ever served by the owner's download view.
    return f"exports/{job.created_at:%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ExportJob(models.Model):
    FINISHED = (ExportStatus.DONE, ExportStatus.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                              on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("kind"), max_length=60)
    # The filters the list had when the export was asked for (query-string values only).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    done_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="export_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.done_rows * 100 / self.total_rows))
