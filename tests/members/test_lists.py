"""The members lists run on the shared list toolkit (FilteredListView, django-filter, lists/base_list.html)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from members import services

from .factories import MemberFactory, staff_actor

pytestmark = pytest.mark.django_db


@time_machine.travel(date(2024, 6, 1), tick=False)
def test_the_visit_list_filters_by_year_and_member_and_ignores_bad_filters(client_for, officer, term):
    zhang, li = MemberFactory(name="张三"), MemberFactory(name="李四")
    actor = staff_actor()
    for member, day in ((zhang, date(2023, 5, 1)), (li, date(2024, 2, 1)), (zhang, date(2024, 3, 1))):
        services.visit_record(member=member, date=day, visitors="甲", purpose="乙", actor=actor)
    client = client_for(officer)
    url = reverse("members:visit-list")

    def listed(query: str) -> list[tuple[str, date]]:
        response = client.get(url, query)
        assert response.status_code == 200
        return [(v.member.name, v.date) for v in response.context["rows"]]

    assert listed({}) == [("张三", date(2024, 3, 1)), ("李四", date(2024, 2, 1)), ("张三", date(2023, 5, 1))]
    assert listed({"year": "2023"}) == [("张三", date(2023, 5, 1))]
    assert listed({"q": "zs", "year": "2024"}) == [("张三", date(2024, 3, 1))]
    bad = client.get(url, {"year": "abc"})
    assert len(bad.context["rows"]) == 3 and 'data-testid="filter-error"' in bad.content.decode()
    page = client.get(url).content.decode()
    assert 'data-testid="count">3<' in page and 'data-label="委员"' in page


@pytest.mark.parametrize("url_name", ["members:member-list", "members:visit-list", "members:rule-list",
                                      "members:meeting-list", "members:activity-list", "members:unit-list",
                                      "members:ranking"])
def test_every_members_list_extends_the_shared_list_template(client_for, officer, term, url_name):
    response = client_for(officer).get(reverse(url_name), {"page": "99999999999999999999", "per_page": "x"})
    assert response.status_code == 200
    assert "lists/base_list.html" in [t.name for t in response.templates]
