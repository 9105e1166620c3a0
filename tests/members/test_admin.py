"""The admin writes through the services: handling units (officer role, audit) and system parameters."""

import pytest
from django.urls import reverse

from members.models import HandlingUnit
from tests.factories import make_user
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.core.models import SystemParameter
from zhongyuan_cppcc.core.parameters import get_parameter

pytestmark = pytest.mark.django_db


def unit_data(**changes) -> dict:
    data = {"name": "区教育局", "kind": "department", "street": "", "officers": [], "contact_phone": "",
            "order": "0"}
    data.update(changes)
    if data.get("is_active", True):
        data["is_active"] = "on"
    return data


def test_the_unit_admin_refuses_an_officer_without_the_handler_role(client_for):
    sysadmin = make_user("sysadmin")
    unit = HandlingUnit.objects.create(name="区教育局")
    stranger, handler = make_user("member", username="not-a-handler"), make_user("handler", username="handler-1")
    client = client_for(sysadmin)
    url = reverse("admin:members_handlingunit_change", args=[unit.pk])
    refused = client.post(url, unit_data(officers=[stranger.pk]))
    assert refused.status_code == 200
    assert "单位联络员必须具有承办单位联络员角色。" in refused.content.decode()
    assert not unit.officers.exists() and not AuditEvent.objects.filter(action="members.unit_changed").exists()
    saved = client.post(url, unit_data(officers=[handler.pk], contact_phone="0371-1234567"))
    assert saved.status_code == 302
    unit.refresh_from_db()
    assert list(unit.officers.all()) == [handler] and unit.contact_phone == "0371-1234567"
    audit = AuditEvent.objects.get(action="members.unit_changed")
    assert audit.actor == sysadmin and audit.details["officers"] == ["handler-1"]


def test_the_unit_admin_creates_through_the_service(client_for):
    sysadmin = make_user("sysadmin")
    response = client_for(sysadmin).post(reverse("admin:members_handlingunit_add"), unit_data(name=" 区民政局 ",
                                                                                               order="3"))
    assert response.status_code == 302
    unit = HandlingUnit.objects.get(name="区民政局")  # the service strips the name
    assert unit.order == 3
    assert AuditEvent.objects.get(action="members.unit_created").actor == sysadmin


def test_the_parameter_admin_writes_through_set_parameter(client_for):
    sysadmin = make_user("sysadmin")
    client = client_for(sysadmin)
    assert client.post(reverse("admin:core_systemparameter_add"),
                       {"key": "members.excellent_top_percent", "value": "15"}).status_code == 302
    assert get_parameter("members.excellent_top_percent") == 15
    audit = AuditEvent.objects.get(action="core.parameter_changed")
    assert audit.actor == sysadmin and audit.object_id == "members.excellent_top_percent"
    # On the change form the key is fixed: a posted key is ignored, the value changes.
    url = reverse("admin:core_systemparameter_change", args=["members.excellent_top_percent"])
    assert client.post(url, {"key": "members.grade_good_min", "value": "20"}).status_code == 302
    assert get_parameter("members.excellent_top_percent") == 20 and get_parameter("members.grade_good_min") == 80
    assert list(SystemParameter.objects.values_list("key", flat=True)) == ["members.excellent_top_percent"]
    assert AuditEvent.objects.filter(action="core.parameter_changed", actor=sysadmin).count() == 2
