"""Test databases and demo data built once per test run and cloned where they are needed (issue 14).

Migrations run once per run, into a template database; every test database (one per xdist worker) and every
demo build starts as a copy of it.

Loading the demo through the real services takes one to three minutes. A module that needs it asks for a
``DemoBuild`` (which loaders, at which moment): the first worker to ask builds it into a template database
(migrations and ``load_demo`` in a child process with the clock pinned to the build's moment), under a
PostgreSQL advisory lock so that the other worker waits instead of building it again; every module then
gets its own copy (``CREATE DATABASE … TEMPLATE``, about a second) and the worker's connection points at
the copy until the module ends. Builds with the same parameters are shared across modules and workers; the
modules reading one build share an xdist group (``demo-full``, ``demo-dated``), so that one worker builds and
reads while the other goes on with the rest of the suite.

The templates carry the run's id (``ZY_TEST_RUN``, set once by the controlling process and inherited by the
xdist workers) and are dropped when the run ends; those of a run that was killed are dropped by the next
run once they are a few hours old."""

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg2
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "zyt_"
STALE_SECONDS = 6 * 3600
ALL_LOADERS = ("accounts", "members", "proposals", "opinions", "consultations", "members-evaluation")


@dataclass(frozen=True)
class DemoBuild:
    """One way of loading the demo: these loaders, with the clock pinned to ``moment`` (ISO 8601 with a zone),
    ticking or not; ``recent`` loads only the running year and a smaller previous one (load_demo --recent)."""

    key: str
    moment: str
    loaders: tuple[str, ...] = ALL_LOADERS
    tick: bool = False
    recent: bool = False

    @property
    def at(self) -> datetime:
        """The build's moment as an aware datetime."""
        return datetime.fromisoformat(self.moment)

    def digest(self) -> str:
        text = repr((self.moment, self.loaders, self.tick, self.recent))
        return hashlib.sha1(text.encode()).hexdigest()[:8]


# The whole demo in the middle of a running year: 2023 is complete with the work report's figures and 2026
# is running. The dashboard, opinions, consultations and platform tests share it.
FULL = DemoBuild("full", "2026-06-15T10:00:00+08:00")


# The proposals side of the demo (what the proposals demo's dated tests read).
PROPOSAL_LOADERS = ("accounts", "members", "proposals", "members-evaluation")


def dated_build(day, loaders: tuple[str, ...] = ALL_LOADERS) -> DemoBuild:
    """The demo (by default the whole of it) loaded at 01:00 Beijing time on a date of the sweep (tests/dates.py),
    clock ticking. Only the years the date moves are loaded (load_demo --recent): every step of 2023 is dated in
    2023, the same on any later day, so the work report's year is loaded and checked once, in FULL."""
    return DemoBuild(f"dated_{day.day:%Y%m%d}", day.moment.isoformat(), loaders=tuple(loaders), tick=True,
                     recent=True)


def run_id() -> str:
    return os.environ["ZY_TEST_RUN"]


def start_run() -> None:
    """In the controlling process, before any worker starts: name this run, drop killed runs' leftovers."""
    os.environ.setdefault("ZY_TEST_RUN", uuid.uuid4().hex[:8])
    try:
        with _admin() as cur:
            cur.execute("SELECT d.datname, shobj_description(d.oid, 'pg_database') FROM pg_database d "
                        "WHERE d.datname LIKE %s", [PREFIX + "%"])
            rows = cur.fetchall()
            now = _server_now(cur)
            for name, comment in rows:
                born = float(comment) if comment and comment.replace(".", "", 1).isdigit() else 0.0
                if now - born > STALE_SECONDS:
                    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg2.Error:
        pass  # no server yet: the tests that need it will say so


def finish_run() -> None:
    """In the controlling process, after every worker has finished: drop this run's templates."""
    run = os.environ.get("ZY_TEST_RUN")
    if not run:
        return
    try:
        with _admin() as cur:
            cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{PREFIX}{run}_%"])
            for (name,) in cur.fetchall():
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg2.Error:
        pass
    for leftover in Path("/tmp").glob(f"{PREFIX}{run}_*"):
        shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)


@contextmanager
def _admin():
    """An autocommit cursor on the server's maintenance database, as the tests' own role."""
    params = dict(connection.get_connection_params())
    params["dbname"] = "postgres"
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def _server_now(cur) -> int:
    """The database server's clock (seconds): a test run pinned to another day (TEST_TODAY) moves Python's
    clock, and a template stamped with it looked months old to a concurrent run, which dropped it mid-build."""
    cur.execute("SELECT extract(epoch FROM now())::bigint")
    return cur.fetchone()[0]


def _exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cur.fetchone() is not None


def _ensure(name: str, build) -> str:
    """`name` once this run has it: the first process to ask calls build(cur, name), the others wait."""
    with _admin() as cur:
        cur.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
        try:
            if not _exists(cur, name):
                build(cur, name)
        finally:
            cur.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
    return name


def migrated() -> str:
    """The template database with every migration applied (and the reference data they install): the test
    databases and the demo builds start as copies of it instead of migrating again."""
    return _ensure(f"{PREFIX}{run_id()}_migrated", lambda cur, name: _build(cur, name, None, []))


def template(build: DemoBuild) -> str:
    """The name of the template database holding `build`; built now unless this run already has it."""
    args = ["--moment", build.moment, "--loaders", ",".join(build.loaders)]
    if build.tick:
        args.append("--tick")
    if build.recent:
        args.append("--recent")
    source = migrated()
    return _ensure(f"{PREFIX}{run_id()}_{build.key}_{build.digest()}",
                   lambda cur, name: _build(cur, name, source, args))


def _build(cur, name: str, source: str | None, args: list[str]) -> None:
    """Build `name` from a copy of `source` (an empty database if None) with tests/build_demo_db.py, under a
    temporary name, so that it appears under its own only once complete."""
    partial = name + "_b"
    cur.execute(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)')
    cur.execute(f'CREATE DATABASE "{partial}"' + (f' TEMPLATE "{source}"' if source else ""))
    cur.execute(f"COMMENT ON DATABASE \"{partial}\" IS '{_server_now(cur)}'")
    params = connection.get_connection_params()
    url = "postgres://{user}@{host}:{port}/{db}".format(
        user=params.get("user", "postgres"), host=params.get("host", "127.0.0.1"), port=params.get("port", 5432),
        db=partial)
    if params.get("password"):
        url = url.replace("@", f":{params['password']}@", 1)
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_TODAY", "TEST_CLOCK_OFFSET")}
    env.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.test",
                "TEST_MEDIA_ROOT": f"/tmp/{name}-media"})
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "build_demo_db.py"), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        cur.execute(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)')
        raise RuntimeError(f"building the test database {name} failed:\n{result.stdout[-3000:]}"
                           f"\n{result.stderr[-5000:]}")
    cur.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
    Path(f"/tmp/{name}.out").write_text(result.stdout)


def use_migrated_template() -> None:
    """Before pytest-django creates this process's test database: create it as a copy of the migrated
    template (Django's TEST TEMPLATE setting); its own migrate then finds nothing to do."""
    connection.settings_dict.setdefault("TEST", {})["TEMPLATE"] = migrated()


def build_output(build: DemoBuild) -> str:
    """What ``load_demo`` printed while building `build`."""
    return Path(f"/tmp/{template(build)}.out").read_text()


@contextmanager
def demo_database(build: DemoBuild, django_db_blocker):
    """For a module fixture: this worker's connections read and write a fresh copy of `build` until the end."""
    source = template(build)
    with django_db_blocker.unblock():
        original = connection.settings_dict["NAME"]
        copy = f"{original}_demo"
        connections.close_all()
        with _admin() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        connection.settings_dict["NAME"] = copy
        try:
            yield copy
        finally:
            connections.close_all()
            connection.settings_dict["NAME"] = original
            with _admin() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
