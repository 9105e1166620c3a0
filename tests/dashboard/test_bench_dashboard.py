"""The benchmark's dashboard scenario (bench/scenarios/dashboard.py): the floor it replays is the panels' own
SQL, and measure() reports the dashboard and the work report with their target checks."""

import pytest
import time_machine

from bench.harness import SeedContext
from bench.scenarios import consultations, dashboard
from tests.bench_client import ClientMeasureContext

from ..dates import SWEEP


@pytest.fixture
def seeded(db):
    with time_machine.travel(SWEEP[0].moment, tick=True):
        consultations.build(SeedContext("small"), sessions=120, outcomes=300, topics=20, projects=6)
        dashboard.seed(SeedContext("small"))
        yield SWEEP[0].day


def test_floor_is_the_panels_sql(seeded):
    statements = dashboard.panel_statements(seeded.year)
    assert any("consultations_session" in sql for sql, _params in statements)
    assert any("members_" in sql for sql, _params in statements)
    # The leader's own row is loaded before the capture: the floor holds the panels' work only.
    assert not any('FROM "accounts_user" WHERE "accounts_user"."username"' in sql for sql, _p in statements)
    assert any("consultations_" in sql for sql, _params in dashboard.report_statements(seeded.year))


def test_measure_reports_pages_and_target_checks(seeded):
    ctx = ClientMeasureContext()
    with time_machine.travel(SWEEP[0].moment, tick=True):
        dashboard.measure(ctx)
    pages = [r for r in ctx.results if r.kind == "page"]
    checks = [r for r in ctx.results if r.kind == "check"]
    assert [p.values["path"] for p in pages] == [
        f"/dashboard/?year={seeded.year}", f"/dashboard/?year={seeded.year - 1}",
        f"/dashboard/report/?year={seeded.year - 1}"]
    for page in pages:
        assert page.values["errors"] == 0, page.name
        assert page.values["queries"] > 5 and page.values["raw_sql_ms"] > 0, page.name
    assert len(checks) == 3
    for check, page in zip(checks, pages, strict=True):
        within = page.values["median_ms"] <= dashboard.TARGET_MS and page.values["ratio_sql"] <= dashboard.TARGET_RATIO
        assert check.values["ok"] == within
        assert f"{page.values['queries']} queries" in check.values["detail"]
