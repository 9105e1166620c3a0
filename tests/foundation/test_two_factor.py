"""Second factor (issue 13): enrolment with a server-rendered QR code and backup codes, the code after the
password, lockout on wrong codes, roles that must use it, recovery by the security administrator, and
per-address throttling of failed logins."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, make_user
from zhongyuan_cppcc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0)


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():0{device.digits}d}"


def login(client, username, password=TEST_PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def enrol(client, user) -> list[str]:
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor"), {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 200
    return [c for c in StaticToken.objects.filter(device__user=user).values_list("token", flat=True)]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_enrolment_shows_a_server_rendered_qr_code_and_backup_codes_once(client_for, clock):
    user = make_user("member")
    client = client_for(user)
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" in page and "<path" in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0] \
        .replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")
    wrong = client.post(reverse("two_factor"), {"action": "confirm", "code": "000000"})
    assert "错误" in wrong.content.decode() or "有误" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    clock.shift(timedelta(seconds=3))  # django-otp throttles a device for a second after a wrong code
    response = client.post(reverse("two_factor"), {"action": "confirm", "code": code_for(device)})
    text = response.content.decode()
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in text for code in codes)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="accounts.otp_enrolled", actor=user).exists()
    # Shown once: the status page lists how many are left, not the codes.
    later = client.get(reverse("two_factor")).content.decode()
    assert not any(code in later for code in codes) and "10" in later


def test_login_asks_for_the_code_after_the_password(client, client_for, clock):
    user = make_user("member")
    enrol(client_for(user), user)
    clock.shift(timedelta(seconds=90))
    logins_before = AuditEvent.objects.filter(action="auth.login", actor=user).count()
    response = login(client, user.username)
    assert response.status_code == 302 and response["Location"] == reverse("two_factor_verify")
    assert client.get(reverse("home")).status_code == 302  # not logged in yet
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == logins_before
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("home"), follow=True).status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == logins_before + 1
    assert AuditEvent.objects.filter(action="auth.otp_verified", actor=user).exists()


def test_a_backup_code_works_once(client, client_for, clock):
    user = make_user("member")
    codes = enrol(client_for(user), user)
    login(client, user.username)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    login(client, user.username)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, client_for, settings, clock):
    user = make_user("member")
    enrol(client_for(user), user)
    login(client, user.username)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("two_factor_verify"), {"code": "123456"}).status_code == 200
    response = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed", actor=user).count() == settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action="auth.locked_out", actor=user).exists()
    # The right password is now refused too, and no session was opened.
    assert login(client, user.username).status_code == 429
    assert client.get(reverse("home")).status_code == 302


def test_roles_in_the_setting_must_enrol_before_anything_else(client_for, settings, clock):
    settings.OTP_REQUIRED_ROLES = ["leader", "secadmin"]
    leader, member = make_user("leader"), make_user("member")
    leader_client = client_for(leader)
    response = leader_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("two_factor")
    assert client_for(member).get(reverse("home"), follow=True).status_code == 200  # optional for members
    enrol(leader_client, leader)
    assert leader_client.get(reverse("home"), follow=True).status_code == 200


def test_enrolment_is_offered_not_forced_without_the_setting(client_for, settings):
    settings.OTP_REQUIRED_ROLES = []
    assert client_for(make_user("leader")).get(reverse("home"), follow=True).status_code == 200


def test_production_requires_it_of_officers_leaders_and_administrators():
    import os
    import subprocess
    import sys
    from pathlib import Path

    from cryptography.fernet import Fernet

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.production",
           "DJANGO_SECRET_KEY": "x" * 60, "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
           "DJANGO_ALLOWED_HOSTS": "cppcc.example.cn", "OTP_REQUIRED_ROLES": ""}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                             "print(','.join(sorted(settings.OTP_REQUIRED_ROLES)))"],
                            cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    required = set(result.stdout.strip().split(","))
    assert required == {"handler", "proposal_officer", "opinion_officer", "consultation_officer",
                        "member_officer", "leader", "sysadmin", "secadmin", "auditor"}


def test_recovery_by_the_security_administrator_resets_the_device_and_reveals_nothing(client_for, clock):
    user = make_user("leader")
    codes = enrol(client_for(user), user)
    secret = TOTPDevice.objects.get(user=user).key
    secadmin = make_user("secadmin")
    client = client_for(secadmin)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "reset_second_factor", "_selected_action": [user.pk]}, follow=True)
    text = response.content.decode()
    assert secret not in text and not any(code in text for code in codes)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    event = AuditEvent.objects.get(action="accounts.otp_reset")
    assert (event.actor, event.object_id) == (secadmin, str(user.pk))
    assert secret not in str(event.details)


@pytest.mark.parametrize("role", ["secadmin", "sysadmin", "auditor"])
def test_nobody_resets_their_own_second_factor_and_only_the_secadmin_resets(client_for, role, clock):
    actor = make_user(role)
    enrol(client_for(actor), actor)
    other = make_user("member")
    enrol(client_for(other), other)
    client = client_for(actor)
    for target in (actor, other):
        client.post(reverse("admin:accounts_user_changelist"),
                    {"action": "reset_second_factor", "_selected_action": [target.pk]})
    assert TOTPDevice.objects.filter(user=actor).exists()
    assert TOTPDevice.objects.filter(user=other).exists() is (role != "secadmin")


def test_many_failures_from_one_address_throttle_it(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        login(client, make_user(username=f"victim{n}").username, "Wrong@Pass1")
    fresh = make_user(username="innocent")
    response = login(client, fresh.username)
    assert response.status_code == 429 and "网络地址" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.address_throttled", outcome="denied").exists()
    # Another address is not affected, nor is the account itself.
    assert login(client, fresh.username, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_the_address_window_passes(client, settings, clock):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        login(client, f"nobody{n}", "Wrong@Pass1")
    user = make_user()
    assert login(client, user.username).status_code == 429
    clock.shift(timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES + 1))
    assert login(client, user.username).status_code == 302
