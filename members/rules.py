"""Who may do what in the members module.

Full ID and mobile numbers (`members.view_full_personal_data`) need, on top of a role that reads
members, a personal-data clearance the security administrator grants to a named account: no role
sees them just by being that role.
"""

import rules

from zhongyuan_cppcc.accounts.predicates import is_leader, is_member, is_member_officer, is_secadmin, is_sysadmin


@rules.predicate
def is_own_member(user, member) -> bool:
    """The member record linked to this user account."""
    return bool(member is not None and user.is_authenticated and member.user_id == user.pk)


CLEARANCE_FACT = "_personal_data_clearance"


def _current_clearances():
    from django.db.models import Q
    from django.utils import timezone

    from .models import PersonalDataClearance

    return PersonalDataClearance.objects.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))


def personal_data_clearance_fact():
    """has_personal_data_clearance() as an expression over a user row (loaded with the request's user:
    accounts.facts)."""
    from django.db.models import Exists, OuterRef

    return Exists(_current_clearances().filter(user=OuterRef("pk")))


@rules.predicate
def has_personal_data_clearance(user) -> bool:
    """A current PersonalDataClearance for this account (looked up once per request's user object)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if CLEARANCE_FACT not in user.__dict__:
        user.__dict__[CLEARANCE_FACT] = _current_clearances().filter(user=user).exists()
    return user.__dict__[CLEARANCE_FACT]


manages_members = is_member_officer
reads_members = is_member_officer | is_leader

rules.add_perm("members.view_member", reads_members | is_own_member)
rules.add_perm("members.view_full_personal_data", reads_members & has_personal_data_clearance)
rules.add_perm("members.add_member", manages_members)
rules.add_perm("members.change_member", manages_members)
rules.add_perm("members.export_member", reads_members)
rules.add_perm("members.import_member", manages_members)
rules.add_perm("members.view_importjob", manages_members)

# The performance record of a member (ledger events, points, rank band).
rules.add_perm("members.view_ledgerevent", reads_members | is_own_member)
rules.add_perm("members.add_ledgerevent", manages_members)
rules.add_perm("members.view_own_record", is_member)
rules.add_perm("members.view_ranking", reads_members)
rules.add_perm("members.view_ledgerrule", reads_members)
rules.add_perm("members.add_ledgerrule", manages_members)
rules.add_perm("members.change_ledgerrule", manages_members)
rules.add_perm("members.view_meeting", reads_members)
rules.add_perm("members.add_meeting", manages_members)
rules.add_perm("members.change_meeting", manages_members)
rules.add_perm("members.view_activity", reads_members)
rules.add_perm("members.add_activity", manages_members)
rules.add_perm("members.change_activity", manages_members)
rules.add_perm("members.view_excellentshortlist", reads_members)
rules.add_perm("members.change_excellentshortlist", manages_members)

rules.add_perm("members.view_visit", reads_members)
rules.add_perm("members.add_visit", manages_members)
rules.add_perm("members.change_visit", manages_members)

rules.add_perm("members.view_handlingunit", reads_members | is_sysadmin)
rules.add_perm("members.add_handlingunit", manages_members | is_sysadmin)
rules.add_perm("members.change_handlingunit", manages_members | is_sysadmin)

# Reference data (parties, sectors, committees, streets, communities, terms, plenary sessions) is
# configuration: the system administrator keeps it in the admin. Nobody deletes it (PROTECT).
for _model in ("party", "sector", "specialcommittee", "street", "community", "term", "plenarysession"):
    rules.add_perm(f"members.view_{_model}", is_sysadmin | reads_members)
    rules.add_perm(f"members.add_{_model}", is_sysadmin)
    rules.add_perm(f"members.change_{_model}", is_sysadmin)
# Clearances are security policy: the security administrator's, in the admin.
for _verb in ("view", "add", "change", "delete"):
    rules.add_perm(f"members.{_verb}_personaldataclearance", is_secadmin)
# The admin lists the app for whoever has this module permission (each sees only their models).
rules.add_perm("members", is_sysadmin | is_secadmin)
