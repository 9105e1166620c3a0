"""The load run of `python -m bench --load` (bench/load.py) at a tiny scale, on this worker's test database:
five locust clients for 10 s against gunicorn and a Celery worker on a private Redis, Redis stopped after 5 s.
No answer is a 5xx, every page and form answers as it should, and the urges written while Redis was down
are sent once it is back."""

import os

import pytest
from django.conf import settings as django_settings
from django.db import connection

from bench.harness import MeasureContext, gunicorn_server
from bench.load import percentile, run_load
from proposals.models import Milestone, Reminder, ReminderStatus
from tests.conftest import child_clock_env
from tests.proposals.factories import ProposalFactory, make_member, world
from zhongyuan_cppcc.notifications.models import Notification


def test_percentile_is_the_nearest_rank():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile(list(map(float, range(1, 101))), 99) == 99.0
    assert percentile([7.0], 99) == 7.0


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_halfway_costs_no_5xx_and_the_queued_urges_are_sent_after_the_restart(transactional_db):
    w = world()
    # The clients urge these in turn, and a proposal is urged at most once a day: enough of them that the
    # posts of the half without Redis still find proposals not yet urged, however fast the first half runs
    # (16 were all urged before Redis stopped on a quick machine, and the half without Redis wrote nothing).
    urgeable = [ProposalFactory(assigned=True).pk for _ in range(96)]
    author = make_member().user
    draft = ProposalFactory(author=author).pk
    sessions = MeasureContext("small", 0, hello={})
    account = {
        "member": {"role": "member", "cookie": sessions.cookie_for(author.username), "draft": draft,
                   "details": [draft]},
        "officer": {"role": "officer", "cookie": sessions.cookie_for(w.officer.username)},
        "unit": {"role": "unit", "cookie": sessions.cookie_for(w.lead_handler.username), "details": urgeable[:3]},
    }
    plan = {
        "accounts": [account["officer"], account["member"], account["officer"], account["unit"], account["officer"]],
        "urgeable": urgeable,
        "details": {"officer": urgeable},
        "lists": {"member": ["/proposals/mine/"], "officer": ["/proposals/all/", "/proposals/reminders/"],
                  "unit": ["/proposals/unit/"]},
        "dashboards": {"member": "/", "officer": "/dashboard/", "unit": "/"},
        # Form-heavy, so that urges are posted in the five seconds without Redis even on a busy machine.
        "mix": {"list": 1, "detail": 1, "dashboard": 1, "form": 4}, "wait_min": 0.1, "wait_max": 0.4,
    }
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.test",
        "DATABASE_URL": (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
                         f":{db['PORT'] or 5432}/{db['NAME']}"),
        "CELERY_TASK_DEFAULT_QUEUE": django_settings.CELERY_TASK_DEFAULT_QUEUE,
        "TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        **child_clock_env(),  # under TEST_TODAY the served processes share this test's clock (sessions, "today")
    }

    outcome = run_load(env, plan, users=5, seconds=10, gunicorn=gunicorn_server, workers=1, steady=False,
                       catch_up_timeout=40)

    records = outcome.outage.records
    assert {r[0] for r in records} == {"up", "down"}, outcome.summary()
    assert outcome.five_xx == 0, outcome.summary()
    # Every page answered 200 and every form post its redirect: the sessions and CSRF round trips work.
    assert all(r[3] == (302 if r[2] == "POST" else 200) for r in records), outcome.summary()
    down_posts = [r for r in records if r[0] == "down" and r[2] == "POST" and "urge" in r[1]]
    assert down_posts, outcome.summary()
    # Urges written while Redis was down waited in their rows, and were sent once it was back.
    assert outcome.pending_at_restart > 0 and outcome.published >= outcome.pending_at_restart, outcome.summary()
    assert outcome.pending_after == 0, outcome.summary()
    urges = Reminder.objects.filter(milestone=Milestone.URGE)
    assert urges.exists() and not urges.exclude(status=ReminderStatus.SENT).exists()
    assert Notification.objects.filter(kind="proposals.reminder.urge").count() == urges.count()
