"""Issue 13 (accounts and audit): password history, no-store caching, audited 403/404 on object URLs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TEST_PASSWORD, make_user
from zhongyuan_cppcc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORDS = ["Histo#ry2031a", "Histo#ry2031b", "Histo#ry2031c", "Histo#ry2031d", "Histo#ry2031e"]


def change_password(client, old, new):
    return client.post(reverse("password_change"),
                       {"old_password": old, "new_password1": new, "new_password2": new})


def test_the_current_password_cannot_be_changed_to_itself(client_for):
    user = make_user()
    client = client_for(user)
    response = change_password(client, TEST_PASSWORD, TEST_PASSWORD)
    assert response.status_code == 200
    assert "不得与最近" in response.content.decode()
    user.refresh_from_db()
    assert not AuditEvent.objects.filter(action="auth.password_changed", actor=user).exists()


def test_a_new_password_differs_from_the_last_five(client_for):
    user = make_user()
    user.set_password(TEST_PASSWORD)  # through set_password, which records it in the history (the factory does not)
    user.save()
    client = client_for(user)
    current = TEST_PASSWORD
    for new in PASSWORDS[:4]:
        assert change_password(client, current, new).status_code == 302
        current = new
    # History now: TEST_PASSWORD and PASSWORDS[0..3] (the current one included): all five refused.
    for old in (TEST_PASSWORD, *PASSWORDS[:4]):
        assert change_password(client, current, old).status_code == 200, old
    assert change_password(client, current, PASSWORDS[4]).status_code == 302
    # The oldest has dropped out of the last five.
    assert change_password(client, PASSWORDS[4], TEST_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=user).count() == 6


def test_authenticated_pages_are_not_stored(client_for):
    response = client_for(make_user("member_officer")).get(reverse("home"), follow=True)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_404_on_an_object_url_is_audited_with_one_insert(client_for):
    user = make_user("member")
    client = client_for(user)
    client.get(reverse("home"))  # session and user warm
    url = reverse("proposals:proposal-detail", args=[987654])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 404
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    assert len(inserts) == 1
    event = AuditEvent.objects.get(action="access.not_found")
    assert (event.actor, event.object_id, event.outcome) == (user, "987654", "denied")
    assert event.object_type == "proposals:proposal-detail" and event.details["path"] == url


def test_403_on_an_object_url_is_audited(client_for):
    sysadmin, target = make_user("sysadmin"), make_user("leader")
    response = client_for(sysadmin).get(reverse("admin:auth_user_password_change", args=[target.pk]))
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access.forbidden")
    assert (event.actor, event.object_id, event.outcome) == (sysadmin, str(target.pk), "denied")


def test_plain_pages_and_anonymous_requests_are_not_audited(client, client_for):
    client_for(make_user("member")).get("/no-such-page/")
    client.get(reverse("proposals:proposal-detail", args=[987654]))
    assert not AuditEvent.objects.filter(action__startswith="access.").exists()


def test_a_password_set_from_the_shell_is_audited_and_must_be_changed(monkeypatch):
    from django.contrib.auth.management.commands import changepassword
    from django.core.management import call_command

    user = make_user("leader")
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt=None: "Shell#Set2031x")
    call_command("changepassword", user.username, stdout=__import__("io").StringIO())
    user.refresh_from_db()
    assert user.check_password("Shell#Set2031x") and user.must_change_password
    event = AuditEvent.objects.get(action="auth.password_set_by_operator")
    assert event.object_id == str(user.pk) and event.actor_username.startswith("shell:")
