"""Nobody sets another person's password (issue 13, account takeover): administrators only start resets,
the account chooses its own new password, and a reset of an administrator needs a second administrator."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, make_user
from zhongyuan_cppcc.accounts.models import PasswordResetRequest, ResetStatus, User
from zhongyuan_cppcc.accounts.services import AccountPolicyError, password_reset_decide, password_reset_start
from zhongyuan_cppcc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = "Brand@New2031"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.parametrize("admin_role", ["sysadmin", "secadmin"])
@pytest.mark.parametrize("target_role", ["leader", "auditor", "member_officer"])
def test_the_admin_password_form_is_closed(client_for, admin_role, target_role):
    admin = make_user(admin_role)
    target = make_user(target_role)
    hash_before = target.password
    client = client_for(admin)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.password == hash_before
    assert not target.check_password(NEW)
    event = AuditEvent.objects.filter(action="accounts.password_set_refused").last()
    assert (event.actor, event.object_id, event.outcome) == (admin, str(target.pk), "denied")
    # The change form offers no way there either.
    page = client.get(reverse("admin:accounts_user_change", args=[target.pk])).content.decode()
    assert "password/" not in page


def test_secadmin_reset_of_a_business_user_forces_a_new_password_and_mails_a_one_time_link(
        client_for, client, django_capture_on_commit_callbacks):
    secadmin = make_user("secadmin")
    leader = make_user("leader", email="leader@example.test")
    admin_client = client_for(secadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:accounts_user_changelist"),
                                     {"action": "start_password_reset", "_selected_action": [leader.pk]},
                                     follow=True)
    assert response.status_code == 200
    leader.refresh_from_db()
    assert leader.must_change_password
    assert leader.check_password(TEST_PASSWORD)  # nobody chose a password for them
    event = AuditEvent.objects.get(action="accounts.password_reset")
    assert event.actor == secadmin and event.object_id == str(leader.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["leader@example.test"]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    # The administrator never sees the link.
    assert path not in response.content.decode()

    # The link works once.
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    leader.refresh_from_db()
    assert leader.check_password(NEW) and not leader.must_change_password
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=leader,
                                     details__via="reset_link").exists()
    again = client.get(path, follow=True).content.decode()
    assert 'name="new_password1"' not in again and "alert-warning" in again


def test_after_a_reset_the_current_password_reaches_only_the_password_form(client):
    member = make_user("member")
    password_reset_start(actor=make_user("secadmin"), user=member)
    login(client, member.username, TEST_PASSWORD)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    # "Changing" it to itself does not count.
    response = client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": TEST_PASSWORD, "new_password2": TEST_PASSWORD})
    assert response.status_code == 200
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    response = client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_reset_ends_the_accounts_sessions(client_for):
    secadmin = make_user("secadmin")
    member = make_user("member")
    member_client = client_for(member)
    assert member_client.get(reverse("home")).status_code == 200
    password_reset_start(actor=secadmin, user=member)
    response = member_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("target_kind", ["self", "sysadmin", "auditor", "other secadmin"])
def test_reset_of_an_administrator_waits_for_a_second_administrator(target_kind):
    secadmin = make_user("secadmin")
    target = {"self": secadmin, "sysadmin": make_user("sysadmin"), "auditor": make_user("auditor"),
              "other secadmin": make_user("secadmin")}[target_kind]
    reset = password_reset_start(actor=secadmin, user=target)
    target.refresh_from_db()
    assert reset.status == ResetStatus.PENDING and not target.must_change_password
    assert AuditEvent.objects.filter(action="accounts.password_reset_requested", actor=secadmin).exists()

    # Neither the requester nor the account's holder may approve; an auditor may not either.
    for approver in {secadmin, target, make_user("auditor")}:
        with pytest.raises(AccountPolicyError):
            password_reset_decide(actor=approver, reset=reset, approve=True)
    reset.refresh_from_db()
    assert reset.status == ResetStatus.PENDING

    second = make_user("sysadmin") if target_kind != "sysadmin" else make_user("secadmin")
    password_reset_decide(actor=second, reset=reset, approve=True)
    reset.refresh_from_db()
    target.refresh_from_db()
    assert reset.status == ResetStatus.APPLIED and reset.decided_by == second
    assert target.must_change_password
    event = AuditEvent.objects.get(action="accounts.password_reset")
    assert event.actor == second and event.details["requested_by"] == secadmin.username


def test_second_administrator_approves_in_the_admin(client_for):
    secadmin = make_user("secadmin")
    auditor = make_user("auditor")
    reset = password_reset_start(actor=secadmin, user=auditor)
    sysadmin = make_user("sysadmin")
    url = reverse("admin:accounts_passwordresetrequest_changelist")
    # The requester's own approval is refused.
    client_for(secadmin).post(url, {"action": "approve", "_selected_action": [reset.pk]})
    reset.refresh_from_db()
    assert reset.status == ResetStatus.PENDING
    client_for(sysadmin).post(url, {"action": "approve", "_selected_action": [reset.pk]})
    reset.refresh_from_db()
    assert reset.status == ResetStatus.APPLIED
    auditor.refresh_from_db()
    assert auditor.must_change_password


def test_refused_reset_changes_nothing():
    secadmin = make_user("secadmin")
    auditor = make_user("auditor")
    reset = password_reset_start(actor=secadmin, user=auditor)
    password_reset_decide(actor=make_user("sysadmin"), reset=reset, approve=False)
    auditor.refresh_from_db()
    assert not auditor.must_change_password
    assert PasswordResetRequest.objects.get().status == ResetStatus.REFUSED
    assert AuditEvent.objects.filter(action="accounts.password_reset_declined").exists()


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "leader"])
def test_only_the_security_administrator_starts_resets(role):
    actor = make_user(role)
    member = make_user("member")
    with pytest.raises(AccountPolicyError):
        password_reset_start(actor=actor, user=member)
    member.refresh_from_db()
    assert not member.must_change_password
    assert AuditEvent.objects.filter(action="accounts.password_reset_refused", actor=actor,
                                     outcome="denied").exists()


def test_new_accounts_have_no_password_their_creator_knows(client_for):
    sysadmin = make_user("sysadmin")
    response = client_for(sysadmin).post(reverse("admin:accounts_user_add"), {
        "username": "new-officer", "full_name": "新同志", "email": "new@example.test", "mobile": "",
        "password1": NEW, "password2": NEW})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new-officer")
    assert not user.has_usable_password() and not user.check_password(NEW)
    assert user.must_change_password
    assert AuditEvent.objects.filter(action="accounts.user_created", actor=sysadmin, object_id=str(user.pk)).exists()
