"""Test settings: the real PostgreSQL and Redis, fast password hashing."""

import uuid

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Test data need not outlive a crash of the database server: a commit returns without waiting for its WAL record to
# reach the disk (about a millisecond each on this machine's disk; the demo builds and the tests that commit make
# tens of thousands). Nothing else changes: a commit is still atomic and seen at once by every other connection.
for _alias in DATABASES.values():
    if "postgresql" in _alias["ENGINE"]:
        _alias.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default="/tmp/zhongyuan_cppcc_test_mail")
# Each test process (and the Celery workers it starts) uses its own queue on the shared Redis, so
# parallel test runs never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default=f"test-{uuid.uuid4().hex[:12]}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("TEST_MEDIA_ROOT", default="/tmp/zhongyuan_cppcc_test_media")
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tests serve static files through the finders; nothing is collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SMS_BACKEND = env("SMS_BACKEND", default="zhongyuan_cppcc.notifications.sms.MemorySMSBackend")
# Tests stop and start the broker within seconds: no back-off unless a test sets one.
BROKER_BACKOFF_SECONDS = 0
# The second factor is offered, never forced, except in the tests that switch it on.
OTP_REQUIRED_ROLES: list[str] = []

# A process the tests start (Celery worker, manage.py, gunicorn) in a `TEST_TODAY=… make test` run reads the
# same pinned clock as the test that started it: the real time moved by TEST_CLOCK_OFFSET seconds (set by
# tests/conftest.py child_clock_env), so processes started at different moments agree. time-machine is a
# test dependency.
if env("TEST_CLOCK_OFFSET", default=""):
    import time
    from datetime import UTC, datetime

    import time_machine

    time_machine.travel(datetime.fromtimestamp(time.time() + env.float("TEST_CLOCK_OFFSET"), tz=UTC),
                        tick=True).start()
