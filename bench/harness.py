"""Benchmark harness: seed a separate database, serve it with gunicorn, measure pages and floors.

See /README.md ("Benchmark") for how to run it and how to read the figures.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Issue 14: a list page renders in at most this many queries (tests/foundation/test_list_queries.py holds every
# list page of the demo to it).
LIST_QUERY_BUDGET = 10

# The framework floor: a hello-world view through the same middleware, as a logged-in user (bench/urls.py).
HELLO_PATH = "/bench/hello/"
HELLO_USER = "bench-hello"

# A fixed CSRF secret for the benchmark's form POSTs (cookie and header carry the same value).
BENCH_CSRF_TOKEN = "b" * 32


@dataclass
class Result:
    name: str
    kind: str  # "page" | "figure" | "check"
    values: dict = field(default_factory=dict)

    def line(self) -> str:
        v = self.values
        if self.kind == "page":
            parts = [
                f"median {v['median_ms']:.1f} ms",
                f"p90 {v['p90_ms']:.1f} ms",
                f"{v['queries']} queries",
            ]
            if v.get("raw_sql_ms") is not None:
                parts.append(f"raw SQL {v['raw_sql_ms']:.2f} ms (x{v['ratio_sql']:.1f})")
            if v.get("raw_sql_planning_ms") is not None:
                parts.append(f"plan {v['raw_sql_planning_ms']:.2f} ms + exec {v['raw_sql_execution_ms']:.2f} ms")
            parts.append(f"{v['rps']:.0f} req/s ({v['ratio_hello']:.0%} of hello's "
                         f"{v['hello_rps_beside']:.0f} beside it)")
            if v.get("cold_median_ms") is not None:
                parts.append(f"rendered afresh {v['cold_median_ms']:.1f} ms, {v['cold_queries']} queries")
            if v.get("errors"):
                parts.append(f"{v['errors']} errors")
            return f"{self.name:<58} " + ", ".join(parts)
        if self.kind == "check":
            return f"{self.name:<58} {'OK' if v['ok'] else 'FAILED'}  {v.get('detail', '')}"
        extra = "".join(f", {k} {val}" for k, val in v.get("notes", {}).items())
        return f"{self.name:<58} {v['value']:.3f} {v['unit']}{extra}"


class SeedContext:
    def __init__(self, scale: str) -> None:
        self.scale = scale

    def size(self, *, small: int, full: int) -> int:
        return full if self.scale == "full" else small

    def user(self, username: str, roles: Sequence[str] = (), **fields):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.utils import timezone

        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": fields.pop("full_name", username), **fields}
        )
        if created:
            user.set_unusable_password()
        user.password_changed_at = timezone.now()
        user.save()
        if roles:
            user.groups.add(*Group.objects.filter(name__in=list(roles)))
        return user

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Fast bulk load with PostgreSQL COPY (tab-separated; None -> NULL)."""
        from django.db import connection

        buffer = io.StringIO()
        count = 0

        def flush():
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_from(buffer, table, columns=list(columns), null="\\N")
            buffer.seek(0)
            buffer.truncate()

        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
            count += 1
            if count % 50_000 == 0:
                flush()
        flush()
        return count


def second_factor_device(user) -> str:
    """The persistent id of a confirmed TOTP device of an account whose role requires a second factor
    (production's OTP_REQUIRED_ROLES: officers, leaders; created if missing), or "" for the others."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhongyuan_cppcc.accounts.two_factor import requires_second_factor

    if not requires_second_factor(user):
        return ""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return device.persistent_id


def second_factor(session, user) -> None:
    """A session that has passed the second factor, as after entering a code, for a role that needs one."""
    from django_otp import DEVICE_ID_SESSION_KEY

    verified = second_factor_device(user)
    if verified:
        session[DEVICE_ID_SESSION_KEY] = verified


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Timed:
    def __init__(self, ctx: MeasureContext, name: str) -> None:
        self.ctx, self.name, self.notes = ctx, name, {}

    def note(self, key: str, value) -> None:
        self.notes[key] = value


class MeasureContext:
    def __init__(self, scale: str, port: int, hello: dict) -> None:
        self.scale = scale
        self.port = port
        self.hello = hello
        self.results: list[Result] = []
        self._cookies: dict[str, str] = {}
        # Set (`--profile`): every measured page is requested once more under pyinstrument (bench/middleware.py).
        self.profile_dir: Path | None = None

    # -- sessions --------------------------------------------------------------------------------
    def cookie_for(self, username: str | None) -> str:
        if not username:
            return ""
        if username not in self._cookies:
            from django.conf import settings
            from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
            from django.contrib.sessions.backends.db import SessionStore

            user = get_user_model().objects.get(username=username)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "zhongyuan_cppcc.accounts.backends.AccountBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            second_factor(session, user)
            session.set_expiry(24 * 3600)
            session.save()
            # A browser carries the CSRF cookie its first page set (a page kept for the user is keyed on it).
            self._cookies[username] = (f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                                       f"{settings.CSRF_COOKIE_NAME}={BENCH_CSRF_TOKEN}")
        return self._cookies[username]

    # -- requests --------------------------------------------------------------------------------
    def get(self, path: str, user: str | None = None, conn: http.client.HTTPConnection | None = None,
            *, method: str = "GET", form: str = "", extra_headers: dict | None = None):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1", **(extra_headers or {})}
        cookie = self.cookie_for(user)
        if cookie:
            headers["Cookie"] = cookie
        if method == "POST":
            # A form POST (exports): Django's CSRF check compares the header with the cookie.
            if "csrftoken=" not in cookie:
                headers["Cookie"] = "; ".join(filter(None, [cookie, f"csrftoken={BENCH_CSRF_TOKEN}"]))
            headers["X-CSRFToken"] = BENCH_CSRF_TOKEN
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn.request(method, path, body=form.encode() if method == "POST" else None, headers=headers)
        response = conn.getresponse()
        body = response.read()
        wall = (time.perf_counter() - started) * 1000
        if own:
            conn.close()
        return response, body, wall

    def post(self, path: str, form: str, user: str | None = None):
        """A form POST (url-encoded `form`) with a valid CSRF token: (response, body, wall ms)."""
        return self.get(path, user, method="POST", form=form)

    def sample(self, path: str, user: str | None, requests: int, expect_status: int = 200, *,
               afresh: bool = False) -> dict:
        """Median and p90 server time of `requests` requests (after two to warm up); `afresh`: every data
        version advanced before each one, as after a write, so nothing kept for the page serves it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        times, queries, errors = [], set(), 0
        for i in range(requests + 2):
            if afresh:
                advance_data_versions()
            response, body, _wall = self.get(path, user, conn)
            if response.status != expect_status:
                errors += 1
                if errors == 1:
                    print(f"  ! {path} answered {response.status} (expected {expect_status})", file=sys.stderr)
            if i < 2:
                continue  # warm-up: connection, caches, first-query plans
            times.append(float(response.getheader("X-Bench-Time-Ms", "nan")))
            queries.add(int(response.getheader("X-Bench-Queries", "-1")))
        conn.close()
        times.sort()
        return {
            "median_ms": statistics.median(times),
            "p90_ms": times[min(len(times) - 1, int(len(times) * 0.9))],
            "queries": max(queries),
            "queries_varied": len(queries) > 1,
            "errors": errors,
        }

    def throughput(self, path: str, user: str | None, seconds: float = 4.0, clients: int = 8) -> dict:
        """Requests per second from a load generator on loopback (wrk if installed)."""
        cookie = self.cookie_for(user)
        wrk = shutil.which("wrk")
        url = f"http://127.0.0.1:{self.port}{path}"
        if wrk:
            cmd = [wrk, "-t2", f"-c{clients}", f"-d{int(max(seconds, 1))}s", "--latency"]
            if cookie:
                cmd += ["-H", f"Cookie: {cookie}"]
            out = subprocess.run(cmd + [url], capture_output=True, text=True, check=False).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) if "Requests/sec" in out else 0.0
            non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
            return {"rps": rps, "non_2xx": int(non2xx.group(1)) if non2xx else 0, "tool": "wrk"}
        return self._python_load(path, user, seconds, clients)

    def throughput_beside_floor(self, path: str, user: str | None, seconds: float = 4.0,
                                rounds: int = 4) -> tuple[dict, dict]:
        """The page's throughput and the hello-world floor's, measured in alternating runs (floor, page, floor,
        page …, `seconds` of each in all); the page's share of the floor is the median of the rounds' shares.
        On a shared 2-core machine the same server's throughput drifts by a third within minutes (hello-world
        alone: 217 to 490 req/s in one session), so a page set against a floor measured once at the start of
        a 15-minute run read anywhere from 38 % to 69 % of it, and a single pair of runs still caught a dip
        on one side now and then."""
        page_runs, floor_runs = [], []
        for _ in range(rounds):
            floor_runs.append(self.throughput(HELLO_PATH, HELLO_USER, seconds=seconds / rounds))
            page_runs.append(self.throughput(path, user, seconds=seconds / rounds))
        shares = [page["rps"] / floor["rps"] for page, floor in zip(page_runs, floor_runs, strict=True)
                  if floor["rps"]]

        def combined(runs: list[dict]) -> dict:
            return {"rps": statistics.fmean(r["rps"] for r in runs), "non_2xx": sum(r["non_2xx"] for r in runs),
                    "tool": runs[0]["tool"]}

        return ({**combined(page_runs), "share": statistics.median(shares) if shares else 0.0},
                combined(floor_runs))

    def _python_load(self, path, user, seconds, clients) -> dict:
        import threading

        deadline = time.perf_counter() + seconds
        counts, bad = [0] * clients, [0] * clients

        def worker(i):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            while time.perf_counter() < deadline:
                response, _, _ = self.get(path, user, conn)
                counts[i] += 1
                if response.status >= 400:
                    bad[i] += 1
            conn.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return {"rps": sum(counts) / seconds, "non_2xx": sum(bad), "tool": "python"}

    # -- API for scenarios -----------------------------------------------------------------------
    def page(self, name: str, path: str, *, user: str | None = None, raw_sql: Sequence | None = None,
             requests: int = 30, expect_status: int = 200, load_seconds: float = 4.0) -> Result:
        stats = self.sample(path, user, requests, expect_status)
        cold = self.sample(path, user, requests, expect_status, afresh=True)
        load, floor = self.throughput_beside_floor(path, user, seconds=load_seconds)
        raw_ms = raw_sql_median(raw_sql) if raw_sql else None
        plan_ms, exec_ms = raw_sql_plan_split(raw_sql) if raw_sql else (None, None)
        values = {
            **stats,
            "path": path,
            "rps": load["rps"],
            "non_2xx_under_load": load["non_2xx"],
            "raw_sql_ms": raw_ms,
            "raw_sql_planning_ms": plan_ms,
            "raw_sql_execution_ms": exec_ms,
            "ratio_sql": (stats["median_ms"] / raw_ms) if raw_ms else None,
            "hello_rps_beside": floor["rps"],
            "ratio_hello": load["share"],
            "cold_median_ms": cold["median_ms"],
            "cold_p90_ms": cold["p90_ms"],
            "cold_queries": cold["queries"],
        }
        if self.profile_dir is not None:
            values["profile"] = self.profile(name, path, user)
        result = Result(name, "page", values)
        self._add(result)
        return result

    def profile(self, name: str, path: str, user: str | None) -> str:
        """One more request of the page, profiled by the server (bench/middleware.py); the profile's file."""
        from .middleware import PROFILE_HEADER, profile_file_name

        # Numbered in the run's order (names that differ only in Chinese text map to the same ASCII name).
        file_name = f"{len(self.results) + 1:03d}-{profile_file_name(name)}"
        response, _body, _wall = self.get(path, user, extra_headers={PROFILE_HEADER: file_name})
        return response.getheader("X-Bench-Profile-File", "")

    def query_count_stable(self, name: str, paths: Sequence[str], *, user: str | None = None) -> Result:
        """A list page renders in the same number of queries for every path (page sizes, page numbers), and in
        at most LIST_QUERY_BUDGET."""
        counts = {}
        for path in paths:
            advance_data_versions()  # the render's queries, not a kept page's
            response, _, _ = self.get(path, user)
            counts[path] = int(response.getheader("X-Bench-Queries", "-1"))
        ok = len(set(counts.values())) == 1 and 0 <= min(counts.values()) and max(counts.values()) <= LIST_QUERY_BUDGET
        result = Result(name, "check", {"ok": ok, "detail": ", ".join(f"{p}: {c}" for p, c in counts.items())})
        self._add(result)
        return result

    def query_count_not_growing(self, name: str, small: str, large: str, *, user: str | None = None) -> Result:
        """The page with more data (a longer history, more rows) runs no more queries than the one with less;
        for pages whose two samples may differ in optional sections (so an exact match is not expected)."""
        counts = {}
        for path in (small, large):
            advance_data_versions()
            response, _, _ = self.get(path, user)
            counts[path] = int(response.getheader("X-Bench-Queries", "-1"))
        ok = min(counts.values()) >= 0 and counts[large] <= counts[small]
        result = Result(name, "check", {"ok": ok, "detail": ", ".join(f"{p}: {c}" for p, c in counts.items())})
        self._add(result)
        return result

    def record(self, name: str, value: float, unit: str, **notes) -> Result:
        result = Result(name, "figure", {"value": float(value), "unit": unit, "notes": notes})
        self._add(result)
        return result

    @contextmanager
    def timed(self, name: str):
        """Wall time and peak Python memory (tracemalloc) of the block."""
        timer = Timed(self, name)
        tracemalloc.start()
        started = time.perf_counter()
        try:
            yield timer
        finally:
            elapsed = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            timer.notes["peak_python_mem"] = f"{peak / 1e6:.1f} MB"
            self.record(name, elapsed, "s", **timer.notes)

    def _add(self, result: Result) -> None:
        self.results.append(result)
        print(result.line(), flush=True)


def advance_data_versions() -> None:
    """Every data version one step on, as a write to every module would (zhongyuan_cppcc/dashboard/cache.py):
    the next request renders its page and counts afresh."""
    from django.db import connection

    from zhongyuan_cppcc.dashboard.cache import sequence_name, version_labels

    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"nextval('{sequence_name(label)}')" for label in version_labels()))


def raw_sql_median(statements: Sequence, repeat: int = 15) -> float:
    """Median time (ms) to run the page's essential SQL directly through the DB driver."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    timings = []
    for i in range(repeat + 2):
        started = time.perf_counter()
        with raw.cursor() as cursor:
            for statement in statements:
                sql, params = (statement, None) if isinstance(statement, str) else statement
                cursor.execute(sql, params)
                cursor.fetchall()
        if i >= 2:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


SETTINGS_PREFIX = re.compile(r"((?:\s*SET\s+LOCAL\s[^;]*;)*)\s*(.*)", re.DOTALL | re.IGNORECASE)


def raw_sql_plan_split(statements: Sequence, repeat: int = 5) -> tuple[float, float]:
    """Median planning and execution time (ms) of the page's essential SQL, summed over its statements,
    from PostgreSQL's own EXPLAIN (ANALYZE, FORMAT JSON) ("Planning Time" / "Execution Time"): a wide
    join can cost more to plan than to run, which the wall-clock floor alone does not show."""
    import json

    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    planning, execution = [], []
    for i in range(repeat + 1):
        plan_ms = exec_ms = 0.0
        with raw.cursor() as cursor:
            for statement in statements:
                sql, params = (statement, None) if isinstance(statement, str) else statement
                # A statement sent with its settings ("SET LOCAL work_mem = …; WITH …", members/scoring.py)
                # is explained with them in force.
                settings_part, query = SETTINGS_PREFIX.match(sql).groups()
                cursor.execute(settings_part + "EXPLAIN (ANALYZE, FORMAT JSON) " + query, params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                plan_ms += float(plan[0].get("Planning Time", 0.0))
                exec_ms += float(plan[0].get("Execution Time", 0.0))
        if i >= 1:
            planning.append(plan_ms)
            execution.append(exec_ms)
    return statistics.median(planning), statistics.median(execution)


# --- database and server management ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn_server(env: dict, workers: int = 2, log_path: Path | None = None, keep_alive: int = 2):
    """gunicorn on a free loopback port; its output goes to log_path when given (else to this terminal).
    keep_alive: seconds an idle connection stays open (clients that think longer than this between requests
    race the server's close when they reuse the connection, as they would without nginx in front)."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "zhongyuan_cppcc.wsgi", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", "gthread", "--threads", "4",
           "--log-level", "warning", "--timeout", "120", "--keep-alive", str(keep_alive)]
    log = open(log_path, "ab") if log_path else None
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT if log else None)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz/")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            log.close()


def write_report(results: list[Result], scale: str, hello: dict) -> Path:
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{scale}.json"
    path.write_text(json.dumps({"scale": scale, "hello": hello,
                                "results": [{"name": r.name, "kind": r.kind, **r.values} for r in results]},
                               ensure_ascii=False, indent=2, default=str))
    return path


def summary(results: list[Result], hello: dict) -> str:
    pages = [r for r in results if r.kind == "page"]
    checks = [r for r in results if r.kind == "check"]
    parts = [f"{len(pages)} pages"]
    if pages:
        worst = max(pages, key=lambda r: r.values["median_ms"])
        parts.append(f"slowest median {worst.values['median_ms']:.1f} ms ({worst.name})")
        colds = [r for r in pages if r.values.get("cold_median_ms") is not None]
        if colds:
            worst = max(colds, key=lambda r: r.values["cold_median_ms"])
            parts.append(f"slowest rendered afresh {worst.values['cold_median_ms']:.1f} ms ({worst.name})")
        ratios = [r.values["ratio_sql"] for r in pages if r.values.get("ratio_sql")]
        if ratios:
            parts.append(f"worst page/raw-SQL ratio x{max(ratios):.1f}")
        parts.append(f"lowest throughput {min(r.values['ratio_hello'] for r in pages):.0%} of hello beside it "
                     f"(hello at the start: {hello['rps']:.0f} req/s)")
        errors = sum(r.values["errors"] + r.values["non_2xx_under_load"] for r in pages)
        parts.append(f"{errors} error responses")
    if checks:
        parts.append(f"{sum(c.values['ok'] for c in checks)}/{len(checks)} query-count checks stable "
                     f"(lists: at most {LIST_QUERY_BUDGET} queries rendered afresh)")
    return "SUMMARY: " + "; ".join(parts)
