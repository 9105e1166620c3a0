"""Notifications: one in-app row always, plus e-mail / SMS deliveries sent by Celery after commit."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.core.tasks_util import enqueue_on_commit

from .models import Channel, Delivery, DeliveryStatus, Notification
from .sms import get_sms_backend
from .unread import forget_unread_count

logger = logging.getLogger(__name__)


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def notify(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target: models.Model | None = None,
    dedupe_key: str | None = None,
) -> Notification:
    """Create an in-app notification and its e-mail/SMS deliveries by the recipient's preferences.

    With a dedupe_key the call is idempotent: an existing notification with that key is returned
    and nothing new is created or sent. Deliveries are enqueued after commit.
    """
    if dedupe_key:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    fields = dict(
        recipient=recipient, kind=kind, title=title[:200], body=body, url=url, dedupe_key=dedupe_key,
    )
    if target is not None:
        fields["target_type"] = ContentType.objects.get_for_model(target)
        fields["target_id"] = str(target.pk)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(**fields)
            forget_unread_count(recipient.pk)
    except IntegrityError:
        if dedupe_key:  # a concurrent caller created it between our check and insert
            return Notification.objects.get(dedupe_key=dedupe_key)
        raise
    digest = recipient.notification_mode == "digest"
    wanted = []
    if recipient.email_notifications and recipient.email:
        wanted.append(Channel.EMAIL)
    if recipient.sms_notifications and recipient.mobile:
        wanted.append(Channel.SMS)
    for channel in wanted:
        delivery = Delivery.objects.create(
            notification=notification,
            channel=channel,
            status=DeliveryStatus.DIGEST if digest else DeliveryStatus.PENDING,
        )
        if not digest:
            from .tasks import deliver_task

            enqueue_on_commit(deliver_task, delivery.pk)
    return notification


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all unread ones when ids is None) as read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    count = qs.update(read_at=timezone.now())
    forget_unread_count(user.pk)
    return count


def _send(channel: str, recipient, subject: str, text: str) -> None:
    if channel == Channel.EMAIL:
        send_mail(
            settings.EMAIL_SUBJECT_PREFIX + subject, text, None, [recipient.email], fail_silently=False
        )
    elif channel == Channel.SMS:
        get_sms_backend().send(phone=recipient.mobile, text=f"{subject} {text}"[:300])
    else:  # pragma: no cover - the choices make this unreachable
        raise ValueError(channel)


def _claimable() -> Q:
    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_SECONDS)
    return Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery if nobody else has. Returns the resulting status.

    The claim is a conditional UPDATE, so two workers (or a redelivered task) never both send.
    Raises the channel's exception after recording it, so that the task can retry.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(_claimable(), pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=models.F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    notification = delivery.notification
    text = notification.body
    if notification.url:
        text += "\n" + _("Open: %(url)s") % {"url": absolute_url(notification.url)}
    try:
        _send(delivery.channel, notification.recipient, notification.title, text)
    except Exception as exc:
        failed_for_good = delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED if failed_for_good else DeliveryStatus.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            next_attempt_at=None if failed_for_good else now + timedelta(
                seconds=settings.NOTIFICATION_RETRY_DELAY_SECONDS
            ),
            claimed_at=None,
        )
        logger.warning("Delivery %s via %s failed (attempt %s): %s",
                       delivery_id, delivery.channel, delivery.attempts, exc)
        if failed_for_good:
            return DeliveryStatus.FAILED
        raise
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", claimed_at=None
    )
    return DeliveryStatus.SENT


def deliveries_due_for_retry() -> models.QuerySet:
    """Deliveries whose task was lost or whose retry time has come."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_SECONDS)
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=True, created_at__lt=stale)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)
    )


def digest_send_for(*, user_id: int) -> int:
    """Send one digest per channel with all of the user's waiting digest deliveries."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    sent = 0
    for channel in (Channel.EMAIL, Channel.SMS):
        with transaction.atomic():
            rows = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(status=DeliveryStatus.DIGEST, channel=channel, notification__recipient=user)
                .select_related("notification")
                .order_by("notification__created_at")
            )
            if not rows:
                continue
            lines = [f"· {d.notification.title}" + (f"  {absolute_url(d.notification.url)}"
                                                     if d.notification.url else "") for d in rows]
            subject = _("Daily digest: %(count)d notifications") % {"count": len(rows)}
            try:
                _send(channel, user, subject, "\n".join(lines))
            except Exception as exc:  # noqa: BLE001 - kept for tomorrow's digest, error recorded
                Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(
                    attempts=models.F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:500]
                )
                logger.warning("Digest for user %s via %s failed: %s", user_id, channel, exc)
                continue
            Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(
                status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=models.F("attempts") + 1
            )
            sent += len(rows)
    return sent
