"""Fixtures shared by the whole suite: users per role, logged-in clients, the browser."""

import os
import shutil
import time

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from zhongyuan_cppcc.accounts.roles import Role

from . import demo_db
from .connections import ConnectionSampler
from .dates import SWEEP, parse_today
from .factories import make_user

ROLES = [r.value for r in Role]
MODEL_BACKEND = "zhongyuan_cppcc.accounts.backends.AccountBackend"


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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Each process's test database is a copy of the run's migrated template (tests/demo_db.py)."""
    demo_db.use_migrated_template()


# --- The clock (issue 16): TEST_TODAY for a whole run, the `dated` marker for the sweep (tests/dates.py) -----

_TRAVELLER = pytest.StashKey()
_SAMPLER = pytest.StashKey()


def pytest_configure(config):
    from . import flush

    flush.install()
    if not hasattr(config, "workerinput"):  # the controlling process (or the only one)
        demo_db.start_run()
        from django.db import connection

        config.stash[_SAMPLER] = ConnectionSampler(connection.get_connection_params()).start()
    today = os.environ.get("TEST_TODAY")
    if today:
        traveller = time_machine.travel(parse_today(today), tick=True)
        traveller.start()
        config.stash[_TRAVELLER] = traveller


def pytest_sessionfinish(session, exitstatus):
    sampler = session.config.stash.get(_SAMPLER, None)
    if sampler is not None:
        sampler.stop()
        if sampler.over_budget and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    sampler = config.stash.get(_SAMPLER, None)
    if sampler is not None:
        line = sampler.report()
        terminalreporter.write_line(line + (" — over budget: the run fails" if sampler.over_budget else ""),
                                    red=sampler.over_budget)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        demo_db.finish_run()
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("dated"):
        metafunc.parametrize("clock", SWEEP, ids=[d.id for d in SWEEP], indirect=True)


def child_clock_env() -> dict[str, str]:
    """Environment for a process a test starts: under TEST_TODAY it reads the test's pinned clock (the
    test settings move their clock by TEST_CLOCK_OFFSET seconds, the pinned clock's distance from the real
    one, so that every process agrees on the time however late it starts); otherwise nothing, and it runs on
    the real clock."""
    if os.environ.get("TEST_TODAY") and time_machine.escape_hatch.is_travelling():
        offset = time.time() - time_machine.escape_hatch.time.time()
        return {"TEST_CLOCK_OFFSET": f"{offset:.6f}"}
    return {}


@pytest.fixture(autouse=True)
def clock(request):
    """The day the test runs on. Under @pytest.mark.dated the clock is pinned (ticking) to each date of the
    sweep, before any other function fixture builds data; otherwise it is today, whatever that is."""
    sweep = getattr(request, "param", None)
    if sweep is None:
        yield timezone.localdate()
        return
    with time_machine.travel(sweep.moment, tick=True):
        assert timezone.localdate() == sweep.day
        yield sweep.day


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _empty_local_cache():
    """Each test starts with an empty process cache: a test's rolled-back writes still advance PostgreSQL's
    sequences (the dashboard's cache version among them), so what one test cached must not reach the next.
    Only a local-memory cache is emptied; a shared Redis cache (never the suite's default) is left alone."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _reference_data_after_every_flush():
    """A transactional test ends with a flush that empties every table, the data migrations' rows too, and then
    sends post_migrate: the reference data is put back right there. The tests after it on that worker find it
    whatever order xdist runs them in (pytest-django runs transactional tests last, but an xdist group holding
    one is sent as a whole, and a group sent early left the rest of that worker's tests without roles)."""
    from django.db.models.signals import post_migrate

    from zhongyuan_cppcc.core.reference_data import ensure_reference_data

    def restore(sender, **kwargs):
        if sender.label == "core":  # once per flush (post_migrate is sent for every app)
            ensure_reference_data()

    post_migrate.connect(restore, dispatch_uid="tests.reference_data_after_flush")
    yield
    post_migrate.disconnect(dispatch_uid="tests.reference_data_after_flush")


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database, data migrations included: put reference data back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from django.contrib.auth.models import Group

        if not Group.objects.exists():
            from zhongyuan_cppcc.core.reference_data import ensure_reference_data

            ensure_reference_data()


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


# --- A real Celery worker against the real Redis broker --------------------------------------------


@pytest.fixture
def celery_worker_process(transactional_db, settings, tmp_path):
    """Start `celery worker` in a subprocess on this test's database and private queue.

    Yields a handle with .stop() / .kill() and the worker's e-mail folder (file-based backend).
    """
    import signal
    import subprocess
    import sys
    import time

    from django.db import connection

    db = connection.settings_dict
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.test",
        "DATABASE_URL": (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
                         f":{db['PORT'] or 5432}/{db['NAME']}"),
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
    }
    log_path = tmp_path / "worker.log"

    class Worker:
        def __init__(self):
            self.mail_dir = mail_dir
            self.log_path = log_path
            self.proc = None

        def start(self, *extra):
            log = open(log_path, "ab")  # noqa: SIM115 - closed when the process ends
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "zhongyuan_cppcc", "worker", "--loglevel", "INFO",
                 "--concurrency", "1", "--pool", "prefork", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
                 "--without-gossip", "--without-mingle", "--without-heartbeat", *extra],
                env={**env, **child_clock_env()}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            deadline = time.time() + 60
            while time.time() < deadline:
                if b"ready." in log_path.read_bytes():
                    return self
                if self.proc.poll() is not None:
                    raise RuntimeError("celery worker exited:\n" + log_path.read_text(errors="replace"))
                time.sleep(0.2)
            raise RuntimeError("celery worker did not start:\n" + log_path.read_text(errors="replace"))

        def stop(self):
            if self.proc and self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill()

        def kill(self):
            if self.proc and self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

        def mails(self) -> list[str]:
            return [p.read_text(errors="replace") for p in sorted(self.mail_dir.glob("*.log"))]

    worker = Worker()
    yield worker
    worker.stop()


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until predicate() is truthy; returns its value or fails the test."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")
