"""A transactional test's flush empties only the tables that hold rows, with DELETE (issue 14's CI time).

Django ends every transactional test (``transaction=True``, ``live_server``) with ``manage.py flush``: one
``TRUNCATE`` of every table (88 here), which makes PostgreSQL replace each table's and index's files — 0.4 s on
an idle machine, 1–2 s beside the other workers, 65 times a run. After a test only a dozen tables hold rows:
deleting them takes 20 ms. Triggers are off for the DELETEs (``session_replication_role = replica``, for the
transaction only): the audit trail refuses DELETE by a trigger, and the foreign-key checks have nothing to
protect once every table is empty. Everything else about the flush stays Django's: the same table list, the
same transaction, and the post_migrate signal that puts the reference data back.

Sequences are not reset (Django's default); a test asking for ``reset_sequences`` gets Django's TRUNCATE … RESTART
IDENTITY, and so does a role that may not switch triggers off (not a superuser)."""

from django.db.backends.postgresql.operations import DatabaseOperations

_django_sql_flush = DatabaseOperations.sql_flush


def tables_holding_rows(connection, tables: list[str]) -> list[str]:
    """Those of `tables` that have at least one row: one statement, an EXISTS per table."""
    if not tables:
        return []
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT {index} WHERE EXISTS (SELECT 1 FROM {quote(table)})"
                             for index, table in enumerate(tables))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tables[index] for (index,) in cursor.fetchall()]


def _is_superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0]


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or not _is_superuser(self.connection):
        return _django_sql_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    holding = tables_holding_rows(self.connection, sorted(tables))
    if not holding:
        return []
    return ["SET LOCAL session_replication_role = replica",
            *(f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}" for table in holding)]


def install() -> None:
    """Use this flush in the test process (tests/conftest.py pytest_configure)."""
    DatabaseOperations.sql_flush = sql_flush
