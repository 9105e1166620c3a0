"""Read replica routing (DESIGN.md §10): reads inside `replica_reads()` go to the `replica` alias when one is
configured (`DATABASE_REPLICA_URL`); everything else — all writes, and reads that must see the request's own
writes — stays on `default`. The dashboard and the export jobs read there: they tolerate a replica's lag of
seconds, and they are the heaviest readers.

Without a replica the block is a no-op, so code can use it unconditionally.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a row read from the replica may be related to one from default.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by replication; it is never migrated itself. The owner alias is
        # the primary under another role (core/db_roles.py): migrate runs with DATABASE_AS_OWNER=1 instead.
        return db not in (REPLICA, "owner")
