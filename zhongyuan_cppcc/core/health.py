"""Checks behind /healthz/: database, Redis broker, last beat run."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_redis() -> dict:
    if settings.EMBEDDED_DEMO:
        return {"ok": True, "mode": "embedded"}
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_beat() -> dict:
    from .models import Heartbeat

    try:
        last = Heartbeat.objects.filter(name="beat").values_list("last_run", flat=True).first()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}
    if last is None:
        return {"ok": False, "last_run": None}
    fresh = timezone.now() - last <= timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS)
    return {"ok": fresh, "last_run": last.isoformat()}


def health() -> tuple[bool, dict]:
    checks = {"database": check_database(), "redis": check_redis(), "beat": check_beat()}
    return all(c["ok"] for c in checks.values()), checks
