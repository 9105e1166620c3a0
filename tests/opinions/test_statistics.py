"""The counting rules of the yearly figures, and the statistics page with its drill-down links."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from opinions import services, statistics
from tests.factories import make_user
from tests.opinions.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2024-03-01 10:00 +0800", tick=False):
        yield


def test_counting_rules():
    officer = make_user("opinion_officer")
    with time_machine.travel("2023-05-01 10:00 +0800", tick=False):
        a, b, c = (make_report(officer=officer, status="adopted", title=t) for t in "ABC")
        make_report(officer=officer, status="kept")
        make_report(officer=officer, status="draft")  # not collected
    day = date(2023, 9, 1)
    # a: adopted at two levels → once per level.
    services.outcome_record(report=a, actor=officer, level="city", kind="alone", day=day)
    services.outcome_record(report=a, actor=officer, level="province", kind="alone", day=day)
    # b and c: one combined adoption at city level → each source counts.
    services.outcome_record(report=b, actor=officer, level="city", kind="combined", day=day, combined_title="综合",
                            combined_with=[c.pk])
    # A withdrawn outcome drops out.
    [national] = services.outcome_record(report=c, actor=officer, level="national", kind="alone", day=day)
    services.outcome_withdraw(outcome=national, actor=officer, reason="误录")
    services.outcome_record(report=c, actor=officer, level="province", kind="forwarded", day=day,
                            forwarded_to="省政协")
    services.instruction_record(report=a, actor=officer, leader_title="district_head", level="district", day=day,
                                text="阅")
    withdrawn = services.instruction_record(report=b, actor=officer, leader_title="district_head", level="district",
                                            day=day, text="阅")
    services.instruction_withdraw(instruction=withdrawn, actor=officer, reason="误录")
    services.batch_create(actor=officer, sent_on=day, channel="系统", report_ids=[a.pk, b.pk])
    services.batch_create(actor=officer, sent_on=day, channel="系统", report_ids=[a.pk])  # a twice: once
    figures = statistics.year_figures(2023)
    assert figures["collected"] == 4
    assert figures["adopted_office"] == 3
    assert figures["adopted_city"] == 3
    assert figures["adopted_province"] == 1
    assert figures["adopted_national"] == 0
    assert figures["forwarded_province"] == 1
    assert figures["instructed_head"] == 1 and figures["instructed_secretary"] == 0
    assert figures["reported"] == 2
    assert statistics.year_figures(2022)["collected"] == 0


def test_page_links_each_figure_to_a_list_of_the_same_count(client_for):
    officer = make_user("opinion_officer")
    with time_machine.travel("2023-05-01 10:00 +0800", tick=False):
        reports = [make_report(officer=officer, status="adopted") for _ in range(3)]
    for report in reports[:2]:
        services.outcome_record(report=report, actor=officer, level="city", kind="alone", day=date(2023, 6, 1))
    client = client_for(make_user("leader"))
    page = client.get(reverse("opinions:statistics") + "?year=2023").content.decode()
    url = reverse("opinions:report-all") + "?figure=adopted_city&amp;year=2023"
    assert f'href="{url}"' in page
    listing = client.get(reverse("opinions:report-all"), {"figure": "adopted_city", "year": "2023"})
    assert listing.context["paginator"].count == 2
    for bad in ("?year=abc", "?year=99999", "?year=-1"):
        assert client.get(reverse("opinions:statistics") + bad).status_code == 200
    assert client_for(make_user("member")).get(reverse("opinions:statistics")).status_code == 403


def test_page_is_counted_once_until_the_counted_data_changes(client_for, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = make_user("opinion_officer")
    with time_machine.travel("2023-05-01 10:00 +0800", tick=False):
        make_report(officer=officer, status="adopted")
    client = client_for(make_user("leader"))
    url = reverse("opinions:statistics") + "?year=2023"

    def collected(response) -> int:
        return next(row["count"] for row in response.context["rows"] if str(row["label"]) == "收集信息")

    # Counted after this test's own (uncommitted) writes: kept once they commit (dashboard/cache.py).
    with CaptureQueriesContext(connection) as first, django_capture_on_commit_callbacks(execute=True):
        assert collected(client.get(url)) == 1
    with CaptureQueriesContext(connection) as second:
        assert collected(client.get(url)) == 1
    # The figures' aggregates are not run again: only the session, the user and the data version are read.
    assert len(second) <= len(first) - 20
    with time_machine.travel("2023-06-01 10:00 +0800", tick=False):
        make_report(officer=officer, status="kept")
    assert collected(client.get(url)) == 2
