"""Role predicates, in one place. Apps combine them with object predicates in their rules.py."""

import rules

from .roles import OFFICER_ROLES, Role


def _has_role(role: Role):
    @rules.predicate(name=f"has_role:{role.value}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.has_role(role))

    return predicate


is_member = _has_role(Role.MEMBER)
is_correspondent = _has_role(Role.CORRESPONDENT)
is_handler = _has_role(Role.HANDLER)
is_proposal_officer = _has_role(Role.PROPOSAL_OFFICER)
is_opinion_officer = _has_role(Role.OPINION_OFFICER)
is_consultation_officer = _has_role(Role.CONSULTATION_OFFICER)
is_member_officer = _has_role(Role.MEMBER_OFFICER)
is_leader = _has_role(Role.LEADER)
is_sysadmin = _has_role(Role.SYSADMIN)
is_secadmin = _has_role(Role.SECADMIN)
is_auditor = _has_role(Role.AUDITOR)


@rules.predicate
def is_office_staff(user) -> bool:
    """Holds any CPPCC-office officer role."""
    return bool(user and user.is_authenticated and user.is_active and user.role_codes() & OFFICER_ROLES)


is_authenticated = rules.is_authenticated
