"""The benchmark's synthetic opinion reports (bench/scenarios/opinions.py): the rows hold the states, levels and
figures the seeding planned, so that the benchmark measures the statistics over what it claims; and the
scenario's measure() produces its rows."""

from collections import Counter

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count

from bench.harness import SeedContext
from bench.scenarios import opinions as scenario
from opinions import statistics
from opinions.models import (
    Bulletin,
    BulletinCounter,
    BulletinEntry,
    CombinedReport,
    Instruction,
    OpinionReport,
    Outcome,
    ReportStatusChange,
)
from zhongyuan_cppcc.search.pinyin import text_pinyin

from ..bench_inprocess import InProcessContext
from ..dates import SWEEP


@pytest.fixture
def data(db):
    with time_machine.travel(SWEEP[0].moment, tick=True):
        yield scenario.build_reports(SeedContext("small"), 900, bulletins_per_year=3, authors=12)


def test_rows_states_and_accounts(data):
    assert OpinionReport.objects.count() == 900
    by_status = Counter(dict(OpinionReport.objects.values_list("status").annotate(n=Count("pk"))))
    assert by_status == data.statuses
    this_year = OpinionReport.objects.filter(created_at__year=data.today.year)
    assert set(this_year.values_list("status", flat=True)) == {"draft", "submitted", "screening", "adopted", "kept",
                                                               "returned"}
    past = OpinionReport.objects.filter(created_at__year__lt=data.today.year)
    assert set(past.values_list("status", flat=True)) == {"draft", "adopted", "kept"}
    assert set(OpinionReport.objects.dates("created_at", "year").values_list("created_at__year", flat=True)) == \
        set(data.years)
    assert not OpinionReport.objects.filter(status="draft").exclude(submitted_at=None).exists()
    assert not OpinionReport.objects.exclude(status="draft").filter(submitted_at=None).exists()
    adopted = OpinionReport.objects.filter(status="adopted")
    assert not adopted.filter(adopted_title="").exists() and not adopted.filter(signed_off_on=None).exists()
    # The pinyin column is what the search app would have written on save.
    for report in OpinionReport.objects.order_by("pk")[:50]:
        assert report.search_pinyin == text_pinyin(report.title)
    assert {"bench-opinion-officer", "bench-leader"} <= set(get_user_model().objects.values_list("username",
                                                                                                 flat=True))


def test_timelines_bulletins_and_outcomes(data):
    # Every submitted report has its submission in the timeline; decided ones their decision.
    submitted = OpinionReport.objects.exclude(status="draft")
    assert ReportStatusChange.objects.filter(verb="submit").count() == submitted.count()
    assert ReportStatusChange.objects.filter(verb="adopt").count() == submitted.filter(status="adopted").count()
    # Bulletins: numbered 1..n per year, the counter at n, only adopted reports, each in one issue.
    for year in data.years:
        numbers = sorted(Bulletin.objects.filter(year=year).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        if numbers:
            assert BulletinCounter.objects.get(year=year).last_number == numbers[-1]
    assert BulletinEntry.objects.count() == data.rows["bulletin_entries"] > 0
    assert not BulletinEntry.objects.exclude(report__status="adopted").exists()
    # Outcomes and instructions only on adopted reports; every level and kind present; some withdrawn.
    outcomes = Outcome.objects.all()
    assert not outcomes.exclude(report__status="adopted").exists()
    assert {(o["level"], o["kind"]) for o in outcomes.values("level", "kind")} >= {
        ("district", "alone"), ("city", "alone"), ("city", "combined"), ("province", "forwarded")}
    assert outcomes.exclude(withdrawn_at=None).count() < outcomes.count() * 0.05
    # A combined report has three source reports, each with its own outcome row.
    for combined in CombinedReport.objects.all():
        assert combined.outcomes.values("report").distinct().count() == 3
    assert Instruction.objects.filter(leader_title="district_head").exists()
    assert not Instruction.objects.exclude(report__status="adopted").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM opinions_upwardbatch_reports")
        assert cursor.fetchone()[0] == data.rows["reported"]


def test_statistics_count_what_was_planned(data):
    for year in data.years:
        planned = data.figures[year]
        counted = statistics.year_figures(year)
        assert counted == {key: planned.get(key, 0) for key in counted}, year
    last = data.figures[data.today.year - 1]
    assert last["collected"] > last["adopted_office"] > last["reported"] > last["adopted_city"] > 0
    assert last["published"] > 0 and last["bulletins"] == 3 and last["forwarded_province"] > 0


@pytest.mark.dated
def test_statistics_count_what_was_planned_on_every_date_of_the_sweep(db, clock):
    # Early in the year (2026-02-14) the current year holds few days; 31 December its last.
    small = scenario.build_reports(SeedContext("small"), 250, bulletins_per_year=2, authors=6)
    assert small.today == clock
    for year in small.years:
        counted = statistics.year_figures(year)
        assert counted == {key: small.figures[year].get(key, 0) for key in counted}, year


@pytest.mark.django_db
def test_measure_produces_its_rows(settings):
    with time_machine.travel(SWEEP[0].moment, tick=True):
        scenario.build_reports(SeedContext("small"), 400, bulletins_per_year=2, authors=8)
        with InProcessContext(settings) as ctx:
            scenario.measure(ctx)
    names = [r.name for r in ctx.results]
    pages = [r for r in ctx.results if r.kind == "page"]
    assert len(pages) >= 6
    assert any(n.startswith("opinions: statistics page") for n in names)
    assert any(n.startswith("opinions: dashboard panel") for n in names)
    for page in pages:
        assert page.values["errors"] == 0, page.name
        assert page.values["queries"] > 0 and page.values["median_ms"] > 0, page.name
        assert page.values["raw_sql_ms"] > 0, page.name
    check = next(r for r in ctx.results if r.kind == "check")
    assert check.values["ok"], check.values["detail"]
    panel = next(r for r in ctx.results if r.name.startswith("opinions: dashboard panel"))
    assert panel.values["notes"]["queries"] > 0 and panel.values["notes"]["figures"] == 10
    assert all(status == 200 for _path, status in ctx.paths)
