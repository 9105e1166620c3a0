"""The demo loads on 1 January (issue 16): "this year" has data and the previous year is complete, in the
opinion-report and consultation modules too (the proposals demo's dates are in tests/proposals/test_demo.py).

Loaded with the clock at 01:00 Beijing time on 1 January 2027 (a year after the holiday table and after every
year the demo names), with only the years the date moves: the running year and the one before it."""


import pytest
import time_machine

from consultations.models import Session
from opinions import statistics
from opinions.models import OpinionReport
from opinions.workflow import Status

from ..dates import SWEEP
from ..demo_db import dated_build, demo_database

pytestmark = [pytest.mark.xdist_group("demo-dated"), pytest.mark.django_db]
NEW_YEAR = next(d for d in SWEEP if d.id == "new-year")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The module's copy of the demo's recent years loaded on 1 January 2027; the proposals demo's tests of that
    date read the same build (tests/demo_db.py)."""
    with time_machine.travel(NEW_YEAR.moment, tick=True), \
            demo_database(dated_build(NEW_YEAR), django_db_blocker):
        yield NEW_YEAR.day


def test_opinions_previous_year_is_a_closed_year_and_this_year_has_reports(loaded):
    this_year, last_year = loaded.year, loaded.year - 1
    # Only the years the date moves are loaded (load_demo --recent): the work report's 2023 and the years
    # between are checked on the whole demo (test_demo.py).
    assert statistics.year_figures(last_year)["collected"] == 60
    assert not OpinionReport.objects.filter(created_at__year__lt=last_year).exists()
    assert not OpinionReport.objects.filter(submitted_at__year=last_year,
                                            status__in=[Status.SUBMITTED, Status.SCREENING]).exists()
    assert statistics.year_figures(this_year)["collected"] > 0
    assert set(OpinionReport.objects.filter(created_at__year=this_year).values_list("status", flat=True)) == \
        set(Status.values)


def test_consultations_previous_year_and_this_year_have_sessions(loaded):
    assert Session.objects.filter(date__year=loaded.year - 1).exists()
    assert Session.objects.filter(date__year=loaded.year).exists()
    assert not Session.objects.filter(date__year__lt=loaded.year - 1).exists()
