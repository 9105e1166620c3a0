"""Login, logout and lockout are audited. (Signals: auth must not know the audit app's callers.)"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs) -> None:
    audit_record(action="auth.login", actor=user, obj=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    audit_record(
        action="auth.login_failed",
        actor=known,
        actor_username=username,
        object_type="accounts.user" if known else "",
        object_id=known.pk if known else "",
        outcome=Outcome.FAILURE,
        request=request,
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs) -> None:
    known = get_user_model().objects.filter(username=username).first()
    audit_record(
        action="auth.locked_out",
        actor=known,
        actor_username=str(username or "")[:150],
        object_type="accounts.user" if known else "",
        object_id=known.pk if known else "",
        outcome=Outcome.DENIED,
        request=request,
    )
