"""The member import from Excel (validated whole, then all rows or none)."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record

from .. import personal_data
from ..models import ImportJob, ImportStatus, Member, TermMembership
from ._common import MembersError, require_perm
from .records import member_derive_names

logger = logging.getLogger(__name__)


IMPORT_STALE_AFTER_SECONDS = 600
IMPORT_BATCH = 500
IMPORT_UPDATE_FIELDS = ["name", "name_pinyin", "name_initials", "search_text", "gender", "ethnic_group",
                        "birth_date", "mobile_encrypted", "mobile_hash", "mobile_masked", "party", "sector",
                        "employer", "job_title",
                        "is_standing_committee", "street", "status", "id_number_encrypted",
                        "id_number_masked", "updated_at"]


@transaction.atomic
def member_import_start(*, upload, actor) -> ImportJob:
    """Store an uploaded workbook under a random name, create the job and queue it for a worker after
    commit. The request does no more than look at the size and the first bytes (ImportFileError for an
    empty, oversized or non-zip file: nothing is stored); the workbook is unpacked and inspected only by
    the job, under its time and memory limits (import_job_run, tasks.member_import_task). Audited."""
    require_perm(actor, "members.import_member")
    from zhongyuan_cppcc.core.tasks_util import enqueue_on_commit

    from ..importing import check_upload_envelope
    from ..tasks import member_import_task

    check_upload_envelope(upload, upload.size)
    job = ImportJob(original_name=upload.name[:200], size=upload.size, created_by=actor, run_async=True,
                    total_rows=None)
    job.file.save("upload.xlsx", upload, save=False)
    job.save()
    audit_record(action="members.import_started", actor=actor, obj=job,
                 details={"file": job.original_name, "size": job.size, "async": True})
    enqueue_on_commit(member_import_task, job.pk)
    return job


class _ImportProgress:
    """Writes a job's progress so that other connections (the polling page) see it.

    The writing phase runs in one transaction (all or nothing), whose own updates nobody else could
    see before commit; on PostgreSQL progress therefore goes through a second connection in
    autocommit mode. SQLite allows one writer at a time, so there progress is only written outside
    the transaction."""

    def __init__(self, job_id: int):
        from django.db import DEFAULT_DB_ALIAS, connection, connections

        self.job_id = job_id
        self.side = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def update(self, **fields) -> None:
        from django.db import connection


        fields["heartbeat_at"] = timezone.now()
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
            return
        if self.side is None:
            return
        meta = ImportJob._meta
        assignments = ", ".join(f"{connection.ops.quote_name(meta.get_field(k).column)} = %s" for k in fields)
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {assignments} WHERE id = %s",
                           [*fields.values(), self.job_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _claim_import_job(job_id: int) -> bool:
    from django.db.models import Q


    now = timezone.now()
    stale = now - timezone.timedelta(seconds=IMPORT_STALE_AFTER_SECONDS)
    claimable = Q(status=ImportStatus.PENDING) | (
        Q(status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING]) & Q(heartbeat_at__lt=stale)
    )
    return bool(ImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportStatus.VALIDATING, started_at=now, heartbeat_at=now, processed_rows=0))


def import_job_run(*, job_id: int) -> None:
    """Validate every row, then import all rows in one transaction or none. Idempotent: only a
    pending (or stalled) job is claimed. The result stays on the job; the uploaded file is deleted."""
    from ..importing import ImportFileError, inspect_file, parse_workbook

    if not _claim_import_job(job_id):
        return
    job = ImportJob.objects.get(pk=job_id)
    progress = _ImportProgress(job_id)
    try:
        try:
            with job.file.open("rb") as fh:
                # The inspection (zip entry sizes before anything is unpacked, row count, header) runs
                # here, in the worker, never in the request.
                info = inspect_file(fh, job.file.size)
                progress.update(total_rows=info.rows_estimate)
                fh.seek(0)
                parsed = parse_workbook(fh, progress=lambda n: progress.update(processed_rows=n))
        except ImportFileError as exc:
            _finish_import(job, ImportStatus.FAILED, message=str(exc))
            return
        except FileNotFoundError:
            _finish_import(job, ImportStatus.FAILED, message=_("The uploaded file is no longer available; "
                                                               "upload it again."))
            return
        if parsed.errors:
            _finish_import(job, ImportStatus.REJECTED, total_rows=parsed.data_rows, processed_rows=parsed.data_rows,
                           error_count=parsed.error_rows, errors=[e.as_dict() for e in parsed.errors[:1000]],
                           message=_("Nothing was imported: %(n)s rows have errors. Correct them and upload the "
                                     "whole file again.") % {"n": parsed.error_rows})
            return
        progress.update(status=ImportStatus.IMPORTING, total_rows=parsed.data_rows, processed_rows=0)
        try:
            with transaction.atomic():
                created, updated = _import_rows(parsed, actor=job.created_by,
                                                progress=lambda n: progress.update(processed_rows=n))
                audit_record(action="members.imported", actor=job.created_by, obj=job,
                             details={"created": created, "updated": updated, "rows": parsed.data_rows})
        except (IntegrityError, MembersError) as exc:
            logger.warning("member import %s rolled back: %s", job_id, type(exc).__name__)
            _finish_import(job, ImportStatus.FAILED, message=_(
                "Nothing was imported: another change to the same members happened at the same time. "
                "Upload the file again."))
            return
        _finish_import(job, ImportStatus.SUCCEEDED, total_rows=parsed.data_rows, processed_rows=parsed.data_rows,
                       created_count=created, updated_count=updated,
                       message=_("%(created)s members created, %(updated)s updated.")
                       % {"created": created, "updated": updated})
    except Exception as exc:  # noqa: BLE001 - any failure ends the job as failed, never half-imported
        # The traceback without the exception's message: a message may quote a cell (an ID number).
        import traceback

        logger.error("member import %s failed with %s:\n%s", job_id, type(exc).__name__,
                     "".join(traceback.format_tb(exc.__traceback__)))
        _finish_import(job, ImportStatus.FAILED, message=_("The import failed unexpectedly; nothing was imported."))
    finally:
        progress.close()


def _finish_import(job, status: str, **fields) -> None:

    if job.file:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(status=status, file="", finished_at=timezone.now(),
                                               heartbeat_at=timezone.now(), **fields)
    job.refresh_from_db()
    if status != "succeeded":
        audit_record(action="members.import_finished", actor=job.created_by, obj=job,
                     outcome=Outcome.FAILURE, details={"status": status, "errors": job.error_count})


def _bulk_update(members: list[Member], fields: list[str]) -> None:
    """UPDATE … FROM (VALUES …) on PostgreSQL: Django's bulk_update writes one CASE per field with a
    branch per row, which PostgreSQL plans and runs several times slower for batches of hundreds."""
    from django.db import connection

    if not members:
        return
    if connection.vendor != "postgresql":
        Member.objects.bulk_update(members, fields, batch_size=IMPORT_BATCH)
        return
    meta = Member._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    row_sql = "(" + ", ".join(["%s::bigint"] + [f"%s::{f.db_type(connection)}" for f in columns]) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(members), IMPORT_BATCH):
            chunk = members[start:start + IMPORT_BATCH]
            params: list = []
            for member in chunk:
                params.append(member.pk)
                params.extend(f.get_db_prep_save(getattr(member, f.attname), connection) for f in columns)
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v(id, {names}) WHERE t.id = v.id",
                params,
            )


def _import_rows(parsed, *, actor, progress) -> tuple[int, int]:
    """Create or update (matched by the ID number's lookup hash) every parsed row, in bulk."""
    present = parsed.present
    hashes = [row.id_hash for row in parsed.rows]
    existing: dict[str, int] = {}
    for start in range(0, len(hashes), 2000):
        existing.update(Member.objects.filter(id_number_hash__in=hashes[start:start + 2000])
                        .values_list("id_number_hash", "id"))
    now = timezone.now()
    always = {"name_pinyin", "name_initials", "search_text", "gender", "birth_date", "id_number_encrypted",
              "id_number_masked", "updated_at", "name", "party", "sector"}
    if "mobile" in present:  # the column of the file is stored as three (members/personal_data.py)
        present = {*present, "mobile_encrypted", "mobile_hash", "mobile_masked"}
    update_fields = [f for f in IMPORT_UPDATE_FIELDS if f in present or f in always]
    pairs: list[tuple[Member, object]] = []
    created = updated = 0
    for start in range(0, len(parsed.rows), IMPORT_BATCH):
        batch = parsed.rows[start:start + IMPORT_BATCH]
        current = Member.objects.in_bulk([existing[r.id_hash] for r in batch if r.id_hash in existing])
        new_members, changed_members = [], []
        for row in batch:
            member_id = existing.get(row.id_hash)
            member = current[member_id] if member_id else Member()
            for key, value in row.values.items():
                if key not in ("term", "special_committees"):
                    setattr(member, key, value)
            for key, value in personal_data.protect_id_number(row.id_number).items():
                setattr(member, key, value)
            member_derive_names(member)
            member.updated_at = now
            (changed_members if member_id else new_members).append(member)
            pairs.append((member, row))
        Member.objects.bulk_create(new_members, batch_size=IMPORT_BATCH)
        _bulk_update(changed_members, update_fields)
        created += len(new_members)
        updated += len(changed_members)
        progress(start + len(batch))
    memberships = [TermMembership(member=m, term=r.values["term"], joined_on=r.values["term"].starts_on)
                   for m, r in pairs if r.values.get("term") is not None]
    TermMembership.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
    if "special_committees" in present:
        through = Member.special_committees.through
        member_ids = [m.pk for m, _r in pairs]
        for start in range(0, len(member_ids), 2000):
            through.objects.filter(member_id__in=member_ids[start:start + 2000]).delete()
        through.objects.bulk_create([
            through(member_id=m.pk, specialcommittee_id=c.pk)
            for m, r in pairs for c in r.values.get("special_committees", [])
        ], batch_size=2000)
    return created, updated
