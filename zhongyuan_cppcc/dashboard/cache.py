"""The dashboard's panels cached per (user, year, filters), invalidated by any write to the data they count.

A full-scale year takes hundreds of milliseconds of aggregate SQL; a leader's dashboard is read far more often
than the counted data changes. Every table of the apps the panels read carries a statement-level trigger that
advances one PostgreSQL sequence (`dashboard_data_version`) on INSERT, UPDATE, DELETE and TRUNCATE — bulk
`.update()`, raw SQL, migrations and the demo loader included, which model signals would miss. The cache key
holds the sequence's value, so a write makes every cached panel unreachable at once, in every process and on
every machine, whatever the cache backend.

A reader can see the sequence advanced by a transaction that has not committed yet and cache figures without
that write under the new value; `PANELS_TTL` bounds how long such figures can be shown (the same order as a
read replica's lag, which the dashboard tolerates anyway). Today's date is part of the key (overdue counts
depend on it), and so is the language (the labels are translated when the panels are built).

A cache that does not answer (Redis down) costs only the recomputation, never the page.
"""

import logging

from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

SEQUENCE = "dashboard_data_version"
FUNCTION = "dashboard_bump_data_version"
TRIGGER = "dashboard_data_version"
PANELS_TTL = 120  # seconds
# The apps whose tables the panels count (and whose group memberships decide what a user sees).
COUNTED_APPS = ("accounts", "auth", "workcalendar", "workflow", "members", "proposals", "opinions",
                "consultations")
COUNTED_MODELS = ("core.SystemParameter",)  # thresholds the figures apply (not the rest of core: heartbeats)


def counted_tables() -> list[str]:
    tables = set()
    for label in COUNTED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    for label in COUNTED_MODELS:
        try:
            tables.add(apps.get_model(label)._meta.db_table)
        except LookupError:
            continue
    return sorted(tables)


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> int:
    """Add each counted table's missing trigger (the sequence and the function come from migration 0001);
    returns how many were added. Idempotent: runs after every migrate, so later tables are covered too."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = %s", [TRIGGER])
        present = {row[0] for row in cursor.fetchall()}
        existing = set(connection.introspection.table_names(cursor))
        added = 0
        for table in counted_tables():
            if table in present or table not in existing:
                continue
            cursor.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                           f"{connection.ops.quote_name(table)} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()")
            added += 1
    return added


def install_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    install_triggers(using)


def data_version() -> int | None:
    """The sequence's current value, read on the primary (a replica's copy of a sequence runs ahead of it and
    does not move with every write); None when it cannot be read."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")
            value, called = cursor.fetchone()
    except Exception:  # not migrated yet: no caching rather than no dashboard
        logger.warning("dashboard data version unavailable", exc_info=True)
        return None
    return value if called else 0


def cached_counts(name: str, compute, *parts, version: int | None | bool = False):
    """compute(), from the cache when the counted data has not changed since it was stored under `name` and
    `parts` (whatever else the result depends on: year, filters, user). `version`: the data version already
    read for this request (default: read it now); None: not cached."""
    if version is False:
        version = data_version()
    if version is None:
        return compute()
    key = ":".join(str(part) for part in (
        "counted", connections[DEFAULT_DB_ALIAS].settings_dict["NAME"], version, timezone.localdate(),
        translation.get_language(), name, *parts))
    try:
        stored = cache.get(key)
    except Exception:  # Redis down, or a value written by another version of the code
        logger.warning("cache unavailable for counted figures", exc_info=True)
        stored = None
    if stored is not None:
        return stored
    value = compute()
    try:
        cache.set(key, value, PANELS_TTL)
    except Exception:
        logger.warning("cache unavailable for counted figures", exc_info=True)
    return value


def cached_panels(provider, user, year: int, scope, version: int | None) -> list:
    """provider(user, year, scope), from the cache when the counted data has not changed since."""
    return cached_counts(f"{provider.__module__}.{provider.__qualname__}", lambda: provider(user, year, scope),
                         user.pk, year, getattr(scope.street, "pk", ""), getattr(scope.unit, "pk", ""),
                         version=version)
