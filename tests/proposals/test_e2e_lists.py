"""Browser journey (Debian Chromium): the office assigns two registered proposals at once from the list;
the unit officer, on a phone-sized screen, finds them in the unit's list; the proposal form prints
without the navigation."""

import pytest

from tests.conftest import browser_login
from tests.factories import TEST_PASSWORD

from .factories import ProposalFactory, world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_bulk_assign_then_unit_list_on_a_phone_then_print(page, browser):
    w = world()
    first = ProposalFactory(registered=True, title="关于优化公交线路的建议")
    second = ProposalFactory(registered=True, title="关于增设社区食堂的建议")

    browser_login(page, w.officer.username, TEST_PASSWORD)
    page.get_by_role("link", name="提案", exact=True).first.click()
    page.wait_for_url("**/proposals/all/")
    page.get_by_label("选择关于优化公交线路的建议").check()
    page.get_by_label("选择关于增设社区食堂的建议").check()
    bulk = page.get_by_role("form", name="批量交办所勾选的已立案提案")
    bulk.get_by_label("主办单位").select_option(label=w.lead_unit.name)
    bulk.get_by_role("button", name="交办", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert f"已将2件提案交办给{w.lead_unit.name}" in page.content()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.lead_unit_id == second.lead_unit_id == w.lead_unit.pk

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": 375, "height": 800})
    phone.set_default_timeout(15_000)
    mobile = phone.new_page()
    mobile.base_url = page.base_url
    browser_login(mobile, w.lead_handler.username, TEST_PASSWORD)
    mobile.goto(page.base_url + "/proposals/")
    mobile.wait_for_url("**/proposals/unit/")
    assert mobile.get_by_test_id(f"row-{first.pk}").is_visible()
    assert mobile.get_by_test_id(f"row-{second.pk}").is_visible()
    # The table scrolls inside its wrapper; the page itself does not overflow the phone's width.
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375

    mobile.goto(page.base_url + f"/proposals/{first.pk}/print/")
    mobile.emulate_media(media="print")
    assert mobile.get_by_role("heading", name="提案表").is_visible()
    assert not mobile.locator("nav.app-navbar").is_visible()
    phone.close()
