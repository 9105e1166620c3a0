"""Masking of personal data for screens, exports, logs and audit details."""

import re
from typing import Any

# An 18-character mainland ID number (17 digits and a digit or X) standing on its own.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([\dXx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
SECRET_KEYS = {"password", "password1", "password2", "old_password", "new_password1",
               "new_password2", "token", "secret", "id_number", "csrfmiddlewaretoken"}


def mask_id_number(value: str | None) -> str:
    """410102199001011234 -> 410***********1234 (first three and last four kept)."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number inside free text."""
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), text)


def scrub_details(value: Any) -> Any:
    """Recursively drop secret keys and mask personal numbers in audit details; NUL characters (which
    PostgreSQL cannot store in text or JSON) are removed, so that recording a bad request never fails."""
    if isinstance(value, dict):
        return {
            str(k).replace("\x00", ""): ("***" if str(k).lower() in SECRET_KEYS else scrub_details(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [scrub_details(v) for v in value]
    if isinstance(value, str):
        return mask_text(value.replace("\x00", ""))
    return value
