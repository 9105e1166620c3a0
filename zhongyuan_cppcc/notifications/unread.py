"""The unread-notification count shown on every page (the base template's bell), cached per user.

Every change of a user's unread set (a notification created, one or all marked read) calls
`forget_unread_count`, now and again after commit (so that a request reading between the write and the
commit cannot keep the old count). A cache that does not answer (Redis down) only costs the query.
Only with a cache all processes share (settings.SHARED_USER_CACHE, on with CACHE_URL=redis://…)."""

from django.conf import settings
from django.db import transaction

from zhongyuan_cppcc.core.soft_cache import cache_delete, cache_get, cache_set

WHAT = "the unread count"  # in the log when the cache does not answer
UNREAD_TTL = 300  # seconds; a bound on staleness should an invalidation ever be missed


def _key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    from .models import Notification

    if not settings.SHARED_USER_CACHE:
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cached = cache_get(_key(user.pk), WHAT)
    if cached is not None:
        return int(cached)
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cache_set(_key(user.pk), count, UNREAD_TTL, WHAT)
    return count


def forget_unread_count(user_id: int) -> None:
    def forget():
        cache_delete(_key(user_id), WHAT)

    forget()
    transaction.on_commit(forget)
