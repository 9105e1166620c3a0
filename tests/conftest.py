"""Fixtures shared by the whole suite: users per role, logged-in clients, the browser."""

import os
import shutil

import pytest
from django.test import Client

from zhongyuan_cppcc.accounts.roles import Role

from .factories import make_user

ROLES = [r.value for r in Role]
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def user_with_role(db):
    """user_with_role("proposal_officer") -> a new active user holding that role."""

    def make(*roles: str, **fields):
        return make_user(*roles, **fields)

    return make


@pytest.fixture
def client_for(db):
    """client_for(user) -> a test Client logged in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return make


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


# --- Browser (Playwright driving Debian's Chromium) ------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium package is required for browser tests (make system-deps)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def browser_login(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
