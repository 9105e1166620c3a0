import pytest

from .factories import World, make_member, world


@pytest.fixture
def w(db) -> World:
    return world()


@pytest.fixture
def member(db):
    return make_member()


@pytest.fixture
def other_member(db):
    return make_member()
