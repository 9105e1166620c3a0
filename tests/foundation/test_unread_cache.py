"""The bell's unread count is cached per user and forgotten on every change; a broken cache costs only
the query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_user
from zhongyuan_cppcc.notifications import services
from zhongyuan_cppcc.notifications.models import Notification


def _badge(response) -> int:
    return response.context["unread_count"]


def _count_queries(queries) -> int:
    return sum(1 for q in queries if "notifications_notification" in q["sql"] and "COUNT(*)" in q["sql"]
               and "read_at\" IS NULL" in q["sql"])


@pytest.mark.django_db
def test_unread_count_is_cached_and_follows_every_change(client_for, settings):
    from django.core.cache import cache

    settings.SHARED_USER_CACHE = True
    cache.clear()
    user = make_user("member", username="bell-user")
    client = client_for(user)
    url = reverse("notification-list")
    assert _badge(client.get(url)) == 0
    first = services.notify(recipient=user, kind="test", title="一")
    services.notify(recipient=user, kind="test", title="二")
    assert _badge(client.get(url)) == 2
    with CaptureQueriesContext(connection) as queries:
        assert _badge(client.get(url)) == 2
    assert _count_queries(queries) == 0  # the second page view reads the cached count
    client.post(reverse("notification-open", args=[first.pk]))  # opening marks it read (a POST: GET changes nothing)
    assert _badge(client.get(url)) == 1
    client.post(reverse("notification-mark-read"))
    assert _badge(client.get(url)) == 0 == Notification.objects.filter(read_at__isnull=True).count()


@pytest.mark.django_db
def test_a_broken_cache_costs_only_the_query(client_for, settings):
    settings.SHARED_USER_CACHE = True
    settings.CACHES = {"default": {"BACKEND": "tests.foundation.failing_backends.DownCache"}}
    user = make_user("member", username="bell-user-2")
    services.notify(recipient=user, kind="test", title="一")
    response = client_for(user).get(reverse("notification-list"))
    assert response.status_code == 200 and _badge(response) == 1
