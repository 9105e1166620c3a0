"""Notifications: in-app always; e-mail and SMS sent by Celery after commit, retried, never blocking."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.conftest import wait_until
from tests.factories import make_user
from zhongyuan_cppcc.notifications import services, tasks
from zhongyuan_cppcc.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from zhongyuan_cppcc.notifications.sms import MemorySMSBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipient():
    user = make_user("member", email="member@example.test", mobile="13812345678")
    user.sms_notifications = True
    user.save()
    return user


@pytest.fixture(autouse=True)
def _clear_sms():
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def published(monkeypatch):
    """Record what would be published to the broker instead of publishing it."""
    sent = []
    monkeypatch.setattr(tasks.deliver_task, "apply_async",
                        lambda args=(), kwargs=None, **options: sent.append(args))
    return sent


def test_notify_creates_in_app_row_and_one_delivery_per_channel(recipient, published,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient=recipient, kind="test", title="提案已交办", body="请处理",
                                       url="/proposals/1/")
    assert Notification.objects.get() == notification
    channels = set(notification.deliveries.values_list("channel", flat=True))
    assert channels == {Channel.EMAIL, Channel.SMS}
    assert len(published) == 2


def test_nothing_is_enqueued_before_commit(recipient, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipient=recipient, kind="test", title="t")
        assert published == []
    # The two deliveries' enqueues (the third callback forgets the recipient's cached unread count).
    enqueues = [c for c in callbacks if "enqueue_on_commit" in c.__qualname__]
    assert len(enqueues) == 2 and len(callbacks) == 3 and published == []


def test_a_rolled_back_transaction_enqueues_nothing(recipient, published):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.notify(recipient=recipient, kind="test", title="t")
        raise Boom
    assert published == [] and not Notification.objects.exists()


def test_broker_down_does_not_fail_the_caller(recipient, monkeypatch, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.deliver_task, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=recipient, kind="test", title="t")
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2


def test_preferences_choose_channels(published):
    quiet = make_user(email="q@example.test")
    quiet.email_notifications = False
    quiet.save()
    services.notify(recipient=quiet, kind="test", title="t")
    assert not Delivery.objects.exists()
    assert Notification.objects.filter(recipient=quiet).count() == 1


def test_dedupe_key_makes_notify_idempotent(recipient, published):
    first = services.notify(recipient=recipient, kind="test", title="t", dedupe_key="reminder:1")
    second = services.notify(recipient=recipient, kind="test", title="t", dedupe_key="reminder:1")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1 and Delivery.objects.count() == 2


class TestDelivery:
    def test_sends_email_and_sms(self, recipient, published):
        notification = services.notify(recipient=recipient, kind="test", title="提案已交办", url="/proposals/1/")
        for delivery in notification.deliveries.all():
            assert services.delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
        assert len(mail.outbox) == 1 and "提案已交办" in mail.outbox[0].subject
        assert "http://127.0.0.1:8000/proposals/1/" in mail.outbox[0].body
        assert MemorySMSBackend.outbox[0]["phone"] == "13812345678"

    def test_a_second_send_of_the_same_delivery_does_nothing(self, recipient, published):
        notification = services.notify(recipient=recipient, kind="test", title="t")
        delivery = notification.deliveries.get(channel=Channel.EMAIL)
        services.delivery_send(delivery_id=delivery.pk)
        assert services.delivery_send(delivery_id=delivery.pk) == "skipped"
        assert len(mail.outbox) == 1

    def test_a_failing_channel_does_not_stop_the_others(self, recipient, published, settings):
        settings.EMAIL_BACKEND = "tests.foundation.failing_backends.FailingEmailBackend"
        notification = services.notify(recipient=recipient, kind="test", title="t")
        email = notification.deliveries.get(channel=Channel.EMAIL)
        sms = notification.deliveries.get(channel=Channel.SMS)
        with pytest.raises(ConnectionRefusedError):
            services.delivery_send(delivery_id=email.pk)
        assert services.delivery_send(delivery_id=sms.pk) == DeliveryStatus.SENT
        email.refresh_from_db()
        assert email.status == DeliveryStatus.PENDING and email.attempts == 1
        assert "ConnectionRefusedError" in email.last_error and email.next_attempt_at is not None
        assert Notification.objects.filter(pk=notification.pk).exists()

    def test_retries_are_bounded(self, recipient, published, settings):
        settings.EMAIL_BACKEND = "tests.foundation.failing_backends.FailingEmailBackend"
        notification = services.notify(recipient=recipient, kind="test", title="t")
        email = notification.deliveries.get(channel=Channel.EMAIL)
        for _ in range(settings.NOTIFICATION_MAX_ATTEMPTS - 1):
            with pytest.raises(ConnectionRefusedError):
                services.delivery_send(delivery_id=email.pk)
        assert services.delivery_send(delivery_id=email.pk) == DeliveryStatus.FAILED
        email.refresh_from_db()
        assert email.status == DeliveryStatus.FAILED and email.attempts == settings.NOTIFICATION_MAX_ATTEMPTS
        assert services.delivery_send(delivery_id=email.pk) == "skipped"

    def test_lost_tasks_are_found_again(self, recipient, published, settings):
        notification = services.notify(recipient=recipient, kind="test", title="t")
        assert not services.deliveries_due_for_retry().exists()
        old = timezone.now() - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_SECONDS + 5)
        Delivery.objects.filter(notification=notification).update(created_at=old)
        assert services.deliveries_due_for_retry().count() == 2
        published.clear()
        assert tasks.redeliver_stuck() == 2 and len(published) == 2

    def test_a_send_interrupted_mid_way_is_retaken_after_the_stuck_timeout(self, recipient, published, settings):
        notification = services.notify(recipient=recipient, kind="test", title="t")
        email = notification.deliveries.get(channel=Channel.EMAIL)
        Delivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.SENDING, claimed_at=timezone.now())
        assert services.delivery_send(delivery_id=email.pk) == "skipped"  # another worker is on it
        stale = timezone.now() - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_SECONDS + 5)
        Delivery.objects.filter(pk=email.pk).update(claimed_at=stale)
        assert services.delivery_send(delivery_id=email.pk) == DeliveryStatus.SENT


def test_daily_digest_sends_one_message_per_channel(published):
    user = make_user(email="d@example.test")
    user.notification_mode = "digest"
    user.save()
    for i in range(3):
        services.notify(recipient=user, kind="test", title=f"事项{i}")
    assert published == []  # nothing instant
    assert services.digest_send_for(user_id=user.pk) == 3
    assert len(mail.outbox) == 1 and "3" in mail.outbox[0].subject
    assert all(f"事项{i}" in mail.outbox[0].body for i in range(3))
    assert not Delivery.objects.filter(status=DeliveryStatus.DIGEST).exists()


class TestInbox:
    def test_inbox_badge_and_mark_read(self, client_for, published):
        user = make_user("member")
        services.notify(recipient=user, kind="test", title="第一条<script>alert(1)</script>")
        services.notify(recipient=user, kind="test", title="第二条")
        client = client_for(user)
        page = client.get(reverse("notification-list")).content.decode()
        assert 'id="unread-badge">2' in page
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
        client.post(reverse("notification-mark-read"))
        assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
        assert 'id="unread-badge"' not in client.get(reverse("home")).content.decode()

    def test_open_marks_read_and_follows_only_local_links(self, client_for, published):
        user = make_user("member")
        local = services.notify(recipient=user, kind="t", title="a", url="/notifications/")
        foreign = services.notify(recipient=user, kind="t", title="b", url="https://evil.example/")
        client = client_for(user)
        assert client.post(reverse("notification-open", args=[local.pk]))["Location"] == "/notifications/"
        assert client.post(reverse("notification-open", args=[foreign.pk]))["Location"] == reverse("notification-list")
        local.refresh_from_db()
        assert local.is_read

    def test_opening_with_a_get_follows_the_link_but_changes_nothing(self, client_for, published):
        user = make_user("member")
        note = services.notify(recipient=user, kind="t", title="a", url="/notifications/")
        client = client_for(user)
        assert client.get(reverse("notification-open", args=[note.pk]))["Location"] == "/notifications/"
        note.refresh_from_db()
        assert not note.is_read
        inbox = client.get(reverse("notification-list")).content.decode()
        assert f'<form method="post" action="{reverse("notification-open", args=[note.pk])}"' in inbox

    def test_someone_elses_notification_is_not_found(self, client_for, published):
        other = services.notify(recipient=make_user(), kind="t", title="secret")
        assert client_for(make_user()).get(reverse("notification-open", args=[other.pk])).status_code == 404

    def test_mark_read_with_bad_ids_changes_nothing(self, client_for, published):
        user = make_user()
        services.notify(recipient=user, kind="t", title="a")
        response = client_for(user).post(reverse("notification-mark-read"), {"ids": ["x"]}, follow=True)
        assert response.status_code == 200
        assert Notification.objects.filter(read_at__isnull=True).count() == 1

    def test_preferences_page_saves_choice(self, client_for):
        user = make_user()
        response = client_for(user).post(reverse("preferences"), {
            "notification_mode": "digest", "email_notifications": "on", "email": "x@example.test",
        })
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.notification_mode == "digest" and not user.sms_notifications


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_through_redis(celery_worker_process):
    recipient = make_user(email="real@example.test")
    celery_worker_process.start()
    with transaction.atomic():
        notification = services.notify(recipient=recipient, kind="test", title="真实投递")
    delivery = notification.deliveries.get()
    wait_until(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT)
    assert any("真实投递" in m or "=?utf-8?" in m for m in celery_worker_process.mails())
