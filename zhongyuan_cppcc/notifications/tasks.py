from celery import shared_task
from django.conf import settings

from zhongyuan_cppcc.core.tasks_util import enqueue

from . import services
from .models import Delivery, DeliveryStatus


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_task(self, delivery_id: int) -> str:
    """Send one e-mail/SMS delivery. The service bounds the attempts; we only schedule the retry."""
    try:
        return services.delivery_send(delivery_id=delivery_id)
    except Exception as exc:  # noqa: BLE001 - the service recorded the failure and wants a retry
        raise self.retry(exc=exc, countdown=settings.NOTIFICATION_RETRY_DELAY_SECONDS) from exc


@shared_task(acks_late=True)
def redeliver_stuck() -> int:
    """Re-enqueue deliveries whose task was lost (broker down) or whose retry is due."""
    ids = list(services.deliveries_due_for_retry().values_list("pk", flat=True)[:1000])
    for delivery_id in ids:
        enqueue(deliver_task, delivery_id)
    return len(ids)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    user_ids = (
        Delivery.objects.filter(status=DeliveryStatus.DIGEST)
        .values_list("notification__recipient_id", flat=True)
        .distinct()
    )
    for user_id in list(user_ids):
        enqueue(send_digest_task, user_id)
    return len(user_ids)


@shared_task(acks_late=True)
def send_digest_task(user_id: int) -> int:
    return services.digest_send_for(user_id=user_id)
