from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class NotificationMode(models.TextChoices):
    INSTANT = "instant", _("Instantly")
    DIGEST = "digest", _("Daily digest")


class User(AbstractUser):
    """A person who logs in. Roles are groups (see roles.Role)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    notification_mode = models.CharField(
        _("e-mail and SMS delivery"),
        max_length=10,
        choices=NotificationMode.choices,
        default=NotificationMode.INSTANT,
    )
    email_notifications = models.BooleanField(_("send notifications by e-mail"), default=True)
    sms_notifications = models.BooleanField(_("send notifications by SMS"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def role_codes(self) -> set[str]:
        """Code names of the roles this user holds (cached on the instance)."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True)) if self.pk else set()
        return self._role_codes

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_codes()

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in Role.values if code in self.role_codes()]
