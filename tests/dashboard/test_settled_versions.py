"""Settled data versions (zhongyuan_cppcc/dashboard/cache.py, migration 0003): a cached figure is kept only when
every write its versions count has ended — not while another session's transaction that advanced one is open,
and after the reader's own writes only once they commit."""

import psycopg2
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from members.models import Party
from zhongyuan_cppcc.dashboard.cache import cached_counts, data_versions

pytestmark = pytest.mark.django_db(transaction=True)


def party_reads(queries) -> int:
    return sum(1 for q in queries if "members_party" in q["sql"])


def test_a_figure_counted_while_another_transaction_writes_is_shown_but_not_kept():
    before = Party.objects.count()
    params = connection.get_connection_params()
    other = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    try:
        with other.cursor() as cursor:  # an open transaction: inserted, not committed
            cursor.execute("INSERT INTO members_party (name, short_name, \"order\") VALUES ('并发党派', '并发', 99)")
        versions = data_versions()
        assert versions.busy == {"members"} and not versions.own
        assert cached_counts("test.parties", Party.objects.count) == before
        other.commit()
    finally:
        other.close()
    assert not data_versions().busy
    # Without the check the count above would have been kept under the version that already counts the insert.
    assert cached_counts("test.parties", Party.objects.count) == before + 1
    with CaptureQueriesContext(connection) as queries:
        assert cached_counts("test.parties", Party.objects.count) == before + 1
    assert party_reads(queries) == 0, "settled: kept"


def test_a_figure_computed_inside_a_transaction_that_rolls_back_is_not_kept():
    count = Party.objects.count
    with transaction.atomic():
        Party.objects.create(name="回滚测试党派", short_name="回滚")
        versions = data_versions()
        assert "members" in versions.own and "members" not in versions.busy
        inside = cached_counts("test.rolled-back", count)
        transaction.set_rollback(True)
    assert cached_counts("test.rolled-back", count) == inside - 1
    # Committed, it is kept: the next call does not count again.
    with transaction.atomic():
        Party.objects.create(name="提交测试党派", short_name="提交")
        assert cached_counts("test.committed", count) == inside
    with CaptureQueriesContext(connection) as queries:
        assert cached_counts("test.committed", count) == inside
    assert party_reads(queries) == 0


def test_reading_the_versions_leaves_no_lock_behind():
    with transaction.atomic():
        data_versions()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            assert cursor.fetchone()[0] == 0
