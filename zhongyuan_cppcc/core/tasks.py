from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Run by beat every HEARTBEAT_INTERVAL_SECONDS; /healthz/ reads the time."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"last_run": timezone.now()})
