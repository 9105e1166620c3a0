"""Pages: street scoping and IDOR on every object URL, refusals without a 500, escaping, the action table."""

from datetime import date

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Attendance, Outcome, Room, Session, Topic, TopicSource
from consultations.workflow import SessionStatus

from .conftest import make_session

OBJECT_URLS = {
    "session": ["session-detail", "session-edit", "session-participants"],
    "outcome": ["outcome-detail", "outcome-edit"],
    "topic": ["topic-detail", "topic-edit"],
    "room": ["room-detail", "room-edit"],
    "project": ["project-detail", "project-edit"],
}
POST_URLS = {
    "session": ["session-hold", "session-add-outcome", "session-record", "session-close"],
    "outcome": ["outcome-start", "outcome-implement", "outcome-keep", "outcome-note", "outcome-convert"],
    "topic": ["topic-accept", "topic-decline", "topic-schedule"],
}


@pytest.fixture
def objects_a(world):
    """One object of each kind in street A."""
    officer = world.officer_a
    room = services.room_save(actor=officer, name="甲街道协商议事室", level="street", street=world.street_a)
    project = services.project_save(actor=officer, name="甲项目", street=world.street_a)
    session = make_session(officer, street=world.street_a, room=room, venue="")
    services.session_set_participants(actor=officer, session=session,
                                      attendance={world.member.pk: Attendance.INVITED})
    services.session_hold(actor=officer, session=session)
    outcome = services.outcome_add(actor=officer, session=session, text="内部建议", is_public=False)
    topic = services.topic_propose(actor=officer, title="甲议题", street=world.street_a, source=TopicSource.STREET)
    return {"session": session, "outcome": outcome, "topic": topic, "room": room, "project": project}


def test_another_streets_officer_gets_404_on_every_object_url(world, objects_a, client_for):
    client = client_for(world.officer_b)
    for kind, names in OBJECT_URLS.items():
        for name in names:
            url = reverse(f"consultations:{name}", args=[objects_a[kind].pk])
            assert client.get(url).status_code == 404, url
    for kind, names in POST_URLS.items():
        for name in names:
            url = reverse(f"consultations:{name}", args=[objects_a[kind].pk])
            assert client.post(url, {"note": "x", "reason": "x", "text": "x"}).status_code == 404, url
    assert Session.objects.get(pk=objects_a["session"].pk).status == SessionStatus.HELD
    assert Outcome.objects.count() == 1


def test_the_own_street_officer_and_the_district_officer_open_every_object_url(world, objects_a, client_for):
    for user in (world.officer_a, world.district_officer):
        client = client_for(user)
        for kind, names in OBJECT_URLS.items():
            for name in names:
                url = reverse(f"consultations:{name}", args=[objects_a[kind].pk])
                assert client.get(url).status_code == 200, url


def test_leader_reads_but_cannot_act(world, objects_a, client_for):
    client = client_for(world.leader)
    assert client.get(reverse("consultations:session-detail", args=[objects_a["session"].pk])).status_code == 200
    assert client.get(reverse("consultations:session-edit", args=[objects_a["session"].pk])).status_code == 403
    response = client.post(reverse("consultations:session-record", args=[objects_a["session"].pk]), {"note": "x"})
    assert response.status_code == 403
    assert Session.objects.get(pk=objects_a["session"].pk).status == SessionStatus.HELD


def test_members_see_their_sessions_only(world, objects_a, client_for):
    participant = client_for(world.member.user)
    detail = reverse("consultations:session-detail", args=[objects_a["session"].pk])
    page = participant.get(detail)
    assert page.status_code == 200 and "session-hold" not in page.content.decode()
    assert participant.get(reverse("consultations:outcome-detail", args=[objects_a["outcome"].pk])).status_code == 200
    assert participant.get(reverse("consultations:topic-detail", args=[objects_a["topic"].pk])).status_code == 404
    outsider = client_for(world.outsider)
    assert outsider.get(detail).status_code == 404
    assert outsider.get(reverse("consultations:outcome-detail", args=[objects_a["outcome"].pk])).status_code == 404
    listing = outsider.get(reverse("consultations:session-list"))
    assert listing.status_code == 200 and "小区消防安全协商" not in listing.content.decode()


def test_lists_are_scoped(world, objects_a, client_for):
    make_session(world.officer_b, street=world.street_b, title="乙街道的会")
    a_page = client_for(world.officer_a).get(reverse("consultations:session-list")).content.decode()
    assert "小区消防安全协商" in a_page and "乙街道的会" not in a_page
    district = client_for(world.district_officer).get(reverse("consultations:session-list")).content.decode()
    assert "小区消防安全协商" in district and "乙街道的会" in district
    rooms = client_for(world.officer_b).get(reverse("consultations:room-list") + "?view=cards").content.decode()
    assert "甲街道协商议事室" not in rooms


def test_session_pages_end_to_end(world, client_for):
    client = client_for(world.officer_a)
    response = client.post(reverse("consultations:session-create"), {
        "kind": "grassroots", "title": "老旧小区电梯加装", "street": world.street_a.pk, "venue": "社区会议室",
        "date": "2025-06-15", "residents_count": "12"})
    session = Session.objects.get(title="老旧小区电梯加装")
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    detail = client.get(session.get_absolute_url()).content.decode()
    assert reverse("consultations:session-hold", args=[session.pk]) in detail
    assert reverse("consultations:session-close", args=[session.pk]) not in detail
    client.post(reverse("consultations:session-hold", args=[session.pk]), {"residents_count": "30", "minutes": "纪要"})
    client.post(reverse("consultations:session-add-outcome", args=[session.pk]),
                {"text": "加装电梯", "responsible": "区住建局", "due_on": "2025-09-30", "is_public": "on"})
    client.post(reverse("consultations:session-record", args=[session.pk]), {"note": ""})
    client.post(reverse("consultations:session-close", args=[session.pk]), {"note": ""})
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.residents_count == 30
    assert session.outcomes.get().responsible == "区住建局"


def test_bad_input_is_refused_with_a_chinese_message_and_nothing_saved(world, client_for):
    client = client_for(world.officer_a)
    response = client.post(reverse("consultations:session-create"), {
        "kind": "grassroots", "title": "无地点", "street": world.street_a.pk, "venue": "", "date": "2025-13-45"})
    assert response.status_code == 200 and not Session.objects.exists()
    response = client.post(reverse("consultations:session-create"), {
        "kind": "grassroots", "title": "无地点", "street": world.street_a.pk, "venue": "", "date": "2025-06-01"})
    assert response.status_code == 200 and not Session.objects.exists()
    assert "请选择议事室或填写地点" in response.content.decode()
    # Another street in the form: the choice is refused.
    response = client.post(reverse("consultations:session-create"), {
        "kind": "grassroots", "title": "x", "street": world.street_b.pk, "venue": "v", "date": "2025-06-01"})
    assert response.status_code == 200 and not Session.objects.exists()
    session = make_session(world.officer_a, street=world.street_a, date_=date(2025, 7, 1))
    response = client.post(reverse("consultations:session-hold", args=[session.pk]), {"residents_count": "-3"})
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED
    response = client.post(reverse("consultations:session-hold", args=[session.pk]), {}, follow=True)
    assert "不能在会议日期之前" in response.content.decode()
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED


def test_text_is_escaped(world, client_for):
    session = make_session(world.officer_a, street=world.street_a, title="<script>alert(1)</script>")
    content = client_for(world.officer_a).get(session.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content and "&lt;script&gt;" in content


def test_member_proposes_a_topic_and_the_resident_name_is_masked(world, client_for):
    client = client_for(world.member.user)
    response = client.post(reverse("consultations:topic-propose"),
                           {"title": "电动充电桩管理", "street": world.street_a.pk, "description": "充电难"})
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.member == world.member and topic.source == TopicSource.MEMBER
    assert "电动充电桩管理" in client.get(reverse("consultations:my-topics")).content.decode()
    resident = services.topic_propose(actor=world.officer_a, title="楼道杂物", street=world.street_a,
                                      source=TopicSource.RESIDENT, proposer_name="王小花",
                                      proposer_contact="13812345678")
    page = client_for(world.officer_a).get(resident.get_absolute_url()).content.decode()
    assert "王**" in page and "王小花" not in page and "138****5678" in page and "13812345678" not in page


def test_room_form_and_coverage(world, client_for):
    client = client_for(world.officer_a)
    response = client.post(reverse("consultations:room-create"), {
        "name": "甲街道协商议事室", "level": "street", "street": world.street_a.pk, "has_site": "on",
        "opened_on": "2021-05-01"})
    assert response.status_code == 302 and Room.objects.get().has_site
    page = client.get(reverse("consultations:coverage")).content.decode()
    assert "1 / 1" in page or "1 个" in page or "1" in page
    district = client_for(world.district_officer).get(reverse("consultations:coverage"))
    assert [row["rooms"] for row in district.context["rows"]].count(0) == 13 and district.context["covered"] == 1


def test_home_section_for_the_officer(world, objects_a, client_for):
    content = client_for(world.officer_a).get("/").content.decode()
    assert reverse("consultations:session-create") in content
    member_home = client_for(world.member.user).get("/").content.decode()
    assert reverse("consultations:topic-propose") in member_home


def test_session_record_pdf(world, objects_a, client_for):
    import re

    url = reverse("consultations:session-pdf", args=[objects_a["session"].pk])
    response = client_for(world.officer_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and "filename*=UTF-8''" in response["Content-Disposition"]
    assert client_for(world.member.user).get(url).status_code == 200  # took part
    assert client_for(world.officer_b).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    from consultations.views import SessionPdfView  # noqa: F401 - the view renders through zhongyuan_cppcc.pdf
    from zhongyuan_cppcc.pdf import render_pdf

    pdf = render_pdf("consultations/session_pdf.html", {"session": objects_a["session"], "outcomes": [],
                                                        "topics": [], "participations": []}, compress=False)
    assert re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z\-]+CJK[A-Za-z\-]*)", pdf)


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_photos_checked_by_content_and_served_to_those_who_see_the_room(world, objects_a, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations.models import Photo

    room = objects_a["room"]
    client = client_for(world.officer_a)
    url = reverse("consultations:room-photo-add", args=[room.pk])
    fake = SimpleUploadedFile("议事室.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = client.post(url, {"file": fake}, follow=True)
    assert "不是有效的" in response.content.decode() or "内容" in response.content.decode()
    assert not Photo.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("挂牌照片.png", PNG, content_type="image/png"),
                                 "caption": "挂牌"})
    photo = Photo.objects.get()
    assert response.status_code == 302 and photo.file.name.endswith(".png") and "挂牌照片" not in photo.file.name
    served = client.get(reverse("consultations:photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert client_for(world.officer_b).get(reverse("consultations:photo", args=[photo.pk])).status_code == 404
    assert client_for(world.officer_b).post(url, {"file": SimpleUploadedFile("b.png", PNG)}).status_code == 404
    assert client_for(world.leader).post(url, {"file": SimpleUploadedFile("b.png", PNG)}).status_code == 403
    assert client_for(world.outsider).get(reverse("consultations:photo", args=[photo.pk])).status_code == 404
    # A participant member sees the session's photos; the room's stay with staff.
    session_url = reverse("consultations:session-photo-add", args=[objects_a["session"].pk])
    client.post(session_url, {"file": SimpleUploadedFile("s.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)})
    session_photo = Photo.objects.get(session=objects_a["session"])
    member = client_for(world.member.user)
    assert member.get(reverse("consultations:photo", args=[session_photo.pk])).status_code == 200
    assert member.get(reverse("consultations:photo", args=[photo.pk])).status_code == 404
    client.post(reverse("consultations:photo-remove", args=[photo.pk]))
    assert not Photo.objects.filter(pk=photo.pk).exists()


def test_sysadmin_attaches_an_officer_to_a_street_in_the_admin(world, client_for, user_with_role):
    from consultations.models import OfficerStreet

    admin = client_for(user_with_role("sysadmin"))
    officer = user_with_role("consultation_officer", username="new-street-officer")
    response = admin.post(reverse("admin:consultations_officerstreet_add"),
                          {"user": officer.pk, "street": world.street_b.pk})
    assert response.status_code == 302
    assert OfficerStreet.objects.get(user=officer).street == world.street_b
    assert client_for(world.officer_a).get(reverse("admin:consultations_officerstreet_changelist")).status_code in (
        302, 403)


GARBAGE = [{}, {"note": "x" * 5000, "reason": "", "text": "", "date": "2025-02-30", "session": "abc",
                "member": "-1", "target": "nonsense", "residents_count": "1e9", "due_on": "tomorrow",
                "title": "", "kind": "x", "street": "0", "add": ["999999", "x"], "file": "not a file"}]


def test_garbage_never_answers_500(world, objects_a, client_for):
    client = client_for(world.officer_a)
    for kind, names in {**POST_URLS, "room": ["room-photo-add"], "session": [*POST_URLS["session"],
                                                                                 "session-photo-add"]}.items():
        for name in names:
            url = reverse(f"consultations:{name}", args=[objects_a[kind].pk])
            for data in GARBAGE:
                assert client.post(url, data).status_code in (302, 200), (url, data)
    for kind, names in OBJECT_URLS.items():
        for name in names:
            url = reverse(f"consultations:{name}", args=[objects_a[kind].pk])
            for data in GARBAGE:
                assert client.post(url, data).status_code in (200, 302, 405), (url, data)
    for name in ("session-create", "topic-create", "room-create", "project-create"):
        for data in GARBAGE:
            assert client.post(reverse(f"consultations:{name}"), data).status_code == 200
    assert client_for(world.member.user).post(reverse("consultations:topic-propose"), GARBAGE[1]).status_code == 200
    for name in ("session-list", "outcome-list", "topic-list", "room-list", "project-list"):
        response = client.get(reverse(f"consultations:{name}"), {"year": "x" * 50, "street": "abc", "page": "-1",
                                                                  "per_page": "9" * 40, "overdue": "maybe"})
        assert response.status_code == 200
