"""Without PostgreSQL and Redis, the embedded demo mode boots, migrates, serves the login page, and its
Celery worker and beat run on the file-system broker (the heartbeat arrives)."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def embedded_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.local",
        "DJANGO_DEBUG": "false",
        "EMBEDDED_DEMO": "1",
        "EMBEDDED_DEMO_DB": str(tmp_path / "demo.sqlite3"),
        "EMBEDDED_BROKER_DIR": str(tmp_path / "broker"),
        "HEARTBEAT_INTERVAL_SECONDS": "2",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
    })
    return env


def run(args, env, timeout=600):
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_service_detection_falls_back_with_a_notice(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import services;"
        f"services.DEFAULT_REDIS_URL = 'redis://127.0.0.1:{free_port()}/0'; print(services.mode())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "embedded"
    assert "EMBEDDED DEMO MODE" in result.stderr
    explicit = subprocess.run([sys.executable, "scripts/services.py", "mode"], cwd=ROOT,
                              env={**env, "REDIS_URL": "redis://127.0.0.1:1/0"}, capture_output=True, text=True)
    assert explicit.stdout.strip() == "services"  # explicit configuration is never second-guessed


def test_embedded_demo_mode_boots_serves_and_runs_celery(embedded_env, tmp_path):
    run(["manage.py", "migrate", "--no-input", "-v0"], embedded_env)
    # The recent years only (load_demo --recent): the same loaders and code paths as the whole demo, which
    # took two minutes on SQLite; the whole demo's content is checked on PostgreSQL (tests/demo_db.py FULL).
    run(["manage.py", "load_demo", "--recent"], embedded_env)
    run(["manage.py", "collectstatic", "--no-input", "-v0"], embedded_env)
    port = free_port()
    procs = [
        # The same server as `make run` (Procfile): gunicorn with whitenoise serving collected files.
        subprocess.Popen([sys.executable, "-m", "gunicorn", "zhongyuan_cppcc.wsgi", "--bind", f"127.0.0.1:{port}",
                          "--workers", "1"], cwd=ROOT, env=embedded_env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "zhongyuan_cppcc", "worker", "--beat",
                          "--loglevel", "WARNING", "--concurrency", "1",
                          "--schedule", str(tmp_path / "celerybeat-schedule")],
                         cwd=ROOT, env=embedded_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        body = None
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                body = urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert body is not None and "中原区政协履职服务平台" in body and "登录" in body
        css = re.search(r'href="(/static/css/app[^"]*\.css)"', body).group(1)
        assert urlopen(f"http://127.0.0.1:{port}{css}", timeout=5).status == 200

        def heartbeat():
            with sqlite3.connect(embedded_env["EMBEDDED_DEMO_DB"]) as db:
                return db.execute("SELECT last_run FROM core_heartbeat WHERE name = 'beat'").fetchone()

        deadline = time.time() + 90
        while time.time() < deadline and heartbeat() is None:
            time.sleep(1)
        assert heartbeat() is not None, "the beat heartbeat never arrived through the file-system broker"
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
