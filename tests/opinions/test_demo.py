"""The opinion-report demo data: the work report's 2023 figures exactly, every state this year, idempotent."""

import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from opinions import statistics
from opinions.models import Bulletin, OpinionReport
from opinions.workflow import Status
from zhongyuan_cppcc.notifications.models import Notification

from ..demo_db import FULL, demo_database

pytestmark = [pytest.mark.xdist_group("demo-full"), pytest.mark.django_db]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The module's own copy of the whole demo, loaded on 15 June 2026 (tests/demo_db.py); the module runs on
    that day (ticking), whatever the day of the run."""
    with time_machine.travel(FULL.moment, tick=True), demo_database(FULL, django_db_blocker):
        yield


def test_2023_figures_of_the_work_report(loaded):
    figures = statistics.year_figures(2023)
    assert figures["collected"] == 294
    assert figures["bulletins"] == 6
    assert figures["reported"] == 205
    assert figures["adopted_city"] == 137
    assert figures["forwarded_province"] == 103
    assert figures["adopted_national"] == 1
    assert figures["instructed_secretary"] == 4
    assert figures["instructed_head"] == 14
    assert [b.number for b in Bulletin.objects.filter(year=2023).order_by("number")] == [1, 2, 3, 4, 5, 6]
    # Past years notified nobody.
    past = OpinionReport.objects.filter(submitted_at__year__lt=2026).values_list("pk", flat=True)
    assert not Notification.objects.filter(kind__startswith="opinions.", target_id__in=[str(p) for p in past]).exists()


def test_closed_years_and_every_state_this_year(loaded):
    assert statistics.year_figures(2024)["collected"] == 60 and statistics.year_figures(2025)["collected"] == 60
    assert not OpinionReport.objects.filter(submitted_at__year__in=[2023, 2024, 2025],
                                            status__in=[Status.SUBMITTED, Status.SCREENING, Status.RETURNED]).exists()
    this_year = set(OpinionReport.objects.filter(created_at__year=2026).values_list("status", flat=True))
    assert this_year == set(Status.values)
    assert OpinionReport.objects.filter(author__username="demo-correspondent").exists()


def test_second_load_changes_nothing(loaded, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    count = OpinionReport.objects.count()
    with time_machine.travel("2026-06-16 10:00 +0800", tick=False):
        call_command("load_demo", only=["accounts", "opinions"], stdout=io.StringIO())
    assert OpinionReport.objects.count() == count


def test_each_2023_figure_drills_down_to_the_same_count(loaded, client_for):
    client = client_for(get_user_model().objects.get(username="demo-opinion-officer"))
    with time_machine.travel(FULL.moment, tick=False):
        for key in ("collected", "reported", "adopted_city", "forwarded_province", "adopted_national",
                    "instructed_secretary", "instructed_head"):
            response = client.get(reverse("opinions:report-all"), {"figure": key, "year": 2023})
            assert response.context["paginator"].count == statistics.year_figures(2023)[key], key
