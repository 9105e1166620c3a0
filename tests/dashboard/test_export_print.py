"""The dashboard's Excel export and print view: the same figures as the page, for the chosen year."""

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_user
from tests.members.factories import MemberFactory
from zhongyuan_cppcc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_client(client_for):
    MemberFactory(name="张三")
    return client_for(make_user("leader", username="dash-leader"))


def test_excel_export_holds_every_figure_of_the_page(leader_client):
    with time_machine.travel("2024-03-01 10:00 +0800", tick=False):
        page = leader_client.get(reverse("dashboard"), {"year": "2023"})
        response = leader_client.post(reverse("dashboard-export"), {"year": "2023"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][2] == "2023"
    panels = page.context["panels"]
    expected = [[str(p.title), str(f.label), f.value] for p in panels for f in p.figures]
    assert [row[:3] for row in rows[1:len(expected) + 1]] == expected
    # then every chart's table, row by row and series by series
    charts = [(p, c) for p in panels for c in p.charts]
    assert charts, "the 2023 dashboard has charts"
    chart_cells = [[f"{p.title} · {c.title}", label, value] for p, c in charts for label, value in
                   ((f"{r.label}（{name}）" if len(c.series) > 1 else r.label, v)
                    for r in c.rows for name, v in zip(c.series, r.values, strict=False))]
    assert [row[:3] for row in rows[len(expected) + 1:]] == chart_cells
    assert AuditEvent.objects.filter(action="dashboard.exported").count() == 1


def test_export_and_print_refuse_members_and_the_print_view_lists_the_figures(leader_client, client_for):
    member = client_for(make_user("member", username="dash-member"))
    assert member.post(reverse("dashboard-export"), {"year": "2023"}).status_code == 403
    assert member.get(reverse("dashboard-print")).status_code == 403
    with time_machine.travel("2024-03-01 10:00 +0800", tick=False):
        response = leader_client.get(reverse("dashboard-print"), {"year": "2023"})
        bad_year = leader_client.get(reverse("dashboard-print"), {"year": "x<script>"})
    assert response.status_code == 200 and response.context["year"] == 2023
    html = response.content.decode()
    for panel in response.context["panels"]:
        assert str(panel.title) in html
    assert bad_year.status_code == 200 and bad_year.context["year"] == 2024


def test_print_pdf_holds_the_tables_of_the_print_view_and_is_audited(leader_client):
    from pypdf import PdfReader

    with time_machine.travel("2024-03-01 10:00 +0800", tick=False):
        page = leader_client.get(reverse("dashboard-print"), {"year": "2023"})
        response = leader_client.get(reverse("dashboard-pdf"), {"year": "2023"})
    assert 'data-testid="dashboard-pdf"' in page.content.decode() and "Ctrl+P" not in page.content.decode()
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"] and "inline" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert "2023" in text and "Ctrl" not in text
    for panel in page.context["panels"]:
        assert str(panel.title).replace(" ", "") in text
        for chart in panel.charts:
            assert str(chart.title).replace(" ", "") in text
    assert AuditEvent.objects.filter(action="dashboard.printed", object_id="2023").count() == 1


def test_print_pdf_refuses_members(client_for):
    member = client_for(make_user("member", username="dash-member-pdf"))
    assert member.get(reverse("dashboard-pdf"), {"year": "2023"}).status_code == 403
    assert not AuditEvent.objects.filter(action="dashboard.printed").exists()
