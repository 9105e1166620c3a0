"""A password older than PASSWORD_MAX_AGE_DAYS must be changed before anything else."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

EXEMPT_URL_NAMES = ("password_change", "password_change_done", "logout", "login", "healthz")


def password_expired(user) -> bool:
    if user.must_change_password:
        return True
    changed = user.password_changed_at
    if changed is None:
        return True
    return timezone.now() - changed > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt_paths is None:
            # The one-time reset links live under the same prefix as their "done" page.
            reset_prefix = reverse("password_reset_complete").removesuffix("done/")
            self._exempt_paths = (*(reverse(name) for name in EXEMPT_URL_NAMES), reset_prefix)
        return self._exempt_paths

    def is_exempt(self, path: str) -> bool:
        exact, prefix = self.exempt_paths()[:-1], self.exempt_paths()[-1]
        return path in exact or path.startswith(prefix)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self.is_exempt(request.path)
            and not request.path.startswith(settings.STATIC_URL)
            and password_expired(user)
        ):
            if user.must_change_password:
                messages.warning(request, _("An administrator has asked you to choose a new password. "
                                            "Please change it before you go on."))
            else:
                messages.warning(
                    request,
                    _("Your password is more than %(days)d days old. Please change it before you go on.")
                    % {"days": settings.PASSWORD_MAX_AGE_DAYS},
                )
            return redirect("password_change")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Sliding 30-minute idle timeout without writing the session on every request.

    The session cookie and row expire SESSION_COOKIE_AGE after the last save; saving at most once
    a minute keeps the idle timeout accurate to a minute and spares a database write per request.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and getattr(request, "user", None) is not None \
                and request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            if now - session.get("_seen", 0) >= self.REFRESH_SECONDS:
                session["_seen"] = now  # marks the session modified: saved with a fresh expiry
        return response


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a logged-in user (full ID numbers, drafts) never stay in a browser's or a proxy's
    cache: `Cache-Control: no-store` (with private, no-cache, max-age=0) on every such answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
            cache_control = response.get("Cache-Control", "")
            if "private" not in cache_control:
                response["Cache-Control"] = cache_control + ", private"
        return response


class TwoFactorRequiredMiddleware:
    """Accounts holding a role in OTP_REQUIRED_ROLES use a second factor before anything else: without a
    verified code in this session every page leads to /accounts/2fa/ (enrolment, or the code form)."""

    EXEMPT = ("two_factor", "two_factor_verify", "logout", "login", "password_change", "password_change_done",
              "healthz")

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def is_exempt(self, path: str) -> bool:
        if self._exempt is None:
            self._exempt = tuple(reverse(name) for name in self.EXEMPT)
        return path in self._exempt or path.startswith(settings.STATIC_URL)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if settings.OTP_REQUIRED_ROLES and user is not None and user.is_authenticated \
                and not self.is_exempt(request.path):
            from .two_factor import requires_second_factor, session_verified

            if not session_verified(request) and requires_second_factor(user):
                messages.warning(request, _("Your role requires a second factor. Please set it up, or enter "
                                            "your code, before you go on."))
                return redirect("two_factor")
        return self.get_response(request)
