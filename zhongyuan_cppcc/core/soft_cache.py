"""The shared cache used as an optimisation only: a cache that does not answer (Redis down, or a value stored
by another version of the code) costs the recomputation, never the page. Each call names what it caches, for
the warning in the log."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_get(key: str, what: str):
    """The value stored under `key`, or None (also when the cache does not answer)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unavailable for %s", what, exc_info=True)
        return None


def cache_set(key: str, value, timeout: int, what: str) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable for %s", what, exc_info=True)


def cache_delete(key: str, what: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("cache unavailable for %s", what, exc_info=True)
