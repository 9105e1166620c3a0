"""Counted figures (the dashboard's panels, the work report, list counts, the ranking) cached until the data
they were computed from changes — per app, so that a write to one module leaves the others' figures warm.

A full-scale year takes hundreds of milliseconds of aggregate SQL; a leader's dashboard and a 300,000-row
list's count are read far more often than the counted data changes.

**Versions.** Every counted app has its own PostgreSQL sequence (`data_version_<app label>`). Every table of
the app carries a statement-level trigger that advances it on INSERT, UPDATE, DELETE and TRUNCATE — bulk
`.update()`, raw SQL, migrations and the demo loader included, which model signals would miss. All the
versions are read in one statement per request.

**What a figure depends on.** A cached value's key holds the versions of the apps it read, and only those: an
opinion report written does not recompute the proposals' panel. Callers that know the tables they read say so
(`cached_by_sql` in lists/paging.py); otherwise the statements the computation runs — on every database
alias — are watched while it runs, and the apps of the tables they name are remembered for the next request
under the same name and parts. That set is right by construction: a computation can only take a different
path, and read other tables, after a change to a table it has read, which moves a version in its key and
recomputes it. A cached value read inside another computation adds its apps to the outer one, and a
computation that reads a table no trigger watches (the audit log, sessions) is not cached at all.

**Settled versions.** A sequence moves when the writing statement runs, before its transaction commits. A
reader that took that version and then read the data before the commit would keep figures without the write
under a version that already counts it — until the next write. So the trigger also takes a shared advisory
lock named after the version, held until the writer's transaction ends, and `data_versions()` reads the
versions and then which of them a transaction may still be writing (migration 0003): a value is stored only
when every version in its key is *settled* (no open transaction advanced it: everything it counts was
committed, or rolled back, before the data was read); *busy* ones (another session is writing) compute
afresh and store nothing; *own* ones (the reader's own open transaction wrote) are stored after its commit
and never after a rollback. A stored value can always be read: it was stored under settled versions.
`PANELS_TTL` bounds what no trigger sees (a restore with triggers disabled). Today's date is part of the key
(overdue counts depend on it), and so is the language (the labels are translated when the panels are built).

A cache that does not answer (Redis down) costs only the recomputation, never the page.
"""

import hashlib
import logging
import re
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone, translation

from zhongyuan_cppcc.core.soft_cache import cache_get, cache_set

logger = logging.getLogger(__name__)

SEQUENCE_PREFIX = "data_version_"
FUNCTION = "data_version_advance"
TRIGGER = "data_version"
PANELS_TTL = 120  # seconds
READS_TTL = 3600  # seconds: the apps a computation read, looked up before its value
# The apps whose tables the counted figures read (and whose group memberships decide what a user sees).
COUNTED_APPS = ("accounts", "auth", "workcalendar", "workflow", "members", "proposals", "opinions",
                "consultations", "notifications")
COUNTED_MODELS = ("core.SystemParameter",)  # thresholds the figures apply (not the rest of core: heartbeats)
WHAT = "counted figures"  # in the log when the cache does not answer
UNCACHEABLE = "*"  # in a set of apps read: a table no trigger watches was read
READER = "data_versions_read"  # migration 0003: the versions, then whether each is settled


def sequence_name(label: str) -> str:
    return f"{SEQUENCE_PREFIX}{label}"


@lru_cache(maxsize=1)
def counted_table_apps() -> dict[str, str]:
    """{table: the app label whose version its writes advance} for every counted table (do not change it)."""
    tables: dict[str, str] = {}
    models = []
    for label in COUNTED_APPS:
        try:
            models += list(apps.get_app_config(label).get_models(include_auto_created=True))
        except LookupError:
            continue
    for label in COUNTED_MODELS:
        try:
            models.append(apps.get_model(label))
        except LookupError:
            continue
    for model in models:
        if model._meta.managed and not model._meta.proxy:
            tables[model._meta.db_table] = model._meta.app_label
    return dict(sorted(tables.items()))


@lru_cache(maxsize=1)
def version_labels() -> tuple[str, ...]:
    return tuple(sorted(set(counted_table_apps().values())))


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> int:
    """Give every counted app its sequence and every counted table its trigger (the function comes from the
    migrations); returns how many triggers were added. Idempotent: runs after every migrate, so later apps and
    tables are covered too."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        for label in version_labels():
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence_name(label)}")
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = %s", [TRIGGER])
        present = {row[0] for row in cursor.fetchall()}
        existing = set(connection.introspection.table_names(cursor))
        added = 0
        for table, label in counted_table_apps().items():
            if table in present or table not in existing:
                continue
            cursor.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                           f"{connection.ops.quote_name(table)} FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION {FUNCTION}('{sequence_name(label)}')")
            added += 1
    return added


def install_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    install_triggers(using)


class Versions(dict):
    """{app label: its version}, with the labels whose version a transaction may still be writing: `busy`
    (another session's open transaction advanced it) and `own` (this connection's open transaction did)."""

    busy: frozenset = frozenset()
    own: frozenset = frozenset()


@lru_cache(maxsize=1)
def _labels_by_sequence() -> dict[str, str]:
    return {sequence_name(label): label for label in version_labels()}


def data_versions() -> Versions | None:
    """The data versions, read on the primary in one statement (a replica's copy of a sequence runs ahead of it
    and does not move with every write); None when they cannot be read."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None
    labels = _labels_by_sequence()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT sequence, version, state FROM {READER}(%s)", [list(labels)])
            rows = cursor.fetchall()
    except Exception:  # not migrated yet: no caching rather than no dashboard
        logger.warning("data versions unavailable", exc_info=True)
        return None
    versions = Versions((labels[sequence], version) for sequence, version, _state in rows)
    versions.busy = frozenset(labels[sequence] for sequence, _v, state in rows if state == "busy")
    versions.own = frozenset(labels[sequence] for sequence, _v, state in rows if state == "own")
    return versions


def store_when_settled(key: str, value, labels, versions: Versions, ttl: int) -> None:
    """Keep `value` under `key` if what it was computed from is settled: now, or after this connection's open
    transaction commits when it wrote to one of `labels` itself; not at all while another session writes."""
    if versions.busy.intersection(labels):
        return
    if versions.own.intersection(labels):
        transaction.on_commit(lambda: cache_set(key, value, ttl, WHAT), using=DEFAULT_DB_ALIAS)
        return
    cache_set(key, value, ttl, WHAT)


@lru_cache(maxsize=1)
def _table_pattern() -> re.Pattern:
    """Any model table's name as a word of a statement, quoted (the ORM) or not (hand-written SQL)."""
    tables = sorted((m._meta.db_table for m in apps.get_models(include_auto_created=True)), key=len, reverse=True)
    return re.compile(r"(?<![\w$])(" + "|".join(re.escape(t) for t in tables) + r")(?![\w$])")


def tables_in(sql: str) -> set[str]:
    """The model tables a statement names."""
    return set(_table_pattern().findall(sql))


def apps_read(sql: str) -> set[str]:
    """The counted apps whose tables `sql` names; with UNCACHEABLE when it names another model table."""
    counted = counted_table_apps()
    return {counted.get(table, UNCACHEABLE) for table in tables_in(sql)}


# The sets of apps read by the computations running now, innermost last (nested cached figures report theirs).
_watching: ContextVar[tuple[set, ...]] = ContextVar("counted_watching", default=())
# The versions the outermost computation running now was keyed on: a cached figure inside it (a list's count
# inside its page) keys on them too instead of reading them again. Sound: everything they count was settled
# before either computation read its data, and a write since moves the versions the next reader sees.
_versions_in_use: ContextVar[Versions | None] = ContextVar("counted_versions", default=None)


@contextmanager
def _using(versions):
    token = _versions_in_use.set(versions)
    try:
        yield
    finally:
        _versions_in_use.reset(token)


def _report(labels) -> None:
    for outer in _watching.get():
        outer.update(labels)


@contextmanager
def _watch(read: set):
    """Add to `read` the apps of every statement run inside, on every database alias."""
    def wrapper(execute, sql, params, many, context):
        read.update(apps_read(sql))
        return execute(sql, params, many, context)

    token = _watching.set((*_watching.get(), read))
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(wrapper))
            yield
    finally:
        _watching.reset(token)


def cached_counts(name: str, compute, *parts, versions: Versions | None | bool = False, reads=None,
                  also_reads=()):
    """compute(), from the cache when none of the apps it read has changed since it was stored under `name` and
    `parts` (whatever else the result depends on: year, filters, user). `versions`: the data versions already
    read for this request (default: those of the cached computation this one runs inside, else read now);
    None: not cached. `reads`: the app labels compute() reads, when the caller knows them (default: watched
    while it runs); `also_reads`: labels to key on besides those (what the caller read before calling). A None
    result is not stored."""
    if versions is False:
        versions = _versions_in_use.get() or data_versions()
    if versions is None:
        return compute()
    base = ":".join(str(part) for part in (
        connections[DEFAULT_DB_ALIAS].settings_dict["NAME"], timezone.localdate(), translation.get_language(),
        name, *parts))
    reads_key = f"counted-reads:{base}"
    memo = frozenset(reads) if reads is not None else cache_get(reads_key, WHAT)
    known = memo | frozenset(also_reads) if memo is not None else None

    def value_key(labels) -> str | None:
        if not labels or UNCACHEABLE in labels or not set(labels) <= versions.keys():
            return None
        return f"counted:{base}:" + ",".join(f"{label}={versions[label]}" for label in sorted(labels))

    key = value_key(known) if known is not None else None
    if key is not None:
        stored = cache_get(key, WHAT)
        if stored is not None:
            _report(known)
            return stored
    if reads is not None:
        with _using(versions):
            value = compute()
        labels = known
    else:
        read: set = set()
        with _watch(read), _using(versions):
            value = compute()
        labels = frozenset(read)
        if labels != memo:
            cache_set(reads_key, labels, READS_TTL, WHAT)
        labels |= frozenset(also_reads)
    _report(labels)
    key = value_key(labels)
    if key is not None and value is not None:
        store_when_settled(key, value, labels, versions, PANELS_TTL)
    return value


def permissions_digest(user) -> str:
    """What the user may see, for a key of figures computed for them: their permissions (a role granted or
    withdrawn changes it; ModelBackend keeps them on the user for the request)."""
    perms = ",".join(sorted(user.get_all_permissions())) if user.is_active else ""
    return hashlib.sha1(f"{user.is_superuser}:{perms}".encode()).hexdigest()[:16]


def cached_panels(provider, user, year: int, scope, versions: dict | None) -> list:
    """provider(user, year, scope), from the cache when none of the apps it read has changed since."""
    return cached_counts(f"{provider.__module__}.{provider.__qualname__}", lambda: provider(user, year, scope),
                         user.pk, permissions_digest(user), year, getattr(scope.street, "pk", ""),
                         getattr(scope.unit, "pk", ""), versions=versions)
