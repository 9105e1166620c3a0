"""Fixtures of the dashboard modules that read their own copy of the whole demo (tests/demo_db.py)."""

import pytest
import time_machine
from django.test import Client

from zhongyuan_cppcc.core.demo import demo_user

from ..demo_db import FULL, demo_database


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole module runs on the demo's day (ticking), so that sessions logged in by the fixtures are as
    fresh as the requests that use them whatever the day of the run."""
    with time_machine.travel(FULL.at, tick=True), demo_database(FULL, django_db_blocker):
        yield


@pytest.fixture
def leader(demo):
    client = Client()
    client.force_login(demo_user("demo-leader"))
    return client
