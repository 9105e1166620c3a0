import logging

from celery import shared_task

from .retention import ArchiveKeyMissing, audit_archive_and_prune

logger = logging.getLogger(__name__)


@shared_task(name="zhongyuan_cppcc.audit.tasks.audit_retention", acks_late=True)
def audit_retention_task() -> int:
    """Daily: archive and delete audit rows past the retention period (safe to run twice: a second run
    finds nothing older than the cutoff). Never silent: without a key it logs an error and keeps everything."""
    try:
        return audit_archive_and_prune().rows
    except ArchiveKeyMissing as exc:
        logger.error("%s", exc)
        return 0
