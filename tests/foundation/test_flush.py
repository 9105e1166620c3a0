"""The suite's flush after a transactional test (tests/flush.py): every table ends empty, the audit trail's
triggers included, the reference data comes back, and the triggers are on again afterwards."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from members.models import Party
from tests.factories import make_user
from tests.flush import tables_holding_rows
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def all_tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def test_the_flush_empties_every_table_the_audit_trail_too_and_puts_the_reference_data_back():
    user = make_user("member", username="flush-me")
    audit_record(action="test.flush", actor=user, obj=user)
    Notification.objects.create(recipient=user, kind="system", title="t", body="b")
    holding = set(tables_holding_rows(connection, all_tables()))
    assert {"accounts_user", "audit_auditevent", "notifications_notification", "auth_group"} <= holding

    call_command("flush", interactive=False, verbosity=0)  # what TransactionTestCase does after each test

    for table in ("accounts_user", "accounts_user_groups", "audit_auditevent", "notifications_notification"):
        assert table not in tables_holding_rows(connection, all_tables()), f"{table} still holds rows"
    assert Party.objects.exists()  # reference data, put back by post_migrate

    # The triggers were off for the flush's own transaction only: the audit trail refuses a DELETE again.
    audit_record(action="test.after-flush")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(action="test.after-flush").exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def test_tables_holding_rows_names_exactly_the_non_empty_ones():
    tables = all_tables()
    holding = tables_holding_rows(connection, tables)
    for table in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
            assert cursor.fetchone()[0] == (table in holding), table
    assert tables_holding_rows(connection, []) == []
