"""Working-day arithmetic over the holiday table, across Spring Festival with make-up days."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import make_user
from zhongyuan_cppcc.calendar.models import CalendarYear, DayKind, SpecialDay
from zhongyuan_cppcc.calendar.services import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    uncovered_years,
    working_days_between,
)

pytestmark = pytest.mark.django_db


def test_the_table_is_seeded_from_chinese_calendar():
    assert SpecialDay.objects.get(date=date(2024, 2, 12)).kind == DayKind.HOLIDAY
    assert SpecialDay.objects.get(date=date(2024, 2, 4)).kind == DayKind.WORKDAY
    assert CalendarYear.objects.filter(year=2024).exists()


class TestSpringFestival2024:
    """2024: Feb 10–17 off; Sunday Feb 4 and Sunday Feb 18 are make-up working days."""

    def test_holidays_and_make_up_days(self):
        assert not is_working_day(date(2024, 2, 12))  # Monday in the holiday
        assert is_working_day(date(2024, 2, 4))  # Sunday, make-up day
        assert is_working_day(date(2024, 2, 18))  # Sunday, make-up day
        assert not is_working_day(date(2024, 2, 3))  # ordinary Saturday

    def test_adding_working_days_jumps_the_holiday_and_counts_make_up_days(self):
        assert add_working_days(date(2024, 2, 8), 1) == date(2024, 2, 9)
        assert add_working_days(date(2024, 2, 8), 2) == date(2024, 2, 18)
        assert add_working_days(date(2024, 2, 8), 3) == date(2024, 2, 19)
        # 10 working days from Feb 5 (objection window): Feb 6–9 (4), 18–23 (6) -> Feb 23
        assert add_working_days(date(2024, 2, 5), 10) == date(2024, 2, 23)

    def test_backwards(self):
        assert add_working_days(date(2024, 2, 19), -2) == date(2024, 2, 9)

    def test_counting_between(self):
        assert working_days_between(date(2024, 2, 8), date(2024, 2, 19)) == 3
        assert working_days_between(date(2024, 2, 19), date(2024, 2, 8)) == -3
        assert working_days_between(date(2024, 2, 8), date(2024, 2, 8)) == 0

    def test_national_day_2023_with_make_up_saturday(self):
        # 2023: Sep 29 – Oct 6 off; Saturday Oct 7 and Sunday Oct 8 are make-up days.
        assert add_working_days(date(2023, 9, 28), 1) == date(2023, 10, 7)


def test_a_calendar_snapshot_adds_and_counts_like_the_one_off_functions(django_assert_max_num_queries):
    """The snapshot (one query for a page or a scan) gives the same answers, also for steps past its span."""
    with django_assert_max_num_queries(1):
        cal = WorkingCalendar(date(2024, 1, 20), date(2024, 3, 10))
    for day in (date(2024, 1, 29), date(2024, 2, 5), date(2024, 2, 8), date(2024, 2, 17)):
        for n in (1, 2, 10, -3):
            assert cal.add(day, n) == add_working_days(day, n), (day, n)
        for other in (date(2024, 2, 23), date(2024, 1, 22)):
            assert cal.count(day, other) == working_days_between(day, other), (day, other)
    assert cal.add(date(2024, 2, 5), 0) == date(2024, 2, 5) and cal.count(date(2024, 2, 5), date(2024, 2, 5)) == 0
    # Past the snapshot's end it reads the calendar again: May Day 2024 (May 1–5 off, Sunday Apr 28 worked).
    assert cal.add(date(2024, 3, 1), 45) == add_working_days(date(2024, 3, 1), 45)
    assert cal.count(date(2024, 3, 1), date(2024, 5, 10)) == working_days_between(date(2024, 3, 1), date(2024, 5, 10))


def test_staff_edits_change_the_arithmetic():
    assert add_working_days(date(2024, 3, 4), 1) == date(2024, 3, 5)
    SpecialDay.objects.create(date=date(2024, 3, 5), kind=DayKind.HOLIDAY, name="临时")
    assert add_working_days(date(2024, 3, 4), 1) == date(2024, 3, 6)


def test_uncovered_years_fall_back_to_monday_to_friday():
    assert uncovered_years([2024, 2099]) == [2099]
    # 2099-01-01 is a Thursday; with no table rows it is an ordinary working day.
    assert is_working_day(date(2099, 1, 1))
    assert add_working_days(date(2099, 1, 2), 1) == date(2099, 1, 5)


@pytest.mark.dated
def test_admin_warns_when_the_coming_years_are_not_covered(client_for):
    from django.utils import timezone

    this_year = timezone.localdate().year
    CalendarYear.objects.filter(year__gte=this_year).delete()
    client = client_for(make_user("sysadmin"))
    response = client.get(reverse("admin:workcalendar_specialday_changelist"), follow=True)
    assert response.status_code == 200
    assert str(this_year) in response.content.decode()
    assert "周一至周五" in response.content.decode()


def test_only_the_system_administrator_edits_the_calendar(client_for):
    url = reverse("admin:workcalendar_specialday_add")
    assert client_for(make_user("sysadmin")).get(url).status_code == 200
    assert client_for(make_user("secadmin")).get(url).status_code == 403


@pytest.mark.dated
def test_the_working_day_rule_on_every_date_of_the_sweep(clock):
    """Inside the table the day follows chinesecalendar (holidays, 调休 Saturdays); in a year the table does
    not cover (2027 on, with chinesecalendar 1.11) the defined fallback is Monday–Friday, and the admin
    warns about it (test_admin_warns_when_the_coming_years_are_not_covered)."""
    import chinese_calendar

    if clock.year <= max(chinese_calendar.holidays).year:
        assert uncovered_years([clock.year]) == []
        assert is_working_day(clock) == chinese_calendar.is_workday(clock)
    else:
        assert uncovered_years([clock.year]) == [clock.year]
        assert is_working_day(clock) == (clock.weekday() < 5)
    due = add_working_days(clock, 15)
    assert is_working_day(due) and working_days_between(clock, due) == 15
    assert add_working_days(due, -15) <= clock
