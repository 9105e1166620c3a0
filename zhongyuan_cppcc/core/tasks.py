from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Run by beat every HEARTBEAT_INTERVAL_SECONDS; /healthz/ reads the time."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"last_run": timezone.now()})


@shared_task(ignore_result=True, acks_late=False)
def backup_daily() -> None:
    """Beat, daily: one archive (encrypted when BACKUP_ENCRYPTION_KEY is set), then the rotation. A second
    delivery the same day only writes one more archive, which the rotation removes."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("backup", encrypt=bool(settings.BACKUP_ENCRYPTION_KEY), prune=True)
