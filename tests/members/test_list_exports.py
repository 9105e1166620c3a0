"""Excel exports of the visits, meetings and activities lists and of a member's performance record (issue 15):
the page's rows for the page's filters, Chinese headers, labels and file names, the page's permission, audited,
free text never a formula. Also: the ranking and shortlist files have Chinese names."""

import io
import re
from datetime import date, datetime
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from members import services
from members.models import ExcellentShortlist, LedgerEvent, Meeting, Visit
from tests.factories import make_user
from zhongyuan_cppcc.audit.models import AuditEvent

from .factories import MemberFactory, staff_actor, term10

pytestmark = pytest.mark.django_db

TODAY = datetime(2024, 6, 1, 10, 0)
# Chinese characters, digits and separators only (no English word): "走访联络党外委员-20240601-1000.xlsx".
CHINESE_NAME = re.compile(r"[\u4e00-\u9fff\d\-、]*[\u4e00-\u9fff][\u4e00-\u9fff\d\-、]*\.xlsx")


@pytest.fixture(autouse=True)
def _pinned_day():
    """The lists' year filters offer 2022 up to this year: the tests hold on any date."""
    with time_machine.travel(TODAY, tick=False):
        yield


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content) if response.streaming else response.content


def workbook_rows(response) -> list[list]:
    ws = load_workbook(io.BytesIO(body(response)), read_only=True).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def file_name(response) -> str:
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;")
    return disposition.rsplit("''", 1)[-1] if "''" in disposition else disposition.split('filename="')[1][:-1]


def assert_refused(url: str, client_for, data=None) -> None:
    """Roles that cannot see the list cannot export it (403, nothing audited as an export); GET is not allowed."""
    for role in ("handler", "member", "proposal_officer"):
        response = client_for(make_user(role, username=f"refused-{role}")).post(url, data or {})
        assert response.status_code == 403, role
    assert not AuditEvent.objects.filter(action="members.exported", actor__username__startswith="refused-").exists()
    assert client_for(make_user("member_officer", username="refused-get")).get(url).status_code == 405


# --- Visits --------------------------------------------------------------------------------------------------


@pytest.fixture
def visits(term):
    zhang, li = MemberFactory(name="张三", party_short="民盟"), MemberFactory(name="李四", party_short="民进")
    actor = staff_actor()
    made = []
    for member, day, notes in ((zhang, date(2023, 5, 1), "去年"), (li, date(2024, 2, 1), "春节前"),
                               (zhang, date(2024, 3, 1), "了解企业经营情况")):
        made.append(services.visit_record(member=member, date=day, visitors="周文博、李华", purpose="走访慰问",
                                          notes=notes, actor=actor))
    return made


def test_the_visit_export_holds_the_filtered_list_in_chinese(client_for, officer, visits):
    client = client_for(officer)
    filters = {"year": "2024", "q": "zs"}
    page = client.get(reverse("members:visit-list"), filters)
    assert page.context["export_url"] == reverse("members:visit-export")
    assert sorted(page.context["export_fields"]) == [("q", "zs"), ("year", "2024")]
    assert 'data-testid="export-form"' in page.content.decode()

    response = client.post(reverse("members:visit-export"), filters)
    rows = workbook_rows(response)
    assert rows[0] == ["日期", "委员", "党派", "走访人员", "走访事由", "备注"]
    assert rows[1:] == [[datetime(2024, 3, 1), "张三", "民盟", "周文博、李华", "走访慰问", "了解企业经营情况"]]
    assert [(v.member.name, v.date) for v in page.context["rows"]] == [(r[1], r[0].date()) for r in rows[1:]]
    name = file_name(response)
    assert name.startswith("走访联络党外委员-") and CHINESE_NAME.fullmatch(name), name
    event = AuditEvent.objects.get(action="members.exported", actor=officer)
    assert event.object_type == "members.visit"
    assert event.details == {"rows": 1, "filters": {"year": ["2024"], "q": ["zs"]}}


def test_the_visit_export_ignores_bad_filters_as_the_list_does(client_for, leader, visits):
    client = client_for(leader)  # leaders read the list too
    listed = client.get(reverse("members:visit-list"), {"year": "abc"}).context["rows"]
    rows = workbook_rows(client.post(reverse("members:visit-export"), {"year": "abc"}))
    assert len(rows) - 1 == len(listed) == 3
    assert [r[0].date() for r in rows[1:]] == [date(2024, 3, 1), date(2024, 2, 1), date(2023, 5, 1)]


def test_only_who_sees_the_visit_list_exports_it(client_for, visits):
    assert_refused(reverse("members:visit-export"), client_for)


# --- Meetings ------------------------------------------------------------------------------------------------


@pytest.fixture
def meetings(term):
    actor = staff_actor()
    standing = MemberFactory(name="常委甲", standing=True)
    other = MemberFactory(name="常委乙", standing=True)
    first = services.meeting_create(kind="standing", title="十届常委会第五次会议", date=date(2023, 4, 18),
                                    term=term10(), location="区政协三楼会议室", actor=actor)
    services.meeting_record_attendance(meeting=first, statuses={standing.pk: "attended", other.pk: "absent"},
                                       actor=actor)
    second = services.meeting_create(kind="standing", title="十届常委会第八次会议", date=date(2024, 1, 10),
                                     term=term10(), actor=actor)
    services.meeting_record_attendance(meeting=second, statuses={standing.pk: "attended", other.pk: "attended"},
                                       actor=actor)
    plenary = services.meeting_create(kind="plenary", title="十届三次全会", date=date(2024, 1, 5), term=term10(),
                                      actor=actor)
    return first, second, plenary


def test_the_meeting_export_holds_the_filtered_list_with_attendance(client_for, officer, meetings):
    client = client_for(officer)
    filters = {"kind": "standing"}
    page = client.get(reverse("members:meeting-list"), filters)
    assert page.context["export_url"] == reverse("members:meeting-export")
    assert page.context["export_fields"] == [("kind", "standing")]

    response = client.post(reverse("members:meeting-export"), filters)
    rows = workbook_rows(response)
    assert rows[0] == ["日期", "会议", "类别", "届次", "地点", "出席", "已登记"]
    assert rows[1:] == [
        [datetime(2024, 1, 10), "十届常委会第八次会议", "常委会议", "第十届", None, 2, 2],
        [datetime(2023, 4, 18), "十届常委会第五次会议", "常委会议", "第十届", "区政协三楼会议室", 1, 2],
    ]
    assert [m.title for m in page.context["rows"]] == [r[1] for r in rows[1:]]
    name = file_name(response)
    assert name.startswith("会议考勤-") and CHINESE_NAME.fullmatch(name), name
    event = AuditEvent.objects.get(action="members.exported", actor=officer)
    assert event.object_type == "members.meeting"
    assert event.details == {"rows": 2, "filters": {"kind": ["standing"]}}

    by_year = workbook_rows(client.post(reverse("members:meeting-export"), {"year": "2024"}))
    assert [(r[1], r[2]) for r in by_year[1:]] == [("十届常委会第八次会议", "常委会议"), ("十届三次全会", "全体会议")]


def test_only_who_sees_the_meeting_list_exports_it(client_for, meetings):
    assert_refused(reverse("members:meeting-export"), client_for)


# --- Activities ----------------------------------------------------------------------------------------------


@pytest.fixture
def activities(term):
    actor = staff_actor()
    zhang, li, wang = MemberFactory(name="张三"), MemberFactory(name="李四"), MemberFactory(name="王五")
    research = services.activity_create(kind="research", subkind="research", title="民营经济发展专题调研",
                                        date=date(2024, 3, 1), participants=[zhang, li, wang], notes="形成报告一篇",
                                        actor=actor)
    # Taking a participant off withdraws their event: the export lists the live participants only.
    services.activity_set_participants(activity=research, participants=[zhang, li], actor=actor)
    study = services.activity_create(kind="study", subkind="session", title="理论学习中心组学习",
                                     date=date(2023, 9, 12), participants=[wang], actor=actor)
    return research, study


def test_the_activity_export_lists_every_activity_with_its_participants(client_for, officer, activities):
    client = client_for(officer)
    page = client.get(reverse("members:activity-list"))
    assert page.context["export_url"] == reverse("members:activity-export")

    response = client.post(reverse("members:activity-export"))
    rows = workbook_rows(response)
    assert rows[0] == ["日期", "标题", "类别", "事项", "参加人数", "参加委员", "备注"]
    assert rows[1:] == [
        [datetime(2024, 3, 1), "民营经济发展专题调研", "调研视察", "参加调查研究", 2, "李四、张三", "形成报告一篇"],
        [datetime(2023, 9, 12), "理论学习中心组学习", "学习活动", "参加学习研讨", 1, "王五", None],
    ]
    assert [a.title for a in page.context["rows"]] == [r[1] for r in rows[1:]]
    # The page shows the same rule labels.
    assert [a.rule_label for a in page.context["rows"]] == ["参加调查研究", "参加学习研讨"]
    name = file_name(response)
    assert name.startswith("履职活动-") and CHINESE_NAME.fullmatch(name), name
    event = AuditEvent.objects.get(action="members.exported", actor=officer)
    assert event.object_type == "members.activity" and event.details == {"rows": 2, "filters": {}}


def test_only_who_sees_the_activity_list_exports_it(client_for, activities):
    assert_refused(reverse("members:activity-export"), client_for)


# --- A member's performance record (履职台账) ----------------------------------------------------------------


@pytest.fixture
def record(term):
    actor = staff_actor()
    member = MemberFactory(name="张三", with_account=True)
    services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2023, 5, 1),
                                  note="去年的学习", actor=actor)
    services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2024, 3, 1),
                                  note="读书班", actor=actor)
    wrong = services.ledger_record_single(member=member, kind="research", subkind="report", date=date(2024, 4, 2),
                                          note="误录", actor=actor)
    services.ledger_event_withdraw(event=wrong, reason="重复登记", actor=actor)
    return member


def test_the_record_export_holds_the_years_events_as_the_page_shows_them(client_for, officer, record):
    client = client_for(officer)
    page = client.get(reverse("members:member-record", args=[record.pk]), {"year": "2024"})
    url = reverse("members:member-record-export", args=[record.pk])
    assert page.context["export_url"] == url and page.context["export_fields"] == [("year", "2024")]
    assert 'data-testid="export-form"' in page.content.decode()

    response = client.post(url, {"year": "2024"})
    rows = workbook_rows(response)
    assert rows[0] == ["日期", "类别", "事项", "分值", "备注", "状态"]
    assert rows[1:] == [
        [datetime(2024, 4, 2), "调研视察", "撰写调研报告", 5, "误录", "已撤销"],
        [datetime(2024, 3, 1), "学习活动", "参加学习研讨", 2, "读书班", "计入积分"],
    ]
    shown = [(e.date, e.rule_label, e.points) for e in page.context["events"]]
    assert shown == [(r[0].date(), r[2], r[3]) for r in rows[1:]]
    assert file_name(response) == "张三的履职档案2024.xlsx"
    event = AuditEvent.objects.get(action="members.exported", actor=officer)
    assert event.object_type == "members.ledgerevent"
    assert event.details == {"rows": 2, "member": record.pk, "year": 2024}

    # Another year, and no year (the page's default: the member's latest year with an event).
    assert [r[4] for r in workbook_rows(client.post(url, {"year": "2023"}))[1:]] == ["去年的学习"]
    assert file_name(client.post(url, {"year": "abc"})) == "张三的履职档案2024.xlsx"


def test_only_staff_export_a_record(client_for, officer, record):
    url = reverse("members:member-record-export", args=[record.pk])
    assert_refused(url, client_for, {"year": "2024"})
    # The member reads the record through the staff page without its export and cannot post one (the member's
    # own export is "my record"'s, below).
    own = client_for(record.user)
    response = own.get(reverse("members:member-record", args=[record.pk]))
    assert response.status_code == 200 and 'data-testid="export-form"' not in response.content.decode()
    assert own.post(url, {"year": "2024"}).status_code == 403
    # A member that does not exist: 404, nothing written.
    missing = reverse("members:member-record-export", args=[record.pk + 1000])
    assert client_for(officer).post(missing).status_code == 404
    assert not AuditEvent.objects.filter(action="members.exported").exists()


def test_a_member_exports_the_own_record_from_my_record(client_for, record):
    own = client_for(record.user)
    page = own.get(reverse("members:my-record"), {"year": "2024"})
    url = reverse("members:my-record-export")
    assert page.context["export_url"] == url and page.context["export_fields"] == [("year", "2024")]
    assert 'data-testid="export-form"' in page.content.decode()

    response = own.post(url, {"year": "2024"})
    rows = workbook_rows(response)
    assert rows[0] == ["日期", "类别", "事项", "分值", "备注", "状态"]
    assert [r[4] for r in rows[1:]] == ["误录", "读书班"]
    assert file_name(response) == "张三的履职档案2024.xlsx"
    event = AuditEvent.objects.get(action="members.exported", actor=record.user)
    assert event.details == {"rows": 2, "member": record.pk, "year": 2024}

    # Whatever member id is posted, the file is the member's own.
    other = MemberFactory(name="李四", with_account=True)
    services.ledger_record_single(member=other, kind="study", subkind="session", date=date(2024, 3, 2),
                                  note="李四的学习", actor=staff_actor())
    rows = workbook_rows(own.post(url, {"year": "2024", "member": str(other.pk)}))
    assert [r[4] for r in rows[1:]] == ["误录", "读书班"]


def test_only_a_member_exports_my_record(client_for, officer):
    url = reverse("members:my-record-export")
    # Staff without a member record of their own, and a member account with no record: nothing to export.
    assert client_for(officer).post(url, {"year": "2024"}).status_code == 403
    assert client_for(make_user("member", username="no-record")).post(url).status_code == 403
    assert client_for(make_user("member", username="get-only")).get(url).status_code == 405
    assert not AuditEvent.objects.filter(action="members.exported").exists()


# --- Points rules --------------------------------------------------------------------------------------------


def test_the_points_rules_export_in_chinese(client_for, officer, term):
    from members.models import LedgerRule

    client = client_for(officer)
    page = client.get(reverse("members:rule-list"))
    url = reverse("members:rule-export")
    assert page.context["export_url"] == url
    assert 'data-testid="export-form"' in page.content.decode()
    response = client.post(url)
    rows = workbook_rows(response)
    assert rows[0] == ["类别", "说明", "分值", "年度上限", "计量单位"]
    rules = list(LedgerRule.objects.order_by("kind", "subkind", "id"))
    assert len(rows) - 1 == len(rules) > 5
    first = rules[0]
    assert rows[1][:3] == [first.get_kind_display(), first.label, float(first.points)]
    assert not any(re.search(r"[a-z]{3,}_[a-z]+", str(cell)) for row in rows for cell in row)  # no rule codes
    assert CHINESE_NAME.fullmatch(file_name(response)), file_name(response)
    assert AuditEvent.objects.filter(action="members.exported", actor=officer,
                                     object_type="members.ledgerrule").count() == 1


def test_only_who_sees_the_points_rules_exports_them(client_for, term):
    url = reverse("members:rule-export")
    for role in ("handler", "member"):
        assert client_for(make_user(role, username=f"rules-{role}")).post(url).status_code == 403


# --- Ranking and shortlist file names ------------------------------------------------------------------------


def test_the_ranking_and_shortlist_files_have_chinese_names(client_for, officer, term):
    client = client_for(officer)
    ranking = client.post(reverse("members:ranking-export"), {"year": "2023"})
    assert ranking.status_code == 200 and file_name(ranking) == "2023年度排名.xlsx"
    ExcellentShortlist.objects.create(year=2023, percent=10)
    shortlist = client.post(reverse("members:shortlist-export", args=[2023]))
    assert shortlist.status_code == 200 and file_name(shortlist) == "2023年度优秀委员.xlsx"


# --- Free text is never a formula ----------------------------------------------------------------------------
# Scenarios in the form of tests/foundation/test_export_injection.py's SCENARIOS (kind -> workbooks), so that its
# completeness check can take them (`SCENARIOS.update(INJECTION_SCENARIOS)`): this module imports that one only
# inside functions, so importing this one from there makes no import cycle.


def _payloads() -> list[str]:
    from tests.foundation.test_export_injection import PAYLOADS

    return PAYLOADS


def _visits_with_payloads(client_for) -> list[bytes]:
    actor = staff_actor()
    for payload in _payloads():
        visit = services.visit_record(member=MemberFactory(), date=date(2024, 2, 1), visitors="甲", purpose="乙",
                                      actor=actor)
        Visit.objects.filter(pk=visit.pk).update(visitors=payload, purpose=payload, notes=payload)
    return [body(client_for(actor).post(reverse("members:visit-export")))]


def _meetings_with_payloads(client_for) -> list[bytes]:
    actor = staff_actor()
    for payload in _payloads():
        meeting = services.meeting_create(kind="plenary", title="全会", date=date(2024, 1, 5), term=term10(),
                                          actor=actor)
        Meeting.objects.filter(pk=meeting.pk).update(title=payload, location=payload)
    return [body(client_for(actor).post(reverse("members:meeting-export")))]


def _activities_with_payloads(client_for) -> list[bytes]:
    from members.models import Activity

    actor = staff_actor()
    for payload in _payloads():
        activity = services.activity_create(kind="study", subkind="session", title="学习", date=date(2024, 2, 1),
                                            participants=[MemberFactory()], actor=actor)
        Activity.objects.filter(pk=activity.pk).update(title=payload, notes=payload)
    return [body(client_for(actor).post(reverse("members:activity-export")))]


def _record_with_payloads(client_for) -> list[bytes]:
    actor = staff_actor()
    member = MemberFactory()
    for payload in _payloads():
        event = services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2024, 2, 1),
                                              actor=actor)
        LedgerEvent.objects.filter(pk=event.pk).update(note=payload)
    url = reverse("members:member-record-export", args=[member.pk])
    return [body(client_for(actor).post(url, {"year": "2024"}))]


def _own_record_with_payloads(client_for) -> list[bytes]:
    actor = staff_actor()
    member = MemberFactory(with_account=True)
    for payload in _payloads():
        event = services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2024, 2, 1),
                                              actor=actor)
        LedgerEvent.objects.filter(pk=event.pk).update(note=payload)
    return [body(client_for(member.user).post(reverse("members:my-record-export"), {"year": "2024"}))]


def _rules_with_payloads(client_for) -> list[bytes]:
    from members.models import LedgerRule

    payloads = _payloads()
    for rule, payload in zip(LedgerRule.objects.order_by("pk"), payloads, strict=False):
        LedgerRule.objects.filter(pk=rule.pk).update(label=payload, unit=payload[:10])
    assert LedgerRule.objects.count() >= len(payloads)
    return [body(client_for(staff_actor()).post(reverse("members:rule-export")))]


INJECTION_SCENARIOS = {
    "members.visits": _visits_with_payloads,
    "members.meetings": _meetings_with_payloads,
    "members.activities": _activities_with_payloads,
    "members.record": _record_with_payloads,
    "members.own_record": _own_record_with_payloads,
    "members.rules": _rules_with_payloads,
}


@pytest.mark.parametrize("kind", sorted(INJECTION_SCENARIOS))
def test_free_text_in_the_list_exports_is_text_never_a_formula(client_for, term, kind):
    from tests.foundation.test_export_injection import assert_text_never_formula

    for content in INJECTION_SCENARIOS[kind](client_for):
        assert_text_never_formula(content)
