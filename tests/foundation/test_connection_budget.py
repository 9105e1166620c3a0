"""The run's connection sampler (tests/connections.py) sees connections as they open and fails a run over budget."""

import time

import psycopg2
import pytest
from django.db import connection

from tests import connections
from tests.connections import ConnectionSampler


@pytest.mark.django_db
def test_the_sampler_counts_open_connections_and_flags_a_peak_over_budget(monkeypatch):
    monkeypatch.setattr(connections, "INTERVAL", 0.05)
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    sampler = ConnectionSampler(connection.get_connection_params()).start()
    try:
        deadline = time.time() + 10
        while sampler.samples < 2 and time.time() < deadline:
            time.sleep(0.05)
        baseline = sampler.peak
        extra = [psycopg2.connect(**params) for _ in range(5)]
        try:
            deadline, seen = time.time() + 10, sampler.samples
            while sampler.samples < seen + 3 and time.time() < deadline:
                time.sleep(0.05)
        finally:
            for conn in extra:
                conn.close()
    finally:
        sampler.stop()
    assert baseline >= 1  # at least this test's own connection
    assert sampler.peak >= 1 + 5  # server-wide: other workers' connections may come and go meanwhile
    assert not sampler.over_budget and "peak" in sampler.report()
    monkeypatch.setattr(connections, "BUDGET", sampler.peak - 1)
    assert sampler.over_budget
