"""Browser journey (Debian Chromium): a street officer plans a consultation session, records the members
taking part, holds it and records two outcomes; one becomes a proposal draft for a member who took part, who
finds it with its link back to the session, finishes and submits it; the officer implements the other one and
the session shows what became of each. The officer cannot open another street's session, and the session page
fits a phone."""

import re
from datetime import date

import pytest

from consultations import services
from consultations.models import Attendance, Outcome, Session
from consultations.workflow import OutcomeStatus, SessionStatus
from proposals.models import Proposal
from proposals.workflow import Status as ProposalStatus
from tests.conftest import browser_login
from tests.factories import TEST_PASSWORD
from tests.proposals.factories import make_session as make_plenary_session

from .conftest import make_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUGGESTION_CONVERTED = "在小区增设电动自行车集中充电桩"
SUGGESTION_IMPLEMENTED = "清理楼道杂物并建立长效巡查机制"


@pytest.fixture
def journey(world, time_machine):
    """The consultations cast on 2025-06-16 (a ticking clock: the pages run in the live server's thread), with
    a plenary session open for proposals."""
    time_machine.move_to("2025-06-16 10:00:00+08:00", tick=True)
    make_plenary_session(open_on=date(2025, 6, 1), close_on=date(2025, 7, 31))
    return world


@pytest.fixture
def open_as(browser, live_server):
    """open_as(user) -> a new logged-in page (one browser context per person); confirms are accepted."""
    contexts = []

    def make(user, **options):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      **({"viewport": {"width": 1280, "height": 900}} | options))
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.on("dialog", lambda dialog: dialog.accept())
        browser_login(page, user.username, TEST_PASSWORD)
        return page

    yield make
    for context in contexts:
        context.close()


def action(page, title: str):
    """The action box with this title on a detail page, opened; fill its fields, then press its button."""
    box = page.locator("details").filter(has=page.locator("summary").get_by_text(title, exact=True))
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def submit_action(page, title: str, box=None):
    box = box or action(page, title)
    with page.expect_navigation():
        box.get_by_role("button", name=title).click()


def status(page) -> str:
    return page.get_by_test_id("status").inner_text()


def outcome_row(page, text: str):
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=text))


def test_session_outcomes_to_a_submitted_proposal_and_an_implemented_outcome(journey, open_as):
    w = journey
    officer = open_as(w.officer_a)

    # The officer plans a session of the own street from the sessions list.
    officer.goto(officer.base_url + "/consultations/")
    officer.get_by_role("link", name="安排协商活动").click()
    officer.wait_for_url("**/consultations/sessions/new/")
    streets = officer.locator("#id_street option").all_inner_texts()
    assert set(streets) - {"---------"} == {w.street_a.name}  # only the own street is offered
    officer.locator("#id_title").fill("电动车充电与楼道杂物协商")
    officer.locator("#id_street").select_option(label=w.street_a.name)
    officer.locator("#id_venue").fill("社区党群服务中心二楼")
    officer.locator("#id_date").fill("2025-06-12")
    officer.get_by_role("button", name="保存").click()
    officer.wait_for_url(re.compile(r"/consultations/sessions/\d+/$"))
    session = Session.objects.get(title="电动车充电与楼道杂物协商")
    assert officer.url.endswith(f"/consultations/sessions/{session.pk}/")
    assert status(officer) == "已安排"

    # Two members take part.
    officer.get_by_role("link", name="参加委员和出席情况").click()
    officer.get_by_label("添加委员").select_option(label=[w.member.name, w.other_member.name])
    officer.get_by_role("button", name="保存").click()
    officer.wait_for_url(f"**/consultations/sessions/{session.pk}/")
    participants = officer.locator("dl").inner_text()
    assert f"{w.member.name}（已邀请）" in participants and f"{w.other_member.name}（已邀请）" in participants

    # Held: the invited members attended.
    box = action(officer, "标记为已召开")
    box.get_by_label("参与群众人数").fill("23")
    box.get_by_label("会议纪要").fill("居民代表反映电动车充电难、楼道杂物多，与会各方形成两条建议。")
    submit_action(officer, "标记为已召开", box)
    assert status(officer) == "已召开"
    assert f"{w.member.name}（出席）" in officer.locator("dl").inner_text()

    # Two outcomes with the responsible party and the due date, then the recording is finished.
    for text, responsible, due in ((SUGGESTION_CONVERTED, "区城管局", "2025-09-30"),
                                   (SUGGESTION_IMPLEMENTED, "社区居委会", "2025-07-31")):
        box = action(officer, "录入协商成果")
        box.get_by_label("建议").fill(text)
        box.get_by_label("责任单位").fill(responsible)
        box.get_by_label("办理期限").fill(due)
        submit_action(officer, "录入协商成果", box)
        assert "协商成果已录入" in officer.content()
        row = outcome_row(officer, text).inner_text()
        assert responsible in row and due in row and "待落实" in row
    submit_action(officer, "完成成果录入")
    assert status(officer) == "成果已录入"

    # One outcome becomes a proposal draft for a member who took part.
    outcome_row(officer, SUGGESTION_CONVERTED).get_by_role("link").click()
    converted = Outcome.objects.get(text=SUGGESTION_CONVERTED)
    officer.wait_for_url(f"**/consultations/outcomes/{converted.pk}/")
    box = action(officer, "转为提案或社情民意信息")
    box.get_by_label("转为").select_option(label="提案草稿")
    choices = box.get_by_label("委员").locator("option").all_inner_texts()
    assert set(choices) - {"---------"} == {w.member.name, w.other_member.name}  # those who attended
    box.get_by_label("委员").select_option(label=w.member.name)
    submit_action(officer, "转为提案或社情民意信息", box)
    assert "已为委员生成草稿" in officer.content()
    title = f"关于{SUGGESTION_CONVERTED}的建议"
    assert officer.get_by_test_id("converted").inner_text() == f"已为{w.member.name}转为提案草稿“{title}”"
    assert officer.locator("summary").get_by_text("转为提案或社情民意信息", exact=True).count() == 0

    # The member finds the draft among their proposals, with its link back to the session.
    member = open_as(w.member.user)
    member.goto(member.base_url + "/proposals/mine/")
    member.get_by_role("link", name=title).click()
    draft = Proposal.objects.get(author=w.member.user)
    member.wait_for_url(f"**/proposals/{draft.pk}/")
    assert member.get_by_test_id("proposal-status").inner_text() == "草稿"
    origin = member.get_by_test_id("consultation-origin")
    assert origin.inner_text() == "电动车充电与楼道杂物协商（2025-06-12）"
    origin.get_by_role("link").click()
    member.wait_for_url(f"**/consultations/sessions/{session.pk}/")
    assert f"已为{w.member.name}转为提案草稿" in outcome_row(member, SUGGESTION_CONVERTED).inner_text()
    member.go_back()

    # … finishes it and submits it.
    member.get_by_role("link", name="修改草稿").click()
    member.wait_for_url(f"**/proposals/{draft.pk}/edit/")
    assert member.get_by_label("建议", exact=True).input_value() == SUGGESTION_CONVERTED
    member.get_by_label("类别", exact=True).select_option(label="城市建设与管理")
    member.get_by_label("分析", exact=True).fill("老旧小区缺少集中充电设施，居民飞线充电、楼道停车，火灾隐患突出。")
    member.get_by_role("button", name="保存并继续提交").click()
    member.wait_for_url(f"**/proposals/{draft.pk}/submit/")
    member.get_by_role("button", name="继续提交").click()
    member.wait_for_url(f"**/proposals/{draft.pk}/")
    assert member.get_by_test_id("proposal-status").inner_text() == "已提交"

    # The officer implements the other outcome: started, then implemented, each with a note.
    officer.goto(f"{officer.base_url}/consultations/sessions/{session.pk}/")
    outcome_row(officer, SUGGESTION_IMPLEMENTED).get_by_role("link").click()
    implemented = Outcome.objects.get(text=SUGGESTION_IMPLEMENTED)
    officer.wait_for_url(f"**/consultations/outcomes/{implemented.pk}/")
    box = action(officer, "开始落实")
    box.get_by_label("备注").fill("社区已组织志愿者逐楼清理。")
    submit_action(officer, "开始落实", box)
    assert status(officer) == "落实中"
    box = action(officer, "标记为已落实")
    box.get_by_label("备注").fill("杂物已清理完毕，每周巡查一次。")
    submit_action(officer, "标记为已落实", box)
    assert status(officer) == "已落实"
    history = officer.locator("ol.list-unstyled").inner_text()
    assert "社区已组织志愿者逐楼清理。" in history and "杂物已清理完毕，每周巡查一次。" in history

    # The session shows what became of each outcome.
    officer.get_by_role("link", name="电动车充电与楼道杂物协商").first.click()
    officer.wait_for_url(f"**/consultations/sessions/{session.pk}/")
    row = outcome_row(officer, SUGGESTION_CONVERTED).inner_text()
    assert f"已为{w.member.name}转为提案草稿" in row and "待落实" in row
    row = outcome_row(officer, SUGGESTION_IMPLEMENTED).inner_text()
    assert "已落实" in row and "转为提案草稿" not in row

    # The database agrees: one draft, linked both ways and submitted; the statuses as shown.
    assert Proposal.objects.count() == 1
    proposal = Proposal.objects.get()
    assert proposal.author == w.member.user and proposal.status == ProposalStatus.SUBMITTED
    assert proposal.category and proposal.analysis.startswith("老旧小区缺少集中充电设施")
    converted.refresh_from_db()
    implemented.refresh_from_db()
    assert converted.proposal == proposal and proposal.consultation_outcome == converted
    assert converted.converted_for == w.member and converted.opinion_report is None
    assert converted.status == OutcomeStatus.OPEN and converted.due_on == date(2025, 9, 30)
    assert implemented.status == OutcomeStatus.IMPLEMENTED and implemented.proposal is None
    assert implemented.responsible == "社区居委会" and implemented.due_on == date(2025, 7, 31)
    assert list(implemented.status_changes.order_by("at", "id").values_list("to_status", "note"))[-2:] == [
        (OutcomeStatus.IMPLEMENTING, "社区已组织志愿者逐楼清理。"),
        (OutcomeStatus.IMPLEMENTED, "杂物已清理完毕，每周巡查一次。")]
    session.refresh_from_db()
    assert session.status == SessionStatus.RECORDED and session.street == w.street_a
    assert session.residents_count == 23 and session.outcomes.count() == 2
    assert set(session.participations.values_list("member__name", "attendance")) == {
        (w.member.name, Attendance.ATTENDED), (w.other_member.name, Attendance.ATTENDED)}


def test_street_officer_cannot_open_another_streets_session_and_the_page_fits_a_phone(journey, open_as):
    w = journey
    own = make_session(w.officer_a, street=w.street_a, title="小区消防安全协商")
    services.session_set_participants(actor=w.officer_a, session=own,
                                      attendance={w.member.pk: Attendance.INVITED})
    services.session_hold(actor=w.officer_a, session=own)
    services.outcome_add(actor=w.officer_a, session=own, responsible="区消防救援大队", due_on=date(2025, 6, 1),
                         text="建议在每个老旧小区设置微型消防站，配齐灭火器材并定期组织居民开展消防演练" * 2)
    other = make_session(w.officer_b, street=w.street_b, title="老旧小区电梯加装协商")

    page = open_as(w.officer_a)
    response = page.goto(f"{page.base_url}/consultations/sessions/{other.pk}/")
    assert response.status == 404
    assert "页面不存在或您无权查看" in page.content() and "老旧小区电梯加装协商" not in page.content()
    response = page.goto(f"{page.base_url}/consultations/sessions/{other.pk}/edit/")
    assert response.status == 404
    page.goto(page.base_url + "/consultations/")
    assert page.get_by_role("link", name="小区消防安全协商").count() == 1
    assert page.get_by_role("link", name="老旧小区电梯加装协商").count() == 0

    phone = open_as(w.officer_a, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    response = phone.goto(f"{phone.base_url}/consultations/sessions/{own.pk}/")
    assert response.status == 200 and phone.get_by_test_id("status").inner_text() == "已召开"
    assert "逾期" in outcome_row(phone, "建议在每个老旧小区设置微型消防站").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
