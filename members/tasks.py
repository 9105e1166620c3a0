"""Background work of the members module: large imports, and a scan that picks up lost ones."""

from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from zhongyuan_cppcc.core.tasks_util import enqueue

# The soft limit ends the job as failed (SoftTimeLimitExceeded is caught like any failure, and the
# one import transaction rolls back); the hard limit kills a worker stuck in C code (an XML parser on a
# hostile file) — PostgreSQL then rolls the transaction back, so all-or-nothing still holds.
IMPORT_SOFT_TIME_LIMIT = 1800
IMPORT_HARD_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 120
# Address space the import may add to the worker process (inspection, openpyxl, the parsed rows); past
# it allocations fail with MemoryError and the job ends as failed instead of starving the machine.
IMPORT_MEMORY_LIMIT_BYTES = 768 * 1024 * 1024


@contextmanager
def memory_cap(extra_bytes: int):
    """Lower this process's address-space limit to what it uses now plus `extra_bytes` (Linux), and
    restore it afterwards: an unprivileged process may raise its soft limit again up to the hard one."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError, ValueError):  # pragma: no cover - not Linux
        yield
        return
    cap = in_use + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@shared_task(acks_late=True, soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_HARD_TIME_LIMIT)
def member_import_task(job_id: int) -> None:
    """Run one member import (the service claims the job, so a duplicate delivery does nothing), with
    the time limits above and at most IMPORT_MEMORY_LIMIT_BYTES more memory."""
    from .services import import_job_run

    with memory_cap(IMPORT_MEMORY_LIMIT_BYTES):
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
