"""Issue 14: every list page renders in at most 10 queries, the same number for 10 rows as for 100 — on the
whole demo (tests/demo_db.py), after a write to every module (every data version advanced, so that nothing
kept for the page or its count serves it: the render itself is counted).

What keeps it there: the user's roles and facts come with the user's row (accounts.facts), a filter form's
lookup lists are read in one statement (lists.lookups), the parameters and the working-day calendar once per
request (core.middleware.memoized). Every list page must appear in PAGES: a new list fails
`test_every_list_page_has_a_budget` until it is measured here."""

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from bench.harness import advance_data_versions
from tests.demo_db import FULL, demo_database
from zhongyuan_cppcc.core.demo import demo_user
from zhongyuan_cppcc.lists.page_cache import KeptPageMixin

pytestmark = [pytest.mark.xdist_group("demo-full"), pytest.mark.django_db]

BUDGET = 10
# Every list page: (demo account, path). The bench measures the same pages at full scale (bench/scenarios).
PAGES = [
    ("demo-member-officer", "/members/"),
    ("demo-member-officer", "/members/?party=1&sector=2&street=1&special_committee=1&term=1&q=zh"),
    ("demo-member-officer", "/members/ranking/?year=2023"),
    ("demo-member-officer", "/members/visits/"),
    ("demo-member-officer", "/members/meetings/"),
    ("demo-member-officer", "/members/activities/"),
    ("demo-member-officer", "/members/rules/"),
    ("demo-member-officer", "/members/units/"),
    ("demo-member", "/proposals/mine/"),
    ("demo-handler", "/proposals/unit/"),
    # Registered proposals: every page shows the bulk-assignment form (with its unit lists).
    ("demo-proposal-officer", "/proposals/all/?status=registered"),
    ("demo-proposal-officer", "/proposals/all/?year=2023&session=1&unit=1&street=1&party=1&sector=1&q=教育"),
    ("demo-proposal-officer", "/proposals/replies/pending/"),
    ("demo-proposal-officer", "/proposals/key/"),
    ("demo-proposal-officer", "/proposals/archive/"),
    ("demo-proposal-officer", "/proposals/reminders/"),
    ("demo-member", "/opinions/mine/"),
    ("demo-correspondent", "/opinions/mine/"),
    ("demo-opinion-officer", "/opinions/all/"),
    ("demo-opinion-officer", "/opinions/bulletins/"),
    ("demo-consultation-officer", "/consultations/"),
    ("demo-consultation-officer", "/consultations/outcomes/"),
    ("demo-consultation-officer", "/consultations/topics/"),
    ("demo-member", "/consultations/topics/mine/"),
    ("demo-consultation-officer", "/consultations/rooms/"),
    ("demo-consultation-officer", "/consultations/supervision/"),
    ("demo-member", "/notifications/"),
    ("demo-auditor", "/audit/"),
    # Table pages that are not paged lists, held to the same budget.
    ("demo-member-officer", "/members/organisations/"),
    ("demo-member-officer", "/members/excellent/"),
    ("demo-proposal-officer", "/proposals/units/"),
    ("demo-opinion-officer", "/opinions/upward/"),
    ("demo-consultation-officer", "/consultations/rooms/coverage/"),
]
# Pages whose rows differ in kind: the audit log reads the names its rows need (their objects, the rows their
# details point to, the actors) in one statement for the page, and a detail namer's table (the points rules)
# only when a row on the page needs it, so 100 rows may run one more query than 10 — never one per row
# (tests/foundation/test_audit_labels.py counts that).
MIXED_ROWS = {"/audit/"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with time_machine.travel(FULL.at, tick=True), demo_database(FULL, django_db_blocker):
        yield


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(demo_user(username))
    client.cookies["csrftoken"] = "k" * 32  # a browser's CSRF cookie: the page is one that may be kept
    return client


def rendered_queries(client: Client, path: str) -> int:
    """The queries of one render of `path` (every data version advanced first)."""
    advance_data_versions()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def with_page_size(path: str, size: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}per_page={size}"


@pytest.mark.parametrize(("username", "path"), PAGES)
def test_a_list_page_renders_in_at_most_ten_queries_whatever_its_size(demo, username, path):
    client = client_of(username)
    client.get(path)  # the session's first request: the language, the CSRF secret
    few = rendered_queries(client, with_page_size(path, 10))
    many = rendered_queries(client, with_page_size(path, 100))
    if path not in MIXED_ROWS:
        assert few == many, f"{path}: {few} queries for 10 rows, {many} for 100"
    assert few <= BUDGET and many <= BUDGET, f"{path}: {few} queries for 10 rows, {many} for 100"


def list_views(resolver=None, prefix=""):
    """(route, view) of every list page: FilteredListView and the other kept pages (lists.page_cache)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from list_views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "view_class", None)
            if getattr(entry.callback, "kept_page", False) or (
                    view_class is not None and issubclass(view_class, KeptPageMixin)):
                yield prefix + str(entry.pattern), entry.callback


def test_every_list_page_has_a_budget():
    measured = {path.split("?")[0] for _user, path in PAGES}
    missing = [route for route, _view in list_views() if "/" + route not in measured]
    assert not missing, f"list pages without a query budget in PAGES: {missing}"
    assert len(measured) >= 20
