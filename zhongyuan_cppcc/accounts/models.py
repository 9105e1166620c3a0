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
    # Set by an administrator's reset (never a password): the user must choose a new password before
    # anything else. Cleared when the user sets one.
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
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
        if raw_password is not None:
            self.must_change_password = False

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


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords: a new password must differ from the last few."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class ResetStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second administrator")
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Refused")


class PasswordResetRequest(models.Model):
    """An administrator's request that an account choose a new password (no administrator ever sets one).

    For a business account it is applied at once; for an administrator account (the requester's own
    included) it waits until a second administrator approves it. See services.password_reset_start.
    """

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ResetStatus.choices, default=ResetStatus.PENDING)
    decided_by = models.ForeignKey(User, verbose_name=_("approved or refused by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("password reset")
        verbose_name_plural = _("password resets")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.requested_at:%Y-%m-%d %H:%M}"
