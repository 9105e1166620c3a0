"""Member pages: masking everywhere, reveal with audit, IDOR, filters, export, forms, query counts."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, SpecialCommittee, Street
from zhongyuan_cppcc.audit.models import AuditEvent

from .factories import MemberFactory, make_id_number, party, sector, term10

LIST = reverse("members:member-list")
EXPORT = reverse("members:member-export")


@pytest.fixture
def alice(db):
    return MemberFactory(name="张三", id_number=make_id_number(101), mobile="13812345678")


def sheet_rows(response) -> list[list]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_list_and_detail_show_masked_numbers_only(client_for, officer, alice):
    number = make_id_number(101)
    client = client_for(officer)
    for url in (LIST, reverse("members:member-detail", args=[alice.pk]),
                reverse("members:member-update", args=[alice.pk])):
        html = client.get(url).content.decode()
        assert number not in html and "13812345678" not in html, url
    html = client.get(LIST).content.decode()
    assert number[:3] + "*" * 11 + number[-4:] in html
    assert "138****5678" in html
    detail = client.get(reverse("members:member-detail", args=[alice.pk])).content.decode()
    assert reverse("members:member-reveal", args=[alice.pk]) not in detail  # no permission, no button


@pytest.mark.django_db
def test_reveal_shows_full_numbers_and_is_audited(client_for, full_data_officer, officer, alice):
    url = reverse("members:member-reveal", args=[alice.pk])
    client = client_for(full_data_officer)
    assert url in client.get(reverse("members:member-detail", args=[alice.pk])).content.decode()
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert make_id_number(101) in html and "13812345678" in html
    assert AuditEvent.objects.filter(action="members.personal_data_revealed", actor=full_data_officer,
                                     object_id=str(alice.pk), outcome="success").count() == 1
    # Without the permission: 403 and an audit row of the refusal.
    assert client_for(officer).post(url).status_code == 403
    assert AuditEvent.objects.filter(action="members.personal_data_revealed", actor=officer,
                                     outcome="denied").exists()


@pytest.mark.django_db
def test_reveal_is_post_only(client_for, full_data_officer, alice):
    assert client_for(full_data_officer).get(reverse("members:member-reveal", args=[alice.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="members.personal_data_revealed").exists()


@pytest.mark.django_db
def test_member_sees_own_record_and_nobody_elses(client_for, member_with_account, alice):
    client = client_for(member_with_account.user)
    own = member_with_account
    assert client.get(reverse("members:member-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("members:member-record", args=[own.pk])).status_code == 200
    me = client.get(reverse("members:my-record"))
    assert me.status_code == 200 and own.name in me.content.decode()
    for name in ("members:member-detail", "members:member-record", "members:member-photo",
                 "members:member-reveal"):
        method = client.post if name == "members:member-reveal" else client.get
        assert method(reverse(name, args=[alice.pk])).status_code == 404, name
    assert client.get(LIST).status_code == 403
    assert client.post(EXPORT).status_code == 403
    assert client.post(EXPORT, {"full": "1"}).status_code == 403
    assert client.get(EXPORT).status_code == 405  # exports are POST only
    assert client.get(reverse("members:ranking")).status_code == 403


@pytest.mark.django_db
def test_member_without_record_gets_a_notice(client_for, user_with_role):
    response = client_for(user_with_role("member")).get(reverse("members:my-record"))
    assert response.status_code == 200
    assert "尚未关联" in response.content.decode()


@pytest.mark.django_db
def test_handler_cannot_see_members(client_for, user_with_role, alice):
    client = client_for(user_with_role("handler"))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("members:member-detail", args=[alice.pk])).status_code == 404


@pytest.mark.django_db
def test_filters(client_for, officer, term):
    street = Street.objects.get(name="林山寨街道")
    committee = SpecialCommittee.objects.get(name="提案委员会")
    a = MemberFactory(name="甲", party_short="中共", sector_name="中国共产党", street=street, standing=True)
    a.special_committees.add(committee)
    MemberFactory(name="乙", party_short="民盟", resigned=True)
    MemberFactory(name="丙", party_short="无党派", sector_name="工商联", with_term=False)
    client = client_for(officer)

    def listed(query: str) -> set[str]:
        return {m.name for m in client.get(LIST + "?" + query).context["rows"]}

    assert listed(f"party={party('中共').pk}") == {"甲"}
    assert listed(f"sector={sector('工商联').pk}") == {"丙"}
    assert listed(f"street={street.pk}") == {"甲"}
    assert listed(f"special_committee={committee.pk}") == {"甲"}
    assert listed("standing=yes") == {"甲"}
    assert listed("standing=no") == {"乙", "丙"}
    assert listed(f"term={term10().pk}") == {"甲", "乙"}
    assert listed("status=resigned") == {"乙"}
    assert listed("q=j") == {"甲"}
    assert listed("party=not-a-number") == {"甲", "乙", "丙"}  # a bad filter is ignored, not a 500


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_page_size(client_for, officer):
    for i in range(30):
        MemberFactory(name=f"委员{i}")
    client = client_for(officer)
    client.get(LIST)  # warm caches (content types, permissions)
    counts = []
    for per_page in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST + f"?per_page={per_page}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 20


@pytest.mark.django_db
def test_export_is_masked_and_audited(client_for, officer, alice):
    response = client_for(officer).post(EXPORT, {"q": "zs"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response)
    header, data = rows[0], rows[1:]
    assert [r[0] for r in data] == ["张三"]
    id_col, mobile_col = header.index("身份证号"), header.index("手机号")
    assert data[0][id_col] == alice.id_number_masked and data[0][mobile_col] == "138****5678"
    flat = " ".join(str(c) for r in rows for c in r)
    assert make_id_number(101) not in flat and "13812345678" not in flat
    event = AuditEvent.objects.get(action="members.exported")
    assert event.details["rows"] == 1 and event.details["full_personal_data"] is False
    assert event.details["filters"] == {"q": "zs"}


@pytest.mark.django_db
def test_full_export_needs_the_permission(client_for, officer, full_data_officer, alice):
    assert client_for(officer).post(EXPORT, {"full": "1"}).status_code == 403
    assert AuditEvent.objects.filter(action="members.exported", outcome="denied").exists()
    response = client_for(full_data_officer).post(EXPORT, {"full": "1"})
    rows = sheet_rows(response)
    assert rows[1][rows[0].index("身份证号")] == make_id_number(101)
    assert AuditEvent.objects.filter(action="members.exported", actor=full_data_officer,
                                     details__full_personal_data=True).exists()


@pytest.mark.django_db
def test_full_export_can_be_imported_again(client_for, full_data_officer, alice):
    """The export has the template's columns, so a full export re-imports as updates."""
    response = client_for(full_data_officer).post(EXPORT, {"full": "1"})
    content = b"".join(response.streaming_content)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("export.xlsx", content)
    response = client_for(full_data_officer).post(reverse("members:import"), {"file": upload})
    from members.models import ImportJob
    from members.tasks import member_import_task

    member_import_task(ImportJob.objects.get().pk)  # the worker's part (the request only queues it)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "succeeded", (job.message, job.errors)
    assert (job.created_count, job.updated_count) == (0, 1)
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_create_and_edit_forms(client_for, officer, term):
    client = client_for(officer)
    number = make_id_number(201, birth=date(1970, 3, 4), male=False)
    data = {"name": "赵敏", "id_number": number, "ethnic_group": "汉族", "party": party("民进").pk,
            "sector": sector("教育界").pk, "status": "serving", "terms": [term.pk], "mobile": "13900001111"}
    response = client.post(reverse("members:member-create"), data)
    member = Member.objects.get(name="赵敏")
    assert response.status_code == 302
    assert (member.gender, member.birth_date, member.name_initials) == ("female", date(1970, 3, 4), "zm")
    # The same ID number again: a form error in Chinese, nothing created, no 500.
    again = client.post(reverse("members:member-create"), {**data, "name": "赵敏二"})
    assert again.status_code == 200 and "已有委员使用该身份证号" in again.content.decode()
    assert Member.objects.count() == 1
    # Editing without touching the ID or mobile keeps both.
    edit = client.post(reverse("members:member-update", args=[member.pk]),
                       {**data, "id_number": "", "mobile": "", "employer": "中原区第二实验小学"})
    assert edit.status_code == 302
    member.refresh_from_db()
    assert member.employer == "中原区第二实验小学" and member.mobile == "13900001111"
    assert member.id_number_hash and AuditEvent.objects.filter(action="members.member_changed").exists()


@pytest.mark.django_db
def test_bad_id_number_in_form_is_explained(client_for, officer):
    valid = make_id_number(301)
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
    response = client_for(officer).post(reverse("members:member-create"), {
        "name": "钱多", "id_number": wrong, "party": party().pk, "sector": sector().pk,
        "status": "serving", "ethnic_group": "汉族"})
    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_photo_is_checked_and_served_only_to_who_may_see_the_member(client_for, officer, member_with_account):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(officer)
    data = {"name": member_with_account.name, "party": party().pk, "sector": sector().pk, "status": "serving",
            "ethnic_group": "汉族", "user": member_with_account.user_id}
    fake = SimpleUploadedFile("a.png", b"not an image")
    response = client.post(reverse("members:member-update", args=[member_with_account.pk]), {**data, "photo": fake})
    assert "JPEG 或 PNG" in response.content.decode()
    png = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert client.post(reverse("members:member-update", args=[member_with_account.pk]),
                       {**data, "photo": png}).status_code == 302
    url = reverse("members:member-photo", args=[member_with_account.pk])
    assert client.get(url).status_code == 200
    assert client_for(member_with_account.user).get(url).status_code == 200
    stranger = MemberFactory(with_account=True)
    assert client_for(stranger.user).get(url).status_code == 404


@pytest.mark.django_db
def test_edit_form_is_prefilled(client_for, officer, member_with_account):
    form = client_for(officer).get(reverse("members:member-update", args=[member_with_account.pk])).context["form"]
    assert form["name"].value() == member_with_account.name
    assert str(form["party"].value()) == str(member_with_account.party_id)
    assert str(form["user"].value()) == str(member_with_account.user_id)
    assert not form["id_number"].value() and not form["mobile"].value()


@pytest.mark.django_db
def test_unit_form_is_prefilled_and_saves_officers(client_for, officer, user_with_role):
    from members.models import HandlingUnit

    handler = user_with_role("handler")
    client = client_for(officer)
    assert client.post(reverse("members:unit-create"), {"name": "区测试局", "kind": "department", "is_active": "on",
                                                        "officers": [handler.pk]}).status_code == 302
    unit = HandlingUnit.objects.get(name="区测试局")
    assert list(unit.officers.all()) == [handler]
    form = client.get(reverse("members:unit-update", args=[unit.pk])).context["form"]
    assert form["name"].value() == "区测试局" and list(form["officers"].value()) == [handler.pk]
    refused = client.post(reverse("members:unit-update", args=[unit.pk]), {
        "name": "区测试局", "kind": "department", "officers": [user_with_role("member").pk]})
    assert refused.status_code == 200
