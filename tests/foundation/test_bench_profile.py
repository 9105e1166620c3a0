"""`make bench BENCH_PROFILE=1`: every measured page is requested once more under pyinstrument, and its call tree
is written beside the report (bench/middleware.py, MeasureContext.profile)."""

import pytest
from django.test import override_settings

from bench.middleware import PROFILE_HEADER, profile_file_name
from tests.bench_client import ClientMeasureContext
from tests.factories import make_user
from zhongyuan_cppcc.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_profile_file_names_are_plain_ascii():
    assert profile_file_name("search: Chinese '电梯' (leader)") == "search-Chinese-leader"
    assert profile_file_name("../../etc/passwd") == "etc-passwd"
    assert profile_file_name("电梯") == "page"


def test_a_request_asking_for_a_profile_gets_its_call_tree_written(client, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_PROFILE_DIR", str(tmp_path))
    user = make_user(Role.MEMBER, username="profiled")
    client.force_login(user, backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
    with override_settings(MIDDLEWARE=["bench.middleware.BenchMetricsMiddleware", *settings.MIDDLEWARE]):
        plain = client.get("/")
        profiled = client.get("/", headers={PROFILE_HEADER: "001-foundation-role-home"})
    assert "X-Bench-Profile-File" not in plain.headers
    written = tmp_path / "001-foundation-role-home.txt"
    assert profiled.headers["X-Bench-Profile-File"] == str(written)
    text = written.read_text(encoding="utf-8")
    assert text.startswith("GET /: ") and " queries, " in text
    # The call tree reaches the view that served the page.
    assert "HomeView" in text or "get_context_data" in text


def test_without_the_profile_directory_the_header_is_ignored(client, settings, tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_PROFILE_DIR", raising=False)
    user = make_user(Role.MEMBER, username="unprofiled")
    client.force_login(user, backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
    with override_settings(MIDDLEWARE=["bench.middleware.BenchMetricsMiddleware", *settings.MIDDLEWARE]):
        response = client.get("/", headers={PROFILE_HEADER: "x"})
    assert response.status_code == 200 and "X-Bench-Profile-File" not in response.headers
    assert not list(tmp_path.iterdir())


def test_the_harness_profiles_each_measured_page_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_PROFILE_DIR", str(tmp_path))
    make_user(Role.MEMBER, username="bench-profiled")
    ctx = ClientMeasureContext()
    ctx.profile_dir = tmp_path
    result = ctx.page("foundation: role home (member)", "/", user="bench-profiled", requests=2)
    assert result.values["profile"].endswith("001-foundation-role-home-member.txt")
    assert (tmp_path / "001-foundation-role-home-member.txt").exists()
