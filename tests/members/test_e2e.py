"""Browser journey (Debian Chromium): the member officer imports members from the template, fixes a
bad row, finds a member by initials and links their account; the member then sees their own record."""

from datetime import date

import pytest
from openpyxl import load_workbook

from members.models import Member
from members.services import ledger_record_event
from tests.conftest import browser_login
from tests.factories import TEST_PASSWORD, make_user

from .factories import make_id_number, term10
from .test_import import row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_import_fix_find_and_member_sees_own_record(page, tmp_path, celery_worker_process):
    # Imports run in a worker (the request only stores and queues the file); the page polls the job.
    celery_worker_process.start()
    term10()
    officer = make_user("member_officer", username="e2e-officer", full_name="周文博")
    member_user = make_user("member", username="e2e-member", full_name="张三")
    good_id = make_id_number(501)
    bad_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")

    browser_login(page, officer.username, TEST_PASSWORD)
    page.get_by_role("link", name="委员", exact=True).first.click()
    page.get_by_role("link", name="导入", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    def fill(id_number: str) -> str:
        wb = load_workbook(template)
        ws = wb.worksheets[0]
        ws.append(row(n=1, name="张三", id_number=id_number, employer="中原区实验中学"))
        ws.append(row(n=2, name="李四"))
        ws.append(row(n=3, name="王五"))
        path = tmp_path / f"members-{id_number[-1]}.xlsx"
        wb.save(path)
        return str(path)

    # One bad row: nothing is imported, the report names the row and the problem.
    page.get_by_label("委员信息表（.xlsx）").set_input_files(fill(bad_id))
    page.get_by_role("button", name="上传并导入").click()
    report = page.get_by_test_id("row-errors")
    report.wait_for()
    assert "2" in report.locator("tbody tr td").first.inner_text()
    assert "校验位" in report.inner_text()
    assert "未导入任何数据" in page.get_by_test_id("import-result").inner_text()
    assert Member.objects.count() == 0

    # Fixed: all rows are imported in one go.
    page.get_by_role("link", name="上传其他文件").click()
    page.get_by_label("委员信息表（.xlsx）").set_input_files(fill(good_id))
    page.get_by_role("button", name="上传并导入").click()
    result = page.get_by_test_id("import-result")
    result.wait_for()
    assert "新增委员 3 名" in result.inner_text()

    # Found by initials.
    page.get_by_role("link", name="查看委员名单").click()
    page.locator("#id_q").fill("zs")  # the list's own search (the top bar has another)
    page.locator("#id_q").press("Enter")
    assert page.get_by_test_id("count").inner_text() == "1"
    page.get_by_role("link", name="张三").click()
    assert good_id not in page.content()
    assert good_id[:3] + "*" * 11 + good_id[-4:] in page.get_by_test_id("id-number").inner_text()

    # Link the member's account, then record something for this year's record page.
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("用户账号").select_option(label="张三（e2e-member）")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/members/*/")
    member = Member.objects.get(name="张三")
    assert member.user_id == member_user.pk
    ledger_record_event(member=member, kind="research", subkind="research", date=date(2023, 5, 4), actor=officer)

    # The member logs in and sees their own record, not anyone else's.
    page.context.clear_cookies()
    browser_login(page, member_user.username, TEST_PASSWORD)
    page.get_by_role("link", name="我的履职", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "我的履职档案"
    assert page.get_by_test_id("score").inner_text() == "3.00"
    assert "中原区实验中学" in page.content()
    other = Member.objects.get(name="李四")
    response = page.goto(page.base_url + f"/members/{other.pk}/record/")
    assert response.status == 404
