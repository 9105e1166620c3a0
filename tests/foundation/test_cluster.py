"""The production topology in miniature (scripts/cluster.sh): nginx in front of two gunicorn instances, two
Celery workers and one beat on the real PostgreSQL and Redis. Logins and form posts alternate between the web
instances (sessions live in the database, so either instance serves any request), and a reminder scan runs
while one worker is killed: every reminder is delivered exactly once."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from proposals.models import Proposal, Reminder, ReminderStatus
from proposals.reminders import parameters as rp
from proposals.reminders import tasks
from proposals.reminders.scan import scan
from tests.conftest import child_clock_env, wait_until
from tests.factories import TEST_PASSWORD, make_user
from tests.proposals.factories import ProposalFactory, world
from zhongyuan_cppcc.celery import app
from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.notifications.models import Notification

# One cluster for the module: its tests run on one worker, which starts it once.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("cluster"),
              pytest.mark.usefixtures("cluster_quiet_before_flush")]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, tmp_path: Path):
        db = connection.settings_dict  # the test database's name once django_db_setup has run
        self.dir = tmp_path / "cluster"
        self.port = free_port()
        self.env = {
            **os.environ,
            **child_clock_env(),  # under TEST_TODAY the served processes read the test's clock
            "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.test",
            "DATABASE_URL": (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
                             f":{db['PORT'] or 5432}/{db['NAME']}"),
            "CELERY_TASK_DEFAULT_QUEUE": django_settings.CELERY_TASK_DEFAULT_QUEUE,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "CLUSTER_DIR": str(self.dir),
            "CLUSTER_PORT": str(self.port),
            "CLUSTER_WEB_PORTS": f"{free_port()} {free_port()}",
        }

    def run(self, command: str) -> str:
        result = subprocess.run(["bash", str(ROOT / "scripts" / "cluster.sh"), command], env=self.env, cwd=ROOT,
                                capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stdout + result.stderr + self.logs()
        return result.stdout

    def logs(self) -> str:
        out = []
        for path in sorted((self.dir / "logs").glob("*")):
            out.append(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(out)

    def access_lines(self, instance: int) -> list[str]:
        return (self.dir / "logs" / f"web{instance}-access.log").read_text().splitlines()

    def pid(self, name: str) -> int:
        return int((self.dir / "run" / f"{name}.pid").read_text())


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """One cluster for the module, on this worker's test database (each test still flushes it)."""
    with django_db_blocker.unblock():
        handle = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        handle.run("start")
        yield handle
    finally:
        handle.run("stop")


@pytest.fixture
def cluster_quiet_before_flush(transactional_db):
    """Torn down before the test's flush: waits until no cluster process has a statement or a transaction open
    on the test database. A task still finishing (a reminder's second send, which finds it sent) holds locks
    the flush's TRUNCATE needs while waiting for one the TRUNCATE has taken: PostgreSQL ends the flush as a
    deadlock, and the next tests find the rows it left."""
    yield

    def quiet() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND (state = 'active' OR state LIKE 'idle in transaction%')")
            return cursor.fetchone()[0] == 0

    wait_until(quiet, timeout=60)


class Browser:
    """A cookie-keeping HTTP client that fills in the CSRF token of the form it posts."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.status, response.geturl(), response.read().decode()

    def post_form(self, path: str, data: dict) -> tuple[int, str, str]:
        _status, _url, html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=20) as response:
            return response.status, response.geturl(), response.read().decode()


def test_logins_and_posts_alternate_between_the_two_web_instances(transactional_db, cluster):
    user = make_user("member", username="cluster-member", full_name="集群测试委员")
    web_ports = cluster.env["CLUSTER_WEB_PORTS"].split()
    through_nginx = Browser(f"http://127.0.0.1:{cluster.port}")
    status, url, html = through_nginx.post_form("/accounts/login/", {"username": user.username,
                                                                     "password": TEST_PASSWORD})
    assert status == 200 and "/accounts/login/" not in url, html[:500]
    # The same browser (one cookie jar), each step on the other instance: the session, the CSRF token and the
    # messages live in the database and in cookies, not in a process.
    modes = ["instant", "digest", "instant", "digest"]
    for step, mode in enumerate(modes):
        through_nginx.base = f"http://127.0.0.1:{web_ports[step % 2]}"
        status, url, html = through_nginx.post_form("/accounts/preferences/", {"notification_mode": mode,
                                                                               "email": "m@example.org"})
        assert status == 200 and url.endswith("/accounts/preferences/") and "已保存" in html
        user.refresh_from_db()
        assert user.notification_mode == mode
        through_nginx.base = f"http://127.0.0.1:{web_ports[(step + 1) % 2]}"
        status, url, html = through_nginx.get("/")
        assert status == 200 and "/accounts/login/" not in url and "集群测试委员" in html
    posts = [[line for line in cluster.access_lines(i) if '"POST /accounts/preferences/' in line] for i in (1, 2)]
    assert [len(p) for p in posts] == [2, 2]
    # nginx spreads requests over both instances.
    before = [len(cluster.access_lines(i)) for i in (1, 2)]
    balanced = Browser(f"http://127.0.0.1:{cluster.port}")
    for _ in range(6):
        assert balanced.get("/accounts/login/")[0] == 200
    after = [len(cluster.access_lines(i)) for i in (1, 2)]
    assert after[0] > before[0] and after[1] > before[1], cluster.logs()
    assert not any(" 500 " in line or " 403 " in line for i in (1, 2) for line in cluster.access_lines(i))


def scan_moment():
    """Now, but not before 08:30 nor after 23:00 in Beijing (the digests' hour, and no day change mid-test)."""
    local = timezone.localtime()
    return min(max(local, local.replace(hour=8, minute=31, second=0, microsecond=0)),
               local.replace(hour=23, minute=0, second=0, microsecond=0))


def test_a_reminder_scan_with_one_worker_killed_delivers_every_reminder_once(transactional_db, cluster):
    w = world()
    made = [ProposalFactory(assigned=True) for _ in range(6)]
    Proposal.objects.filter(pk__in=[p.pk for p in made]).update(reply_due_on=timezone.localdate() + timedelta(days=7))
    recipient = type(w.lead_handler).objects.get(pk=w.lead_handler.pk)
    scan(now=scan_moment(), publish=False)
    rows = Reminder.objects.filter(recipient=recipient)
    assert rows.count() >= len(made) and not rows.filter(status=ReminderStatus.SENT).exists()

    # Every reminder goes to the lead unit's officer: with that account's row locked, each worker is stuck
    # inside its first send (the notification's foreign key waits for the lock), i.e. killed mid-send.
    with transaction.atomic():
        type(recipient).objects.select_for_update().get(pk=recipient.pk)
        for row in rows:
            tasks.reminder_send_task.apply_async(args=[row.pk])

        def both_workers_wait():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database() AND pid <> pg_backend_pid()")
                return cursor.fetchone()[0] >= 2

        wait_until(both_workers_wait, timeout=90)
        os.killpg(os.getpgid(cluster.pid("worker1")), signal.SIGKILL)
    # The killed worker's task stays unacknowledged in Redis until its visibility timeout; the cluster's next
    # scan publishes the row again once it counts as stuck (reminders.stuck_after_minutes: instead of waiting,
    # the pending rows' queue time is moved back), and the surviving worker sends it. Rows still queued for
    # the surviving worker get a second task too, which finds them sent and does nothing.
    Reminder.objects.filter(status=ReminderStatus.PENDING).update(
        enqueued_at=timezone.now() - timedelta(minutes=get_parameter(rp.STUCK_AFTER_MINUTES) + 1))
    app.send_task("proposals.reminders.scan", queue=django_settings.CELERY_TASK_DEFAULT_QUEUE)
    wait_until(lambda: not rows.exclude(status=ReminderStatus.SENT).exists(), timeout=120)

    notifications = Notification.objects.filter(kind__startswith="proposals.reminder", recipient=recipient)
    assert notifications.count() == rows.count()
    assert rows.values("notification").distinct().count() == rows.count()
    assert set(rows.values_list("proposal_id", flat=True)) >= {p.pk for p in made}
    worker2 = (cluster.dir / "logs" / "worker2.log").read_text()
    assert "proposals.reminders.scan" in worker2 and "succeeded" in worker2
