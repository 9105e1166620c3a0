"""Password policy (MLPS 2.0): at least three of the four character classes."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        checks = (
            any(c.islower() and c.isascii() for c in password),
            any(c.isupper() and c.isascii() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c == " " for c in password),
        )
        return sum(checks)

    def validate(self, password: str, user=None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(min)d of these: lower-case letters, "
                    "upper-case letters, digits, symbols."
                ),
                code="password_too_simple",
                params={"min": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(min)d of these: lower-case letters, "
            "upper-case letters, digits, symbols."
        ) % {"min": self.min_classes}


class PasswordHistoryValidator:
    """A new password must differ from the account's last `count` passwords (the current one included).

    Django calls password_changed() whenever a user row is saved with a new password, so every
    password set by any path lands in the history.
    """

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def _recent_hashes(self, user) -> list[str]:
        from .models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.count])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        return hashes[: self.count]

    def validate(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from django.contrib.auth.hashers import check_password

        if any(check_password(password, encoded) for encoded in self._recent_hashes(user)):
            raise ValidationError(
                _("The new password must differ from your last %(count)d passwords."),
                code="password_reused",
                params={"count": self.count},
            )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None) or not user.has_usable_password():
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.count:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("Your password must differ from your last %(count)d passwords.") % {"count": self.count}
