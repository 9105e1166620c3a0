"""factory_boy factories shared by every app's tests."""

from functools import cache

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connections
from django.utils import timezone

from zhongyuan_cppcc.accounts.models import User
from zhongyuan_cppcc.accounts.services import validate_role_combination

TEST_PASSWORD = "Test@Pass2024"


@cache
def _hashed(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def hashed_test_password() -> str:
    """TEST_PASSWORD hashed once per process (and per hasher setting): a user is created with it in one INSERT,
    where set_password as a post-generation step needed a second UPDATE of every new user."""
    return _hashed(TEST_PASSWORD, tuple(settings.PASSWORD_HASHERS))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.LazyFunction(hashed_test_password)
    password_changed_at = factory.LazyFunction(timezone.now)  # as set_password sets it

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            add_roles(self, extracted)
            self.__dict__.pop("_role_codes", None)


def add_roles(user: User, roles) -> None:
    """The roles' groups added to `user` in one statement. The role-combination rule that
    ``user.groups.add`` enforces through a signal is checked here directly, where the signal's queries and
    the manager's reads of the groups and of the existing rows took six statements for every test user."""
    names = sorted(set(roles))
    validate_role_combination(names)
    through = User.groups.through
    connection = connections[user._state.db or "default"]
    quote = connection.ops.quote_name
    user_column, group_column = (quote(through._meta.get_field(f).column) for f in ("user", "group"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(through._meta.db_table)} ({user_column}, {group_column}) "
            f"SELECT %s, g.id FROM {quote(Group._meta.db_table)} g WHERE g.name = ANY(%s) ON CONFLICT DO NOTHING",
            [user.pk, names])


def make_user(*roles: str, **fields) -> User:
    return UserFactory(roles=list(roles), **fields)


__all__ = ["UserFactory", "make_user", "TEST_PASSWORD", "settings"]
