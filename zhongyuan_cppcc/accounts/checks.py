"""System checks for the security settings (run by `manage.py check --deploy`; production settings also
refuse to load with a bad key). Messages are for the operator, in English like Django's own checks."""

from django.conf import settings
from django.core.checks import Error, Tags, register

DEVELOPMENT_PERSONAL_DATA_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE="


def personal_data_key_problem(key) -> str | None:
    """Why `key` cannot encrypt personal data in production, or None when it can."""
    from cryptography.fernet import Fernet

    if not key:
        return "PERSONAL_DATA_KEY is empty."
    if key == DEVELOPMENT_PERSONAL_DATA_KEY:
        return "PERSONAL_DATA_KEY is the public development key."
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return "PERSONAL_DATA_KEY is not a Fernet key (32 url-safe base64 bytes)."
    return None


@register(Tags.security, deploy=True)
def check_personal_data_key(app_configs, **kwargs):
    problem = personal_data_key_problem(getattr(settings, "PERSONAL_DATA_KEY", ""))
    if problem is None:
        return []
    return [Error(problem, hint="Generate one with: python -c \"from cryptography.fernet import Fernet; "
                                 "print(Fernet.generate_key().decode())\"", id="accounts.E001")]
