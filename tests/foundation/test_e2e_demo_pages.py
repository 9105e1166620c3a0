"""Issue 15 on real-sized data: the pages each demo account reaches on the whole demo (long tables, real detail
pages, the admin's change pages) fit a 375 px phone, pass axe-core at 375 px and at 1,366 px, show a visible
focus on every action, and read in Chinese.

The URL walker's checks (test_e2e_pages.py, test_url_walker.py) open every page pattern on a database
holding only that row's fixtures, so a table rarely has more than one line. Here each demo account starts at
its home page and follows its own links (breadth first, one URL per pattern, a budget of new patterns per
account), on a copy of the whole demo (tests/demo_db.py) served by a live server of its own.
"""

import re
import time
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from tests.demo_db import FULL, demo_database
from tests.foundation.test_e2e_pages import AXE, AXE_RUN, NO_FOCUS_RING, PHONE, WECHAT, WIDEST, _log_in
from tests.foundation.test_url_walker import MODEL_BACKEND
from tests.page_text import data_words, english_words
from zhongyuan_cppcc.accounts.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-full")]

DESKTOP = 1366
# Keyboard: every visible action can take the focus. Something clickable that is not a link, button or field
# (onclick, an ARIA role, an htmx request on click) needs tabindex="0"; a link or field taken out of the tab
# order (tabindex="-1") while visible cannot be reached at all.
UNREACHABLE = """() => {
  const focusable = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  const bad = [];
  const clickable = "[onclick], [role=button], [role=link], [role=tab], [role=menuitem], [hx-get], [hx-post]";
  for (const el of document.querySelectorAll(clickable)) {
    if (["FORM", "BODY", "MAIN", "TBODY"].includes(el.tagName) || !el.checkVisibility()) continue;
    const trigger = el.getAttribute("hx-trigger");
    if (trigger && !trigger.includes("click")) continue;  // loads, polls, keyups: not an action to press
    if (el.matches(focusable) && el.tabIndex >= 0) continue;
    bad.push(el.outerHTML.slice(0, 100));
  }
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")) {
    if (el.tabIndex < 0 && !el.disabled && el.checkVisibility()) bad.push(el.outerHTML.slice(0, 100));
  }
  return bad;
}"""
# New URL patterns each account opens (its home page always); the system administrator's budget covers the
# admin's change lists and change pages.
BUDGET = {Role.SYSADMIN.value: 24}
DEFAULT_BUDGET = 9
HREF = re.compile(r'href="([^"#][^"]*)"')
# Links that are not pages to read: files, leaving, printing, pages the walker already checks without data.
SKIP = re.compile(r"logout|export|download|/print|format=|\.(pdf|xlsx|docx|zip)\b|^/static/|^/media/|"
                  r"password_change|/jsi18n/|[?&]page=|/delete/|/history/")


def pattern(url: str) -> str:
    """The page a URL stands for: numbers replaced, the query's keys kept (a filter is another page)."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "#", parts.path) + ("?" + "&".join(keys) if keys else "")


def crawl(user, budget: int, seen: set[str]) -> list[tuple[str, str]]:
    """(url, html) of the pages `user` reaches from the home page: breadth first, one URL per pattern, at
    most `budget` patterns that no earlier account opened."""
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    queue, queued, pages, new = deque(["/"]), {pattern("/")}, [], 0
    while queue and (new < budget or not pages):
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if 'name="viewport"' not in html:
            continue  # an htmx fragment, shown inside a page
        if pattern(url) not in seen:
            new += 1 if pages else 0
            seen.add(pattern(url))
        pages.append((url, html))
        for href in HREF.findall(html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if not href.startswith("/") or href.startswith("//") or SKIP.search(href):
                continue
            if pattern(href) not in queued and pattern(href) not in seen:
                queued.add(pattern(href))
                # An admin change list's first object goes next: its change page is the admin page with data.
                queue.appendleft(href) if href.startswith("/admin/") and href.endswith("/change/") else \
                    queue.append(href)
    return pages


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """A live server of the module's own, on the module's copy of the whole demo, on the demo's day."""
    with time_machine.travel(FULL.moment, tick=True), demo_database(FULL, django_db_blocker):
        server = LiveServer("localhost:0")
        try:
            yield server
        finally:
            server.stop()


def test_demo_accounts_pages_fit_a_phone_pass_axe_and_read_in_chinese(demo_site, browser, django_db_blocker):
    started = time.monotonic()
    problems, checked, seen = [], {PHONE: 0, DESKTOP: 0}, set()
    with django_db_blocker.unblock():
        users = get_user_model().objects
        for role in Role:
            user = users.get(username="demo-" + role.value.replace("_", "-"))
            pages = crawl(user, BUDGET.get(role.value, DEFAULT_BUDGET), seen)
            allowed = data_words()  # after the crawl: its logins are in the access log the admin shows
            for url, html in pages:
                problems += [f"{role.value} {url}: English {word!r} in “…{context}…”"
                             for word, context in english_words(html, allowed)]
            for width in (PHONE, DESKTOP):
                phone = width == PHONE
                context = browser.new_context(
                    viewport={"width": width, "height": 740 if phone else 900}, locale="zh-CN",
                    timezone_id="Asia/Shanghai", is_mobile=phone, has_touch=phone,
                    **({"user_agent": WECHAT} if phone else {}))
                context.set_default_timeout(20_000)
                _log_in(context, demo_site, user)
                page = context.new_page()
                try:
                    for url, _html in pages:
                        page.goto(demo_site.url + url, wait_until="load")
                        checked[width] += 1
                        if phone and page.evaluate("document.documentElement.scrollWidth") > PHONE:
                            problems.append(f"{role.value} {url}: wider than {PHONE} px; widest: "
                                            f"{page.evaluate(WIDEST)}")
                        if not phone:
                            problems += [f"{role.value} {url}: no visible focus on {html}"
                                         for html in page.evaluate(NO_FOCUS_RING)[:3]]
                            problems += [f"{role.value} {url}: not reachable by keyboard: {html}"
                                         for html in page.evaluate(UNREACHABLE)[:3]]
                        page.add_script_tag(url=demo_site.url + AXE)
                        problems += [f"{role.value} {url} at {width} px: [{v['impact']}] {v['id']} — {v['help']} "
                                     f"({v['count']}×, e.g. {'; '.join(v['nodes'])})"
                                     for v in page.evaluate(AXE_RUN)]
                finally:
                    context.close()
    print(f"\n{checked[PHONE]} demo pages ({len(seen)} patterns) checked at {PHONE} and {DESKTOP} px "
          f"in {time.monotonic() - started:.0f} s")
    assert not problems, f"{len(problems)} problems on the demo's pages:\n" + "\n".join(problems)
    assert checked[PHONE] >= 60 and checked[DESKTOP] == checked[PHONE], checked
    assert len([p for p in seen if p.startswith("/admin/") and p.endswith("/change/")]) >= 5, sorted(seen)


# The elements the Tab key should visit, numbered (data-tab-n) so that the walk can tell them apart.
FOCUSABLE = """() => [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])")]
  .filter(el => !el.disabled && el.tabIndex >= 0 && el.checkVisibility())
  .map((el, n) => { el.dataset.tabN = String(n); return el.outerHTML.slice(0, 100); })"""
FOCUSED = """() => { const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {n: el.dataset.tabN ?? null, html: el.outerHTML.slice(0, 100),
          ring: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"}; }"""


def test_the_tab_key_reaches_every_action_of_the_proposal_form(demo_site, browser, django_db_blocker):
    """Pressing Tab from the top of the page visits every visible link, field and button of the new-proposal
    page, each with a visible focus, before coming back round."""
    with django_db_blocker.unblock():
        member = get_user_model().objects.get(username="demo-member")
        context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, locale="zh-CN")
        _log_in(context, demo_site, member)
    page = context.new_page()
    try:
        page.goto(demo_site.url + reverse("proposals:proposal-create"), wait_until="load")
        expected = page.evaluate(FOCUSABLE)
        assert any("<textarea" in html for html in expected) and any("<button" in html for html in expected)
        reached, unfocused = set(), []
        for _ in range(len(expected) + 10):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None:
                continue  # between the page's last action and its first
            if focused["n"] in reached:
                break
            reached.add(focused["n"])
            if not focused["ring"]:
                unfocused.append(focused["html"])
        missed = [html for n, html in enumerate(expected) if str(n) not in reached]
        assert not missed, f"Tab never reaches {len(missed)} of {len(expected)} actions: {missed}"
        assert not unfocused, f"focus not visible on: {unfocused}"
    finally:
        context.close()
