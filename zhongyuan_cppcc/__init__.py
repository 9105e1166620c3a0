"""中原区政协履职服务平台 — Django project package."""

from .celery import app as celery_app

__all__ = ("celery_app",)
