"""Every URL pattern has a row in the role × URL table, and every row holds for every role; every page a role
may open reads in Chinese (issue 15, tests/page_text.py)."""

import dis
import importlib
import pkgutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

import tests
from tests.factories import make_user
from tests.page_text import assert_reads_in_chinese
from tests.url_matrix import (
    ADMIN_LOGIN,
    ALLOW,
    ANON,
    BIGINT_PAGE,
    DENY,
    EVERYONE,
    FUZZ_SKIP_ACTIONS,
    HIDDEN,
    HUGE,
    LOGIN,
    PAYLOADS,
    QUERY_VARIANTS,
    Covered,
    Expect,
)

MODEL_BACKEND = "zhongyuan_cppcc.accounts.backends.AccountBackend"


def all_url_names(resolver=None, namespace="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            child = f"{namespace}{ns}:" if ns else namespace
            names |= all_url_names(entry, child)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>")
    return names


def load_tables() -> tuple[dict[str, Expect], list[Covered]]:
    expectations: dict[str, Expect] = {}
    covered: list[Covered] = []
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.url_expectations")
        except ModuleNotFoundError:
            continue
        for name, expect in module.EXPECTATIONS.items():
            assert name not in expectations, f"{name} appears in two expectation tables"
            expectations[name] = expect
        covered += getattr(module, "COVERED", [])
    return expectations, covered


EXPECTATIONS, COVERED = load_tables()


def is_covered(name: str) -> bool:
    return any(name.startswith(c.namespace + ":") for c in COVERED)


def test_every_url_has_an_expectation():
    names = all_url_names()
    missing = sorted(n for n in names if n not in EXPECTATIONS and not is_covered(n))
    assert not missing, f"URLs without a row in the role × URL table: {missing}"
    stale = sorted(n for n in EXPECTATIONS if n not in names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def classify(response) -> str:
    if response.status_code in (301, 302):
        location = response.headers["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        return ALLOW
    if response.status_code == 403:
        return DENY
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code < 500, f"server error {response.status_code}"
    return ALLOW


def reads_its_user(kwargs) -> bool:
    """Whether a row's kwargs(user) reads its argument (the role's own objects, made for each role); the others
    are made once per URL and shared by every role's test."""
    code = kwargs.__code__
    if not code.co_argcount:
        return False
    param = code.co_varnames[0]
    if param in code.co_cellvars:  # handed to an inner function
        return True
    return any(i.opname.startswith("LOAD_FAST") and i.argval == param for i in dis.get_instructions(kwargs))


@pytest.fixture(scope="module")
def walker_media(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("walker") / "media")


@pytest.fixture(autouse=True)
def _isolated_media(settings, walker_media):
    """One media directory for the module (instead of one per test): the files of a row's shared objects."""
    settings.MEDIA_ROOT = walker_media


@pytest.fixture(scope="module")
def url_name(request, walker_sessions, walker_media, django_db_blocker):
    """A row's URL name and, unless they depend on the role, its URL kwargs: their objects are made once for
    all the roles of the row, in a savepoint of the module's transaction that is rolled back when the row's
    tests are done (each test runs in a savepoint of its own, so what one role does is undone before the next).
    Making them again for each of the eleven roles took most of the walker's time."""
    name = request.param
    expect = EXPECTATIONS[name]
    if expect.kwargs is None or reads_its_user(expect.kwargs):
        yield name, None
        return
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=walker_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield name, expect.kwargs(None)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def log_in_as(client, walker_sessions, role: str):
    """The module's account of `role` in `client` (None for the anonymous visitor), fresh from the database."""
    if role == ANON:
        return None
    user, session_key = walker_sessions[role]
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    user.refresh_from_db()
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERYONE)
@pytest.mark.parametrize("url_name", sorted(EXPECTATIONS), indirect=True)
def test_role_can_or_cannot_use_url(client, walker_sessions, url_name, role):
    name, shared_kwargs = url_name
    expect = EXPECTATIONS[name]
    user = log_in_as(client, walker_sessions, role)
    if shared_kwargs is not None:
        kwargs = shared_kwargs
    else:
        kwargs = expect.kwargs(user) if expect.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    before = table_snapshot() if expect.method == "get" else None
    response = getattr(client, expect.method)(url, data=expect.data or {})
    outcome = expect.outcome_for(role)
    assert classify(response) == outcome, (
        f"{role} {expect.method.upper()} {url} answered {response.status_code} "
        f"{response.headers.get('Location', '')}"
    )
    if expect.method == "get" and outcome == ALLOW:
        assert_reads_in_chinese(response, role, url)  # issue 15: no English a user can read
    if before is not None:
        after = table_snapshot()
        changed = sorted(t for t in after if after[t] != before.get(t))
        assert not changed, f"{role} GET {url} changed rows in {changed} (a GET must change nothing)"


# Tables a GET may write: the audit trail (sensitive reads are audited), sessions (idle timeout),
# and django-axes' access log.
# otp_totp_totpdevice: the enrolment page creates the account's pending (unconfirmed) key once, on the first
# visit (idempotent: later visits read it); it grants nothing until confirmed by a POST with a code.
GET_MAY_WRITE = {"audit_auditevent", "django_session", "axes_accesslog", "axes_accessattempt", "otp_totp_totpdevice"}


def table_snapshot() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table (PostgreSQL's own counters of
    the running transaction, pg_stat_xact_user_tables): a GET that writes anything, even a value it already
    had, moves them. One small query, where a digest of every row of every table took most of each test."""
    from django.db import connection

    if connection.vendor != "postgresql":  # pragma: no cover - the suite runs on PostgreSQL
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {table: writes for table, writes in cursor.fetchall() if table not in GET_MAY_WRITE}


# --- Bad input: oversized and malformed parameters, payload text in every form field ---------------------


class FormCollector(HTMLParser):
    """The forms of a page: method, action and the names of their fields (inputs, selects, buttons …)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                             "fields": set()}
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and self._current is not None and attrs.get("name"):
            self._current["fields"].add(attrs["name"])
        if tag in ("input", "select", "textarea", "button") and attrs.get("form") and attrs.get("name"):
            # A field outside its form (form="id"): count it for every form on the page, harmlessly.
            for form in self.forms:
                form["fields"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def page_forms(response, page_url: str) -> list[dict]:
    if "html" not in response.headers.get("Content-Type", ""):
        return []
    collector = FormCollector()
    collector.feed(response.content.decode(errors="replace"))
    for form in collector.forms:
        form["action"] = urlsplit(form["action"]).path or urlsplit(page_url).path
    return [f for f in collector.forms if not f["action"].startswith(FUZZ_SKIP_ACTIONS)
            and f["action"].startswith("/")]


def fuzz_role(expect: Expect) -> str:
    """The role whose answer shows the most: one allowed to use the URL, else a plain member."""
    return expect.allowed[0] if expect.allowed else "member"


def oversized_kwargs(kwargs: dict) -> dict:
    return {k: int(HUGE) if isinstance(v, int) else v for k, v in kwargs.items()}


def assert_no_server_error(response, what: str):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


FUZZ_COUNTS = {"urls": 0, "requests": 0, "forms": set()}
FUZZED_FORMS: set[tuple] = set()  # (role, method, action, fields) already sent every payload in this process

GET_NAMES = sorted(n for n, e in EXPECTATIONS.items() if e.method == "get")
POST_NAMES = sorted(n for n, e in EXPECTATIONS.items() if e.method == "post")


def login_as(client, role: str):
    user = make_user(role, username=f"fuzz-{role}")
    client.force_login(user, backend=MODEL_BACKEND)
    return user


def fuzz_forms(client, forms: list[dict], what: str, role: str):
    """Each payload in every field of each form, once per role and form: the navigation's search form (on every
    page) and a form that several pages show are sent the same requests wherever they appear, so they are
    fuzzed where this process first meets them (the search form alone took a fifth of the fuzzing's time)."""
    for form in forms:
        fields = sorted(form["fields"]) or ["next"]
        key = (role, form["method"], form["action"], tuple(fields))
        if key in FUZZED_FORMS:
            continue
        FUZZED_FORMS.add(key)
        for payload in PAYLOADS:
            data = dict.fromkeys(fields, payload)
            if form["method"] == "post":
                response = client.post(form["action"], data=data)
            else:
                response = client.get(form["action"], data=data)
            FUZZ_COUNTS["requests"] += 1
            assert_no_server_error(response, f"{what}: {form['method'].upper()} {form['action']} "
                                             f"with {payload[:20]!r} in {fields}")
        FUZZ_COUNTS["forms"].add((form["method"], form["action"], tuple(fields)))


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_NAMES)
def test_page_takes_malformed_parameters_and_its_forms_take_payloads(client, name):
    """Every page with oversized/malformed page, year and id parameters, every form on it with payload text."""
    expect = EXPECTATIONS[name]
    user = login_as(client, fuzz_role(expect))
    kwargs = expect.kwargs(user) if expect.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    FUZZ_COUNTS["urls"] += 1
    for query in QUERY_VARIANTS:
        response = client.get(url, data=query)
        FUZZ_COUNTS["requests"] += 1
        assert_no_server_error(response, f"GET {url} {query!r}")
    if any(isinstance(v, int) for v in kwargs.values()):
        huge_url = reverse(name, kwargs=oversized_kwargs(kwargs))
        assert_no_server_error(client.get(huge_url), f"GET {huge_url}")
    response = client.get(url)
    assert_no_server_error(response, f"GET {url}")
    fuzz_forms(client, page_forms(response, url), f"a form on {url}", fuzz_role(expect))


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_NAMES)
def test_post_url_takes_payloads(client, name):
    """Every POST URL with payload text in its fields and in the usual id/next/year names."""
    expect = EXPECTATIONS[name]
    user = login_as(client, fuzz_role(expect))
    kwargs = expect.kwargs(user) if expect.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    FUZZ_COUNTS["urls"] += 1
    fields = set(expect.data or {}) | {"next", "id", "ids", "pk", "year", "page", "note", "q"}
    fuzz_forms(client, [{"method": "post", "action": url, "fields": fields}], f"POST {url}", fuzz_role(expect))
    if any(isinstance(v, int) for v in kwargs.values()):
        huge_url = reverse(name, kwargs=oversized_kwargs(kwargs))
        assert_no_server_error(client.post(huge_url, data={"next": "abc"}), f"POST {huge_url}")


def admin_fuzz_queries(model_admin) -> list[dict]:
    queries = [{"p": BIGINT_PAGE}, {"p": "abc"}, {"q": PAYLOADS[1]}, {"q": PAYLOADS[0]}, {"o": "abc.-x"}]
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        queries += [{f"{field}__year": HUGE}, {f"{field}__year": "9999"},
                    {f"{field}__year": "9999", f"{field}__month": "12"},
                    {f"{field}__year": "2024", f"{field}__month": "13", f"{field}__day": "99"},
                    {f"{field}__year": "abc"}]
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            queries += [{f"{entry}__exact": HUGE}, {f"{entry}__exact": "abc"}, {f"{entry}__id__exact": HUGE},
                        {f"{entry}__year": HUGE}, {f"{entry}__isnull": "abc"}]
    return queries


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["sysadmin", "secadmin"])
def test_admin_changelists_take_impossible_filters(client, role):
    """Date hierarchy, list filters, page and search of every admin list the role opens: never a 5xx."""
    from django.contrib import admin

    login_as(client, role)
    opened = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if client.get(changelist).status_code != 200:
            continue
        opened += 1
        for query in admin_fuzz_queries(model_admin):
            response = client.get(changelist, data=query)
            assert_no_server_error(response, f"{role} GET {changelist} {query!r}")
        for pk in (HUGE, "abc"):
            url = f"{changelist}{pk}/change/"
            assert_no_server_error(client.get(url), f"{role} GET {url}")
    assert opened >= 3, f"{role} opened only {opened} admin lists"


@pytest.fixture(scope="module", autouse=True)
def _report_fuzz_counts():
    """With -s, prints how much the fuzzing tests covered (for the issue's closing note)."""
    yield
    if FUZZ_COUNTS["urls"]:
        print(f"\nfuzzed {FUZZ_COUNTS['urls']} URLs, {len(FUZZ_COUNTS['forms'])} distinct forms, "
              f"{FUZZ_COUNTS['requests']} requests")
