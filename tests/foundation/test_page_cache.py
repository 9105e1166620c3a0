"""Issue 14: a list page kept as rendered until its data changes (zhongyuan_cppcc/lists/page_cache.py), keyed on
settled data versions (tests/dashboard/test_settled_versions.py).

These tests commit their data (transactional): a page rendered after the reader's own uncommitted write is kept
only once it commits, and a second connection's open transaction must be seen as one."""

import re

import psycopg2
import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from members.models import Member
from tests.factories import make_user
from tests.members.factories import MemberFactory
from zhongyuan_cppcc.dashboard.cache import data_versions
from zhongyuan_cppcc.lists.page_cache import _keepable
from zhongyuan_cppcc.notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)

MODEL_BACKEND = "zhongyuan_cppcc.accounts.backends.AccountBackend"
URL = "/members/"
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def get(client, url=URL, table="members_member"):
    """(page text, statements that read `table` for the page's rows) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), sum(1 for q in queries if table in q["sql"] and "COUNT(" not in q["sql"])


def second_connection():
    params = connection.get_connection_params()
    return psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})


def test_a_list_page_is_kept_per_user_until_its_data_changes():
    officer = make_user("member_officer", full_name="林主任")
    member = MemberFactory(name="甲委员")
    client = logged_in(officer)
    get(client)  # the first answer sets the CSRF cookie the page's forms carry a token for
    page, reads = get(client)
    assert "甲委员" in page and reads >= 1
    again, reads = get(client)
    assert again == page and reads == 0, "the same page again is the kept one"
    assert "甲委员" in get(client, URL + "?per_page=10")[0], "another page size is another page"
    # A write (a bulk update: no model signal) shows at once.
    Member.objects.filter(pk=member.pk).update(name="乙委员")
    with CaptureQueriesContext(connection) as queries:
        page, reads = get(client)
    assert "乙委员" in page and "甲委员" not in page and reads >= 1
    # The list's count, cached inside the page, keys on the versions the page read: they are read once.
    assert sum("data_versions_read(" in q["sql"] for q in queries) == 1
    # Another officer gets their own page (their name in the navigation bar), not the first one's.
    other = logged_in(make_user("member_officer", full_name="周干事"))
    get(other)
    theirs, _ = get(other)
    assert "周干事" in theirs and "林主任" not in theirs
    # A notification (no data version) changes the bell's count: the page is rendered again.
    assert 'id="unread-badge"' not in get(client)[0]
    notify(recipient=officer, kind="test", title="新消息", body="")
    assert 'id="unread-badge"' in get(client)[0]
    # A role withdrawn: the kept page is not shown; the list answers 403.
    officer.groups.clear()
    assert client.get(URL).status_code == 403


def test_the_inbox_is_kept_until_a_notification_changes():
    inbox, table = "/notifications/", "notifications_notification"
    user = make_user("member")
    client = logged_in(user)
    notify(recipient=user, kind="test", title="第一条消息")
    get(client, inbox, table)
    page, reads = get(client, inbox, table)
    assert "第一条消息" in page and reads >= 1
    assert get(client, inbox, table) == (page, 0)
    notify(recipient=user, kind="test", title="第二条消息")
    page, reads = get(client, inbox, table)
    assert "第二条消息" in page and reads >= 1
    get(client, inbox, table)
    client.post("/notifications/read/")  # all read: the message shown once, then no "new" badge
    assert "条通知标为已读" in client.get(inbox).content.decode()
    page, reads = get(client, inbox, table)
    assert "第二条消息" in page and 'id="unread-badge"' not in page and "text-bg-danger me-1" not in page


def test_a_kept_pages_form_token_is_accepted():
    officer = make_user("member_officer")
    MemberFactory()
    client = logged_in(officer, enforce_csrf_checks=True)
    get(client)
    get(client)
    page, reads = get(client)
    assert reads == 0
    token = CSRF.search(page).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302, "the token in a kept page is valid for the user's CSRF secret"


def test_a_write_still_open_in_another_transaction_is_never_kept_without_it():
    officer = make_user("member_officer")
    member = MemberFactory(name="甲委员")
    client = logged_in(officer)
    get(client)
    assert "甲委员" in get(client)[0]
    other = second_connection()
    try:
        with other.cursor() as cursor:  # psycopg2 opens a transaction: the update is not committed
            cursor.execute("UPDATE members_member SET name = %s WHERE id = %s", ["乙委员", member.pk])
        versions = data_versions()
        assert "members" in versions.busy and not versions.own
        # The version already counts the open write, the data does not have it yet: shown, not kept.
        page, reads = get(client)
        assert "甲委员" in page and reads >= 1
        other.commit()
    finally:
        other.close()
    assert "members" not in data_versions().busy
    page, _ = get(client)
    assert "乙委员" in page, "a page rendered before the commit was kept under the version that counts it"


def test_a_request_with_messages_to_show_or_without_the_csrf_cookie_is_not_kept():
    officer = make_user("member_officer")
    request = RequestFactory().get(URL)
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = officer
    assert not _keepable(request), "no CSRF cookie: the page's token would be for a secret made on the spot"
    request.COOKIES["csrftoken"] = "x" * 32
    request.META["CSRF_COOKIE"] = "x" * 32
    assert _keepable(request)
    messages.success(request, "已保存")
    assert not _keepable(request)
    assert [str(m) for m in messages.get_messages(request)] == ["已保存"], "peeking did not use the message up"
