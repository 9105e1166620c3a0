"""Exactly once, after commit, bounded retries, digests, stuck rows and a broker outage (in-process;
the real worker and Redis are in test_services.py)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from proposals.models import Assignment, Milestone, Proposal, Reminder, ReminderStatus
from proposals.reminders import parameters as rp
from proposals.reminders import sending, tasks
from proposals.reminders.scan import publish_pending, scan
from proposals.reminders.sending import Retry, reminder_digest_send, reminder_send, send_pending_inline
from tests.proposals.factories import ProposalFactory
from tests.proposals.reminders.conftest import at
from zhongyuan_cppcc.core.parameters import set_parameter
from zhongyuan_cppcc.notifications import services as notification_services
from zhongyuan_cppcc.notifications.models import Delivery, DeliveryStatus, Notification

pytestmark = pytest.mark.django_db

SEND = "proposals.reminders.send"
DIGEST = "proposals.reminders.digest"


def reminder_notifications():
    return Notification.objects.filter(kind__startswith="proposals.reminder")


@pytest.fixture
def due_soon(w):
    """An accepted assignment 7 days before its reply deadline: one reminder to the lead unit's officer."""
    p = ProposalFactory(assigned=True)
    Assignment.objects.filter(proposal=p).update(answer="accepted")
    p.refresh_from_db()
    day = p.reply_due_on - timedelta(days=7)
    p.scan_at = at(day.year, day.month, day.day)
    return p


def test_scan_twice_the_second_sends_nothing(due_soon, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = scan(now=due_soon.scan_at)
    row = Reminder.objects.get()
    assert first.created == 1 and published == [(SEND, (row.pk,))]
    assert reminder_send(row.pk, now=due_soon.scan_at) == ReminderStatus.SENT
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = scan(now=due_soon.scan_at + timedelta(minutes=15))
    assert second.created == 0 and second.queued == 0 and published == []
    assert reminder_notifications().count() == 1


def test_a_duplicated_or_redelivered_task_sends_nothing_more(due_soon, published):
    scan(now=due_soon.scan_at)
    row = Reminder.objects.get()
    assert reminder_send(row.pk, now=due_soon.scan_at) == ReminderStatus.SENT
    assert reminder_send(row.pk, now=due_soon.scan_at) == "skipped"
    assert tasks.reminder_send_task.run(row.pk) == "skipped"
    assert reminder_notifications().count() == 1
    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT and row.attempts == 1 and row.notification.recipient == row.recipient


def test_the_message_says_what_when_how_and_links(due_soon, published):
    scan(now=due_soon.scan_at)
    reminder_send(Reminder.objects.get().pk, now=due_soon.scan_at)
    n = reminder_notifications().get()
    due = due_soon.reply_due_on.isoformat()
    assert due in n.title and due_soon.number in n.title
    assert "months after the assignment" in n.body or "个月" in n.body  # how the deadline was computed
    assert f"/proposals/{due_soon.pk}/" in n.body and n.url == f"/proposals/{due_soon.pk}/"


def test_a_notice_sent_after_its_date_does_not_announce_it_as_future(due_soon, published):
    """Issue 15: "将于2026-12-01到期" written on 2026-12-04 — a caught-up notice says it is overdue."""
    scan(now=due_soon.scan_at)
    row = Reminder.objects.get()
    due = due_soon.reply_due_on
    with translation.override("zh-hans"):
        title, body = sending.message_for(row, today=due + timedelta(days=3))
        on_time_title, _ = sending.message_for(row, today=due - timedelta(days=7))
    assert "将于" not in title + body and "已于" in title and "已超期3天" in body
    assert "将于" in on_time_title


def test_the_inbox_shows_a_link_not_the_raw_address(due_soon, published, client_for):
    scan(now=due_soon.scan_at)
    reminder_send(Reminder.objects.get().pk, now=due_soon.scan_at)
    n = reminder_notifications().get()
    assert "http://" in n.body  # e-mail needs the address …
    page = client_for(n.recipient).get(reverse("notification-list")).content.decode()
    assert reverse("notification-open", args=[n.pk]) in page  # … the inbox entry is the link
    assert "http://" not in page.split('<main', 1)[-1]
    assert n.title in page


def test_a_rolled_back_transaction_enqueues_nothing(due_soon, published):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        scan(now=due_soon.scan_at)
        assert Reminder.objects.exists()
        raise Boom
    assert published == [] and not Reminder.objects.exists()


def test_tasks_are_published_only_after_commit(due_soon, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan(now=due_soon.scan_at)
        assert published == []
    assert callbacks and published == []


def test_broker_down_then_back_publishes_once(due_soon, published, monkeypatch, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.reminder_send_task, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        scan(now=due_soon.scan_at)  # no error
    row = Reminder.objects.get()
    assert row.status == ReminderStatus.PENDING and row.enqueued_at is None
    monkeypatch.undo()
    monkeypatch.setattr(tasks.reminder_send_task, "apply_async",
                        lambda args=(), kwargs=None, **o: published.append((SEND, tuple(args))))
    with django_capture_on_commit_callbacks(execute=True):
        scan(now=due_soon.scan_at + timedelta(minutes=15))
    with django_capture_on_commit_callbacks(execute=True):
        scan(now=due_soon.scan_at + timedelta(minutes=16))
    assert published == [(SEND, (row.pk,))]


def test_a_row_whose_task_was_lost_is_picked_up_by_a_later_scan(due_soon, published,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scan(now=due_soon.scan_at)
    row = Reminder.objects.get()
    assert len(published) == 1  # ... and the task is lost: the row stays pending
    with django_capture_on_commit_callbacks(execute=True):
        scan(now=due_soon.scan_at + timedelta(minutes=5))
    assert len(published) == 1  # too early: the task may still be on its way
    with django_capture_on_commit_callbacks(execute=True):
        scan(now=due_soon.scan_at + timedelta(minutes=11))
    assert published[-1] == (SEND, (row.pk,)) and len(published) == 2
    assert reminder_send(row.pk, now=due_soon.scan_at) == ReminderStatus.SENT
    with django_capture_on_commit_callbacks(execute=True):
        scan(now=due_soon.scan_at + timedelta(hours=2))
    assert len(published) == 2


def test_email_failing_in_app_still_created_bounded_retries_failure_on_the_page(
        due_soon, published, settings, client_for, w):
    settings.EMAIL_BACKEND = "tests.foundation.failing_backends.FailingEmailBackend"
    w.lead_handler.email = "handler@example.test"
    w.lead_handler.save()
    scan(now=due_soon.scan_at)
    row = Reminder.objects.get()
    assert reminder_send(row.pk, now=due_soon.scan_at) == ReminderStatus.SENT
    assert reminder_notifications().filter(recipient=w.lead_handler).count() == 1  # in-app regardless
    email = Delivery.objects.get(notification__dedupe_key=f"proposals.reminder:{row.pk}")
    for _attempt in range(settings.NOTIFICATION_MAX_ATTEMPTS - 1):
        with pytest.raises(ConnectionRefusedError):
            notification_services.delivery_send(delivery_id=email.pk)
    assert notification_services.delivery_send(delivery_id=email.pk) == DeliveryStatus.FAILED
    assert notification_services.delivery_send(delivery_id=email.pk) == "skipped"  # bounded
    email.refresh_from_db()
    assert email.attempts == settings.NOTIFICATION_MAX_ATTEMPTS and mail.outbox == []
    page = client_for(w.officer).get(reverse("proposals:reminders"), {"status": "failures"}).content.decode()
    assert f'data-reminder="{row.pk}"' in page and "SMTP server refused the connection" in page


def test_in_app_failure_is_retried_a_bounded_number_of_times_then_marked_failed(due_soon, published, monkeypatch,
                                                                                client_for, w):
    set_parameter(key=rp.MAX_ATTEMPTS, value=2)

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(sending, "notify", broken)
    scan(now=due_soon.scan_at)
    row = Reminder.objects.get()
    with pytest.raises(Retry):
        reminder_send(row.pk, now=due_soon.scan_at)
    row.refresh_from_db()
    assert row.status == ReminderStatus.PENDING and row.attempts == 1 and "database hiccup" in row.error
    assert reminder_send(row.pk, now=due_soon.scan_at) == ReminderStatus.FAILED
    assert reminder_send(row.pk, now=due_soon.scan_at) == "skipped"
    row.refresh_from_db()
    assert row.status == ReminderStatus.FAILED and row.attempts == 2
    page = client_for(w.officer).get(reverse("proposals:reminders"), {"status": "failed"}).content.decode()
    assert "database hiccup" in page


class TestDigests:
    def test_one_digest_per_officer_not_one_message_per_proposal(self, w, published,
                                                                 django_capture_on_commit_callbacks):
        proposals = [ProposalFactory(assigned=True) for _ in range(3)]
        Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(reply_due_on=date(2026, 3, 1))
        Assignment.objects.update(answer="accepted")
        with django_capture_on_commit_callbacks(execute=True):
            result = scan(now=at(2026, 3, 2, 8, 30))
        assert result.by_milestone == {Milestone.OVERDUE: 6}
        assert sorted(published) == sorted([(DIGEST, (w.lead_handler.pk,)), (DIGEST, (w.officer.pk,))])
        assert reminder_digest_send(w.officer.pk, now=at(2026, 3, 2, 8, 31)) == 3
        assert reminder_digest_send(w.lead_handler.pk, now=at(2026, 3, 2, 8, 31)) == 3
        assert reminder_digest_send(w.officer.pk, now=at(2026, 3, 2, 8, 32)) == 0  # retried: nothing more
        digests = reminder_notifications()
        assert digests.count() == 2 and set(digests.values_list("recipient", flat=True)) == {
            w.officer.pk, w.lead_handler.pk}
        body = digests.get(recipient=w.officer).body
        assert all(p.number in body for p in proposals) and "2026-03-01" in body
        assert digests.get(recipient=w.officer).url == reverse("proposals:reminders")
        assert not Reminder.objects.exclude(status=ReminderStatus.SENT).exists()

    def test_digest_users_preference_keeps_email_for_the_daily_digest(self, w, published):
        w.officer.notification_mode = "digest"
        w.officer.email = "officer@example.test"
        w.officer.save()
        p = ProposalFactory(assigned=True)
        Proposal.objects.filter(pk=p.pk).update(reply_due_on=date(2026, 3, 1))
        scan(now=at(2026, 3, 2, 9))
        reminder_digest_send(w.officer.pk, now=at(2026, 3, 2, 9))
        n = reminder_notifications().get(recipient=w.officer)
        assert n.deliveries.get().status == DeliveryStatus.DIGEST
        assert (("zhongyuan_cppcc.notifications.tasks.deliver_task", (n.deliveries.get().pk,))) not in published


def test_inline_sending_and_publishing_leave_nothing_pending(due_soon, published):
    scan(now=due_soon.scan_at, publish=False)
    assert published == []
    assert send_pending_inline(now=due_soon.scan_at) == 1
    assert publish_pending(now=due_soon.scan_at) == 0


def test_the_scan_runs_a_fixed_number_of_queries_whatever_the_number_due(w, published,
                                                                        django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [ProposalFactory(assigned=True) for _ in range(4)]
    Assignment.objects.update(answer="accepted")
    Proposal.objects.filter(pk=made[0].pk).update(reply_due_on=date(2026, 3, 8))
    with CaptureQueriesContext(connection) as one:
        assert scan(now=at(2026, 3, 1, 9), publish=False).created == 1
    Reminder.objects.all().delete()
    Proposal.objects.filter(pk__in=[p.pk for p in made]).update(reply_due_on=date(2026, 3, 8))
    with CaptureQueriesContext(connection) as four:
        assert scan(now=at(2026, 3, 1, 9), publish=False).created == 4
    assert len(four.captured_queries) == len(one.captured_queries)
