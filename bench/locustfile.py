"""Locust clients of the load run (`python -m bench --load`, bench/load.py starts this file headless).

The plan (JSON, path in BENCH_LOAD_PLAN) names the accounts with their session cookies and the objects they
work on; each simulated client takes the next account and browses its role's mix of list, detail, dashboard
and form pages. Forms are real round trips: the page is fetched, its form parsed (CSRF token included) and
posted back. Every request is recorded with the phase it ran in (the phase file's content: "up" or "down",
written by the harness when it stops Redis) and dumped to BENCH_LOAD_OUT when the run ends.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8").read())
PHASE_FILE = PLAN["phase_file"]
RECORDS: list[list] = []
_accounts = itertools.cycle(PLAN["accounts"])
_urgeable = itertools.cycle(PLAN["urgeable"])


def _phase() -> str:
    try:
        with open(PHASE_FILE, encoding="utf-8") as f:
            return f.read().strip() or "up"
    except OSError:
        return "up"


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_kw):
    status = getattr(response, "status_code", 0) or 0
    RECORDS.append([_phase(), name, request_type, status, round(float(response_time), 3),
                    str(exception)[:200] if exception else ""])


@events.test_start.add_listener
def _started(environment, **_kw):
    with open(PLAN["started_file"], "w", encoding="utf-8") as f:
        f.write(str(time.time()))


@events.quitting.add_listener
def _dump(environment, **_kw):
    with open(os.environ["BENCH_LOAD_OUT"], "w", encoding="utf-8") as f:
        json.dump({"records": RECORDS, "finished_at": time.time()}, f)


class _Forms(HTMLParser):
    """The forms of a page: [{"id", "action", "fields": [(name, value)]}] as a browser would submit them
    without pressing a named button (inputs, checked boxes, textareas, selected options)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"id": a.get("id") or "", "action": a.get("action") or "", "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append([name, a.get("value") or ("on" if kind in ("checkbox", "radio") else "")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self.forms:
            s, self._select = self._select, None
            for value in s["chosen"] or ([s["first"]] if s["first"] else []):
                self.forms[-1]["fields"].append([s["name"], value])


def page_form(html: str, *, form_id: str = "", action: str = "") -> list | None:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if (form_id and form["id"] == form_id) or (action and form["action"].startswith(action)):
            return form["fields"]
    return None


class BenchClient(HttpUser):
    wait_time = between(PLAN.get("wait_min", 1.0), PLAN.get("wait_max", 3.0))

    def on_start(self) -> None:
        self.account = next(_accounts)
        for pair in self.account["cookie"].split("; "):  # the session and the CSRF cookie
            name, value = pair.split("=", 1)
            self.client.cookies.set(name, value)
        self.role = self.account["role"]

    # -- helpers -------------------------------------------------------------------------------------------
    def _get(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(repr(response.error) if not response.status_code else f"{response.status_code}")
            return response

    def _post(self, path: str, fields: list, name: str, expect: tuple[int, ...] = (302,)):
        with self.client.post(path, data=fields, name=name, catch_response=True, allow_redirects=False,
                              headers={"Referer": self.host + path}) as response:
            if response.status_code not in expect:
                response.failure(repr(response.error) if not response.status_code else f"{response.status_code}")
            return response

    # -- the mix -------------------------------------------------------------------------------------------
    # Relative weights of the page types (the plan may change them, e.g. a form-heavy mix in a short test).
    MIX = PLAN.get("mix") or {"list": 4, "detail": 3, "dashboard": 2, "form": 2}

    @task
    def step(self) -> None:
        kinds = list(self.MIX)
        getattr(self, f"_{random.choices(kinds, [self.MIX[k] for k in kinds])[0]}")()

    def _list(self) -> None:
        path = random.choice(PLAN["lists"][self.role])
        self._get(path, f"list {path.split('?')[0]}")

    def _detail(self) -> None:
        details = self.account.get("details") or PLAN["details"].get(self.role)
        if details:
            self._get(f"/proposals/{random.choice(details)}/", "detail /proposals/<pk>/")

    def _dashboard(self) -> None:
        path = PLAN["dashboards"][self.role]
        self._get(path, f"dashboard {path}")

    def _form(self) -> None:
        if self.role == "member" and self.account.get("draft"):
            self._save_draft(self.account["draft"])
        elif self.role == "officer":
            self._urge(next(_urgeable))
        else:
            self._list()

    def _save_draft(self, pk: int) -> None:
        path = f"/proposals/{pk}/edit/"
        response = self._get(path, "form GET /proposals/<pk>/edit/")
        fields = page_form(response.text, form_id="draft-form") if response.status_code == 200 else None
        if fields is not None:
            self._post(path, fields, "form POST /proposals/<pk>/edit/ (save draft)")

    def _urge(self, pk: int) -> None:
        detail = f"/proposals/{pk}/"
        response = self._get(detail, "form GET /proposals/<pk>/ (urge form)")
        action = f"/proposals/{pk}/urge/"
        fields = page_form(response.text, action=action) if response.status_code == 200 else None
        if fields is not None:
            fields = [f for f in fields if f[0] != "note"] + [["note", "请加快办理（压力测试）"]]
            self._post(action, fields, "form POST /proposals/<pk>/urge/ (催办)")
