"""Issue 15 in the browser, over the URL walker's page list: every page a role may open fits a 375 px
phone in WeChat's browser and has no critical or serious axe-core violation.

One browser, one context per role (a phone with WeChat's user agent), one live server. Each walker row
(one URL pattern) is opened once per role that may use it, so a new page joins the check with its row.
A failure lists, per page and role, what to fix: the widest element for the phone check, the axe rule,
its help text and the first offending elements for accessibility.
"""

import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.factories import make_user
from tests.foundation.test_url_walker import EXPECTATIONS, MODEL_BACKEND, reads_its_user
from tests.url_matrix import ALLOW, ANON, EVERYONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = 375
WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN")
AXE = "/static/vendor/axe-core/axe.min.js"
# WCAG 2.1 A/AA plus axe's best practices; only critical and serious results fail.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "critical" || v.impact === "serious").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")), count: v.nodes.length}));
}"""
# The element that sticks out furthest to the right, to name in the failure message.
WIDEST = """() => {
  let worst = null, right = 0;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > right + 0.5 && getComputedStyle(el).position !== "fixed") { right = r.right; worst = el; }
  }
  if (!worst) return "";
  const id = worst.id ? "#" + worst.id : "";
  const cls = typeof worst.className === "string" && worst.className.trim()
    ? "." + worst.className.trim().split(/\\s+/).join(".") : "";
  const text = (worst.innerText || "").slice(0, 40);
  return `${worst.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(right)} px): ${text}`;
}"""

# Keyboard: every visible action shows where the focus is (an outline or a focus ring shadow).
NO_FOCUS_RING = """() => {
  const bad = [];
  const actions = document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]");
  for (const el of actions) {
    if (el.tabIndex < 0 || el.disabled || !el.checkVisibility()) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const s = getComputedStyle(el);
    const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
    if (!ring) bad.push(el.outerHTML.slice(0, 80));
  }
  if (document.activeElement) document.activeElement.blur();
  return bad;
}"""


def pages_for(role: str) -> list[str]:
    return [name for name in sorted(EXPECTATIONS)
            if EXPECTATIONS[name].method == "get" and EXPECTATIONS[name].outcome_for(role) == ALLOW]


def _log_in(context, live_server, user) -> None:
    """The browser takes over a session opened by the test client (no password, no second factor)."""
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def _kwargs(expect, name: str, user, made: dict) -> dict:
    """The row's URL kwargs, made afresh as in the walker (where each row has an empty database)."""
    if not expect.kwargs:
        return {}
    try:
        with transaction.atomic():
            made[name] = expect.kwargs(user)
    except IntegrityError:
        # Fixtures give objects fixed names ("区测试局"): the object made for an earlier role serves again;
        if name not in made:  # … or another row made an account of the same name: rename that one.
            made["round"] = made.get("round", 0) + 1
            get_user_model().objects.filter(username__startswith="walker-").update(
                username=Concat(F("username"), Value(f"-{made['round']}")))
            made[name] = expect.kwargs(user)
    return made[name]


def test_every_walker_page_fits_a_phone_and_passes_axe(browser, live_server):
    started = time.monotonic()
    too_wide, inaccessible, unfocused, checked, made = [], [], [], 0, {}
    for role in EVERYONE:
        context = browser.new_context(viewport={"width": PHONE, "height": 740}, user_agent=WECHAT,
                                      locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True, has_touch=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        # One account per role, logged in once; a row whose fixtures attach objects to the user (a member
        # record, a unit's officer) gets a fresh account of its own, as in the walker.
        account = None if role == ANON else make_user(role, username=f"phone-{role}")
        signed_in = None
        try:
            for index, name in enumerate(pages_for(role)):
                expect = EXPECTATIONS[name]
                user = account
                if account is not None and expect.kwargs is not None and reads_its_user(expect.kwargs):
                    user = make_user(role, username=f"phone-{role}-{index}")
                if user is not None and user != signed_in:
                    _log_in(context, live_server, user)
                    signed_in = user
                url = reverse(name, kwargs=_kwargs(expect, name, user, made))
                try:
                    response = page.goto(live_server.url + url, wait_until="load")
                except PlaywrightError as error:
                    if "Download is starting" in str(error):
                        continue  # a file, not a page
                    raise
                if response is None or response.status != 200 or \
                        "text/html" not in response.headers.get("content-type", ""):
                    continue
                if not page.evaluate("!!document.querySelector('meta[name=viewport]')"):
                    continue  # an htmx fragment (progress, dialog part), shown inside a page
                checked += 1
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE:
                    too_wide.append(f"{role} {url}: {width} px wide; widest: {page.evaluate(WIDEST)}")
                for html in page.evaluate(NO_FOCUS_RING)[:3]:
                    unfocused.append(f"{role} {url}: no visible focus on {html}")
                page.add_script_tag(url=live_server.url + AXE)
                for v in page.evaluate(AXE_RUN):
                    inaccessible.append(f"{role} {url}: [{v['impact']}] {v['id']} — {v['help']} "
                                        f"({v['count']}×, e.g. {'; '.join(v['nodes'])})")
        finally:
            context.close()
    elapsed = time.monotonic() - started
    print(f"\n{checked} pages (walker rows × roles) checked at {PHONE} px with axe-core in {elapsed:.0f} s")
    assert checked >= 100, f"only {checked} pages reached: did the session cookie or the walker rows change?"
    problems = []
    if too_wide:
        problems.append(f"{len(too_wide)} pages wider than a {PHONE} px phone:\n" + "\n".join(too_wide))
    if inaccessible:
        problems.append(f"{len(inaccessible)} critical/serious axe-core violations "
                        "(see https://dequeuniversity.com/rules/axe/ for each rule):\n" + "\n".join(inaccessible))
    if unfocused:
        problems.append(f"{len(unfocused)} actions without a visible keyboard focus (static/css/app.css "
                        ":focus-visible):\n" + "\n".join(unfocused))
    assert not problems, "\n\n".join(problems)
