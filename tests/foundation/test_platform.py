"""Health check, security headers, deploy checks, demo data, role home pages, error pages."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.demo_db import FULL, demo_database
from tests.factories import make_user
from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.core import health
from zhongyuan_cppcc.core.models import Heartbeat
from zhongyuan_cppcc.core.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db
# Set for the test process only (the browser fixture's live server): a production process never has it, and
# `check --deploy` rightly refuses it.
TEST_ONLY_ENV = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def production_env(**extra) -> dict[str, str]:
    """The environment of a production process started from this test process."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    env["DJANGO_SETTINGS_MODULE"] = "zhongyuan_cppcc.settings.production"
    env.update(extra)
    return env


class TestHealthz:
    def test_all_fine_is_200_without_login_and_without_secrets(self, client, settings):
        heartbeat()
        response = client.get(reverse("healthz"))
        assert response.status_code == 200
        data = response.json()
        assert data["status"] == "ok"
        assert data["database"]["ok"] and data["redis"]["ok"] and data["beat"]["ok"]
        text = response.content.decode()
        assert settings.SECRET_KEY not in text and "postgres://" not in text and "redis://" not in text

    def test_no_beat_yet_or_a_stale_beat_is_503(self, client, settings):
        assert client.get(reverse("healthz")).status_code == 503
        Heartbeat.objects.create(
            name="beat", last_run=timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS + 1)
        )
        response = client.get(reverse("healthz"))
        assert response.status_code == 503 and response.json()["beat"]["ok"] is False

    def test_redis_down_is_503_while_pages_still_render(self, client, client_for, monkeypatch):
        import redis

        def refuse(self, *args, **kwargs):
            raise redis.exceptions.ConnectionError("Connection refused")

        monkeypatch.setattr(redis.Redis, "ping", refuse)
        heartbeat()
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["redis"] == {"ok": False, "error": "ConnectionError"}
        member = client_for(make_user("member"))
        assert member.get(reverse("home")).status_code == 200
        assert member.get(reverse("notification-list")).status_code == 200

    def test_heartbeat_task_records_the_time(self):
        before = timezone.now()
        heartbeat()
        assert Heartbeat.objects.get(name="beat").last_run >= before
        assert health.check_beat()["ok"]


class TestSecurityHeaders:
    def test_headers_on_every_page(self, client):
        response = client.get(reverse("login"))
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"

    def test_no_inline_scripts_or_styles_in_templates(self):
        import re

        offenders = []
        for path in list(ROOT.glob("templates/**/*.html")) + list(ROOT.glob("*/templates/**/*.html")) \
                + list(ROOT.glob("zhongyuan_cppcc/**/templates/**/*.html")):
            text = path.read_text()
            for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
                offenders.append(f"{path}: {match.group(0)}")
            if re.search(r"\sstyle=\"", text) or re.search(r"\son[a-z]+=\"", text):
                offenders.append(f"{path}: inline style or event handler")
        assert not offenders

    def test_csrf_is_enforced(self, client):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        response = strict.post(reverse("login"), {"username": "x", "password": "y"})
        assert response.status_code == 403
        assert "已过期" in response.content.decode()

    def test_check_deploy_with_production_settings_is_clean(self):
        env = production_env(
            DJANGO_SECRET_KEY="a-real-looking-production-secret-" + "x9Qp2-vL7_mN4!rT" * 3,
            PERSONAL_DATA_KEY=Fernet.generate_key().decode(),
            DJANGO_ALLOWED_HOSTS="cppcc.zhongyuan.gov.cn",
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "WARNINGS" not in result.stdout + result.stderr

    def test_production_settings_require_their_secrets(self):
        env = {k: v for k, v in production_env().items() if k not in ("DJANGO_SECRET_KEY", "PERSONAL_DATA_KEY")}
        result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr

    @pytest.mark.parametrize("key", ["", "not-a-key", "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE="])
    def test_production_does_not_start_without_a_valid_personal_data_key(self, key):
        env = production_env(
            DJANGO_SECRET_KEY="a-real-looking-production-secret-" + "x9Qp2-vL7_mN4!rT" * 3,
            PERSONAL_DATA_KEY=key,
            DJANGO_ALLOWED_HOSTS="cppcc.zhongyuan.gov.cn",
        )
        result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode != 0 and "PERSONAL_DATA_KEY" in result.stderr

    @pytest.mark.parametrize("key", ["", "short", "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE="])
    def test_deploy_check_reports_a_bad_personal_data_key(self, settings, key):
        from django.core.checks import run_checks

        settings.PERSONAL_DATA_KEY = key
        errors = [e for e in run_checks(include_deployment_checks=True) if e.id == "accounts.E001"]
        assert len(errors) == 1
        settings.PERSONAL_DATA_KEY = Fernet.generate_key().decode()
        assert not [e for e in run_checks(include_deployment_checks=True) if e.id == "accounts.E001"]


class TestErrorPages:
    def test_404_is_chinese(self, client_for):
        response = client_for(make_user("member")).get("/no-such-page/")
        assert response.status_code == 404 and "页面不存在" in response.content.decode()

    def test_403_is_chinese(self, client_for):
        response = client_for(make_user("member")).get(reverse("audit-list"))
        assert response.status_code == 403 and "没有权限" in response.content.decode()

    def test_500_page_renders_without_a_request_context(self):
        from django.template.loader import render_to_string

        assert "服务器" in render_to_string("errors/500.html")


@pytest.fixture(scope="class")
def whole_demo(django_db_setup, django_db_blocker):
    """The class's own copy of the whole demo (tests/demo_db.py)."""
    with demo_database(FULL, django_db_blocker):
        yield


@pytest.mark.xdist_group("demo-full")
class TestDemoData:
    def test_loading_twice_changes_nothing(self, whole_demo, django_user_model):
        counts = {m._meta.label: m.objects.count() for m in _all_models()}
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert counts == {m._meta.label: m.objects.count() for m in _all_models()}
        for role in Role:
            username = "demo-" + role.value.replace("_", "-")
            user = django_user_model.objects.get(username=username)
            assert user.has_role(role)
            assert user.check_password("Zhongyuan@2024")

    def test_production_settings_refuse_demo_accounts(self, settings):
        from django.core.management.base import CommandError

        settings.DEMO_ACCOUNTS_ALLOWED = False
        with pytest.raises(CommandError):
            call_command("load_demo")


def _all_models():
    from django.apps import apps

    return [m for m in apps.get_models() if not m._meta.proxy and m._meta.managed]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_has_a_home_page_with_working_links(client_for, role):
    client = client_for(make_user(role))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(Role(role).label) in page
    import re

    for href in set(re.findall(r'href="(/[^"#]*)"', page)):
        if href.startswith("/static/"):
            continue
        status = client.get(href).status_code
        assert status in (200, 302), f"{role}: dead link {href} -> {status}"


def test_healthz_json_shape(client):
    heartbeat()
    data = json.loads(client.get(reverse("healthz")).content)
    assert set(data) == {"status", "database", "redis", "beat"}


def test_env_example_lists_every_environment_variable():
    import re

    read = set()
    for path in (ROOT / "zhongyuan_cppcc" / "settings").glob("*.py"):
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_]+)\"", path.read_text()))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    # Set by the tests for the processes they start, never by an operator.
    test_only = {"BENCH_DATABASE_URL", "TEST_MEDIA_ROOT", "CELERY_TASK_DEFAULT_QUEUE", "EMAIL_FILE_PATH",
                 "TEST_CLOCK_OFFSET"}
    missing = sorted(read - listed - test_only)
    assert not missing, f".env.example lacks {missing}"
