"""Export jobs in the worker, and the beat sweeps that keep them moving and tidy."""

from celery import shared_task

EXPORT_SOFT_TIME_LIMIT = 1800


@shared_task(acks_late=True, soft_time_limit=EXPORT_SOFT_TIME_LIMIT)
def run_export(job_id: str) -> bool:
    from .services import export_run

    return export_run(job_id=job_id)


@shared_task(acks_late=True)
def resume_exports() -> int:
    from .services import exports_resume

    return exports_resume()


@shared_task(acks_late=True)
def purge_exports() -> int:
    from .services import exports_purge

    return exports_purge()
