"""The role × URL expectation table every URL pattern must appear in (see test_url_walker.py).

Each app adds its rows in tests/<app>/url_expectations.py as EXPECTATIONS = {url_name: Expect(...)}.
A URL that is not in the table fails the walker: nobody may add a URL without deciding who may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zhongyuan_cppcc.accounts.roles import Role

ANON = "anonymous"
ALL_ROLES = [r.value for r in Role]
EVERYONE = [ANON, *ALL_ROLES]

ALLOW = "allow"  # any answer that is not a denial (200, a redirect that is not to the login page, 405 …)
LOGIN = "login"  # redirect to the login page
DENY = "403"
HIDDEN = "404"
ADMIN_LOGIN = "admin-login"  # the admin's own redirect to /admin/login/


@dataclass
class Expect:
    """Expected outcome per role; roles not named get `others`. Anonymous defaults to LOGIN."""

    allowed: list[str] = field(default_factory=list)
    others: str = DENY
    anonymous: str = LOGIN
    overrides: dict[str, str] = field(default_factory=dict)
    method: str = "get"
    # kwargs(user) -> URL kwargs; `user` is the requesting role's user (None for anonymous).
    kwargs: Callable[[Any], dict] | None = None
    data: dict | None = None

    def outcome_for(self, role: str) -> str:
        if role in self.overrides:
            return self.overrides[role]
        if role == ANON:
            return self.anonymous
        return ALLOW if role in self.allowed else self.others


def everyone_logged_in(**extra) -> Expect:
    return Expect(allowed=ALL_ROLES, **extra)


def only(*roles: str, others: str = DENY, **extra) -> Expect:
    return Expect(allowed=list(roles), others=others, **extra)


def public(**extra) -> Expect:
    return Expect(allowed=ALL_ROLES, anonymous=ALLOW, **extra)


@dataclass(frozen=True)
class Covered:
    """A namespace whose URLs are guarded by one mechanism tested separately (e.g. the admin)."""

    namespace: str
    reason: str
