"""Excel exports of every proposal list: each holds exactly the rows its list shows the user, with the list's
filters; Chinese file names; the export button on each page; refused to whoever may not see the list."""

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals.models import Milestone, Proposal, Reminder, ReminderStatus
from zhongyuan_cppcc.audit.models import AuditEvent

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def workbook(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def filename(response) -> str:
    return unquote(response["Content-Disposition"])


def column(rows, header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def listed(client, url, params=None) -> set[str]:
    page = client.get(url, params or {}).content.decode()
    return {x.number for x in Proposal.objects.exclude(number="") if f'data-testid="row-{x.pk}"' in page}


def test_the_handlers_export_holds_what_the_unit_list_shows(client_for, w, member):
    mine = ProposalFactory(assigned=True, with_co_unit=False)
    Proposal.objects.filter(pk=mine.pk).update(title="=我单位的提案")
    ProposalFactory(registered=True)  # not assigned: no unit sees it
    client = client_for(w.lead_handler)
    rows = workbook(client.post(reverse("proposals:unit-export")))
    assert rows[0][:2] == ["编号", "案由"]
    assert set(column(rows, "编号")) == listed(client, reverse("proposals:unit-list")) == {mine.number}
    assert column(rows, "案由") == ["=我单位的提案"]
    # Another unit's officer gets an empty workbook (only the header), a member is refused.
    assert workbook(client_for(w.other_handler).post(reverse("proposals:unit-export")))[1:] == []
    assert client_for(member.user).post(reverse("proposals:unit-export")).status_code == 403
    assert client.get(reverse("proposals:unit-export")).status_code == 405
    response = client.post(reverse("proposals:unit-export"))
    assert "承办单位提案" in filename(response)
    assert AuditEvent.objects.filter(action="proposals.exported", actor=w.lead_handler).exists()


def test_a_unit_filter_of_another_unit_narrows_nothing_beyond_the_users_units(client_for, w):
    ProposalFactory(assigned=True, with_co_unit=False)
    client = client_for(w.other_handler)
    rows = workbook(client.post(reverse("proposals:unit-export"), {"unit": str(w.lead_unit.pk)}))
    assert rows[1:] == []


def test_key_export_follows_the_year_and_is_refused_to_handlers(client_for, w):
    key = ProposalFactory(assigned=True)
    other = ProposalFactory(assigned=True)
    Proposal.objects.filter(pk__in=[key.pk, other.pk]).update(is_key=True)
    Proposal.objects.filter(pk=other.pk).update(year=key.year - 1)
    client = client_for(w.leader)
    everything = workbook(client.post(reverse("proposals:key-export")))
    assert set(column(everything, "编号")) == {key.number, other.number}
    assert set(column(everything, "编号")) == listed(client, reverse("proposals:key-list"))
    one_year = workbook(client.post(reverse("proposals:key-export"), {"year": str(key.year)}))
    assert column(one_year, "编号") == [key.number]
    garbage = workbook(client.post(reverse("proposals:key-export"), {"year": "abc"}))
    assert len(garbage) == 3
    assert "重点提案" in filename(client.post(reverse("proposals:key-export")))
    assert client_for(w.lead_handler).post(reverse("proposals:key-export")).status_code == 403


def test_approval_queue_export(client_for, w):
    waiting = ProposalFactory(reply_review=True)
    ProposalFactory(replied=True)
    client = client_for(w.officer)
    rows = workbook(client.post(reverse("proposals:approval-export")))
    assert column(rows, "编号") == [waiting.number]
    assert column(rows, "答复单位") == [w.lead_unit.name]
    assert client_for(w.leader).post(reverse("proposals:approval-export")).status_code == 403
    page = client.get(reverse("proposals:approval-queue")).content.decode()
    assert reverse("proposals:approval-export") in page


def test_unit_table_export_has_the_pages_figures(client_for, w):
    proposal = ProposalFactory(replied=True)
    client = client_for(w.officer)
    rows = workbook(client.post(reverse("proposals:unit-table-export"), {"year": str(proposal.year)}))
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit[w.lead_unit.name][1:4] == [1, 1, 0]
    assert by_unit[w.lead_unit.name][4] == "100%"
    assert rows[0][0] == "承办单位"
    page = client.get(reverse("proposals:unit-table"), {"year": proposal.year}).content.decode()
    assert reverse("proposals:unit-table-export") in page and f'name="year" value="{proposal.year}"' in page
    assert client_for(w.lead_handler).post(reverse("proposals:unit-table-export")).status_code == 403


def test_reminders_export_follows_the_status_filter(client_for, w):
    proposal = ProposalFactory(assigned=True)
    now = timezone.now()
    for status, milestone, note in [(ReminderStatus.SENT, Milestone.REPLY_DUE_30, "已发送的提醒"),
                                    (ReminderStatus.FAILED, Milestone.REPLY_DUE_7, "失败的提醒")]:
        Reminder.objects.create(proposal=proposal, milestone=milestone, recipient=w.lead_handler,
                                due_on=timezone.localdate(), created_at=now, status=status, note=note)
    client = client_for(w.officer)
    rows = workbook(client.post(reverse("proposals:reminders-export"), {"status": "failed"}))
    assert column(rows, "备注") == ["失败的提醒"]
    assert column(rows, "状态") == ["失败"]
    assert len(workbook(client.post(reverse("proposals:reminders-export")))) == 3
    page = client.get(reverse("proposals:reminders"), {"status": "failed"}).content.decode()
    assert reverse("proposals:reminders-export") in page and 'name="status" value="failed"' in page
    assert client_for(w.lead_handler).post(reverse("proposals:reminders-export")).status_code == 403


def test_export_buttons_carry_the_lists_filters(client_for, w):
    ProposalFactory(assigned=True)
    page = client_for(w.leader).get(reverse("proposals:key-list"), {"year": "2024"}).content.decode()
    assert reverse("proposals:key-export") in page and 'name="year" value="2024"' in page
    page = client_for(w.lead_handler).get(reverse("proposals:unit-list")).content.decode()
    assert reverse("proposals:unit-export") in page
    # The public archive has no export.
    archive = client_for(w.lead_handler).get(reverse("proposals:archive")).content.decode()
    assert 'data-testid="export-form"' not in archive


def test_the_member_import_template_has_a_chinese_file_name(client_for):
    from tests.factories import make_user

    officer = make_user("member_officer")
    response = client_for(officer).get(reverse("members:import-template"))
    assert response.status_code == 200
    assert "委员信息导入模板.xlsx" in filename(response)
