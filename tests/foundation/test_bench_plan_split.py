"""The benchmark's raw-SQL floor reports PostgreSQL's planning and execution times separately."""

import pytest

from bench.harness import raw_sql_plan_split


@pytest.mark.django_db
def test_planning_and_execution_are_measured_separately():
    # A join of a few catalogue tables: planning takes measurable time of its own.
    sql = ("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "JOIN pg_attribute a ON a.attrelid = c.oid WHERE n.nspname = %s LIMIT 5")
    planning, execution = raw_sql_plan_split([("SELECT %s::int + 1", [1]), (sql, ["public"])], repeat=3)
    assert planning > 0 and execution > 0


@pytest.mark.django_db
def test_a_statement_sent_with_its_settings_is_explained_with_them():
    """The ranking sends its work_mem with its query, in one string (members/scoring.py)."""
    sql = "SET LOCAL work_mem = '64MB'; SELECT count(*) FROM pg_class WHERE relname <> %s"
    planning, execution = raw_sql_plan_split([(sql, ["x"])], repeat=1)
    assert planning > 0 and execution > 0
