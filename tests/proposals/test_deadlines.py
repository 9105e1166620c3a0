"""Deadline arithmetic on the holiday calendar (seeded from chinese-calendar) and its explanations."""

from datetime import date

import pytest

from proposals import deadlines
from zhongyuan_cppcc.calendar.models import DayKind, SpecialDay
from zhongyuan_cppcc.core.parameters import set_parameter


@pytest.mark.django_db
def test_rating_period_across_national_day():
    """Approved Friday 27 Sep 2024. National Day: 1–7 Oct off; Sun 29 Sep and Sat 12 Oct are make-up
    working days. 15 working days: 29, 30 Sep (2), 8–12 Oct incl. Sat 12 (5), 14–18 (5), 21–23 Oct (3)."""
    assert deadlines.rating_deadline(date(2024, 9, 27)) == date(2024, 10, 23)
    assert "2024-10-23" in deadlines.explain_rating_deadline(date(2024, 9, 27))


@pytest.mark.django_db
def test_working_day_deadlines_follow_calendar_changes():
    before = deadlines.objection_deadline(date(2024, 2, 5))
    SpecialDay.objects.create(date=date(2024, 2, 21), kind=DayKind.HOLIDAY, name="临时调整")
    assert deadlines.objection_deadline(date(2024, 2, 5)) == date(2024, 2, 26) != before


@pytest.mark.django_db
def test_parameters_change_the_rules():
    set_parameter(key="proposals.objection_working_days", value=5)
    assert deadlines.objection_deadline(date(2024, 2, 5)) == date(2024, 2, 18)  # the make-up Sunday
    set_parameter(key="proposals.reply_months", value=2)
    assert deadlines.default_reply_due(date(2024, 2, 5)) == date(2024, 4, 5)


@pytest.mark.django_db
def test_days_left_in_working_days():
    assert deadlines.working_days_left(date(2024, 2, 8), date(2024, 2, 19)) == 3  # 9, 18 (make-up), 19 Feb
    assert deadlines.working_days_left(date(2024, 2, 19), date(2024, 2, 8)) == -3


def test_add_months_clamps_to_month_end():
    assert deadlines.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert deadlines.add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


@pytest.mark.django_db
def test_objection_deadlines_for_a_list_in_one_query(django_assert_num_queries):
    bases = [date(2024, 2, 5), date(2024, 2, 9), date(2024, 9, 27)]
    with django_assert_num_queries(2):  # the parameter and the calendar
        result = deadlines.objection_deadlines(bases)
    assert result == {b: deadlines.objection_deadline(b) for b in bases}
    assert result[date(2024, 2, 5)] == date(2024, 2, 23)
