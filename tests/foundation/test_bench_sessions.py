"""The benchmark's sessions: an officer (a role that requires a second factor) is measured on the page itself,
not on the redirect to /accounts/2fa/."""

import pytest

from bench.harness import MeasureContext, SeedContext


@pytest.mark.django_db
def test_an_officers_bench_session_carries_a_verified_second_factor(settings, client):
    settings.OTP_REQUIRED_ROLES = ["opinion_officer"]
    SeedContext("small").user("bench-officer-2fa", roles=["opinion_officer"])
    client.force_login(SeedContext("small").user("bench-officer-2fa"))
    assert client.get("/opinions/all/").status_code == 302  # a plain session goes to the second factor

    cookie = MeasureContext("small", 0, {}).cookie_for("bench-officer-2fa")  # session and CSRF cookies
    for pair in cookie.split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    assert client.get("/opinions/all/").status_code == 200


@pytest.mark.django_db
def test_a_member_needs_no_device(settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_REQUIRED_ROLES = ["opinion_officer"]
    SeedContext("small").user("bench-member-2fa", roles=["member"])
    assert MeasureContext("small", 0, {}).cookie_for("bench-member-2fa")
    assert not TOTPDevice.objects.filter(user__username="bench-member-2fa").exists()
