"""Starting, running, resuming and downloading export jobs. Only the owner ever sees a job."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.core.db import replica_reads
from zhongyuan_cppcc.core.tasks_util import enqueue, enqueue_on_commit

from .models import ExportJob, ExportStatus
from .registry import get_kind

logger = logging.getLogger(__name__)

# A running job whose progress has not moved for this long lost its worker.
STALE_AFTER = timedelta(minutes=10)
# A job still waiting after this long lost its task (Redis was down when it was asked for).
LOST_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 3
PROGRESS_INTERVAL_SECONDS = 1.0


def sync_limit() -> int:
    """Lists longer than this are exported in the background."""
    return settings.EXPORT_SYNC_MAX_ROWS


@transaction.atomic
def export_start(*, actor, kind: str, params: dict, total_rows: int | None = None) -> ExportJob:
    """Queue an export of a list as `actor` sees it now; the task is published after commit."""
    from .tasks import run_export

    export_kind = get_kind(kind)
    if not actor.has_perm(export_kind.permission):
        raise PermissionDenied
    job = ExportJob.objects.create(owner=actor, kind=kind, params=params, total_rows=total_rows)
    audit_record(action="exports.requested", actor=actor, obj=job,
                 details={"kind": kind, "rows": total_rows, "filters": params})
    enqueue_on_commit(run_export, str(job.pk))
    return job


def _claim(job_id) -> ExportJob | None:
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None  # a duplicate delivery, or already finished
    return ExportJob.objects.select_related("owner").get(pk=job_id)


def export_run(*, job_id) -> bool:
    """Build the workbook of one job (claimed first, so a redelivered task does nothing twice)."""
    job = _claim(job_id)
    if job is None:
        return False
    kind = get_kind(job.kind)
    last = 0.0

    def progress(done: int, total: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_INTERVAL_SECONDS:
            return
        last = now
        ExportJob.objects.filter(pk=job.pk).update(done_rows=done, total_rows=total, heartbeat_at=timezone.now())

    try:
        if not job.owner.is_active or not job.owner.has_perm(kind.permission):
            raise PermissionDenied
        with replica_reads():  # long reads leave the primary when a replica is configured
            content, filename, rows = kind.build(job, progress)
    except PermissionDenied:
        _finish_failed(job, _("You may no longer export this list."), outcome=Outcome.DENIED)
        return False
    except Exception:
        logger.exception("Export %s failed", job.pk)
        _finish_failed(job, _("The export failed. Please try again; if it fails again, tell the "
                              "system administrator."), outcome=Outcome.FAILURE)
        return False
    # Builders return bytes or an open binary file (a temporary file keeps long workbooks out of memory).
    job.file.save(filename, ContentFile(content) if isinstance(content, bytes) else File(content), save=False)
    if not isinstance(content, bytes):
        content.close()
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name, filename=filename, status=ExportStatus.DONE, done_rows=rows, total_rows=rows,
        finished_at=timezone.now(), message="")
    return True


def _finish_failed(job: ExportJob, message: str, *, outcome: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, message=message,
                                               finished_at=timezone.now())
    audit_record(action="exports.finished", actor=job.owner, obj=job, outcome=outcome,
                 details={"kind": job.kind})


def exports_resume(*, now=None) -> int:
    """Give stalled jobs another try (or fail them after MAX_ATTEMPTS) and publish jobs whose task was
    lost. Run by beat every few minutes."""
    from .tasks import run_export

    now = now or timezone.now()
    stalled = ExportJob.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    stalled.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ExportStatus.FAILED, finished_at=now,
        message=_("The export was interrupted too often. Please ask for it again."))
    stalled.update(status=ExportStatus.PENDING)
    waiting = list(ExportJob.objects.filter(status=ExportStatus.PENDING, created_at__lt=now - LOST_AFTER)
                   .values_list("pk", flat=True)[:100])
    for job_id in waiting:
        enqueue(run_export, str(job_id))
    return len(waiting)


def exports_purge(*, now=None) -> int:
    """Delete the files (and rows) of jobs older than the retention period: they may hold personal data."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(created_at__lt=now - timedelta(days=settings.EXPORT_RETENTION_DAYS))
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def export_record_download(*, user, job: ExportJob) -> None:
    audit_record(action="exports.downloaded", actor=user, obj=job,
                 details={"kind": job.kind, "rows": job.done_rows})
