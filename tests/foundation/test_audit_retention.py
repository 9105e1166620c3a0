"""Audit retention: ≥ 180 days kept, older rows archived to a signed file and then deleted, never silently."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.audit.retention import audit_archive_and_prune, signature_path, verify_archive
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.audit.tasks import audit_retention_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> datetime:
    """The database server's clock, to which the tests pin Python's: the append-only trigger compares with
    PostgreSQL's now(), which no time-machine moves (so the file holds under TEST_TODAY and on any date)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_trunc('second', now())")
        return cursor.fetchone()[0]


@pytest.fixture
def archive_settings(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    settings.AUDIT_ARCHIVE_KEY = "test-archive-key"
    settings.AUDIT_RETENTION_DAYS = 30  # asked for less: the floor of 180 days still holds
    return settings


def row_at(when: datetime, action: str) -> AuditEvent:
    with time_machine.travel(when, tick=False):
        return audit_record(action=action)


@pytest.fixture
def rows(now):
    return {
        "old": row_at(now - timedelta(days=400), "test.old"),
        "older_than_180": row_at(now - timedelta(days=181), "test.181"),
        "kept_179": row_at(now - timedelta(days=179), "test.179"),
        "kept_31": row_at(now - timedelta(days=31), "test.31"),
    }


def test_rows_past_180_days_are_archived_signed_and_deleted(archive_settings, rows, now):
    with time_machine.travel(now, tick=False):
        result = audit_archive_and_prune()
    assert result.rows == 2
    remaining = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"test.179", "test.31"} <= remaining and not {"test.old", "test.181"} & remaining
    assert verify_archive(result.path) == 2
    lines = result.path.read_text().splitlines()
    assert '"action": "test.old"' in lines[0] and '"action": "test.181"' in lines[1]
    record = AuditEvent.objects.get(action="audit.archive")
    assert record.details["rows"] == 2 and record.details["first_id"] == rows["old"].pk
    assert record.object_id == result.path.name


def test_a_second_run_finds_nothing(archive_settings, rows, now):
    with time_machine.travel(now, tick=False):
        audit_archive_and_prune()
        assert audit_archive_and_prune().rows == 0


def test_a_changed_archive_fails_verification(archive_settings, rows, now):
    with time_machine.travel(now, tick=False):
        result = audit_archive_and_prune()
    call_command("audit_verify_archive", str(result.path))
    result.path.write_text(result.path.read_text().replace("test.old", "test.new"))
    with pytest.raises(ValueError):
        verify_archive(result.path)
    with pytest.raises(CommandError):
        call_command("audit_verify_archive", str(result.path))
    signature_path(result.path).write_text("0" * 64)
    with pytest.raises(ValueError):
        verify_archive(result.path)


def test_without_a_key_nothing_is_deleted_and_the_job_says_so(archive_settings, rows, now, caplog):
    archive_settings.AUDIT_ARCHIVE_KEY = ""
    with time_machine.travel(now, tick=False):
        assert audit_retention_task() == 0
    assert AuditEvent.objects.filter(action="test.old").exists()
    assert "AUDIT_ARCHIVE_KEY" in caplog.text
    with pytest.raises(CommandError):
        call_command("audit_archive")


def test_the_trigger_still_refuses_recent_deletes_and_every_update(archive_settings, rows, now):
    """Even on the retention job's own path, only rows older than 180 days can go, and none can change."""
    fresh = row_at(now, "test.fresh")  # the trigger compares with the database's own clock
    for statement, args in [("DELETE FROM audit_auditevent WHERE id = %s", [fresh.pk]),
                            ("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [rows["old"].pk])]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('zycppcc.audit_retention', 'on', true)")
            cursor.execute(statement, args)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [rows["old"].pk])
    assert AuditEvent.objects.filter(pk=rows["old"].pk).exists()


def test_the_job_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-retention"]
    assert entry["task"] == audit_retention_task.name
