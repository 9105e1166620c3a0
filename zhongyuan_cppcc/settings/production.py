"""Production: every secret comes from the environment, no defaults, no demo accounts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
PERSONAL_DATA_KEY = env("PERSONAL_DATA_KEY")


def _refuse_bad_personal_data_key(key: str) -> None:
    """Production does not start without a valid key (the same rule as the deploy check accounts.E001)."""
    from zhongyuan_cppcc.accounts.checks import personal_data_key_problem

    problem = personal_data_key_problem(key)
    if problem is not None:
        raise ImproperlyConfigured(problem)


_refuse_bad_personal_data_key(PERSONAL_DATA_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DEMO_ACCOUNTS_ALLOWED = False
# Every officer, leader and administrator uses a second factor (MLPS 2.0 level 3).
# (An empty OTP_REQUIRED_ROLES does not switch it off here.)
OTP_REQUIRED_ROLES = [role for role in env.list("OTP_REQUIRED_ROLES", default=[]) if role] or [
    "handler", "proposal_officer", "opinion_officer", "consultation_officer", "member_officer", "leader",
    "sysadmin", "secadmin", "auditor"]

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
