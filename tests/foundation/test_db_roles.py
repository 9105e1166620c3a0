"""The audit trail cannot be erased by the application's database role (issue 13, DESIGN.md §9).

The suite runs as the owner (a superuser in development); here the grants are applied to this test
database by `manage.py db_roles` — the code production runs — and a second connection as the
application role tries every way of erasing audit rows.
"""

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from zhongyuan_cppcc.audit.services import audit_record

OWNER = "zycppcc_test_owner"
APP = "zycppcc_test_app"
PASSWORD = "test-only-role-password"

# The roles are cluster-wide: two workers altering the same role at once fail with "tuple concurrently
# updated", so every test of this module runs on one worker.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("db-roles")]


def url_as(role: str | None, password: str | None = None) -> str:
    s = connection.settings_dict
    auth = f"{role}:{password}@" if role and password else (f"{s['USER']}@" if s["USER"] else "")
    return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def connect_as_app():
    s = connection.settings_dict
    conn = psycopg2.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=APP, password=PASSWORD,
                            dbname=s["NAME"])
    conn.autocommit = False
    return conn


@pytest.fixture
def app_connection(monkeypatch):
    monkeypatch.setenv("DATABASE_ADMIN_URL", url_as(None))
    monkeypatch.setenv("DATABASE_OWNER_URL", url_as(OWNER, PASSWORD))
    monkeypatch.setenv("DATABASE_URL", url_as(APP, PASSWORD))
    call_command("db_roles")
    call_command("db_roles")  # idempotent
    audit_record(action="test.kept", details={"n": 1})
    conn = connect_as_app()
    yield conn
    conn.close()


def refused(conn, statement: str) -> bool:
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    except psycopg2.errors.InsufficientPrivilege:
        conn.rollback()
        return True
    conn.rollback()
    return False


def test_the_app_role_is_neither_superuser_nor_owner(app_connection):
    with app_connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)
        cursor.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'audit_auditevent'")
        assert cursor.fetchone() == (OWNER,)


@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_auditevent",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditevent SET action = 'x'",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
    "SET session_replication_role = replica",
    "DROP TABLE audit_auditevent",
    "DROP TRIGGER audit_event_no_update_delete ON audit_auditevent",
])
def test_the_app_role_cannot_erase_the_audit_trail(app_connection, statement):
    assert refused(app_connection, statement), statement
    with app_connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE action = 'test.kept'")
        assert cursor.fetchone() == (1,)


def test_the_app_role_appends_and_reads_audit_rows_and_writes_business_tables(app_connection):
    with app_connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_auditevent (at, actor_username, action, object_type, object_id, "
                       "object_repr, outcome, details) VALUES (now(), '', 'test.appended', '', '', '', "
                       "'success', '{}') RETURNING id")
        assert cursor.fetchone()[0] > 0
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        assert cursor.fetchone()[0] >= 2
        cursor.execute("UPDATE core_systemparameter SET value = value")
        cursor.execute("DELETE FROM notifications_notification WHERE false")
    app_connection.commit()
