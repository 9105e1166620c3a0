"""The large-import path on a real Celery worker against the real Redis broker, and the progress
writes that the polling page sees while the import's transaction is still open."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse

from members.models import ImportJob, ImportStatus, Member
from members.services.imports import _ImportProgress
from tests.conftest import wait_until
from tests.factories import make_user
from zhongyuan_cppcc.core.parameters import set_parameter

from .factories import term10
from .test_import import post_only, row, xlsx

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_large_import_runs_on_a_real_worker(celery_worker_process, client_for):
    term10()
    officer = make_user("member_officer")
    set_parameter(key="members.import_sync_max_rows", value=50)
    client = client_for(officer)
    response = post_only(client, xlsx([row(n=i) for i in range(1, 401)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.run_async and job.status == ImportStatus.PENDING
    assert Member.objects.count() == 0  # nothing happens in the request
    celery_worker_process.start()
    wait_until(lambda: ImportJob.objects.get(pk=job.pk).is_finished, timeout=120)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, (job.message, celery_worker_process.log_path.read_text())
    assert (job.created_count, job.processed_rows, job.total_rows) == (400, 400, 400)
    assert Member.objects.count() == 400 and not job.file
    page = client.get(reverse("members:import-progress", args=[job.pk])).content.decode()
    assert "新增委员 400 名" in page


def test_progress_is_visible_outside_the_import_transaction():
    job = ImportJob.objects.create(original_name="m.xlsx", status=ImportStatus.IMPORTING, total_rows=100)
    observer = connections.create_connection(DEFAULT_DB_ALIAS)
    progress = _ImportProgress(job.pk)
    try:
        with transaction.atomic():
            Member.objects.count()  # the import's transaction is open
            progress.update(processed_rows=42)
            with observer.cursor() as cursor:
                cursor.execute("SELECT processed_rows FROM members_importjob WHERE id = %s", [job.pk])
                assert cursor.fetchone()[0] == 42
    finally:
        progress.close()
        observer.close()
