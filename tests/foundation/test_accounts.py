"""Login, password policy and expiry, lockout, idle timeout, separation of administrator roles."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, make_user
from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.accounts.services import user_set_roles
from zhongyuan_cppcc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


class TestPasswordPolicy:
    @pytest.mark.parametrize("password", ["short1A!", "Zy@2024pass", "GOOD-pass-99", "abc123XYZ"])
    def test_accepts_three_of_four_classes(self, password):
        user = make_user(username="zhangsan")
        validate_password(password, user)

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("Ab1!", "too short"),
            ("abcdefgh12", "two classes only"),
            ("ABCDEFGH!!", "two classes only"),
            ("password1", "common and two classes"),
            ("Zhangsan2024", "similar to the username"),
        ],
    )
    def test_refuses_weak_passwords(self, password, reason):
        user = make_user(username="zhangsan2024", full_name="张三")
        with pytest.raises(ValidationError):
            validate_password(password, user)

    def test_message_is_chinese(self):
        with pytest.raises(ValidationError) as exc:
            validate_password("abcdefgh12", make_user())
        assert any("至少" in m for m in exc.value.messages)

    def test_set_password_records_the_change_time(self):
        user = make_user()
        before = timezone.now()
        user.set_password("Another@Pass1")
        assert user.password_changed_at >= before


class TestLogin:
    def test_login_page_is_chinese_and_public(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        assert "登录" in response.content.decode()
        assert response["Content-Language"] == "zh-hans"

    def test_everything_else_requires_login(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_successful_login_is_audited(self, client):
        user = make_user("member")
        response = login(client, user.username, TEST_PASSWORD)
        assert response.status_code == 302
        event = AuditEvent.objects.get(action="auth.login")
        assert event.actor == user and event.ip == "127.0.0.1" and event.outcome == "success"

    def test_failed_login_is_audited_without_the_password(self, client):
        user = make_user()
        response = login(client, user.username, "Wrong@Pass1")
        assert response.status_code == 200
        assert "账号或密码不正确" in response.content.decode()
        event = AuditEvent.objects.get(action="auth.login_failed")
        assert event.actor_username == user.username and event.outcome == "failure"
        assert "Wrong@Pass1" not in str(event.details)

    def test_logout_is_audited_and_needs_post(self, client):
        user = make_user()
        login(client, user.username, TEST_PASSWORD)
        assert client.get(reverse("logout")).status_code == 405
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()
        assert client.get(reverse("home")).status_code == 302


class TestLockout:
    def test_five_failures_lock_the_account_for_fifteen_minutes(self, client, settings):
        user = make_user()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, user.username, "Wrong@Pass1")
        response = login(client, user.username, TEST_PASSWORD)  # right password, still locked
        assert response.status_code == 429
        text = response.content.decode()
        assert "锁定" in text and "15" in text
        assert AuditEvent.objects.filter(action="auth.locked_out", actor=user, outcome="denied").exists()
        assert not AuditEvent.objects.filter(action="auth.login", actor=user).exists()
        assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)

    def test_four_failures_do_not_lock(self, client, settings):
        user = make_user()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            login(client, user.username, "Wrong@Pass1")
        assert login(client, user.username, TEST_PASSWORD).status_code == 302

    def test_lock_expires_after_the_cool_off(self, client, settings):
        from axes.models import AccessAttempt

        user = make_user()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, user.username, "Wrong@Pass1")
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        assert login(client, user.username, TEST_PASSWORD).status_code == 302


class TestPasswordExpiry:
    def test_old_password_must_be_changed_before_anything_else(self, client, settings):
        user = make_user("member")
        user.password_changed_at = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
        user.save(update_fields=["password_changed_at"])
        login(client, user.username, TEST_PASSWORD)
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"] == reverse("password_change")
        assert client.get(reverse("notification-list"))["Location"] == reverse("password_change")
        assert client.get(reverse("password_change")).status_code == 200

        response = client.post(reverse("password_change"), {
            "old_password": TEST_PASSWORD, "new_password1": "Fresh@Pass2025", "new_password2": "Fresh@Pass2025",
        })
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200
        assert AuditEvent.objects.filter(action="auth.password_changed", actor=user).exists()

    def test_recent_password_passes(self, client_for):
        client = client_for(make_user("member"))
        assert client.get(reverse("home")).status_code == 200


class TestIdleTimeout:
    def test_session_expires_after_thirty_idle_minutes(self, client, settings):
        from django.contrib.sessions.models import Session

        assert settings.SESSION_COOKIE_AGE == 30 * 60
        user = make_user("member")
        login(client, user.username, TEST_PASSWORD)
        assert client.get(reverse("home")).status_code == 200
        Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_activity_slides_the_expiry(self, client):
        from django.contrib.sessions.models import Session

        user = make_user("member")
        login(client, user.username, TEST_PASSWORD)
        session = client.session
        session["_seen"] = 0  # last refresh long ago
        session.save()
        Session.objects.update(expire_date=timezone.now() + timedelta(minutes=2))
        client.get(reverse("home"))
        assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


class TestSeparationOfDuties:
    @pytest.mark.parametrize("pair", [("sysadmin", "secadmin"), ("sysadmin", "auditor"), ("secadmin", "auditor")])
    def test_two_administrator_roles_are_refused(self, pair):
        user = make_user()
        with pytest.raises(ValidationError):
            user_set_roles(user=user, roles=pair)
        assert not user.groups.exists()

    def test_allowed_combination_is_saved_and_audited(self):
        user = make_user()
        user_set_roles(user=user, roles=[Role.MEMBER, Role.LEADER])
        assert set(user.groups.values_list("name", flat=True)) == {"member", "leader"}
        event = AuditEvent.objects.get(action="accounts.roles_changed")
        assert event.details["after"] == ["leader", "member"]

    def test_admin_form_refuses_two_administrator_roles(self, client_for):
        from django.contrib.auth.models import Group

        secadmin = make_user("secadmin")
        target = make_user(username="target")
        client = client_for(secadmin)
        url = reverse("admin:accounts_user_change", args=[target.pk])
        response = client.post(url, {
            "groups": [Group.objects.get(name="sysadmin").pk, Group.objects.get(name="auditor").pk],
        })
        assert response.status_code == 200
        assert not target.groups.exists()

    def test_administrator_roles_see_no_business_pages(self, client_for):
        for role in ("sysadmin", "secadmin", "auditor"):
            client = client_for(make_user(role))
            assert client.get(reverse("dashboard")).status_code == 403
