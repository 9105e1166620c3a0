"""The load run (`python -m bench --load`, `make bench BENCH_LOAD=1`): logged-in clients driven by locust
against the benchmark's gunicorn, once with Redis up throughout and once with Redis stopped halfway.

The run owns a private Redis (its own port, no persistence), so stopping it never touches the machine's
shared Redis; gunicorn and one Celery worker are pointed at it (REDIS_URL and CACHE_URL). Reported: requests,
5xx answers, unexpected answers, p50/p99 per page type and overall, and the POST latencies with Redis up and
down. After the second run Redis is started again, the pending rows' tasks are published (what the beat's
next reminder scan does, core/tasks_util.py) and the worker must bring the urges written during the outage
to zero pending.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .harness import ROOT, free_port

KINDS = ("list", "detail", "dashboard", "form GET", "form POST")


# --- the private Redis and the worker -------------------------------------------------------------------


class PrivateRedis:
    """redis-server on its own port without persistence; stop() and start() again on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def private_redis(port: int | None = None):
    redis = PrivateRedis(port or free_port())
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def celery_worker(env: dict, log_path: Path):
    """One worker process (solo pool) on the private Redis; its output goes to log_path."""
    log = open(log_path, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "zhongyuan_cppcc", "worker", "--pool", "solo",
                             "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def service_env(base: dict, redis: PrivateRedis) -> dict:
    """The web and worker environment: broker and shared cache on the private Redis."""
    return {**base, "PYTHONPATH": str(ROOT), "REDIS_URL": redis.url, "CACHE_URL": redis.url}


# --- one locust run ---------------------------------------------------------------------------------------


@dataclass
class RunResult:
    label: str
    records: list = field(default_factory=list)  # [phase, name, method, status, ms, exception]
    seconds: float = 0.0

    def rows(self, phase: str | None = None) -> list:
        return [r for r in self.records if phase is None or r[0] == phase]


def run_locust(port: int, plan: dict, *, users: int, seconds: float, workdir: Path, label: str,
               redis: PrivateRedis | None = None, stop_redis_after: float | None = None) -> RunResult:
    """Run locust headless for `seconds`; with stop_redis_after, the phase turns "down" and Redis is stopped
    that many seconds after the clients started."""
    phase_file = workdir / f"{label}.phase"
    phase_file.write_text("up")
    plan_file = workdir / f"{label}.plan.json"
    started_file = workdir / f"{label}.started"
    plan_file.write_text(json.dumps({**plan, "phase_file": str(phase_file), "started_file": str(started_file)},
                                    ensure_ascii=False))
    out_file = workdir / f"{label}.out.json"
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_OUT": str(out_file),
           "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
           "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{max(1, round(seconds))}s",
           "--host", f"http://127.0.0.1:{port}", "--loglevel", "ERROR", "--only-summary",
           "--exit-code-on-error", "0", "--stop-timeout", "10"]
    log = open(workdir / f"{label}.locust.log", "wb")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        if stop_redis_after is not None and redis is not None:
            deadline = time.monotonic() + 60
            while not started_file.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(stop_redis_after)
            phase_file.write_text("down")
            redis.stop()
        proc.wait(timeout=seconds + 120)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    elapsed = time.monotonic() - started
    if not out_file.exists():
        raise RuntimeError(f"locust wrote no results: {(workdir / f'{label}.locust.log').read_text()[-2000:]}")
    return RunResult(label, json.loads(out_file.read_text())["records"], elapsed)


# --- figures -----------------------------------------------------------------------------------------------


def kind_of(name: str) -> str:
    for kind in ("form GET", "form POST"):
        if name.startswith(kind):
            return kind
    return name.split(" ", 1)[0]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def figures(records: list) -> dict:
    times = [r[4] for r in records]
    return {
        "requests": len(records),
        "5xx": sum(1 for r in records if r[3] >= 500),
        "no_answer": sum(1 for r in records if r[3] == 0),
        "unexpected": sum(1 for r in records if 0 < r[3] < 500 and not _expected(r)),
        "p50_ms": statistics.median(times) if times else float("nan"),
        "p99_ms": percentile(times, 99),
        "max_ms": max(times) if times else float("nan"),
    }


def _expected(record) -> bool:
    status, method = record[3], record[2]
    return status == (302 if method == "POST" else 200)


def table(result: RunResult, phases: tuple[str | None, ...] = (None,)) -> list[dict]:
    rows = []
    for phase in phases:
        records = result.rows(phase)
        for kind in KINDS:
            subset = [r for r in records if kind_of(r[1]) == kind]
            if subset:
                rows.append({"run": result.label, "phase": phase or "all", "page": kind, **figures(subset)})
        rows.append({"run": result.label, "phase": phase or "all", "page": "overall", **figures(records)})
    return rows


def format_table(rows: list[dict]) -> str:
    head = f"{'run':<18} {'Redis':<6} {'page type':<10} {'requests':>8} {'5xx':>4} {'none':>4} {'unexp':>5} " \
           f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['run']:<18} {r['phase']:<6} {r['page']:<10} {r['requests']:>8} {r['5xx']:>4} "
                     f"{r['no_answer']:>4} {r['unexpected']:>5} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                     f"{r['max_ms']:>8.1f}")
    return "\n".join(lines)


# --- the whole load mode -------------------------------------------------------------------------------------


@dataclass
class LoadOutcome:
    rows: list[dict]
    steady: RunResult
    outage: RunResult
    pending_at_restart: int
    pending_after: int
    published: int
    catch_up_seconds: float
    steady_pending: int = 0
    workdir: Path | None = None

    @property
    def five_xx(self) -> int:
        return sum(1 for run in (self.steady, self.outage) for r in run.records if r[3] >= 500 or r[3] == 0)

    def post_ms(self, run: RunResult, phase: str | None) -> dict:
        posts = [r[4] for r in run.rows(phase) if r[2] == "POST"]
        return {"posts": len(posts), "p50_ms": statistics.median(posts) if posts else float("nan"),
                "p99_ms": percentile(posts, 99), "max_ms": max(posts) if posts else float("nan")}

    def summary(self) -> str:
        lines = [format_table(self.rows), ""]
        for label, run, phase in (("POST, Redis up (steady run)", self.steady, None),
                                  ("POST, Redis up (outage run, 1st half)", self.outage, "up"),
                                  ("POST, Redis down (outage run, 2nd half)", self.outage, "down")):
            p = self.post_ms(run, phase)
            lines.append(f"{label:<42} {p['posts']:>5} posts, p50 {p['p50_ms']:.1f} ms, p99 {p['p99_ms']:.1f} ms, "
                         f"max {p['max_ms']:.1f} ms")
        lines.append(f"urge reminders of the steady run still pending after it: {self.steady_pending}")
        lines.append(f"urge reminders pending when Redis came back: {self.pending_at_restart}; "
                     f"tasks published by the catch-up: {self.published}; pending "
                     f"{self.catch_up_seconds:.1f} s after the restart: {self.pending_after}")
        lines.append(f"LOAD: {self.five_xx} 5xx/unanswered in {len(self.steady.records) + len(self.outage.records)} "
                     f"requests; queued work {'done' if self.pending_after == 0 else 'NOT done'} after restart")
        return "\n".join(lines)


def pending_urges() -> int:
    """Urge reminders still pending. Each run starts with none (`reset_urges`), so every one counted is the
    run's own, whichever clock the served processes stamp their rows with (a test may pin its own)."""
    from proposals.models import Milestone, Reminder, ReminderStatus

    return Reminder.objects.filter(milestone=Milestone.URGE, status=ReminderStatus.PENDING).count()


def catch_up(env: dict) -> int:
    """What the beat's reminder scans do for lost work, in a process on the private Redis: publish a task for
    every pending row without a live one (`publish_pending`). Rows unmarked by a failed publish go at once;
    rows whose task was published but died with Redis's memory (no persistence) are republished by the first
    scan after reminders.stuck_after_minutes, which this call stands for (the clock moved past that window; a
    second task for a row is harmless, sending claims the row). Returns the number of tasks published."""
    code = ("import django; django.setup(); from datetime import timedelta; from django.utils import timezone; "
            "from proposals.reminders.milestones import load_settings; "
            "from proposals.reminders.scan import publish_pending; cfg = load_settings(); "
            "print(publish_pending(now=timezone.now() + timedelta(minutes=cfg.stuck_after_minutes, seconds=1), "
            "cfg=cfg))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.strip().splitlines()
    return int(out[-1]) if out else 0


def wait_for_no_pending(timeout: float) -> tuple[int, float]:
    """Poll until no urge of the run is pending (or the timeout): (pending, seconds waited)."""
    started = time.monotonic()
    pending = pending_urges()
    while pending and time.monotonic() - started < timeout:
        time.sleep(0.25)
        pending = pending_urges()
    return pending, time.monotonic() - started


def run_load(base_env: dict, plan: dict, *, users: int, seconds: float, gunicorn, redis_port: int | None = None,
             catch_up_timeout: float = 60.0, workers: int = 2, steady: bool = True) -> LoadOutcome:
    """Both runs (steady=False: only the one with Redis stopped halfway) against one gunicorn
    (`gunicorn(env, workers=…, log_path=…)` is harness.gunicorn_server) and one worker on a private Redis.
    The database of `base_env` must be the one this process's Django uses."""

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with private_redis(redis_port) as redis:
        env = service_env(base_env, redis)
        keep_alive = int(plan.get("wait_max", 3.0)) + 5  # longer than any client's pause between requests
        with gunicorn(env, workers=workers, log_path=workdir / "gunicorn.log", keep_alive=keep_alive) as port, \
                celery_worker(env, workdir / "worker.log"):
            steady_run, steady_pending = RunResult("Redis up"), 0
            if steady:
                reset_urges()
                steady_run = run_locust(port, plan, users=users, seconds=seconds, workdir=workdir, label="Redis up")
                steady_pending, _ = wait_for_no_pending(catch_up_timeout)
            reset_urges()
            outage = run_locust(port, plan, users=users, seconds=seconds, workdir=workdir, label="Redis stopped",
                                redis=redis, stop_redis_after=seconds / 2)
            pending_at_restart = pending_urges()
            restarted = time.monotonic()
            redis.start()
            published = catch_up(env)
            pending, _ = wait_for_no_pending(catch_up_timeout)
            waited = time.monotonic() - restarted
    rows = (table(steady_run) if steady else []) + table(outage, phases=("up", "down"))
    return LoadOutcome(rows, steady_run, outage, pending_at_restart, pending, published, waited,
                       steady_pending=steady_pending, workdir=workdir)


def reset_urges() -> None:
    """Remove the urges (and their notifications) of earlier runs, so that every proposal can be urged again
    today and each run's counts are its own."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM proposals_reminder WHERE milestone = 'urge'")
        cur.execute("DELETE FROM notifications_delivery WHERE notification_id IN (SELECT id FROM "
                    "notifications_notification WHERE kind = 'proposals.reminder.urge')")
        cur.execute("DELETE FROM notifications_notification WHERE kind = 'proposals.reminder.urge'")


# --- the plan on the benchmark data ----------------------------------------------------------------------


ROLE_ORDER = ("member", "officer", "unit", "leader", "member", "officer", "unit", "member", "officer", "unit")


def interleave(by_role: dict[str, list[dict]], count: int) -> list[dict]:
    """`count` accounts taken round-robin in ROLE_ORDER (2 members : 3 officers : 3 unit officers : 1 leader
    in 10, members first), so that even five clients cover every role."""
    queues = {role: list(accounts) for role, accounts in by_role.items() if accounts}
    taken, position = [], {role: 0 for role in queues}
    order = [role for role in ROLE_ORDER if role in queues]
    while len(taken) < count and order:
        for role in order:
            if len(taken) == count:
                break
            accounts = queues[role]
            taken.append(accounts[position[role] % len(accounts)])
            position[role] += 1
    return taken


def bench_plan(cookie_for, users: int) -> dict:
    """Accounts and objects on the bench data: members with a draft of their own, the proposal officer,
    the handling units' officers and the leader; the proposals being handled whose units have officers."""
    from django.contrib.auth import get_user_model

    from proposals.models import Proposal
    from proposals.reminders.scan import unit_officer_map

    User = get_user_model()
    officers = unit_officer_map()
    handling = ("assigned", "reply_review", "rehandling", "rehandling_review")
    urgeable = list(Proposal.objects.filter(status__in=handling, lead_unit_id__in=list(officers))
                    .order_by("pk").values_list("pk", flat=True))
    any_details = list(Proposal.objects.exclude(status="draft").order_by("?").values_list("pk", flat=True)[:300])
    members = []
    drafts = (Proposal.objects.filter(status="draft", author__isnull=False).order_by("author_id", "pk")
              .distinct("author_id").values_list("author_id", "pk"))
    for author_id, draft in drafts[:max(users, 1)]:
        user = User.objects.get(pk=author_id)
        own = list(Proposal.objects.filter(author_id=author_id).order_by("-pk").values_list("pk", flat=True)[:20])
        members.append({"role": "member", "username": user.username, "cookie": cookie_for(user.username),
                        "draft": draft, "details": own})
    units = []
    for unit_id, user_ids in sorted(officers.items()):
        user = User.objects.filter(pk__in=user_ids, username__startswith="bench-").order_by("pk").first()
        if user is None:
            continue
        own = list(Proposal.objects.filter(lead_unit_id=unit_id).exclude(status="draft").order_by("-pk")
                   .values_list("pk", flat=True)[:20])
        units.append({"role": "unit", "username": user.username, "cookie": cookie_for(user.username),
                      "details": own})
    officer = [{"role": "officer", "username": "bench-proposal-officer",
                "cookie": cookie_for("bench-proposal-officer")}]
    leader = [{"role": "leader", "username": "bench-leader", "cookie": cookie_for("bench-leader")}]
    return {
        "accounts": interleave({"member": members, "officer": officer, "unit": units, "leader": leader}, users),
        "urgeable": urgeable,
        "details": {"officer": any_details, "leader": any_details},
        "lists": {"member": ["/proposals/mine/", "/notifications/"],
                  "officer": ["/proposals/all/", "/proposals/all/?page=2", "/proposals/reminders/"],
                  "unit": ["/proposals/unit/"],
                  "leader": ["/proposals/reminders/", "/proposals/all/"]},
        "dashboards": {"member": "/", "officer": "/dashboard/", "unit": "/", "leader": "/dashboard/"},
    }
