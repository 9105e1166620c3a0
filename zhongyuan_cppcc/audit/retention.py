"""Audit retention: rows are kept at least 180 days; older rows go to a signed archive, then are deleted.

The archive is a JSON Lines file (one row per line, oldest first) under AUDIT_ARCHIVE_DIR with a
`.sig` file beside it: HMAC-SHA256 of the file's bytes under AUDIT_ARCHIVE_KEY (from the environment).
`manage.py audit_verify_archive FILE` checks a file against its signature. The rows are deleted only
after the file is written, flushed and verified, on the owner's connection (the application's role has
no DELETE right on the table), inside a transaction that tells the append-only trigger that this is the
retention job; and an audit row records the archive (file, row count, id range, digest). Without a key
the job archives nothing and deletes nothing, and says so in the log.
"""

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.utils import timezone

from .models import AuditEvent
from .services import audit_record

logger = logging.getLogger(__name__)

MIN_RETENTION_DAYS = 180
FIELDS = ["id", "at", "actor_id", "actor_username", "action", "object_type", "object_id", "object_repr",
          "outcome", "ip", "details"]


class ArchiveKeyMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class ArchiveResult:
    path: Path | None
    rows: int
    cutoff: datetime


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)))


def _key() -> bytes:
    key = getattr(settings, "AUDIT_ARCHIVE_KEY", "") or ""
    if not key:
        raise ArchiveKeyMissing("AUDIT_ARCHIVE_KEY is not set: audit rows are neither archived nor deleted.")
    return key.encode()


def sign(data: bytes, key: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def signature_path(path: Path) -> Path:
    return path.with_name(path.name + ".sig")


def verify_archive(path: Path, key: bytes | None = None) -> int:
    """The number of rows in a genuine archive; ValueError if the file or its signature was changed."""
    key = key or _key()
    data = Path(path).read_bytes()
    expected = signature_path(Path(path)).read_text().strip()
    if not hmac.compare_digest(sign(data, key), expected):
        raise ValueError(f"{path}: the signature does not match; the archive was changed or the key is wrong")
    return sum(1 for line in data.splitlines() if line.strip())


def owner_alias() -> str:
    """The connection that may delete audit rows: the owner's when configured (production), else default."""
    return "owner" if "owner" in settings.DATABASES else "default"


def audit_archive_and_prune(*, now: datetime | None = None) -> ArchiveResult:
    """Archive audit rows older than the retention period to a signed file, then delete exactly those rows.

    Precondition: AUDIT_ARCHIVE_KEY set. Side effects: a file and its .sig under AUDIT_ARCHIVE_DIR, the
    rows deleted, one `audit.archive` row recorded. Nothing to archive: nothing happens.
    """
    key = _key()
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    alias = owner_alias()
    rows = list(AuditEvent.objects.using(alias).filter(at__lt=cutoff).order_by("id").values(*FIELDS))
    if not rows:
        return ArchiveResult(path=None, rows=0, cutoff=cutoff)
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-{rows[0]['id']}-{rows[-1]['id']}-{now:%Y%m%d%H%M%S}.jsonl"
    data = "".join(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) + "\n"
                   for row in rows).encode()
    _write_durably(path, data)
    _write_durably(signature_path(path), (sign(data, key) + "\n").encode())
    if verify_archive(path, key) != len(rows):  # pragma: no cover - a disk that lies
        raise RuntimeError(f"{path}: the archive does not read back; nothing deleted")
    ids = [row["id"] for row in rows]
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT set_config('zycppcc.audit_retention', 'on', true)")
        deleted, _ = AuditEvent.objects.using(alias).filter(id__in=ids, at__lt=cutoff).delete()
    audit_record(action="audit.archive", object_type="audit.archive", object_id=path.name,
                 details={"file": str(path), "rows": deleted, "first_id": ids[0], "last_id": ids[-1],
                          "cutoff": cutoff.isoformat(), "sha256": hashlib.sha256(data).hexdigest()})
    logger.info("archived and deleted %d audit rows older than %s into %s", deleted, cutoff, path)
    return ArchiveResult(path=path, rows=deleted, cutoff=cutoff)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
