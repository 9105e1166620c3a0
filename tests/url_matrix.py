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


# --- Bad input (issue 13): every list and every form must answer without a 5xx --------------------------

HUGE = "99999999999999999999999"  # beyond a PostgreSQL bigint and a C int
BIGINT_PAGE = "922337203685477580"  # × a page size overflows a bigint OFFSET

# Query strings every GET URL is opened with (plus every GET form on the page filled with PAYLOADS).
QUERY_VARIANTS: list[dict[str, str]] = [
    {"page": BIGINT_PAGE, "per_page": HUGE, "year": HUGE, "id": HUGE, "pk": HUGE},
    {"page": "-1", "per_page": "-1", "year": "-5", "id": "abc", "pk": "abc", "month": "13", "day": "99"},
    {"page": "abc", "year": "abc", "q": "'\";<script>alert(1)</script>", "sort": "-'\"", "o": "abc"},
    {"page": "1e99", "year": "0", "q": "\x00" + "长" * 3000, "unread": "\x00"},
]

# Text put in every field of every form, one variant at a time (all fields at once).
PAYLOADS: list[str] = [
    "长" * 5000,
    "'\";<script>alert(1)</script>",
    "a\x00b",
    "abc",
    HUGE,
]

# POST forms the fuzzer leaves alone: they end the session or switch the language, not bad-input cases.
FUZZ_SKIP_ACTIONS = ("/accounts/logout/", "/i18n/")
