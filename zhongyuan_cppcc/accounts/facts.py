"""What a request needs to know about its user, read with the user's own row.

Every page asks who the user is, which roles they hold (the navigation, every permission check) and a few
facts other apps keep about them (a collective-proposal authorisation, a personal-data clearance). Asked one
by one, that is a query each on every page. The authentication backend loads the session's user with all of
them in the same statement (`AccountBackend.get_user`): the roles as an array, each registered fact as an
EXISTS subquery; the predicates read the values from the user object.

An app registers a fact in its AppConfig.ready():

    register_fact("_collective_auth", lambda: Exists(CollectiveAuthorisation.objects.filter(
        user=OuterRef("pk"), revoked_at__isnull=True)))

and reads it as `user.__dict__.get("_collective_auth")`, querying itself when the user was loaded some other
way (a task, a form's choice). The facts are read afresh with every request, so a role or an authorisation
withdrawn counts from the user's next request, as before.
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import Expression, OuterRef

ROLES = "_loaded_role_codes"

_FACTS: dict[str, Callable[[], Expression]] = {}


def register_fact(attribute: str, expression: Callable[[], Expression]) -> None:
    """Load `attribute` on the request's user as the value of `expression()` (built at every load: it may
    depend on today's date), an expression over the user's row (OuterRef("pk"))."""
    _FACTS[attribute] = expression


def annotations(using: str) -> dict[str, Expression]:
    """The annotations that load the user's roles and registered facts with their row."""
    from django.contrib.auth.models import Group

    values = {name: build() for name, build in _FACTS.items()}
    if connections[using].vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        values[ROLES] = ArraySubquery(Group.objects.filter(user=OuterRef("pk")).order_by().values("name"))
    return values


def settle(user) -> None:
    """After loading: the roles where User.role_codes() keeps them."""
    codes = user.__dict__.pop(ROLES, None)
    if codes is not None:
        user._role_codes = set(codes)
