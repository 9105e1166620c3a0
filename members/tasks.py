"""Background work of the members module: large imports, and a scan that picks up lost ones."""

from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from zhongyuan_cppcc.core.tasks_util import enqueue

# Large imports hold one transaction for their whole write; do not let a hard time limit kill
# them half-way through a batch.
IMPORT_SOFT_TIME_LIMIT = 1800


@shared_task(acks_late=True, soft_time_limit=IMPORT_SOFT_TIME_LIMIT)
def member_import_task(job_id: int) -> None:
    """Run one member import (the service claims the job, so a duplicate delivery does nothing)."""
    from .services import import_job_run

    import_job_run(job_id=job_id)


@shared_task(acks_late=True)
def member_import_resume() -> int:
    """Re-enqueue imports whose task never arrived (Redis was down when they were uploaded) or whose
    worker died; run by beat every few minutes."""
    from .models import ImportJob, ImportStatus
    from .services import IMPORT_STALE_AFTER_SECONDS

    now = timezone.now()
    waiting = Q(status=ImportStatus.PENDING, created_at__lt=now - timedelta(minutes=2))
    stalled = Q(status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING],
                heartbeat_at__lt=now - timedelta(seconds=IMPORT_STALE_AFTER_SECONDS))
    ids = list(ImportJob.objects.filter(waiting | stalled).values_list("pk", flat=True)[:100])
    for job_id in ids:
        enqueue(member_import_task, job_id)
    return len(ids)
