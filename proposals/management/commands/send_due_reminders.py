"""Run one reminder scan by hand (cron-only deployments, tests, and the first scan of `make run`)."""

from django.core.management.base import BaseCommand

from proposals.reminders.scan import scan
from proposals.reminders.sending import send_pending_inline


class Command(BaseCommand):
    help = "Write the reminders that are due now and send them (through Celery, or --inline in this process)."

    def add_arguments(self, parser):
        parser.add_argument("--inline", action="store_true",
                            help="Send in this process instead of publishing Celery tasks (no worker needed).")

    def handle(self, *args, inline: bool = False, **options):
        result = scan(publish=not inline)
        sent = send_pending_inline() if inline else 0
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(result.by_milestone.items())) or "-"
        self.stdout.write(f"Reminder scan: {result.created} new reminders ({summary}); "
                          f"{result.queued} tasks queued; {sent} sent inline.")
