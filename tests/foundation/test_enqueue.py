"""Publishing while Redis is down: the first failed publish marks the broker down for BROKER_BACKOFF_SECONDS,
so later writes do not try the broker again; the first success clears the mark. Each attempt itself fails
fast (one connection with a short timeout, no retries), so not even the first write waits on the broker."""

import time

import pytest

from zhongyuan_cppcc.core import tasks_util
from zhongyuan_cppcc.core.tasks import heartbeat


@pytest.fixture
def broker(monkeypatch, settings):
    """heartbeat.apply_async replaced by a recorder that fails while `state["down"]`."""
    settings.BROKER_BACKOFF_SECONDS = 30
    monkeypatch.setattr(tasks_util, "_broker_down_until", 0.0)
    state = {"down": True, "calls": 0}

    def apply_async(*args, **kwargs):
        state["calls"] += 1
        if state["down"]:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(heartbeat, "apply_async", apply_async)
    return state


def test_after_a_failure_the_broker_is_left_alone_for_the_backoff(broker, monkeypatch):
    assert tasks_util.enqueue(heartbeat) is False
    assert broker["calls"] == 1
    for _ in range(5):
        assert tasks_util.enqueue(heartbeat) is False
    assert broker["calls"] == 1  # no further attempts within the back-off
    broker["down"] = False
    later = time.monotonic() + 31
    monkeypatch.setattr(tasks_util.time, "monotonic", lambda: later)
    assert tasks_util.enqueue(heartbeat) is True
    assert broker["calls"] == 2 and tasks_util._broker_down_until == 0.0


def test_without_backoff_every_publish_tries(broker, settings):
    settings.BROKER_BACKOFF_SECONDS = 0
    assert tasks_util.enqueue(heartbeat) is False
    broker["down"] = False
    assert tasks_util.enqueue(heartbeat) is True
    assert broker["calls"] == 2


@pytest.mark.django_db
def test_a_real_unreachable_broker_costs_one_wait_then_none(settings, monkeypatch):
    """Against a closed port: after the first failed publish, the next ones do not even try."""
    from zhongyuan_cppcc.celery import app

    settings.BROKER_BACKOFF_SECONDS = 30
    monkeypatch.setattr(tasks_util, "_broker_down_until", 0.0)
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    with app.connection_for_write() as conn:
        assert "127.0.0.1:1" in conn.as_uri()
    monkeypatch.setattr(heartbeat, "apply_async",
                        lambda *a, **k: app.send_task(heartbeat.name, connection=app.connection_for_write(),
                                                      retry=False))
    assert tasks_util.enqueue(heartbeat) is False
    started = time.monotonic()
    for _ in range(10):
        assert tasks_util.enqueue(heartbeat) is False
    assert time.monotonic() - started < 0.5


def test_the_broker_connection_is_tried_once_with_a_short_timeout(settings):
    """kombu sleeps interval_start (2 s) before each retry of a failed connection: a publish from a request
    must not retry at all (issue 14: an urge posted while Redis was down took 2.4-4.3 s)."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["max_retries"] == 0
    assert options["socket_connect_timeout"] <= 1
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 1


@pytest.mark.django_db
def test_every_publish_to_a_stopped_broker_fails_at_once(settings, monkeypatch):
    """The project's own broker options against a closed port, with the back-off off so that every publish
    really connects: each one gives up in well under the old 2 s retry sleep, and the call returns False."""
    from zhongyuan_cppcc.celery import app

    settings.BROKER_BACKOFF_SECONDS = 0
    monkeypatch.setattr(tasks_util, "_broker_down_until", 0.0)
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    assert app.conf.broker_transport_options["max_retries"] == 0  # the app publishes with the settings' options
    monkeypatch.setattr(heartbeat, "apply_async",
                        lambda *a, **k: app.send_task(heartbeat.name, connection=app.connection_for_write(),
                                                      retry=False))
    timings = []
    for _ in range(3):
        started = time.monotonic()
        assert tasks_util.enqueue(heartbeat) is False
        timings.append(time.monotonic() - started)
    assert max(timings) < 1.5, timings
