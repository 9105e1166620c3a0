"""Fixtures of the members tests."""

import pytest

from tests.factories import make_user

from .factories import MemberFactory, term10


@pytest.fixture
def term(db):
    return term10()


@pytest.fixture
def officer(db):
    return make_user("member_officer", username="officer", full_name="周文博")


@pytest.fixture
def leader(db):
    return make_user("leader", username="leader")


@pytest.fixture
def full_data_officer(db):
    """A member officer who also holds a personal-data clearance."""
    from members.models import PersonalDataClearance

    user = make_user("member_officer", username="officer-full")
    PersonalDataClearance.objects.create(user=user, reason="核对身份信息")
    return user


@pytest.fixture
def member_with_account(db):
    return MemberFactory(name="王明远", with_account=True)


@pytest.fixture
def logged_in(client_for):
    return client_for
