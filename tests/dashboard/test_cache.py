"""The dashboard's panel cache (zhongyuan_cppcc/dashboard/cache.py): a repeated view is answered from the cache,
any write to the counted tables — a bulk `.update()` that sends no model signal included — shows at once, and
a write to one module's tables leaves the other modules' panels cached.

Runs on its own copy of the whole demo (tests/demo_db.py), on the demo's day."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from opinions import statistics
from zhongyuan_cppcc.core.demo import demo_user
from zhongyuan_cppcc.dashboard.cache import TRIGGER, counted_table_apps, data_versions, sequence_name

from ..demo_db import FULL

pytestmark = [pytest.mark.xdist_group("demo-full"), pytest.mark.django_db]

NOW = FULL.at  # the tests look at the demo on the day it was loaded (the `demo` fixture, conftest.py)



def collected_2023(client) -> tuple[int, int]:
    """(the opinion panel's "Collected" figure for 2023, the number of SQL statements the request ran)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"), {"year": 2023})
    assert response.status_code == 200
    panel = next(p for p in response.context["panels"] if str(p.title) == _("Opinion reports %(year)s") % {
        "year": 2023})
    return next(f.value for f in panel.figures if str(f.label) == _("Collected")), len(queries)


def test_every_counted_table_carries_the_trigger_of_its_apps_version(demo):
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                       "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s", [TRIGGER])
        triggered = dict(cursor.fetchall())
    tables = list(counted_table_apps())
    assert {"proposals_proposal", "opinions_opinionreport", "consultations_session", "members_member"} <= set(tables)
    assert set(tables) - set(triggered) == set()
    assert "core_heartbeat" not in triggered  # the beat's heartbeat must not empty the cache every minute
    apps = counted_table_apps()
    assert apps["proposals_proposal"] == "proposals" and apps["accounts_user_groups"] == "accounts"
    for table in tables:
        assert f"'{sequence_name(apps[table])}'" in triggered[table], triggered[table]


def test_a_repeated_view_comes_from_the_cache_and_a_bulk_update_shows_at_once(leader):
    with time_machine.travel(NOW, tick=False):
        first, cold_queries = collected_2023(leader)
        assert first == 294
        again, warm_queries = collected_2023(leader)
        assert again == 294
        assert warm_queries < cold_queries - 20  # the panels' aggregates ran once

        versions = data_versions()
        report = statistics.collected(2023).order_by("pk").first()
        # A queryset update sends no signal; the statement-level trigger still advances the version.
        type(report).objects.filter(pk=report.pk).update(submitted_at=report.submitted_at - timedelta(days=400))
        after = data_versions()
        assert after["opinions"] > versions["opinions"]
        assert {k: v for k, v in after.items() if k != "opinions"} == \
            {k: v for k, v in versions.items() if k != "opinions"}
        changed, queries = collected_2023(leader)
        assert changed == 293
        assert queries > warm_queries + 20


def test_the_work_report_is_counted_once_until_the_counted_data_changes(leader):
    def report_text() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = leader.get(reverse("work-report"), {"year": 2023})
        assert response.status_code == 200
        return response.context["text"], len(queries)

    with time_machine.travel(NOW, tick=False):
        text, cold = report_text()
        assert "全年收集信息294条" in text
        again, warm = report_text()
        assert again == text and warm < cold - 10
        report = statistics.collected(2023).order_by("pk").first()
        type(report).objects.filter(pk=report.pk).update(submitted_at=report.submitted_at - timedelta(days=400))
        changed, _queries = report_text()
        assert "全年收集信息293条" in changed


def test_raw_sql_and_group_changes_advance_their_apps_version(leader):
    version = data_versions()["members"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_street SET name = name WHERE id IN (SELECT id FROM members_street LIMIT 1)")
    assert data_versions()["members"] > version
    version = data_versions()["accounts"]  # a user's groups are the user model's many-to-many table
    user = demo_user("demo-leader")
    user.groups.remove(user.groups.first())
    assert data_versions()["accounts"] > version


def test_a_write_to_one_module_leaves_the_other_modules_panels_cached(leader):
    def view() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            value = collected_2023(leader)[0]
        return value, [q["sql"] for q in queries]

    with time_machine.travel(NOW, tick=False):
        view()
        collected, warm = view()
        assert collected == 294 and not any("proposals_proposal" in sql for sql in warm)
        report = statistics.collected(2023).order_by("pk").first()
        type(report).objects.filter(pk=report.pk).update(submitted_at=report.submitted_at - timedelta(days=400))
        collected, after = view()
    assert collected == 293
    assert any('"opinions_opinionreport"' in sql for sql in after)  # the opinions panel was counted again …
    assert not any('"proposals_proposal"' in sql for sql in after)  # … the proposals panel came from the cache
    assert not any('"consultations_session"' in sql for sql in after)


def test_the_next_day_is_not_served_from_yesterdays_panels(leader):
    with time_machine.travel(NOW, tick=False):
        collected_2023(leader)
        _value, warm = collected_2023(leader)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        tomorrow = Client()  # yesterday's session has timed out
        tomorrow.force_login(demo_user("demo-leader"))
        _value, next_day = collected_2023(tomorrow)
    assert next_day > warm + 20  # the panels were computed again


def test_a_cache_that_does_not_answer_costs_only_the_recomputation(leader, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.foundation.failing_backends.DownCache"}}
    with time_machine.travel(NOW, tick=False):
        assert collected_2023(leader)[0] == 294
        assert collected_2023(leader)[0] == 294
