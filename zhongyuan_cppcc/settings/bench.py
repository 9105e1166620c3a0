"""Benchmark settings: production-like (DEBUG off, whitenoise, real cookies) on loopback, plus a
middleware that reports server time and query count per request in response headers."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("PERSONAL_DATA_KEY", "YmVuY2gta2V5LW5vdC1mb3ItcHJvZHVjdGlvbi11c2U=")  # 32 bytes: a Fernet key
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .production import *  # noqa: E402,F403
from .production import DATABASES, MIDDLEWARE, env  # noqa: E402

DATABASES["default"] = env.db("BENCH_DATABASE_URL")
DATABASES["default"]["CONN_MAX_AGE"] = 600
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
MIDDLEWARE = ["bench.middleware.BenchMetricsMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
DEMO_ACCOUNTS_ALLOWED = False
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# No lockout bookkeeping on every request of the load generator.
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
