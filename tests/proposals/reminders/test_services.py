"""Against the real Redis broker and real Celery worker / manage.py processes: exactly once across
processes, a worker killed mid-send, and a broker outage (DESIGN.md §4, issue 5 failure behaviour)."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from proposals import services
from proposals.models import Assignment, ContactMethod, Milestone, Proposal, Reminder, ReminderStatus
from proposals.reminders import tasks
from proposals.reminders.scan import scan
from tests.conftest import child_clock_env, wait_until
from tests.proposals.factories import ProposalFactory, make_member, make_unit, pdf_upload
from zhongyuan_cppcc.celery import app
from zhongyuan_cppcc.notifications.models import Notification

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def scan_moment() -> datetime:
    """Now, but not before today's 08:30 in Beijing (so the daily digests are due too) and not so close to
    midnight that a later scan of the test falls on the next day."""
    local = timezone.localtime()
    return min(max(local, local.replace(hour=8, minute=31, second=0, microsecond=0)),
               local.replace(hour=23, minute=0, second=0, microsecond=0))


def reminder_notifications():
    return Notification.objects.filter(kind__startswith="proposals.reminder")


def due_in(days: int, count: int = 1, **factory) -> list[Proposal]:
    made = [ProposalFactory(assigned=True, **factory) for _ in range(count)]
    due = timezone.localdate() + timedelta(days=days)
    Proposal.objects.filter(pk__in=[p.pk for p in made]).update(reply_due_on=due)
    Assignment.objects.filter(proposal__in=made).update(answer="accepted")
    return made


def all_sent() -> bool:
    return not Reminder.objects.filter(status=ReminderStatus.PENDING).exists() and Reminder.objects.exists()


def assert_one_notification_per_row():
    instant = Reminder.objects.exclude(milestone__in=[Milestone.OVERDUE, Milestone.LONG_OVERDUE])
    keys = list(Notification.objects.filter(dedupe_key__startswith="proposals.reminder:")
                .values_list("dedupe_key", flat=True))
    assert sorted(keys) == sorted(f"proposals.reminder:{pk}" for pk in instant.values_list("pk", flat=True))
    assert all(r.notification_id for r in Reminder.objects.filter(status=ReminderStatus.SENT))
    digests = Notification.objects.filter(kind="proposals.reminder.digest")
    digest_recipients = list(digests.values_list("recipient", flat=True))
    assert len(digest_recipients) == len(set(digest_recipients))  # one digest per person


def process_env(settings) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.test",
        "DATABASE_URL": (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
                         f":{db['PORT'] or 5432}/{db['NAME']}"),
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **child_clock_env(),
    }


def test_a_real_worker_sends_each_reminder_once_and_a_second_scan_nothing(celery_worker_process, w):
    w.lead_handler.email = "handler@example.test"
    w.lead_handler.save()
    due_in(7, count=2)
    due_in(-3, count=2)  # overdue: one digest each for the unit's officer and the proposal officer
    celery_worker_process.start()
    first = scan(now=scan_moment())
    assert first.created == 2 + 4 and first.queued == 2 + 2
    wait_until(all_sent)
    assert_one_notification_per_row()
    assert reminder_notifications().count() == 2 + 2
    wait_until(lambda: len(celery_worker_process.mails()) >= 3)  # handler: 2 notices + 1 digest by e-mail
    second = scan(now=scan_moment() + timedelta(minutes=1))
    assert second.created == 0 and second.queued == 0
    time.sleep(2)
    assert reminder_notifications().count() == 4


def test_two_scans_at_once_in_two_processes_one_notification_per_row(w, settings):
    extra = [make_member().user for _ in range(3)]
    for user in extra:
        user.groups.add(*w.lead_handler.groups.all())
    make_unit(w.lead_unit.name, *extra)
    due_in(7, count=4)
    env = process_env(settings)
    command = [sys.executable, "manage.py", "send_due_reminders", "--inline"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert Reminder.objects.count() == 4 * 4  # 4 proposals × 4 officers of the lead unit
    assert all_sent()
    assert_one_notification_per_row()
    assert reminder_notifications().count() == 16


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def test_a_worker_killed_mid_send_redelivers_and_the_notification_exists_once(celery_worker_process, w):
    due_in(7)
    scan(now=scan_moment(), publish=False)
    row = Reminder.objects.get()
    celery_worker_process.start()
    # Lock the recipient's account row in an open transaction: the worker's insert of the notification
    # (its foreign key needs a share lock on that row) waits, i.e. the worker is stuck mid-send, inside
    # the transaction that holds the reminder row.
    with pytest.raises(RuntimeError, match="rolled back on purpose"), transaction.atomic():
        type(w.officer).objects.select_for_update().get(pk=row.recipient_id)
        tasks.reminder_send_task.apply_async(args=[row.pk])

        def worker_waits():
            with connection.cursor() as cursor:  # (statistics are a snapshot per transaction: refresh it)
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database() AND pid <> pg_backend_pid()")
                return cursor.fetchone()[0]

        wait_until(worker_waits)
        children = _children(celery_worker_process.proc.pid)
        assert children, "the prefork pool child is the process that sends"
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        time.sleep(1)
        raise RuntimeError("rolled back on purpose")
    # The pool replaces the child; acks_late + reject_on_worker_lost put the task back on the queue.
    wait_until(lambda: Reminder.objects.get(pk=row.pk).status == ReminderStatus.SENT, timeout=60)
    assert Notification.objects.filter(dedupe_key=f"proposals.reminder:{row.pk}").count() == 1
    assert reminder_notifications().count() == 1
    # Nothing but the redelivery could have sent it: the scan published nothing (publish=False) and the
    # killed attempt was rolled back with the child's connection.
    assert Reminder.objects.get(pk=row.pk).attempts == 1


@pytest.fixture
def redis_down():
    """The broker unreachable from this process (Redis stopped, as far as the web app can tell)."""
    good = app.conf.broker_url

    def point_to(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    point_to("redis://127.0.0.1:1/0")
    yield lambda: point_to(good)
    point_to(good)


def test_redis_stopped_work_goes_on_and_the_next_scan_catches_up_once(celery_worker_process, w, redis_down):
    cosigner = make_member()
    waiting = ProposalFactory(registered=True)
    replied = ProposalFactory(assigned=True, cosigners=[cosigner], with_co_unit=False)
    # Redis is down: assign, reply, approve and rate still work without an error.
    with transaction.atomic():
        services.proposal_assign(actor=w.officer, proposal=waiting, lead_unit=w.lead_unit)
    services.proposal_record_contact(actor=w.lead_handler, proposal=replied, method=ContactMethod.PHONE,
                                     contacted_on=timezone.localdate())
    services.reply_submit(actor=w.lead_handler, proposal=replied, reply_class="A", text="已办理。",
                          document=pdf_upload())
    services.reply_approve(actor=w.officer, proposal=replied)
    services.rating_submit(actor=cosigner.user, proposal=replied, overall="satisfied", contacted="yes",
                           on_point=True)
    replied.refresh_from_db()
    assert replied.status == "replied"
    Proposal.objects.filter(pk=waiting.pk).update(reply_due_on=timezone.localdate() + timedelta(days=1))
    Assignment.objects.filter(proposal=waiting).update(answer="accepted")
    during = scan(now=scan_moment())  # the scan during the outage writes the rows, publishes nothing
    assert during.created == 1
    assert Reminder.objects.get().enqueued_at is None
    redis_back = redis_down
    redis_back()
    celery_worker_process.start()
    after = scan(now=scan_moment() + timedelta(minutes=1))
    assert after.created == 0 and after.queued == 1
    wait_until(all_sent)
    scan(now=scan_moment() + timedelta(minutes=2))
    time.sleep(2)
    assert_one_notification_per_row()
    assert reminder_notifications().count() == 1
