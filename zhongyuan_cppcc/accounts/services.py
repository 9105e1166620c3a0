"""Account services: role assignment under 三员分立."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record

from .models import User
from .roles import SEPARATED_ADMIN_ROLES, Role


def validate_role_combination(role_codes: Iterable[str]) -> None:
    """Refuse any combination holding two of sysadmin / secadmin / auditor."""
    held = SEPARATED_ADMIN_ROLES & {str(code) for code in role_codes}
    if len(held) > 1:
        labels = "、".join(str(Role(code).label) for code in sorted(held))
        raise ValidationError(
            _("One person may hold only one of the three administrator roles (held: %(roles)s).")
            % {"roles": labels},
            code="separation_of_duties",
        )


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None = None) -> None:
    """Replace the user's roles. Raises ValidationError on a forbidden combination; audited."""
    codes = sorted({str(r) for r in roles})
    unknown = set(codes) - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))})
    validate_role_combination(codes)
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=codes))
    user.__dict__.pop("_role_codes", None)
    if before != codes:
        audit_record(action="accounts.roles_changed", actor=actor, obj=user,
                     details={"before": before, "after": codes})
