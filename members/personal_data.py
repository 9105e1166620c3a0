"""Protection of members' personal data: ID number validation, encryption at rest, keyed lookup hash.

The key in settings.PERSONAL_DATA_KEY is never used directly: two independent sub-keys are derived
from it with HKDF, one for AES-GCM encryption and one for the HMAC lookup hash, so that the hash
stored next to the ciphertext reveals nothing about the encryption key.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from datetime import date
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.core.masking import mask_id_number, mask_mobile

# First two digits of a mainland resident ID: province-level codes (GB/T 2260), plus 71/81/82 used
# on residence permits for Taiwan, Hong Kong and Macao residents.
PROVINCE_CODES = frozenset({
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
})
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
EARLIEST_BIRTH = date(1900, 1, 1)
CIPHER_VERSION = "v1"


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize_id_number(value: str | None) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


def validate_id_number(value: str | None) -> str:
    """Return the normalised ID number or raise ValidationError with a message fit for the user."""
    number = normalize_id_number(value)
    if not number:
        raise ValidationError(_("The ID number is missing."), code="required")
    if len(number) != 18:
        raise ValidationError(_("The ID number must have 18 characters."), code="length")
    if not ID_SHAPE.match(number):
        raise ValidationError(_("The ID number must be 17 digits followed by a digit or X."), code="format")
    if int(number[:2]) not in PROVINCE_CODES or number[2:6] == "0000":
        raise ValidationError(_("The region code of the ID number does not exist."), code="region")
    birth = birth_date_from_id(number)
    if birth is None or not (EARLIEST_BIRTH <= birth <= timezone.localdate()):
        raise ValidationError(_("The birth date in the ID number is not a plausible date."), code="birth_date")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("The check digit of the ID number is wrong."), code="checksum")
    return number


def birth_date_from_id(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_from_id(number: str) -> str:
    """'male' or 'female' from the 17th digit (odd: male)."""
    return "male" if int(number[16]) % 2 else "female"


# --- Keys --------------------------------------------------------------------------------------


def _master_key_bytes() -> bytes:
    raw = settings.PERSONAL_DATA_KEY
    if not raw:
        raise RuntimeError("settings.PERSONAL_DATA_KEY is empty")
    try:
        decoded = base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4))
        if len(decoded) >= 16:
            return decoded
    except (binascii.Error, ValueError):
        pass
    return raw.encode()


@lru_cache(maxsize=4)
def _derived_keys(master: bytes) -> tuple[bytes, bytes]:
    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"zhongyuan-cppcc", info=info).derive(master)

    return derive(b"personal-data-encryption"), derive(b"personal-data-lookup-hash")


def _encryption_key() -> bytes:
    return _derived_keys(_master_key_bytes())[0]


def _hash_key() -> bytes:
    return _derived_keys(_master_key_bytes())[1]


# --- Encryption and lookup hash ------------------------------------------------------------------


ID_NUMBER_CONTEXT = b"member-id-number"
MOBILE_CONTEXT = b"member-mobile"


def encrypt(plaintext: str, *, context: bytes = ID_NUMBER_CONTEXT) -> str:
    """AES-256-GCM with a random nonce; stored as 'v1:' + base64(nonce + ciphertext + tag). The context
    (associated data) binds a ciphertext to its column: an ID number's cannot pass for a mobile's."""
    nonce = os.urandom(12)
    sealed = AESGCM(_encryption_key()).encrypt(nonce, plaintext.encode(), context)
    return f"{CIPHER_VERSION}:" + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: bytes = ID_NUMBER_CONTEXT) -> str:
    if not token:
        return ""
    version, _sep, payload = token.partition(":")
    if version != CIPHER_VERSION:
        raise ValueError("unknown ciphertext version")
    blob = base64.b64decode(payload)
    try:
        return AESGCM(_encryption_key()).decrypt(blob[:12], blob[12:], context).decode()
    except InvalidTag as exc:
        raise ValueError("personal data cannot be decrypted with the configured key") from exc


def lookup_hash(number: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised ID number: equal numbers give equal hashes, and
    without the key the hash cannot be brute-forced from the small space of valid ID numbers."""
    return hmac.new(_hash_key(), normalize_id_number(number).encode(), hashlib.sha256).hexdigest()


def protect_id_number(number: str) -> dict[str, str]:
    """The three stored columns for a validated ID number."""
    return {
        "id_number_encrypted": encrypt(number),
        "id_number_hash": lookup_hash(number),
        "id_number_masked": mask_id_number(number),
    }


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str | None) -> str:
    """Return the normalised mainland mobile number ('' when empty) or raise ValidationError."""
    number = re.sub(r"[\s-]+", "", str(value or ""))
    if number.startswith("+86"):
        number = number[3:]
    if not number:
        return ""
    if not MOBILE_RE.match(number):
        raise ValidationError(_("The mobile number must be 11 digits starting with 13–19."), code="mobile")
    return number


def normalize_mobile(value: str | None) -> str:
    number = re.sub(r"[\s-]+", "", str(value or ""))
    return number[3:] if number.startswith("+86") else number


def mobile_lookup_hash(number: str) -> str:
    """Keyed hash of a normalised mobile number (domain-separated from the ID numbers' hashes)."""
    return hmac.new(_hash_key(), b"mobile:" + normalize_mobile(number).encode(), hashlib.sha256).hexdigest()


def protect_mobile(number: str) -> dict[str, str]:
    """The three stored columns for a (validated) mobile number; all empty for no number."""
    if not number:
        return {"mobile_encrypted": "", "mobile_hash": "", "mobile_masked": ""}
    return {
        "mobile_encrypted": encrypt(number, context=MOBILE_CONTEXT),
        "mobile_hash": mobile_lookup_hash(number),
        "mobile_masked": mask_mobile(number),
    }


def reveal_mobile(token: str) -> str:
    return decrypt(token, context=MOBILE_CONTEXT) if token else ""
