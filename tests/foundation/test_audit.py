"""The audit log is append-only in the database, scrubbed of secrets, and readable only by auditors."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.factories import make_user
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_database_refuses_update_of_an_audit_row():
    event = audit_record(action="test.action", actor=make_user())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


def test_database_refuses_delete_of_an_audit_row():
    event = audit_record(action="test.action")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_inserting_still_works_after_refusals():
    audit_record(action="one")
    audit_record(action="two")
    assert AuditEvent.objects.count() == 2


def test_details_never_hold_secrets_or_id_numbers():
    event = audit_record(
        action="test.scrub",
        details={"password": "Secret@123", "note": "身份证 410102199003071234 电话 13812345678",
                 "nested": [{"token": "abc"}]},
    )
    event.refresh_from_db()
    text = str(event.details)
    assert "Secret@123" not in text and "410102199003071234" not in text and "13812345678" not in text
    assert "410***********1234" in text and "138****5678" in text
    assert event.details["nested"][0]["token"] == "***"


def test_deleting_a_user_leaves_audit_rows_alone():
    user = make_user()
    audit_record(action="test.keep", actor=user)
    user.delete()
    event = AuditEvent.objects.get(action="test.keep")
    assert event.actor_username == user.username


class TestAuditPage:
    def test_only_the_auditor_reads_the_log(self, client_for):
        audit_record(action="test.visible")
        for role in ("member", "proposal_officer", "leader", "sysadmin", "secadmin"):
            assert client_for(make_user(role)).get(reverse("audit-list")).status_code == 403
        response = client_for(make_user("auditor")).get(reverse("audit-list"))
        # A code without a label (zhongyuan_cppcc/audit/labels.py) shows as the code itself, never an empty cell.
        assert response.status_code == 200 and 'data-testid="action">test.visible<' in response.content.decode()

    def test_filters(self, client_for):
        audit_record(action="proposals.register", actor_username="alice")
        audit_record(action="members.reveal", actor_username="bob", outcome="denied")
        client = client_for(make_user("auditor"))
        def rows(**params) -> str:  # the table (the action filter's options name every action)
            return client.get(reverse("audit-list"), params).content.decode().split("<tbody>")[1]

        page = rows(action="proposals")
        assert "提案：立案" in page and "members.reveal" not in page
        page = rows(outcome="denied")
        assert "members.reveal" in page and "提案：立案" not in page

    def test_bad_filter_input_is_a_message_not_an_error(self, client_for):
        client = client_for(make_user("auditor"))
        response = client.get(reverse("audit-list"), {"date_from": "not-a-date", "date_to": "2024-01-01"})
        assert response.status_code == 200
        response = client.get(reverse("audit-list"), {"date_from": "2024-02-01", "date_to": "2024-01-01"})
        assert response.status_code == 200 and "开始日期晚于结束日期" in response.content.decode()
