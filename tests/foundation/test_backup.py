"""manage.py backup / restore: a round trip of real data through pg_dump and pg_restore into a second, empty
PostgreSQL database, encryption that detects tampering, the checksum, and the rotation."""

import base64
import json
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from proposals.models import Attachment
from proposals.services import attachment_add
from tests.proposals.factories import ProposalFactory, pdf_upload
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.core import backup as ops

KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def _backup_key(settings):
    settings.BACKUP_ENCRYPTION_KEY = KEY


# --- Encryption and checksums ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 10, ops.CHUNK, ops.CHUNK * 2 + 5])
def test_encryption_round_trip(tmp_path, size):
    plain = tmp_path / "plain"
    plain.write_bytes(bytes(i % 251 for i in range(size)))
    ops.encrypt_file(plain, tmp_path / "enc", ops._key(KEY))
    assert plain.read_bytes()[:64] not in (tmp_path / "enc").read_bytes() or size == 0
    ops.decrypt_file(tmp_path / "enc", tmp_path / "back", ops._key(KEY))
    assert (tmp_path / "back").read_bytes() == plain.read_bytes()


def test_tampered_truncated_or_wrong_key_encryption_fails(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"x" * (ops.CHUNK + 100))
    enc = tmp_path / "enc"
    ops.encrypt_file(plain, enc, ops._key(KEY))
    data = enc.read_bytes()
    flipped = bytearray(data)
    flipped[len(ops.MAGIC) + 100] ^= 1
    cases = {"altered": bytes(flipped), "truncated": data[: len(data) - 200],
             "last chunk dropped": data[: len(ops.MAGIC) + 4 + 12 + ops.CHUNK + 16]}
    for name, content in cases.items():
        enc.write_bytes(content)
        with pytest.raises(ops.BackupError):
            ops.decrypt_file(enc, tmp_path / "out", ops._key(KEY))
            pytest.fail(f"{name} archive decrypted")
    enc.write_bytes(data)
    other = base64.urlsafe_b64encode(bytes(32)).decode()
    with pytest.raises(ops.BackupError, match="wrong key"):
        ops.decrypt_file(enc, tmp_path / "out", ops._key(other))


@pytest.mark.parametrize("bad", ["", "not base64!!", base64.urlsafe_b64encode(b"short").decode()])
def test_bad_keys_are_refused(bad):
    with pytest.raises(ops.BackupError):
        ops._key(bad)


def test_prune_keeps_daily_and_monthly(tmp_path):
    names = ["20260101-023000", "20260115-023000", "20260201-023000", "20260301-023000", "20260301-120000",
             "20260302-023000", "20260303-023000", "20260304-023000"]
    for stamp in names:
        (tmp_path / f"zhongyuan-cppcc-{stamp}.tar").write_bytes(b"x")
        (tmp_path / f"zhongyuan-cppcc-{stamp}.tar.sha256").write_text("x")
    (tmp_path / "unrelated.txt").write_text("keep me")
    deleted = ops.prune(tmp_path, keep_daily=3, keep_monthly=3)
    left = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tar")
    # Daily: 03-04, 03-03, 03-02; monthly: March (03-04), February (02-01), January (01-15, its newest).
    assert left == ["zhongyuan-cppcc-20260115-023000.tar", "zhongyuan-cppcc-20260201-023000.tar",
                    "zhongyuan-cppcc-20260302-023000.tar", "zhongyuan-cppcc-20260303-023000.tar",
                    "zhongyuan-cppcc-20260304-023000.tar"]
    assert len(deleted) == 3 and not (tmp_path / "zhongyuan-cppcc-20260101-023000.tar.sha256").exists()
    assert (tmp_path / "unrelated.txt").exists()


# --- The round trip on real PostgreSQL ---------------------------------------------------------------------


@pytest.fixture
def empty_database():
    source = connection.settings_dict
    name = f"{source['NAME']}_restore"
    params = {"user": source.get("USER") or None, "password": source.get("PASSWORD") or None,
              "host": source.get("HOST") or None, "port": source.get("PORT") or None}
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    yield ops.PgTarget(name=name, user=source.get("USER") or "", password=source.get("PASSWORD") or "",
                       host=source.get("HOST") or "", port=str(source.get("PORT") or ""))
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _rows(target: ops.PgTarget, sql: str) -> list:
    conn = target.connect()
    with conn.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    conn.close()
    return rows


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_demo_data(settings, tmp_path, empty_database):
    call_command("load_demo", only=["accounts", "members"], stdout=open("/dev/null", "w"))  # noqa: SIM115
    proposal = ProposalFactory()
    attachment = attachment_add(actor=proposal.author, proposal=proposal, upload=pdf_upload("调研报告.pdf"))
    original_bytes = Path(settings.MEDIA_ROOT, attachment.file.name).read_bytes()
    source = ops.PgTarget.from_settings("default")
    assert source.name == connection.settings_dict["NAME"]

    call_command("backup", dir=str(tmp_path / "backups"), encrypt=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    archives = list((tmp_path / "backups").glob("*.tar.enc"))
    assert len(archives) == 1
    archive = archives[0]
    assert (tmp_path / "backups" / (archive.name + ".sha256")).read_text().split()[1] == archive.name
    assert b"database.dump" not in archive.read_bytes()  # encrypted, not a plain tar
    audit_before = _rows(source, "SELECT id, action, actor_id, object_type, object_id, outcome, details::text "
                                 "FROM audit_auditevent ORDER BY id")
    counts_before = ops.row_counts(source)
    assert counts_before["members_member"] > 200 and counts_before["proposals_attachment"] == 1

    media = tmp_path / "restored-media"
    manifest = ops.restore(archive, key=KEY, target=empty_database, media_root=media)

    assert manifest["restored"] == manifest["tables"]
    restored_counts = ops.row_counts(empty_database)
    # Every table and its row count, except the audit rows the backup itself wrote afterwards.
    assert {t: n for t, n in restored_counts.items() if t != "audit_auditevent"} == \
        {t: n for t, n in counts_before.items() if t != "audit_auditevent"}
    restored_audit = _rows(empty_database, "SELECT id, action, actor_id, object_type, object_id, outcome, "
                                           "details::text FROM audit_auditevent ORDER BY id")
    assert restored_audit == [row for row in audit_before if row[1] != "ops.backup"]
    assert (media / attachment.file.name).read_bytes() == original_bytes
    name = _rows(empty_database, f"SELECT original_name FROM proposals_attachment WHERE id = {attachment.pk}")
    assert name == [(Attachment.objects.get(pk=attachment.pk).original_name,)]

    # A second restore into the now non-empty database is refused, and so is a damaged archive.
    with pytest.raises(ops.BackupError, match="not empty"):
        ops.restore(archive, key=KEY, target=empty_database, media_root=tmp_path / "other-media")
    data = bytearray(archive.read_bytes())
    data[-10] ^= 1
    archive.write_bytes(bytes(data))
    with pytest.raises(ops.BackupError, match="checksum"):
        ops.restore(archive, key=KEY, target=empty_database, media_root=tmp_path / "other-media")
    assert AuditEvent.objects.filter(action="ops.backup", outcome="success").count() == 1


@pytest.mark.django_db(transaction=True)
def test_plain_backup_holds_manifest_dump_and_media(tmp_path, settings, empty_database):
    proposal = ProposalFactory()
    attachment_add(actor=proposal.author, proposal=proposal, upload=pdf_upload())
    archive = ops.backup(directory=tmp_path, encrypt=False)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "database.dump" in names and any(n.startswith("media/") and n.endswith(".pdf") for n in names)
    assert manifest["tables"]["proposals_proposal"] == 1 and manifest["media_files"] == 1
    ops.verify_checksum(archive)
    # restore through the command, into the empty database
    call_command("restore", str(archive), database_url=(
        f"postgres://{empty_database.user or 'postgres'}@{empty_database.host or '127.0.0.1'}:"
        f"{empty_database.port or 5432}/{empty_database.name}"), media_root=str(tmp_path / "m"),
        stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ops.row_counts(empty_database)["proposals_proposal"] == 1
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar"))
