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
