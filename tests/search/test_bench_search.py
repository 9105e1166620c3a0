"""The search benchmark (bench/scenarios/search.py): it fills the pinyin a bulk load left empty, reads which
index a plan uses, and its measure() produces its rows over the proposals and opinion reports of the other
scenarios."""

import pytest
import time_machine
from django.db import connection

from bench.harness import SeedContext
from bench.proposals_data import build_proposals
from bench.scenarios import opinions as opinion_scenario
from bench.scenarios import search as scenario
from opinions.models import OpinionReport
from proposals.models import Proposal
from zhongyuan_cppcc.search.pinyin import text_pinyin

from ..bench_inprocess import InProcessContext
from ..dates import SWEEP

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    with time_machine.travel(SWEEP[0].moment, tick=True):
        proposals = build_proposals(120, due_fraction=0.1, timeline_length=20, units=4)
        reports = opinion_scenario.build_reports(SeedContext("small"), 300, bulletins_per_year=2, authors=6)
        yield proposals, reports


def test_missing_pinyin_is_filled_and_present_pinyin_kept(data):
    OpinionReport.objects.filter(pk__in=OpinionReport.objects.order_by("pk").values("pk")[:40]) \
        .update(search_pinyin="")
    Proposal.objects.filter(pk__in=Proposal.objects.order_by("pk").values("pk")[:10]).update(search_pinyin="")
    assert scenario.fill_missing_pinyin() == 50
    for model in (OpinionReport, Proposal):
        for row in model.objects.exclude(title=""):
            assert row.search_pinyin == text_pinyin(row.title)
    assert scenario.fill_missing_pinyin() == 0


def test_plan_indexes_names_the_trigram_index(data):
    # A condition no index answers is read sequentially. (Whether the planner reads a few hundred rows of the
    # LIKE below sequentially depends on the table's size on disk, which earlier tests' rolled-back rows swell.)
    unindexed = "SELECT id FROM opinions_opinionreport WHERE length(title) > %s"
    assert scenario.plan_indexes(unindexed, [3]) == ([], ["opinions_opinionreport"])
    # With sequential scans priced out, the trigram index is the way.
    sql = "SELECT id FROM opinions_opinionreport WHERE search_pinyin LIKE %s"
    indexes, seq = scenario.plan_indexes(sql, ["%xuewei%"], seqscan=False)
    assert indexes == ["opinions_opinionreport_search_pinyin_trgm"] and seq == []
    # The setting does not outlive the EXPLAIN.
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
    indexes, seq = scenario.plan_indexes("SELECT id FROM opinions_opinionreport WHERE situation LIKE %s", ["%电梯%"])
    assert indexes == [] and seq == ["opinions_opinionreport"]


def test_a_sequential_scan_stopped_by_a_limit_is_told_apart(data):
    """The capped count (LIMIT 1001, no sort) may read a common needle's rows sequentially and stop at the cap;
    a scan under a sort reads the whole table whatever the LIMIT."""
    capped = ("SELECT COUNT(*) FROM (SELECT id FROM opinions_opinionreport WHERE situation LIKE %s LIMIT 1001) s")
    bounded: list[str] = []
    assert scenario.plan_indexes(capped, ["%电梯%"], bounded=bounded) == ([], []) and \
        bounded == ["opinions_opinionreport"]
    assert scenario.plan_indexes(capped, ["%电梯%"]) == ([], ["opinions_opinionreport"])
    sorted_sql = "SELECT id FROM opinions_opinionreport WHERE situation LIKE %s ORDER BY title LIMIT 5"
    bounded = []
    assert scenario.plan_indexes(sorted_sql, ["%电梯%"], bounded=bounded) == ([], ["opinions_opinionreport"])
    assert bounded == []


def test_measure_produces_its_rows(data, settings):
    ctx_seed = SeedContext("small")
    scenario.seed(ctx_seed)
    with time_machine.travel(SWEEP[0].moment, tick=True), InProcessContext(settings) as ctx:
        scenario.measure(ctx)
    pages = [r for r in ctx.results if r.kind == "page"]
    checks = [r for r in ctx.results if r.kind == "check"]
    assert len(pages) == len(scenario.QUERIES) + 1 and len(checks) == len(scenario.QUERIES)
    for page in pages:
        assert page.values["errors"] == 0, page.name
        assert page.values["queries"] > 0 and page.values["raw_sql_ms"] > 0, page.name
    found = [p.name for p in pages if "leader" in p.name and ("xuewei" in p.name or "学位" in p.name)]
    assert len(found) == 2 and not any("found 0)" in name for name in found), found
    # Each plan check names the tables searched. Every table of the small set is below SMALL_TABLE: where the
    # planner reads one sequentially, the check passes only because a search index answers it when priced out.
    for check in checks:
        assert "opinions_opinionreport" in check.values["detail"] and "proposals_proposal" in check.values["detail"]
        assert check.values["ok"], check.values["detail"]


def test_a_large_table_read_sequentially_fails_the_plan_check(data, settings, monkeypatch):
    scenario.seed(SeedContext("small"))
    monkeypatch.setattr(scenario, "SMALL_TABLE", 100)  # the 300 reports now count as a large table
    with time_machine.travel(SWEEP[0].moment, tick=True), InProcessContext(settings) as ctx:
        scenario.measure(ctx)
    checks = [r for r in ctx.results if r.kind == "check"]
    failed = [c for c in checks if not c.values["ok"]]
    assert failed and all("sequential scan of" in c.values["detail"] for c in failed)
    assert any("opinions_opinionreport" in c.values["detail"].split("sequential scan of")[1] for c in failed)
    assert all(status == 200 for _path, status in ctx.paths)
