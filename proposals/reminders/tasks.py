"""Celery tasks of the reminders. No task is ever scheduled ahead (no ETA/countdown beyond the short
retry delay): the periodic scan finds what is due and what was lost."""

from datetime import datetime

from celery import shared_task
from django.conf import settings

from zhongyuan_cppcc.core.tasks_util import enqueue

from ..models import Reminder, ReminderStatus
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


def publish_rows(instant: list[int], digest_users: list[int], ids: list[int], marked_at: datetime) -> None:
    """Publish the send tasks of rows marked enqueued at `marked_at` (a scan's chunk, or a manual urge)."""
    jobs = [(reminder_send_task, pk) for pk in instant] + [(reminder_digest_task, uid) for uid in digest_users]
    for task, arg in jobs:
        if not enqueue(task, arg):
            # Broker down: unmark the rows so that the next scan publishes them again (a row whose task
            # did go out is harmless to publish twice: sending claims the row).
            Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING, enqueued_at=marked_at).update(
                enqueued_at=None)
            return
