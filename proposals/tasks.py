"""Celery discovers tasks in <app>.tasks: the reminders' tasks live in proposals/reminders/tasks.py."""

from .reminders.tasks import reminder_digest_task, reminder_scan_task, reminder_send_task

__all__ = ["reminder_digest_task", "reminder_scan_task", "reminder_send_task"]
