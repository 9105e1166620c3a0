"""三员分立 in the admin: every change form and action, tried by each administrator against themselves,
another administrator and a business user. The table below is the rule; the test proves it holds.

Outcomes: "allowed" (the change is saved), "refused" (nothing changes: a form error, a message or 403),
"pending" (a password reset that waits for a second administrator), "applied" (a reset applied at once).
"""

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from members.models import HandlingUnit, Party, PersonalDataClearance
from proposals.models import CollectiveAuthorisation
from tests.factories import make_user
from zhongyuan_cppcc.accounts.models import PasswordResetRequest, User
from zhongyuan_cppcc.audit.models import AuditEvent, Outcome

pytestmark = pytest.mark.django_db

ACTORS = ("sysadmin", "secadmin", "auditor")
TARGETS = ("self", "other administrator", "business user")
# The administrator each actor meets as "another administrator".
OTHER_ADMIN = {"sysadmin": "secadmin", "secadmin": "auditor", "auditor": "secadmin"}
A, R = "allowed", "refused"

# action -> actor -> outcome against (self, another administrator, a business user)
EXPECTED = {
    "edit account data": {"sysadmin": (A, R, A), "secadmin": (R, R, R), "auditor": (R, R, R)},
    "deactivate account": {"sysadmin": (R, R, A), "secadmin": (R, R, R), "auditor": (R, R, R)},
    "add business role": {"sysadmin": (R, R, R), "secadmin": (R, R, A), "auditor": (R, R, R)},
    "add administrator role": {"sysadmin": (R, R, R), "secadmin": (R, R, R), "auditor": (R, R, R)},
    "set password (admin form)": {"sysadmin": (R, R, R), "secadmin": (R, R, R), "auditor": (R, R, R)},
    "start password reset": {"sysadmin": (R, R, R), "secadmin": ("pending", "pending", "applied"),
                             "auditor": (R, R, R)},
    "grant personal-data clearance": {"sysadmin": (R, R, R), "secadmin": (R, R, A), "auditor": (R, R, R)},
    "grant collective authorisation": {"sysadmin": (R, R, A), "secadmin": (R, R, R), "auditor": (R, R, R)},
    "make handling-unit officer": {"sysadmin": (R, R, A), "secadmin": (R, R, R), "auditor": (R, R, R)},
    # Nobody unlocks themselves (the lockout ends by itself after the cool-off period).
    "unlock locked-out account": {"sysadmin": (R, R, R), "secadmin": (R, A, A), "auditor": (R, R, R)},
    "reset second factor": {"sysadmin": (R, R, R), "secadmin": (R, A, A), "auditor": (R, R, R)},
}


def _change_data(user: User, **overrides) -> dict:
    data = {"username": user.username, "full_name": user.full_name, "email": user.email, "mobile": user.mobile,
            "is_active": "on", "notification_mode": user.notification_mode, "email_notifications": "on",
            "groups": list(user.groups.values_list("pk", flat=True))}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _group_pk(name: str) -> int:
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name).pk


def edit_account_data(client, target):
    client.post(reverse("admin:accounts_user_change", args=[target.pk]), _change_data(target, full_name="改名"))
    target.refresh_from_db()
    return A if target.full_name == "改名" else R


def deactivate_account(client, target):
    client.post(reverse("admin:accounts_user_change", args=[target.pk]), _change_data(target, is_active=None))
    target.refresh_from_db()
    return R if target.is_active else A


def _add_role(client, target, role):
    groups = [*target.groups.values_list("pk", flat=True), _group_pk(role)]
    client.post(reverse("admin:accounts_user_change", args=[target.pk]), _change_data(target, groups=groups))
    return A if target.groups.filter(name=role).exists() else R


def add_business_role(client, target):
    return _add_role(client, target, "leader")


def add_administrator_role(client, target):
    return _add_role(client, target, "auditor" if not target.groups.filter(name="auditor").exists() else "sysadmin")


def set_password(client, target):
    response = client.post(reverse("admin:auth_user_password_change", args=[target.pk]),
                           {"password1": "Brand#New2031x", "password2": "Brand#New2031x", "usable_password": "true"})
    assert response.status_code in (302, 403)
    target.refresh_from_db()
    return A if target.check_password("Brand#New2031x") else R


def start_password_reset(client, target):
    client.post(reverse("admin:accounts_user_changelist"),
                {"action": "start_password_reset", "_selected_action": [target.pk]})
    reset = PasswordResetRequest.objects.filter(user=target).first()
    return R if reset is None else ("applied" if reset.status == "applied" else "pending")


def grant_clearance(client, target):
    client.post(reverse("admin:members_personaldataclearance_add"), {"user": target.pk, "reason": "核查"})
    return A if PersonalDataClearance.objects.filter(user=target).exists() else R


def grant_collective_authorisation(client, target):
    party = Party.objects.create(name="矩阵测试党派", short_name="矩阵")
    client.post(reverse("admin:proposals_collectiveauthorisation_add"), {"user": target.pk, "party": party.pk})
    return A if CollectiveAuthorisation.objects.filter(user=target).exists() else R


def make_handling_unit_officer(client, target):
    from django.contrib.auth.models import Group

    from zhongyuan_cppcc.accounts.roles import SEPARATED_ADMIN_ROLES, Role

    if not target.groups.filter(name__in=SEPARATED_ADMIN_ROLES).exists():
        # Only handling-unit officers can sit on a unit (the members service's own rule); an administrator
        # cannot hold that role at all, so for them the grant itself is what is refused.
        target.groups.add(Group.objects.get(name=Role.HANDLER))
    client.post(reverse("admin:members_handlingunit_add"),
                {"name": "矩阵测试单位", "kind": "department", "officers": [target.pk], "is_active": "on",
                 "order": 0, "contact_phone": ""})
    return A if HandlingUnit.objects.filter(officers=target).exists() else R


def unlock_account(client, target):
    attempt = AccessAttempt.objects.create(username=target.username, ip_address="10.0.0.9", user_agent="t",
                                           failures_since_start=5, attempt_time=timezone.now())
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    return R if AccessAttempt.objects.filter(pk=attempt.pk).exists() else A


def reset_second_factor(client, target):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=target, name="default", confirmed=True)
    client.post(reverse("admin:accounts_user_changelist"),
                {"action": "reset_second_factor", "_selected_action": [target.pk]})
    return R if TOTPDevice.objects.filter(user=target).exists() else A


ACTIONS = {
    "edit account data": edit_account_data,
    "deactivate account": deactivate_account,
    "add business role": add_business_role,
    "add administrator role": add_administrator_role,
    "set password (admin form)": set_password,
    "start password reset": start_password_reset,
    "grant personal-data clearance": grant_clearance,
    "grant collective authorisation": grant_collective_authorisation,
    "make handling-unit officer": make_handling_unit_officer,
    "unlock locked-out account": unlock_account,
    "reset second factor": reset_second_factor,
}


@pytest.mark.parametrize("target_kind", TARGETS)
@pytest.mark.parametrize("actor_role", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_administrator_matrix(client_for, action, actor_role, target_kind):
    actor = make_user(actor_role, username=f"actor-{actor_role}")
    target = {"self": actor,
              "other administrator": make_user(OTHER_ADMIN[actor_role], username="other-admin"),
              "business user": make_user("member_officer", username="business-user")}[target_kind]
    client = client_for(actor)
    outcome = ACTIONS[action](client, target)
    expected = EXPECTED[action][actor_role][TARGETS.index(target_kind)]
    assert outcome == expected, f"{actor_role} / {action} / {target_kind}: {outcome}, expected {expected}"
    # Whatever the outcome, the actor still holds exactly their one administrator role.
    assert set(actor.groups.values_list("name", flat=True)) == {actor_role}


def test_refused_grants_and_role_changes_are_audited(client_for):
    secadmin = make_user("secadmin")
    client = client_for(secadmin)
    grant_clearance(client, secadmin)
    add_business_role(client, make_user("sysadmin"))
    refused = set(AuditEvent.objects.filter(outcome=Outcome.DENIED).values_list("action", flat=True))
    assert {"accounts.grant_refused", "accounts.roles_change_refused"} <= refused


def test_unlocks_and_second_factor_resets_are_audited(client_for):
    secadmin, user = make_user("secadmin"), make_user("leader")
    client = client_for(secadmin)
    assert unlock_account(client, user) == A
    assert reset_second_factor(client, user) == A
    for action in ("auth.unlocked", "accounts.otp_reset"):
        event = AuditEvent.objects.get(action=action)
        assert (event.actor, event.object_id, event.outcome) == (secadmin, str(user.pk), Outcome.SUCCESS)


@pytest.mark.parametrize("role", ACTORS)
def test_role_definitions_are_read_only_for_every_administrator(client_for, role):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="leader")
    client_for(make_user(role)).post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "secadmin2"})
    group.refresh_from_db()
    assert group.name == "leader"


def test_system_parameters_are_the_system_administrators_alone(client_for, monkeypatch):
    from zhongyuan_cppcc.core.models import SystemParameter
    from zhongyuan_cppcc.core.parameters import REGISTRY, declare

    monkeypatch.setitem(REGISTRY, "test.matrix_months", None)  # removed again after the test
    declare("test.matrix_months", 3, "test", minimum=1, maximum=12)
    for role, allowed in (("sysadmin", True), ("secadmin", False), ("auditor", False)):
        SystemParameter.objects.filter(key="test.matrix_months").delete()
        client_for(make_user(role)).post(reverse("admin:core_systemparameter_add"),
                                         {"key": "test.matrix_months", "value": "4"})
        assert SystemParameter.objects.filter(key="test.matrix_months").exists() is allowed, role


# --- The same rules below the admin: services and plain ORM calls, whoever asks ------------------------


def test_an_administrator_role_excludes_business_roles_whatever_code_adds_it():
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError

    admin_user = make_user("sysadmin")
    with pytest.raises(ValidationError), transaction.atomic():
        admin_user.groups.add(Group.objects.get(name="leader"))
    with pytest.raises(ValidationError), transaction.atomic():
        Group.objects.get(name="member_officer").user_set.add(admin_user)
    with pytest.raises(ValidationError), transaction.atomic():
        make_user("leader").groups.add(Group.objects.get(name="secadmin"))
    assert set(admin_user.groups.values_list("name", flat=True)) == {"sysadmin"}


def test_business_grants_to_administrators_are_refused_by_the_services_and_the_models():
    from django.core.exceptions import ValidationError

    from proposals.services.drafting import collective_authorisation_grant

    sysadmin, secadmin = make_user("sysadmin"), make_user("secadmin")
    party = Party.objects.create(name="服务测试党派")
    with pytest.raises(ValidationError), transaction.atomic():
        collective_authorisation_grant(actor=sysadmin, user=sysadmin, organisation=party)
    with pytest.raises(ValidationError), transaction.atomic():
        PersonalDataClearance.objects.create(user=secadmin, reason="x")
    unit = HandlingUnit.objects.create(name="服务测试单位")
    with pytest.raises(ValidationError), transaction.atomic():
        unit.officers.add(sysadmin)
    assert not CollectiveAuthorisation.objects.filter(user=sysadmin).exists()
    assert not unit.officers.exists()


def test_a_business_user_can_still_be_granted():
    officer = make_user("member_officer")
    PersonalDataClearance.objects.create(user=officer, reason="核查")
    unit = HandlingUnit.objects.create(name="业务测试单位")
    unit.officers.add(officer)
    assert unit.officers.filter(pk=officer.pk).exists()


def test_the_security_administrator_cannot_unlock_himself_in_bulk_either_and_the_refusal_is_audited(client_for):
    secadmin, user = make_user("secadmin"), make_user("leader")
    client = client_for(secadmin)  # (logging in clears one's own failed attempts: log in first)
    own, other = (AccessAttempt.objects.create(username=u.username, ip_address="10.0.0.9", user_agent="t",
                                               failures_since_start=5, attempt_time=timezone.now())
                  for u in (secadmin, user))
    response = client.post(reverse("admin:axes_accessattempt_changelist"), {
        "action": "delete_selected", "_selected_action": [own.pk, other.pk], "post": "yes"}, follow=True)
    assert response.status_code == 200
    assert AccessAttempt.objects.filter(pk=own.pk).exists() and not AccessAttempt.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(action="auth.unlock_refused", outcome=Outcome.DENIED, actor=secadmin).count() == 1
    assert AuditEvent.objects.filter(action="auth.unlocked", object_id=str(user.pk)).count() == 1
    assert "自己" in response.content.decode()
