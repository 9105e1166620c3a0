"""Enqueueing Celery tasks safely: only after commit, and never failing the request if Redis is down."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Publish a task now. Returns False (and logs) when the broker is unreachable.

    Callers rely on a periodic scan to pick up work whose task could not be published, so a
    broker outage delays work but never loses it and never turns into an error page.
    """
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure is handled the same way
        logger.warning("Could not enqueue %s (%s); the next scan will pick it up.", task.name, exc)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish a task once the surrounding transaction commits; nothing is sent on rollback."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
