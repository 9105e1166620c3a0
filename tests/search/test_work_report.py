"""/dashboard/report/: the year's work report, editable, exported as Word and PDF."""

import io
import zipfile

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_client(client_for, time_machine):
    time_machine.move_to("2024-03-01 10:00:00+08:00", tick=False)
    return client_for(make_user("leader"))


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def test_page_shows_one_paragraph_per_area(leader_client):
    response = leader_client.get(reverse("work-report"), {"year": "2023"})
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("opinions", "proposals", "grassroots", "supervision", "meetings", "visits", "excellent"):
        assert f'data-testid="paragraph-{key}"' in html
    assert "全年收集信息" in html and "全年召开常委会议" in html


@pytest.mark.parametrize("year", ["abc", "1800", "99999999999999999999", "<b>"])
def test_bad_year_gets_a_message_not_an_error(leader_client, year):
    response = leader_client.get(reverse("work-report"), {"year": year})
    assert response.status_code == 200
    assert "年份" in response.content.decode()


def test_generated_docx_has_title_body_and_page_number(leader_client):
    response = leader_client.get(reverse("work-report"), {"year": "2023", "format": "docx"})
    assert response.status_code == 200
    text = docx_text(response.content)
    assert text.startswith("中原区政协2023年度工作统计") and "全年开展基层协商" in text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        footer = "".join(archive.read(n).decode() for n in archive.namelist() if "footer" in n)
        document = archive.read("word/document.xml").decode()
    assert "PAGE" in footer
    assert "仿宋_GB2312" in document


def test_edited_text_is_exported_to_docx_and_pdf(leader_client):
    data = {"year": "2023", "title": "2023年工作报告摘编",
            "text": "第一段改过的文字。\n\n第二段：全年召开常委会议6次。"}
    response = leader_client.post(reverse("work-report"), {**data, "format": "docx"})
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "2023年工作报告摘编" in text and "第一段改过的文字。" in text and "全年召开常委会议6次" in text

    from zhongyuan_cppcc.dashboard.report_export import to_pdf

    pdf = to_pdf(data["title"], ["第一段改过的文字。"], compress=False)
    assert pdf.startswith(b"%PDF")
    response = leader_client.post(reverse("work-report"), {**data, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "第一段改过的文字" in pdf_text and "— 1 —" in pdf_text


@pytest.mark.parametrize("data", [{"text": "", "format": "docx"}, {"text": "x" * 30000, "format": "pdf"},
                                  {"text": "正文", "format": "exe"}])
def test_bad_export_input_gets_a_chinese_message(leader_client, data):
    response = leader_client.post(reverse("work-report"), {"year": "2023", **data})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_member_may_not_open_the_report(client_for):
    response = client_for(make_user("member")).get(reverse("work-report"), {"year": "2023"})
    assert response.status_code == 403


def test_dashboard_links_to_the_report(leader_client):
    response = leader_client.get(reverse("dashboard"), {"year": "2023"})
    assert reverse("work-report") + "?year=2023" in response.content.decode()
