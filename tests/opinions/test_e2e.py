"""Browser journey (Debian Chromium): a member submits a report, the office adopts and edits it, compiles it into a
bulletin and downloads the PDF, records the city's adoption and a 批示; the member sees outcome, notification and
points. Plus the member's pages on a phone."""

import pytest
from django.utils import timezone

from opinions.models import Bulletin, OpinionReport
from tests.conftest import browser_login
from tests.factories import TEST_PASSWORD, make_user
from tests.members.factories import MemberFactory
from tests.opinions.factories import make_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_as(browser, live_server):
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


def test_member_to_bulletin_to_outcome_and_points(open_as, tmp_path):
    member = MemberFactory(with_account=True, name="周建华")
    officer_user = make_user("opinion_officer", username="e2e-info-officer")
    today = timezone.localdate().isoformat()

    page = open_as(member.user)
    page.goto(page.base_url + "/opinions/new/")
    page.fill("#id_title", "小区停车难问题")
    page.fill("#id_situation", "辖区老旧小区停车位严重不足。")
    page.fill("#id_analysis", "规划滞后，共享车位机制缺失。")
    page.fill("#id_suggestion", "建议推广错时共享停车。")
    assert "字" in page.get_by_test_id("char-counter").inner_text()
    page.locator("#report-form button[type=submit]").click()
    page.get_by_test_id("action-submit").locator("button").click()
    assert page.get_by_test_id("report-status").inner_text() == "已提交"
    report = OpinionReport.objects.get(author=member.user)

    office = open_as(officer_user)
    office.goto(f"{office.base_url}/opinions/{report.pk}/")
    office.get_by_test_id("action-adopt").locator("button").click()
    assert office.get_by_test_id("report-status").inner_text() == "已录用"
    office.goto(f"{office.base_url}/opinions/{report.pk}/review/")
    office.fill("#id_adopted_title", "关于推广错时共享停车的建议")
    office.get_by_role("button", name="保存核稿").click()
    assert office.get_by_test_id("diff").locator("ins").count() >= 1

    office.goto(office.base_url + "/opinions/bulletins/")
    office.get_by_role("button", name="新建一期").click()
    office.locator(f"#r{report.pk}").check()
    office.get_by_role("button", name="保存目录").click()
    office.fill("#published_on", today)
    office.get_by_test_id("publish").click()
    assert "年第1期" in office.get_by_test_id("bulletin-title").inner_text()
    with office.expect_download() as download:
        office.get_by_test_id("pdf-link").click()
    path = tmp_path / "bulletin.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    bulletin = Bulletin.objects.get()
    office.goto(f"{office.base_url}/opinions/bulletins/{bulletin.pk}/print/")
    assert "关于推广错时共享停车的建议" in office.get_by_test_id("bulletin").inner_text()

    office.goto(f"{office.base_url}/opinions/{report.pk}/")
    office.locator("details", has_text="登记采用情况").locator("summary").click()
    office.select_option("#id_outcome-level", "city")
    office.select_option("#id_outcome-kind", "alone")
    office.fill("#id_outcome-day", today)
    office.locator("form[action$='/outcomes/add/'] button").click()
    office.locator("details", has_text="登记批示").locator("summary").click()
    office.select_option("#id_instruction-leader_title", "district_secretary")
    office.select_option("#id_instruction-level", "district")
    office.fill("#id_instruction-day", today)
    office.fill("#id_instruction-text", "请区城管局研究落实。")
    office.locator("form[action$='/instructions/add/'] button").click()
    assert office.get_by_test_id("outcome").count() == 1 and office.get_by_test_id("instruction").count() == 1

    page.goto(f"{page.base_url}/opinions/{report.pk}/")
    outcomes = page.get_by_test_id("outcomes").inner_text()
    assert "市级" in outcomes and "区委书记" in outcomes
    points = page.get_by_test_id("points").inner_text()
    assert "3" in points and "5" in points
    assert "年第1期" in page.get_by_test_id("report-bulletin").inner_text()
    page.goto(page.base_url + "/notifications/")
    inbox = page.content()
    assert "已被录用" in inbox and "区委书记" in inbox


def test_member_pages_fit_a_phone(open_as):
    member = MemberFactory(with_account=True)
    report = make_report(author=member.user)
    page = open_as(member.user, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    csp_errors = []  # the counter and autosave must not need anything the CSP blocks
    page.on("console", lambda msg: csp_errors.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)
    for path in ("", "mine/", "new/", f"{report.pk}/", f"{report.pk}/edit/"):
        page.goto(f"{page.base_url}/opinions/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    # Autosave works on the phone.
    page.goto(f"{page.base_url}/opinions/{report.pk}/edit/")
    page.fill("#id_analysis", "手机上补充的分析")
    page.get_by_test_id("autosave-saved").wait_for()
    report.refresh_from_db()
    assert report.analysis == "手机上补充的分析"
    assert page.get_by_test_id("char-counter").inner_text().startswith("已输入")
    assert not csp_errors, csp_errors
