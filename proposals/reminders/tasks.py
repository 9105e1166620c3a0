"""Celery tasks of the reminders. No task is ever scheduled ahead (no ETA/countdown beyond the short
retry delay): the periodic scan finds what is due and what was lost."""

from celery import shared_task
from django.conf import settings

from . import sending
from .scan import scan


@shared_task(name="proposals.reminders.scan", acks_late=True, ignore_result=True)
def reminder_scan_task() -> int:
    """Beat: every 15 minutes and at 08:30 Beijing time (the daily digests)."""
    return scan().created


@shared_task(name="proposals.reminders.send", bind=True, acks_late=True, max_retries=None, ignore_result=True)
def reminder_send_task(self, reminder_id: int) -> str:
    """Send one reminder row; the row counts the attempts and stops retrying at reminders.max_attempts."""
    try:
        return sending.reminder_send(reminder_id)
    except sending.Retry as exc:
        raise self.retry(exc=exc, countdown=settings.NOTIFICATION_RETRY_DELAY_SECONDS) from exc


@shared_task(name="proposals.reminders.digest", bind=True, acks_late=True, max_retries=None, ignore_result=True)
def reminder_digest_task(self, recipient_id: int) -> int:
    try:
        return sending.reminder_digest_send(recipient_id)
    except sending.Retry as exc:
        raise self.retry(exc=exc, countdown=settings.NOTIFICATION_RETRY_DELAY_SECONDS) from exc
