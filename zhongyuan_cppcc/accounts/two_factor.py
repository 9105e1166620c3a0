"""Second factor (MLPS 2.0 level 3): TOTP with django-otp, backup codes, recovery, address throttling.

- An account with a confirmed device gives a code after its password (views.TwoFactorVerifyView); a wrong
  code counts as a failed login (the lockout counts it like a wrong password).
- Accounts holding a role listed in OTP_REQUIRED_ROLES must enrol before anything else
  (middleware.TwoFactorRequiredMiddleware); other accounts may enrol at /accounts/2fa/.
- The security administrator's recovery deletes the account's devices (audited); no code is ever shown to
  anybody but the holder, and only once.
- Many failed logins from one address, across any accounts, throttle that address (LOGIN_ADDRESS_*).
"""

from datetime import timedelta
from io import BytesIO

import qrcode
import qrcode.image.svg
import rules
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhongyuan_cppcc.audit.models import AuditEvent, Outcome
from zhongyuan_cppcc.audit.services import audit_record, client_ip

from .models import User
from .services import end_sessions

BACKUP_CODE_COUNT = 10
DEVICE_NAME = "default"


def requires_second_factor(user) -> bool:
    required = set(getattr(settings, "OTP_REQUIRED_ROLES", ()))
    return bool(required and user.is_authenticated and user.role_codes() & required)


def confirmed_devices(user) -> list:
    return [*TOTPDevice.objects.filter(user=user, confirmed=True),
            *StaticDevice.objects.filter(user=user, confirmed=True)]


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def pending_device(user) -> TOTPDevice:
    """The account's unconfirmed TOTP device (created on first visit of the enrolment page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's provisioning URI as an SVG QR code, rendered here (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


def secret_base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def verify_code(user, code: str):
    """The confirmed device that accepts `code` (a TOTP code or a backup code, which is used up), or None."""
    code = "".join(str(code or "").split())[:16]
    if not code:
        return None
    with transaction.atomic():
        for device in confirmed_devices(user):
            if device.verify_token(code):
                return device
    return None


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def confirm_enrolment(*, user: User, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending device with a first code; returns it and fresh backup codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token("".join(str(code or "").split())[:16]):
        audit_record(action="accounts.otp_enrolment_failed", actor=user, obj=user, outcome=Outcome.FAILURE)
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    audit_record(action="accounts.otp_enrolled", actor=user, obj=user)
    return device, codes


@transaction.atomic
def regenerate_backup_codes(*, user: User) -> list[str]:
    codes = _new_backup_codes(user)
    audit_record(action="accounts.otp_backup_codes_renewed", actor=user, obj=user)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def otp_reset(*, actor: User, user: User) -> None:
    """Recovery by the security administrator: the account's devices are deleted (never shown) and its
    sessions end; it enrols again at its next login. Nobody resets their own second factor."""
    from .services import _denied

    if not rules.has_perm("accounts.reset_second_factor", actor):
        raise _denied("accounts.otp_reset_refused", actor=actor, user=user,
                      message=_("Only the security administrator resets a second factor."))
    if actor.pk == user.pk:
        raise _denied("accounts.otp_reset_refused", actor=actor, user=user,
                      message=_("Nobody may reset their own second factor."))
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user).delete()[0]
        static = StaticDevice.objects.filter(user=user).delete()[0]
        sessions = end_sessions(user)
        audit_record(action="accounts.otp_reset", actor=actor, obj=user,
                     details={"devices_deleted": totp + static, "sessions_ended": sessions})


# --- Failed logins per address ---------------------------------------------------------------------------


def address_throttled(request) -> bool:
    """True when the client's address made LOGIN_ADDRESS_FAILURE_LIMIT failed logins (passwords or codes,
    any accounts) within LOGIN_ADDRESS_WINDOW_MINUTES. One indexed count on the audit table."""
    ip = client_ip(request)
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if not ip or limit <= 0:
        return False
    since = timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    failures = AuditEvent.objects.filter(at__gte=since, action="auth.login_failed", ip=ip).count()
    return failures >= limit


def record_address_throttled(request, username: str = "") -> None:
    audit_record(action="auth.address_throttled", actor_username=str(username or "")[:150],
                 outcome=Outcome.DENIED, request=request)
