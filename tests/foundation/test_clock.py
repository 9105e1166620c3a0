"""The test clock itself (issue 16): the sweep pins every date of tests/dates.py, Beijing time."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.dates import BEIJING, SWEEP, parse_today


@pytest.mark.dated
def test_the_sweep_pins_the_local_date(clock, request):
    entry = next(d for d in SWEEP if request.node.callspec.id.startswith(d.id))
    assert clock == entry.day == timezone.localdate()
    # 01:00 in Beijing is still the day before in UTC: code must use localdate(), not the UTC date.
    assert timezone.now().date() < clock


def test_the_sweep_covers_the_dates_issue_16_lists():
    import chinese_calendar

    days = {d.day for d in SWEEP}
    assert len(days) == len(SWEEP) and len({d.id for d in SWEEP}) == len(SWEEP)
    assert any(d.weekday() == 5 and d not in chinese_calendar.workdays for d in days if d.year <= 2026)
    assert any(d.weekday() == 6 for d in days)
    assert any(d.weekday() == 5 and d in chinese_calendar.workdays for d in days)
    assert date(2026, 2, 14) in days and date(2026, 2, 24) in days  # Spring Festival 2026: 15th–23rd
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and chinese_calendar.is_holiday(date(2026, 2, 15))
    assert chinese_calendar.is_workday(date(2026, 2, 24)) and chinese_calendar.is_holiday(date(2026, 2, 23))
    assert {date(2026, 12, 31), date(2027, 1, 1), date(2028, 2, 29)} <= days
    last_known = max(chinese_calendar.holidays).year
    assert any(d.year > last_known for d in days)


def test_a_test_not_marked_dated_gets_the_real_day(clock):
    assert clock == timezone.localdate()


def test_test_today_format():
    assert parse_today("2027-01-01") == datetime(2027, 1, 1, 1, 0, tzinfo=BEIJING)
    assert parse_today("2028-02-29T23:30") == datetime(2028, 2, 29, 23, 30, tzinfo=BEIJING)
