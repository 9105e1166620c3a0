"""Fixtures of the foundation tests."""

import pytest
from django.conf import settings

from tests.factories import make_user
from tests.url_matrix import ANON, EVERYONE

MODEL_BACKEND = "zhongyuan_cppcc.accounts.backends.AccountBackend"


@pytest.fixture(scope="module")
def walker_sessions(django_db_setup, django_db_blocker):
    """One account per role, logged in once for the module (made inside a transaction rolled back at the end;
    each test runs in a savepoint of it, so what a test does to its account is undone after it):
    role → (user, session key). Making and logging in an account per test took half of each test's time."""
    from django.db import transaction
    from django.test import Client

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            sessions = {}
            for role in EVERYONE:
                if role == ANON:
                    continue
                user = make_user(role, username=f"walker-{role}")
                client = Client()
                client.force_login(user, backend=MODEL_BACKEND)
                sessions[role] = (user, client.cookies[settings.SESSION_COOKIE_NAME].value)
            yield sessions
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
