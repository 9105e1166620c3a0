"""Every URL pattern has a row in the role × URL table, and every row holds for every role."""

import importlib
import pkgutil

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

import tests
from tests.factories import make_user
from tests.url_matrix import ADMIN_LOGIN, ALLOW, ANON, DENY, EVERYONE, HIDDEN, LOGIN, Covered, Expect

MODEL_BACKEND = "zhongyuan_cppcc.accounts.backends.AccountBackend"


def all_url_names(resolver=None, namespace="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            child = f"{namespace}{ns}:" if ns else namespace
            names |= all_url_names(entry, child)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>")
    return names


def load_tables() -> tuple[dict[str, Expect], list[Covered]]:
    expectations: dict[str, Expect] = {}
    covered: list[Covered] = []
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.url_expectations")
        except ModuleNotFoundError:
            continue
        for name, expect in module.EXPECTATIONS.items():
            assert name not in expectations, f"{name} appears in two expectation tables"
            expectations[name] = expect
        covered += getattr(module, "COVERED", [])
    return expectations, covered


EXPECTATIONS, COVERED = load_tables()


def is_covered(name: str) -> bool:
    return any(name.startswith(c.namespace + ":") for c in COVERED)


def test_every_url_has_an_expectation():
    names = all_url_names()
    missing = sorted(n for n in names if n not in EXPECTATIONS and not is_covered(n))
    assert not missing, f"URLs without a row in the role × URL table: {missing}"
    stale = sorted(n for n in EXPECTATIONS if n not in names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def classify(response) -> str:
    if response.status_code in (301, 302):
        location = response.headers["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        return ALLOW
    if response.status_code == 403:
        return DENY
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code < 500, f"server error {response.status_code}"
    return ALLOW


CASES = [(name, role) for name in sorted(EXPECTATIONS) for role in EVERYONE]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_role_can_or_cannot_use_url(client, name, role):
    expect = EXPECTATIONS[name]
    user = None
    if role != ANON:
        user = make_user(role, username=f"walker-{role}")
        client.force_login(user, backend=MODEL_BACKEND)
    kwargs = expect.kwargs(user) if expect.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, expect.method)(url, data=expect.data or {})
    assert classify(response) == expect.outcome_for(role), (
        f"{role} {expect.method.upper()} {url} answered {response.status_code} "
        f"{response.headers.get('Location', '')}"
    )
