"""The print button of the performance record (委员履职档案): a PDF rendered on the server with what the record page
shows for its year — the member's data (no ID or mobile number, as on the page), the year's score and rank, the
year's events — for whoever may see the page, audited."""

import io
from datetime import date
from urllib.parse import unquote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from members import services
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.core.masking import mask_id_number, mask_mobile

from .factories import MemberFactory, make_id_number, staff_actor

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(4711)
MOBILE = "13987654321"


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def pdf_url(member, year=None) -> str:
    url = reverse("members:member-record-pdf", args=[member.pk])
    return f"{url}?year={year}" if year else url


@pytest.fixture
def member(term):
    """A member with an account, events in 2023 and one in 2022 (told apart by their notes)."""
    member = MemberFactory(name="王明远", with_account=True, id_number=ID_NUMBER, mobile=MOBILE,
                           employer="中原区实验小学")
    actor = staff_actor()
    services.ledger_record_single(member=member, kind="research", subkind="research", date=date(2023, 4, 3),
                                  note="社区养老专题调研", actor=actor)
    services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2023, 9, 12),
                                  note="理论学习中心组", actor=actor)
    services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2022, 5, 6),
                                  note="往年读书会", actor=actor)
    return member


def test_the_record_of_the_chosen_year_prints_as_a_pdf(client_for, officer, member):
    response = client_for(officer).get(pdf_url(member, 2023))
    text = pdf_text(response)
    assert response["Content-Disposition"].startswith("inline;")
    assert "王明远的履职档案2023.pdf" in unquote(response["Content-Disposition"])
    # The masthead and the title, as on the other printed documents.
    assert "中国人民政治协商会议郑州市中原区委员会" in text and "委员履职档案" in text
    # The member's data as the page shows it, the year's score, the year's events and nothing of another year.
    assert "王明远" in text and "民盟" in text and "教育界" in text and "中原区实验小学" in text
    assert "2023年积分" in text and "2023年履职记录" in text
    assert "社区养老专题调研" in text and "理论学习中心组" in text and "2023-04-03" in text
    assert "往年读书会" not in text and "2022-05-06" not in text
    # The other year, asked for by the page's year parameter, holds the other event only.
    other = pdf_text(client_for(officer).get(pdf_url(member, 2022)))
    assert "往年读书会" in other and "社区养老专题调研" not in other


def test_the_pdf_shows_the_score_and_rank_the_record_page_shows(client_for, officer, member):
    client = client_for(officer)
    page = client.get(reverse("members:member-record", args=[member.pk]) + "?year=2023").context
    text = pdf_text(client.get(pdf_url(member, 2023)))
    assert str(page["current"].score) in text
    assert page["current"].grade_label in text
    assert page["band"] and page["band"] in text
    assert f"第 {page['rank']} / {page['ranked_total']} 名" in text


def test_a_running_year_prints_as_in_progress_not_as_a_grade(client_for, term):
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        member = MemberFactory(with_account=True)
        services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2026, 3, 2),
                                      note="年中学习", actor=staff_actor())
        text = pdf_text(client_for(member.user).get(pdf_url(member, 2026)))
    assert "年度进行中" in text and "不称职" not in text and "年中学习" in text


def test_id_and_mobile_numbers_never_reach_the_pdf(client_for, officer, full_data_officer, member):
    """The record page shows neither number, so the printout shows neither — in full or masked — whoever prints,
    even an account cleared for full personal data."""
    for user in (officer, full_data_officer, member.user):
        text = pdf_text(client_for(user).get(pdf_url(member, 2023)))
        flat = "".join(text.split())
        assert ID_NUMBER not in flat and MOBILE not in flat, user
        assert mask_id_number(ID_NUMBER) not in flat and mask_mobile(MOBILE) not in flat, user
        assert "王明远" in flat


def test_a_member_prints_their_own_record_and_nobody_elses(client_for, member, user_with_role):
    own = client_for(member.user)
    assert "社区养老专题调研" in pdf_text(own.get(pdf_url(member, 2023)))
    stranger = MemberFactory(with_account=True)
    assert own.get(pdf_url(stranger)).status_code == 404
    assert client_for(stranger.user).get(pdf_url(member)).status_code == 404
    assert client_for(user_with_role("handler")).get(pdf_url(member)).status_code == 404
    assert client_for(user_with_role("proposal_officer")).get(pdf_url(member)).status_code == 404
    assert own.post(pdf_url(member)).status_code == 405
    anonymous = Client().get(pdf_url(member))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert not AuditEvent.objects.filter(action="members.record_printed", object_id=str(stranger.pk)).exists()


def test_printing_is_audited_with_the_year(client_for, leader, member):
    assert not AuditEvent.objects.filter(action="members.record_printed").exists()
    pdf_text(client_for(leader).get(pdf_url(member, 2022)))
    event = AuditEvent.objects.get(action="members.record_printed")
    assert event.actor == leader
    assert (event.object_type, event.object_id) == ("members.member", str(member.pk))
    assert event.details["year"] == 2022


def test_the_record_pages_offer_the_print_button_for_their_year(client_for, officer, member):
    expected = pdf_url(member, 2022)
    staff_page = client_for(officer).get(reverse("members:member-record", args=[member.pk]) + "?year=2022")
    own_page = client_for(member.user).get(reverse("members:my-record") + "?year=2022")
    for response in (staff_page, own_page):
        html = response.content.decode()
        assert f'href="{expected}" target="_blank"' in html
        assert "打印（PDF）" in html
