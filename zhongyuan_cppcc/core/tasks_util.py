"""Enqueueing Celery tasks safely: only after commit, and never failing the request if Redis is down."""

import logging
import time

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# Until when (time.monotonic()) this process does not try the broker again after a failed publish. Publishing
# to a stopped Redis costs about two seconds (the client's connection retries); without this, every write
# during an outage would wait that long. The work is in the database either way and the scans publish it.
_broker_down_until = 0.0


def enqueue(task, *args, **kwargs) -> bool:
    """Publish a task now. Returns False (and logs) when the broker is unreachable, or was a moment ago.

    Callers rely on a periodic scan to pick up work whose task could not be published, so a
    broker outage delays work but never loses it and never turns into an error page.
    """
    global _broker_down_until
    now = time.monotonic()
    if now < _broker_down_until:
        logger.info("Broker marked unreachable; %s left for the next scan.", task.name)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure is handled the same way
        _broker_down_until = time.monotonic() + settings.BROKER_BACKOFF_SECONDS
        logger.warning("Could not enqueue %s (%s); the next scan will pick it up.", task.name, exc)
        return False
    _broker_down_until = 0.0
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish a task once the surrounding transaction commits; nothing is sent on rollback."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
