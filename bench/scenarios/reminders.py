"""Deadline reminders (DESIGN.md §11: "reminder scan over the scale set in ≤ 10 s with bounded memory;
a second scan sends nothing").

Data: the proposals scenario's set (bench/proposals_data.py, 300,000 proposals at full scale, 10 % of the
current year's open proposals due), seeded here only when it is missing (e.g. `--only reminders`).

Measured: one scan (time, queries, peak Python memory, rows written) at 09:00 Beijing time on the data's
day, so the daily digests are included; a second scan at 09:15 (time; it must write and publish
nothing); publishing the pending rows is not part of the scan figure (no broker is involved); sending
throughput of one worker process: reminders sent per second in-process through the same code as the
Celery task (claim, in-app notification, e-mail delivery through the console backend), digests included.
Every run starts from an empty reminder table (the previous run's rows and notifications are removed).
"""

import contextlib
import io
import sys
import time
from datetime import datetime
from datetime import time as dtime

from bench.harness import MeasureContext, SeedContext

SEND_SAMPLE = {"small": 500, "full": 3_000}


def seed(ctx: SeedContext) -> None:
    from bench.proposals_data import build_proposals
    from proposals.models import Proposal

    if not Proposal.objects.exists():
        build_proposals(ctx.size(small=3_000, full=300_000), due_fraction=0.1, timeline_length=300,
                        stdout=sys.stdout)


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE proposals_reminder")
        cur.execute("DELETE FROM notifications_delivery WHERE notification_id IN (SELECT id FROM "
                    "notifications_notification WHERE kind LIKE 'proposals.reminder%%')")
        cur.execute("DELETE FROM notifications_notification WHERE kind LIKE 'proposals.reminder%%'")


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _scan_moment(minute: int = 0):
    """09:00 (+ minute) Beijing time today: the data generator makes milestones due relative to the day it
    runs (build_proposals(today=None)), and 09:00 is after the daily digests' 08:30."""
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(timezone.localdate(), dtime(9, minute)))


def measure(ctx: MeasureContext) -> None:
    from django.db import connection

    from proposals.models import Proposal, Reminder, ReminderStatus
    from proposals.reminders.scan import scan

    _reset()
    n_proposals = Proposal.objects.count()
    first_at, second_at = _scan_moment(0), _scan_moment(15)
    counter = _QueryCounter()
    with ctx.timed(f"reminders: first scan over {n_proposals:,} proposals") as timer, \
            connection.execute_wrapper(counter):
        result = scan(now=first_at, publish=False)
        timer.note("queries", counter.count)
        timer.note("rows_written", result.created)
        timer.note("by_milestone", dict(sorted(result.by_milestone.items())))
    first = ctx.results[-1].values["value"]
    counter = _QueryCounter()
    with ctx.timed("reminders: second scan (must write nothing)") as timer, connection.execute_wrapper(counter):
        again = scan(now=second_at, publish=False)
        timer.note("queries", counter.count)
        timer.note("rows_written", again.created)
    ctx.results.append(_check("reminders: second scan writes nothing", again.created == 0,
                              f"{again.created} rows"))
    print(ctx.results[-1].line(), flush=True)
    ctx.results.append(_check("reminders: first scan within 10 s (DESIGN.md §11)",
                              first <= 10.0, f"{first:.2f} s"))
    print(ctx.results[-1].line(), flush=True)
    _throughput(ctx, first_at)
    pending = Reminder.objects.filter(status=ReminderStatus.PENDING).count()
    print(f"reminders: {pending:,} rows left pending (no worker in the benchmark)", flush=True)


def _check(name: str, ok: bool, detail: str):
    from bench.harness import Result

    return Result(name, "check", {"ok": ok, "detail": detail})


def _throughput(ctx: MeasureContext, now) -> None:
    """Reminders sent per second by one worker process (the task's code without the broker)."""
    from django.contrib.auth import get_user_model

    from proposals.models import DIGEST_MILESTONES, Reminder, ReminderStatus
    from proposals.reminders.sending import reminder_digest_send, reminder_send
    from zhongyuan_cppcc.notifications import services as notification_services

    sample = SEND_SAMPLE[ctx.scale]
    instant = list(Reminder.objects.filter(status=ReminderStatus.PENDING).exclude(milestone__in=DIGEST_MILESTONES)
                   .order_by("pk").values_list("pk", flat=True)[:sample])
    recipients = set(Reminder.objects.filter(pk__in=instant).values_list("recipient_id", flat=True))
    digest_users = list(Reminder.objects.filter(status=ReminderStatus.PENDING, milestone__in=DIGEST_MILESTONES)
                        .order_by().values_list("recipient_id", flat=True).distinct()[:20])
    users = get_user_model().objects.filter(pk__in=recipients | set(digest_users), email="")
    for user in users:
        user.email = f"{user.username}@bench.invalid"
        user.notification_mode = "instant"
        user.email_notifications = True
        user.save(update_fields=["email", "notification_mode", "email_notifications"])
    deliveries: list[int] = []
    original = notification_services.enqueue_on_commit
    notification_services.enqueue_on_commit = lambda task, delivery_id: deliveries.append(delivery_id)
    sink = io.StringIO()
    try:
        started = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            sent = sum(reminder_send(pk, now=now) == ReminderStatus.SENT for pk in instant)
            covered = sum(reminder_digest_send(uid, now=now) for uid in digest_users)
            mails = sum(notification_services.delivery_send(delivery_id=d) == "sent" for d in deliveries)
        elapsed = time.perf_counter() - started
    finally:
        notification_services.enqueue_on_commit = original
    messages = sent + len(digest_users)
    ctx.record("reminders: sending throughput, one worker process", messages / elapsed if elapsed else 0.0,
               "msg/s", reminders_sent=sent, digests=len(digest_users), digest_rows_covered=covered,
               emails_console=mails, seconds=f"{elapsed:.2f}")
