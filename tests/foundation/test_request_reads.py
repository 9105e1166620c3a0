"""What every page reads is read once per request (issue 14: at most 10 queries per list page):

- the user's roles and the facts other apps keep about them come with the user's row (accounts.facts), and a
  role or an authorisation withdrawn counts from the next request;
- a form's lookup lists are read in one statement and a chosen value is checked against them
  (lists.lookups);
- the business parameters and the working-day calendar are read once per request, and a request that changes
  them reads its change (core.middleware.memoized)."""

from datetime import date

import django_filters
import pytest
from django import forms
from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Party, PersonalDataClearance, Sector, Street, Term
from proposals.models import CollectiveAuthorisation
from tests.factories import make_user
from zhongyuan_cppcc.calendar.models import DayKind, SpecialDay
from zhongyuan_cppcc.calendar.services import WorkingCalendar, add_working_days
from zhongyuan_cppcc.core.middleware import RequestContextMiddleware
from zhongyuan_cppcc.core.parameters import get_parameter, set_parameter
from zhongyuan_cppcc.lists.filters import ListFilterSet
from zhongyuan_cppcc.lists.lookups import fetch_together, read_choices_together

pytestmark = pytest.mark.django_db


def statements_naming(queries, table: str) -> int:
    return sum(1 for q in queries if f'"{table}"' in q["sql"] or f" {table} " in q["sql"])


# --- The user with their roles and facts ---------------------------------------------------------------------


def test_a_page_reads_the_user_their_roles_and_facts_in_one_statement(client_for):
    user = make_user("member", "proposal_officer")
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("proposals:officer-list")).status_code == 200
    assert statements_naming(queries, "accounts_user") == 1
    for table in ("auth_group", "proposals_collectiveauthorisation", "members_personaldataclearance"):
        assert not [q for q in queries if table in q["sql"] and "accounts_user" not in q["sql"]], table


def test_a_role_withdrawn_counts_from_the_next_request(client_for):
    user = make_user("member_officer")
    client = client_for(user)
    assert client.get(reverse("members:member-list")).status_code == 200
    user.groups.clear()
    assert client.get(reverse("members:member-list")).status_code == 403


def test_a_collective_authorisation_counts_from_the_next_request_and_its_revocation_too(client_for):
    user = make_user()  # no role: only an authorisation lets them submit for an organisation
    client = client_for(user)
    assert client.get(reverse("proposals:my-proposals")).status_code == 403
    authorisation = CollectiveAuthorisation.objects.create(user=user, party=Party.objects.first(),
                                                           granted_at=timezone.now())
    assert client.get(reverse("proposals:my-proposals")).status_code == 200
    CollectiveAuthorisation.objects.filter(pk=authorisation.pk).update(revoked_at=timezone.now())
    assert client.get(reverse("proposals:my-proposals")).status_code == 403


def test_a_personal_data_clearance_is_loaded_with_the_user_and_an_expired_one_does_not_count():
    from datetime import timedelta

    from zhongyuan_cppcc.accounts.backends import AccountBackend

    officer = make_user("member_officer")
    clearance = PersonalDataClearance.objects.create(user=officer, reason="核对身份信息")
    with CaptureQueriesContext(connection) as queries:
        loaded = AccountBackend().get_user(officer.pk)
        assert loaded.has_perm("members.view_full_personal_data")
        assert loaded.role_codes() == {"member_officer"}
    assert len(queries) == 1
    PersonalDataClearance.objects.filter(pk=clearance.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1))
    assert not AccountBackend().get_user(officer.pk).has_perm("members.view_full_personal_data")


def test_an_inactive_or_missing_user_is_not_loaded():
    from zhongyuan_cppcc.accounts.backends import AccountBackend

    user = make_user("member", is_active=False)
    assert AccountBackend().get_user(user.pk) is None
    assert AccountBackend().get_user(user.pk + 100000) is None


# --- Lookup lists read together ------------------------------------------------------------------------------


def test_several_lookup_tables_are_read_in_one_statement_as_the_same_rows_in_the_same_order():
    Term.objects.get_or_create(number=9, defaults={"starts_on": date(2021, 12, 1), "ends_on": date(2026, 11, 30)})
    Term.objects.get_or_create(number=8, defaults={"starts_on": date(2016, 12, 1), "ends_on": date(2021, 11, 30)})
    querysets = [Party.objects.all(), Sector.objects.order_by("-name"), Street.objects.all(), Term.objects.all(),
                 Party.objects.all()]
    expected = [[(o.pk, *[getattr(o, f.attname) for f in qs.model._meta.concrete_fields]) for o in qs.all()]
                for qs in querysets]
    assert all(expected), "the lookup tables are reference data"
    with CaptureQueriesContext(connection) as queries:
        rows = fetch_together(querysets)
    assert len(queries) == 1
    got = [[(o.pk, *[getattr(o, f.attname) for f in qs.model._meta.concrete_fields]) for o in part]
           for qs, part in zip(querysets, rows, strict=True)]
    assert got == expected  # dates stay dates, keys stay integers, the order is each queryset's own
    assert all(isinstance(term.starts_on, date) for term in rows[3])
    assert rows[0][0]._state.adding is False and rows[0][0]._state.db == "default"


def test_a_queryset_that_is_not_plain_or_is_empty_is_read_on_its_own():
    with CaptureQueriesContext(connection) as queries:
        rows = fetch_together([Party.objects.all(), Party.objects.none(),
                               Street.objects.annotate(n=Count("id"))])
    assert rows[1] == [] and len(rows[2]) == Street.objects.count()
    assert len(queries) == 2  # the plain one, then the annotated one; nothing for the empty one


class LookupForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Party.objects.all(), required=False)
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), required=False)
    street = forms.ModelMultipleChoiceField(queryset=Street.objects.all(), required=False)


def test_a_form_reads_its_lookup_lists_once_and_checks_a_choice_against_them():
    party = Party.objects.order_by("pk").last()
    form = LookupForm({"party": str(party.pk), "sector": ""})
    read_choices_together(form)
    with CaptureQueriesContext(connection) as queries:
        assert form.is_valid(), form.errors
        html = str(form["party"]) + str(form["sector"]) + str(form["street"]) + str(form["party"])
    assert len(queries) == 1
    assert form.cleaned_data["party"] == party and form.cleaned_data["sector"] is None
    assert f'<option value="{party.pk}" selected>' in html


@pytest.mark.parametrize("value", ["abc", "999999", "99999999999999999999999", "1e3", "-1"])
def test_a_choice_that_is_not_in_the_list_is_refused_in_chinese(value):
    form = LookupForm({"party": value})
    read_choices_together(form)
    assert not form.is_valid()
    assert "选择一个有效的选项" in str(form.errors["party"])


class PartyFilterSet(ListFilterSet):
    class Meta:
        model = Street
        fields: list[str] = []

    party = django_filters.ModelChoiceFilter(queryset=Party.objects.all(), method="by_party")

    def by_party(self, queryset, name, value):
        return queryset


def test_a_list_filter_with_a_bad_choice_filters_nothing_and_says_so():
    filterset = PartyFilterSet({"party": "abc"}, queryset=Street.objects.all())
    assert filterset.qs.count() == Street.objects.count()
    assert "有效" in filterset.error_message


# --- Parameters and calendar once per request ----------------------------------------------------------------


def in_request(work):
    """work() as a view would run it (inside core.middleware.RequestContextMiddleware)."""
    result = {}

    def view(request):
        result["value"] = work()
        return None

    RequestContextMiddleware(view)(RequestFactory().get("/"))
    return result["value"]


def test_parameters_are_read_once_per_request_and_a_change_in_the_same_request_is_read():
    key = "proposals.rating_window_working_days"

    def work():
        with CaptureQueriesContext(connection) as queries:
            first = [get_parameter(key) for _ in range(5)]
        set_parameter(key=key, value=first[0] + 3)
        return first, len(queries), get_parameter(key)

    first, reads, after = in_request(work)
    assert reads == 1 and len(set(first)) == 1
    assert after == first[0] + 3
    # Outside a request every call reads the table (a task sees a change made meanwhile).
    from zhongyuan_cppcc.core.models import SystemParameter

    SystemParameter.objects.filter(key=key).update(value=first[0] + 5)
    assert get_parameter(key) == first[0] + 5


def test_the_calendar_is_read_once_per_request_for_any_span_and_a_new_holiday_in_it_is_read():
    monday = date(2031, 3, 3)
    assert monday.weekday() == 0

    def work():
        with CaptureQueriesContext(connection) as queries:
            spans = [WorkingCalendar(date(2005, 1, 1), date(2005, 2, 1)), WorkingCalendar(monday, monday)]
            before = add_working_days(monday - date.resolution, 1)
        SpecialDay.objects.create(date=monday, kind=DayKind.HOLIDAY, name="测试假日")
        return len(queries), spans, before, add_working_days(monday - date.resolution, 1)

    reads, spans, before, after = in_request(work)
    assert reads == 1 and spans[1].is_working_day(monday)
    assert before == monday and after == monday + date.resolution
