"""Bad input never becomes a 500: the three cases the security pass found, and the shared parsers."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import make_user
from zhongyuan_cppcc.core.params import MAX_PAGE, int_param, page_number, safe_next_url

pytestmark = pytest.mark.django_db


def test_ranking_with_a_page_number_beyond_bigint_shows_the_last_page(client_for):
    response = client_for(make_user("member_officer")).get(reverse("members:ranking"),
                                                           {"page": "922337203685477580"})
    assert response.status_code == 200


def test_urge_with_a_next_that_is_not_a_path_goes_back_to_the_reminders(client_for):
    from tests.proposals.url_expectations import _urgeable_proposal

    pk = _urgeable_proposal()
    client = client_for(make_user("proposal_officer"))
    for target in ("abc", "proposals:reminders", "//evil.example/", "https://evil.example/x"):
        response = client.post(reverse("proposals:urge", kwargs={"pk": pk}), {"next": target})
        assert response.status_code == 302 and response["Location"] == reverse("proposals:reminders"), target
    response = client.post(reverse("proposals:urge", kwargs={"pk": pk}),
                           {"next": reverse("proposals:officer-list")})
    assert response["Location"] == reverse("proposals:officer-list")


def test_urge_note_with_a_nul_character_is_refused_with_a_message(client_for):
    from proposals.models import Reminder
    from tests.proposals.url_expectations import _urgeable_proposal

    pk = _urgeable_proposal()
    before = Reminder.objects.count()
    response = client_for(make_user("proposal_officer")).post(
        reverse("proposals:urge", kwargs={"pk": pk}), {"note": "a\x00b"}, follow=True)
    assert response.status_code == 200
    assert "备注无效" in response.content.decode()
    assert Reminder.objects.count() == before


@pytest.mark.parametrize("query", [
    {"date__year": "99999999999999999999999"},
    {"date__year": "9999", "date__month": "12"},
    {"date__year": "2024", "date__month": "13"},
])
def test_admin_date_hierarchy_with_an_impossible_date_says_invalid_filter(client_for, query):
    response = client_for(make_user("sysadmin")).get(reverse("admin:workcalendar_specialday_changelist"), query)
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_a_nul_character_in_a_query_string_is_a_400(client_for):
    response = client_for(make_user("member_officer")).get(reverse("members:member-list") + "?q=a%00b")
    assert response.status_code == 400


def test_a_nul_character_in_a_url_encoded_form_is_a_400(client_for):
    response = client_for(make_user("member")).post(reverse("notification-mark-read"), "ids=1%00",
                                                    content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.parametrize(("value", "expected"), [
    (None, 1), ("", 1), ("abc", 1), ("-3", 1), ("0", 1), ("7", 7), ("1e9", 1),
    ("922337203685477580", MAX_PAGE), ("9" * 5000, MAX_PAGE),
])
def test_page_number(value, expected):
    request = RequestFactory().get("/", {} if value is None else {"page": value})
    assert page_number(request) == expected


def test_int_param_range():
    assert int_param("2024", default=0, minimum=2000, maximum=2030) == 2024
    assert int_param("99999999999999999999999", default=0) == 0
    assert int_param("1999", default=5, minimum=2000) == 5


@pytest.mark.parametrize(("target", "expected"), [
    ("/proposals/officer/?page=2", "/proposals/officer/?page=2"),
    ("abc", "/fallback/"), ("//evil.example/", "/fallback/"), ("https://evil.example/", "/fallback/"),
    ("/\\evil.example", "/fallback/"), ("/a\x00", "/fallback/"), ("", "/fallback/"),
])
def test_safe_next_url(target, expected):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next_url(request, "/fallback/") == expected
