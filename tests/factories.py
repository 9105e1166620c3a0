"""factory_boy factories shared by every app's tests."""

import factory
from django.conf import settings
from django.contrib.auth.models import Group

from zhongyuan_cppcc.accounts.models import User

TEST_PASSWORD = "Test@Pass2024"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=list(extracted)))
            self.__dict__.pop("_role_codes", None)
        if create:
            self.save()


def make_user(*roles: str, **fields) -> User:
    return UserFactory(roles=list(roles), **fields)


__all__ = ["UserFactory", "make_user", "TEST_PASSWORD", "settings"]
