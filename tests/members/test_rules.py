"""Role × action matrix for every permission of the members module."""

import pytest

from tests.conftest import ROLES
from tests.factories import make_user

from .factories import MemberFactory

OFFICER, LEADER = "member_officer", "leader"
READERS = {OFFICER, LEADER}

# permission -> roles that hold it (without an object)
MATRIX = {
    "members.view_member": READERS,
    "members.add_member": {OFFICER},
    "members.change_member": {OFFICER},
    "members.export_member": READERS,
    "members.import_member": {OFFICER},
    "members.view_importjob": {OFFICER},
    "members.view_ledgerevent": READERS,
    "members.add_ledgerevent": {OFFICER},
    "members.view_own_record": {"member"},
    "members.view_ranking": READERS,
    "members.view_ledgerrule": READERS,
    "members.add_ledgerrule": {OFFICER},
    "members.change_ledgerrule": {OFFICER},
    "members.view_meeting": READERS,
    "members.add_meeting": {OFFICER},
    "members.change_meeting": {OFFICER},
    "members.view_activity": READERS,
    "members.add_activity": {OFFICER},
    "members.change_activity": {OFFICER},
    "members.view_excellentshortlist": READERS,
    "members.change_excellentshortlist": {OFFICER},
    "members.view_visit": READERS,
    "members.add_visit": {OFFICER},
    "members.change_visit": {OFFICER},
    "members.view_handlingunit": READERS | {"sysadmin"},
    "members.add_handlingunit": {OFFICER, "sysadmin"},
    "members.change_handlingunit": {OFFICER, "sysadmin"},
    "members.view_party": READERS | {"sysadmin"},
    "members.change_party": {"sysadmin"},
    "members.change_term": {"sysadmin"},
    "members.change_plenarysession": {"sysadmin"},
    # Needs a clearance granted to a named account on top of the role; no role carries it.
    "members.view_full_personal_data": set(),
    "members.view_personaldataclearance": {"secadmin"},
    "members.add_personaldataclearance": {"secadmin"},
}
CASES = [(perm, role) for perm in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("perm", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_role_holds_permission(perm, role):
    user = make_user(role)
    assert user.has_perm(perm) is (role in MATRIX[perm])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_object_permissions_on_a_member(role):
    """Readers see every member; a member sees their own record, never another's."""
    user = make_user(role)
    own = MemberFactory(user=user) if role == "member" else None
    other = MemberFactory()
    for perm in ("members.view_member", "members.view_ledgerevent"):
        assert user.has_perm(perm, other) is (role in READERS)
        if own is not None:
            assert user.has_perm(perm, own)
    assert user.has_perm("members.change_member", other) is (role == OFFICER)


@pytest.mark.django_db
def test_full_data_permission_is_granted_per_account(full_data_officer, officer):
    from datetime import timedelta

    from django.utils import timezone

    from members.models import PersonalDataClearance

    assert full_data_officer.has_perm("members.view_full_personal_data")
    assert not officer.has_perm("members.view_full_personal_data")
    # A clearance does nothing for a role that does not read members, nor once it has expired.
    handler = make_user("handler")
    PersonalDataClearance.objects.create(user=handler, reason="x")
    assert not make_user("handler", username=handler.username).has_perm("members.view_full_personal_data")
    PersonalDataClearance.objects.filter(user=full_data_officer).update(
        expires_on=timezone.localdate() - timedelta(days=1))
    fresh = type(full_data_officer).objects.get(pk=full_data_officer.pk)
    assert not fresh.has_perm("members.view_full_personal_data")


@pytest.mark.django_db
def test_inactive_user_holds_nothing():
    user = make_user(OFFICER, is_active=False)
    assert not user.has_perm("members.view_member")
