"""A year still running has no final grade: the record page and the home note say "in progress" with the rank,
and the grade appears once the year is over."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from members import services

from .factories import MemberFactory, staff_actor

pytestmark = pytest.mark.django_db


def _scored_member_of_2026():
    member = MemberFactory(with_account=True)
    for _ in range(3):
        MemberFactory()
    services.ledger_record_event(member=member, kind="study", subkind="session", date=date(2026, 3, 2),
                                 actor=staff_actor())
    return member


def test_running_year_shows_in_progress_with_rank_not_a_grade(term, client_for):
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        member = _scored_member_of_2026()
        client = client_for(member.user)
        response = client.get(reverse("members:my-record") + "?year=2026")
        assert response.status_code == 200
        assert response.context["current"].grade_label == "年度进行中"
        assert response.context["rank"] == 1
        html = response.content.decode()
        assert 'data-testid="grade">年度进行中<' in html
        assert {h.year: h.grade_label for h in response.context["history"]}[2026] == "年度进行中"
        home = client.get(reverse("home")).content.decode()
        assert "分，年度进行中。" in home and "排名第 1 / " in home and "不称职" not in home


def test_the_grade_is_shown_once_the_year_is_over(term, client_for):
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        member = _scored_member_of_2026()
    with time_machine.travel("2027-01-05 10:00 +0800", tick=False):
        response = client_for(member.user).get(reverse("members:my-record") + "?year=2026")
        assert response.status_code == 200
        assert response.context["current"].grade_label == "不称职"
        assert {h.year: h.grade_label for h in response.context["history"]}[2026] == "不称职"
