"""Celery application: Redis broker (or the file-system broker in embedded demo mode)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongyuan_cppcc.settings.local")

app = Celery("zhongyuan_cppcc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
