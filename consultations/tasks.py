from celery import shared_task


@shared_task(name="consultations.outcome_overdue_scan", acks_late=True, ignore_result=True)
def outcome_overdue_scan_task() -> int:
    """Beat: every 30 minutes (idempotent; a lost run is caught up by the next)."""
    from .reminders import overdue_scan

    return overdue_scan().notified
