"""Account services under 三员分立 (separation of the three administrators).

The rules, the same for the admin and for every view (README, "Roles and permissions"):

- Nobody sets another person's password. An administrator may only start a reset: the account must
  choose a new password at its next login, its sessions end, and a one-time link goes to the
  account's own e-mail address (never shown to the administrator). A reset of a business account is
  applied at once; a reset of an administrator account (the requester's own included) waits until a
  second administrator, neither the requester nor the account's holder, approves it.
- No administrator changes their own roles, clearances or authorisations, or their own active flag.
- An administrator role excludes every business role, and the three administrator roles exclude each
  other; business grants (clearances, collective authorisations) never go to an administrator.
- Every grant, change, reset and refusal is audited.
"""

from collections.abc import Iterable

import rules
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record

from .models import PasswordResetRequest, ResetStatus, User
from .roles import SEPARATED_ADMIN_ROLES, Role

BUSINESS_ROLES = frozenset(Role) - SEPARATED_ADMIN_ROLES


class AccountPolicyError(ValidationError):
    """A request the separation rules refuse; its message is shown to the administrator."""


def is_administrator(user) -> bool:
    return bool(user is not None and user.pk and user.role_codes() & {str(r) for r in SEPARATED_ADMIN_ROLES})


def _denied(action: str, *, actor, user, message: str, details: dict | None = None) -> AccountPolicyError:
    audit_record(action=action, actor=actor, obj=user, outcome=Outcome.DENIED, details=details or {})
    return AccountPolicyError(message, code="separation_of_duties")


def validate_role_combination(role_codes: Iterable[str]) -> None:
    """Refuse two administrator roles together, and an administrator role with any business role."""
    codes = {str(code) for code in role_codes}
    held = {str(r) for r in SEPARATED_ADMIN_ROLES} & codes
    if len(held) > 1:
        labels = "、".join(str(Role(code).label) for code in sorted(held))
        raise ValidationError(
            _("One person may hold only one of the three administrator roles (held: %(roles)s).")
            % {"roles": labels},
            code="separation_of_duties",
        )
    business = codes - held
    if held and business:
        raise ValidationError(
            _("An administrator role cannot be combined with business roles (%(roles)s).")
            % {"roles": "、".join(str(Role(code).label) for code in sorted(business) if code in Role.values)},
            code="separation_of_duties",
        )


def check_role_change(*, actor: User | None, user: User, role_codes: Iterable[str]) -> None:
    """Everything user_set_roles checks, without saving (forms call it to show the message)."""
    codes = {str(r) for r in role_codes}
    unknown = codes - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))})
    validate_role_combination(codes)
    if actor is None:
        return  # data migrations and management commands run on the operator's authority
    if not rules.has_perm("accounts.assign_roles", actor):
        raise AccountPolicyError(_("Only the security administrator assigns roles."))
    if actor.pk == user.pk and codes != user.role_codes():
        raise AccountPolicyError(_("Nobody may change their own roles."), code="separation_of_duties")


def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None = None) -> None:
    """Replace the user's roles. Raises ValidationError on a forbidden change (audited); audited."""
    codes = sorted({str(r) for r in roles})
    try:
        check_role_change(actor=actor, user=user, role_codes=codes)
    except ValidationError as exc:
        # Outside the transaction below, so that the refusal's audit row stays.
        audit_record(action="accounts.roles_change_refused", actor=actor, obj=user, outcome=Outcome.DENIED,
                     details={"requested": codes, "reason": exc.messages})
        raise
    with transaction.atomic():
        before = sorted(user.groups.values_list("name", flat=True))
        user.groups.set(Group.objects.filter(name__in=codes))
        user.__dict__.pop("_role_codes", None)
        if before != codes:
            audit_record(action="accounts.roles_changed", actor=actor, obj=user,
                         details={"before": before, "after": codes})


def check_business_grant(*, actor: User | None, holder: User, what: str) -> None:
    """Refuse a business grant (clearance, authorisation) to oneself or to an administrator. Audited."""
    if actor is not None and actor.pk == holder.pk:
        raise _denied("accounts.grant_refused", actor=actor, user=holder, details={"grant": what},
                      message=_("Nobody may grant themselves a clearance or an authorisation."))
    if is_administrator(holder):
        raise _denied("accounts.grant_refused", actor=actor, user=holder, details={"grant": what},
                      message=_("Administrator accounts hold no business permissions: this grant is refused."))


# --- Account data and the active flag --------------------------------------------------------------------

ACCOUNT_DATA_FIELDS = ("username", "full_name", "email", "mobile", "notification_mode",
                       "email_notifications", "sms_notifications")


def editable_account_fields(*, actor: User, user: User | None) -> set[str]:
    """The account fields `actor` may change on `user` (None: a new account)."""
    fields: set[str] = set()
    if rules.has_perm("accounts.add_user", actor):
        if user is None or user.pk == actor.pk or not is_administrator(user):
            fields |= set(ACCOUNT_DATA_FIELDS)
        if user is None or (user.pk != actor.pk and not is_administrator(user)):
            fields.add("is_active")
    if user is not None and user.pk != actor.pk and rules.has_perm("accounts.assign_roles", actor):
        fields.add("groups")
    return fields


def check_account_change(*, actor: User, user: User, fields: Iterable[str]) -> None:
    """Refuse (audited) a change of fields `actor` may not change on `user`."""
    forbidden = sorted(set(fields) - editable_account_fields(actor=actor, user=user))
    if forbidden:
        raise _denied("accounts.change_refused", actor=actor, user=user, details={"fields": forbidden},
                      message=_("You may not change these fields of this account: %(fields)s")
                      % {"fields": ", ".join(forbidden)})


# --- Password resets -------------------------------------------------------------------------------------


def end_sessions(user: User) -> int:
    """Delete every live session of `user` (database sessions); returns how many."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])


def _send_reset_link(user: User) -> bool:
    if not user.email:
        return False
    link = password_reset_link(user)
    subject = _("Choose a new password")
    body = _("An administrator has asked you to choose a new password for the duty service platform "
             "(account %(account)s). Open this link within %(hours)d hours; it works once:\n\n%(link)s\n\n"
             "You can also log in with your current password and you will be asked for a new one.") % {
        "account": user.get_username(), "link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def send() -> None:
        try:
            send_mail(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
        except Exception:  # noqa: BLE001 — a mail outage must not undo the reset
            import logging

            logging.getLogger(__name__).exception("password reset mail to account %s failed", user.pk)

    transaction.on_commit(send)
    return True


def _apply_reset(reset: PasswordResetRequest, *, actor: User) -> None:
    user = User.objects.select_for_update().get(pk=reset.user_id)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    sessions = end_sessions(user)
    mailed = _send_reset_link(user)
    reset.status = ResetStatus.APPLIED
    if reset.decided_at is None:
        reset.decided_at = timezone.now()
    reset.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(action="accounts.password_reset", actor=actor, obj=user,
                 details={"request": reset.pk, "requested_by": reset.requested_by.get_username(),
                          "approved_by": reset.decided_by.get_username() if reset.decided_by else "",
                          "sessions_ended": sessions, "link_mailed": mailed})


def password_reset_start(*, actor: User, user: User, reason: str = "") -> PasswordResetRequest:
    """Start a reset of `user`'s password (never setting one). Applied at once for a business account;
    an administrator account (the actor's own included) waits for a second administrator. Audited."""
    if not rules.has_perm("accounts.reset_password", actor):
        raise _denied("accounts.password_reset_refused", actor=actor, user=user,
                      message=_("Only the security administrator starts password resets."))
    with transaction.atomic():
        reset = PasswordResetRequest.objects.create(user=user, requested_by=actor, reason=reason[:200])
        if user.pk == actor.pk or is_administrator(user):
            audit_record(action="accounts.password_reset_requested", actor=actor, obj=user,
                         details={"request": reset.pk, "reason": reset.reason})
            return reset
        _apply_reset(reset, actor=actor)
    return reset


def password_reset_decide(*, actor: User, reset: PasswordResetRequest, approve: bool) -> PasswordResetRequest:
    """A second administrator approves (applies) or refuses a pending reset of an administrator account."""
    # The checks run before the transaction, so that a refusal's audit row stays.
    if not rules.has_perm("accounts.approve_password_reset", actor):
        raise _denied("accounts.password_reset_refused", actor=actor, user=reset.user,
                      message=_("Only the system or security administrator approves resets."))
    if actor.pk in (reset.requested_by_id, reset.user_id):
        raise _denied("accounts.password_reset_refused", actor=actor, user=reset.user,
                      details={"request": reset.pk},
                      message=_("A second administrator, neither the requester nor the account's holder, "
                                "must approve this reset."))
    with transaction.atomic():
        return _decide(actor=actor, reset=reset, approve=approve)


def _decide(*, actor: User, reset: PasswordResetRequest, approve: bool) -> PasswordResetRequest:
    reset = PasswordResetRequest.objects.select_for_update().get(pk=reset.pk)
    if reset.status != ResetStatus.PENDING:
        raise AccountPolicyError(_("This reset has already been decided."))
    reset.decided_by = actor
    reset.decided_at = timezone.now()
    if approve:
        _apply_reset(reset, actor=actor)
    else:
        reset.status = ResetStatus.REFUSED
        reset.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(action="accounts.password_reset_declined", actor=actor, obj=reset.user,
                     details={"request": reset.pk})
    return reset


def user_password_changed(*, user: User, request=None, via: str = "form") -> None:
    """Audit a password the user chose themselves (change form or one-time link)."""
    audit_record(action="auth.password_changed", actor=user, obj=user, request=request, details={"via": via})


@transaction.atomic
def user_create(*, actor: User, username: str, full_name: str = "", email: str = "", mobile: str = "") -> User:
    """Create an account without a usable password: its holder sets one through a reset link. Audited."""
    if not rules.has_perm("accounts.add_user", actor):
        raise PermissionDenied
    user = User(username=username, full_name=full_name, email=email, mobile=mobile)
    user.set_unusable_password()
    user.must_change_password = True
    user.save()
    audit_record(action="accounts.user_created", actor=actor, obj=user)
    return user
