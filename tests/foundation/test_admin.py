"""The admin is for the system and security administrators only, each seeing their own part (三员分立)."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def admin_links(client) -> str:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_sysadmin_sees_users_calendar_and_parameters(client_for):
    page = admin_links(client_for(make_user("sysadmin")))
    for url_name in ("admin:accounts_user_changelist", "admin:workcalendar_specialday_changelist",
                     "admin:core_systemparameter_changelist"):
        assert reverse(url_name) in page
    assert reverse("admin:axes_accessattempt_changelist") not in page


def test_secadmin_sees_users_and_lockouts_but_not_configuration(client_for):
    page = admin_links(client_for(make_user("secadmin")))
    assert reverse("admin:accounts_user_changelist") in page
    assert reverse("admin:axes_accessattempt_changelist") in page
    assert reverse("admin:workcalendar_specialday_changelist") not in page
    assert reverse("admin:core_systemparameter_changelist") not in page


@pytest.mark.parametrize("role", ["member", "proposal_officer", "leader", "auditor", "handler"])
def test_everyone_else_is_turned_away(client_for, role):
    response = client_for(make_user(role)).get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    response = client_for(make_user(role)).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302


def test_only_secadmin_assigns_roles(client_for):
    from django.contrib.auth.models import Group

    target = make_user(username="target-user")
    member = Group.objects.get(name="member")
    data = {"username": "target-user", "full_name": "目标", "email": "", "mobile": "", "is_active": "on",
            "notification_mode": "instant", "email_notifications": "on", "groups": [member.pk]}
    client_for(make_user("sysadmin")).post(reverse("admin:accounts_user_change", args=[target.pk]), data)
    assert not target.groups.exists()  # groups are read-only for the system administrator
    response = client_for(make_user("secadmin")).post(
        reverse("admin:accounts_user_change", args=[target.pk]), {"groups": [member.pk]})
    assert response.status_code == 302
    assert list(target.groups.values_list("name", flat=True)) == ["member"]


def test_parameters_are_validated(client_for, monkeypatch):
    from zhongyuan_cppcc.core.parameters import REGISTRY, declare, get_parameter

    monkeypatch.setitem(REGISTRY, "test.reply_months", None)  # removed again after the test
    declare("test.reply_months", 3, "test", minimum=1, maximum=12)
    client = client_for(make_user("sysadmin"))
    url = reverse("admin:core_systemparameter_add")
    response = client.post(url, {"key": "test.reply_months", "value": "99"})
    assert response.status_code == 200  # refused with a message
    assert get_parameter("test.reply_months") == 3
    response = client.post(url, {"key": "test.reply_months", "value": "4"})
    assert response.status_code == 302
    assert get_parameter("test.reply_months") == 4
