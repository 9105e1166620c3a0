"""Browser journeys in Debian's Chromium: each demo role logs in and sees its own home page."""

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import browser_login
from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.core.demo import DEMO_ACCOUNTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts():
    call_command("load_demo", only=["accounts"])


def test_every_demo_role_logs_in_and_sees_its_home(page, demo_accounts):
    for username, (full_name, role) in DEMO_ACCOUNTS.items():
        browser_login(page, username, settings.DEMO_PASSWORD)
        assert page.url.rstrip("/") == page.base_url, f"{username} ended on {page.url}"
        heading = page.get_by_role("heading", level=1)
        assert full_name in heading.inner_text()
        assert str(Role(role).label) in page.get_by_test_id("roles").inner_text()
        page.get_by_role("button", name=full_name).click()
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url("**/accounts/login/")


def test_wrong_password_shows_a_chinese_message(page, demo_accounts):
    browser_login(page, "demo-member", "Wrong@Pass1")
    assert "账号或密码不正确" in page.content()


def test_phone_viewport_375(browser, live_server, demo_accounts):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN",
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        browser_login(page, "demo-proposal-officer", settings.DEMO_PASSWORD)
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        toggler = page.get_by_role("button", name="展开导航")
        assert toggler.is_visible()
        toggler.click()
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="消息通知").wait_for(state="visible")
        page.screenshot(path=str(settings.BASE_DIR / "test-results" / "home-375.png"), full_page=True)
    finally:
        context.close()


def test_keyboard_focus_is_visible(page, demo_accounts):
    page.goto(page.base_url + "/accounts/login/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
