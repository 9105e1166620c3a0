"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongyuan_cppcc.settings.production")

application = get_wsgi_application()

# Every worker imports this module once: its start-up objects are set aside from the garbage collector
# (zhongyuan_cppcc/core/heap.py).
from zhongyuan_cppcc.core.heap import settle_heap  # noqa: E402 - after Django is set up

settle_heap()
