"""Background exports: a long list is written by a worker, shown with progress, downloadable only by
the person who asked for it, audited, resumed when its task was lost, and deleted after a few days."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.models import Member
from tests.conftest import wait_until
from tests.factories import make_user
from tests.members.factories import MemberFactory
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.exports import services
from zhongyuan_cppcc.exports.models import ExportJob, ExportStatus
from zhongyuan_cppcc.exports.registry import ExportKind, register_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("member_officer")


@pytest.fixture
def three_members():
    return [MemberFactory() for _ in range(3)]


def _rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def test_a_long_member_list_becomes_a_background_job(settings, client_for, officer, three_members,
                                                     django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    client = client_for(officer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("members:member-export"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:job-detail", args=[job.pk])
    assert (job.owner, job.kind, job.status, job.total_rows) == (officer, "members.members",
                                                                ExportStatus.PENDING, 3)
    assert len(callbacks) == 1  # the task is published only after commit
    assert AuditEvent.objects.filter(action="exports.requested", actor=officer).exists()
    page = client.get(response.url).content.decode()
    assert f'hx-get="{reverse("exports:job-progress", args=[job.pk])}"' in page


def test_a_short_list_is_still_exported_at_once(settings, client_for, officer, three_members):
    settings.EXPORT_SYNC_MAX_ROWS = 100
    response = client_for(officer).post(reverse("members:member-export"))
    assert response.status_code == 200 and not ExportJob.objects.exists()
    assert len(_rows(b"".join(response.streaming_content))) == 4


def test_running_a_job_writes_a_masked_workbook_once(officer, three_members):
    job = services.export_start(actor=officer, kind="members.members", params={}, total_rows=3)
    assert services.export_run(job_id=job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.done_rows, job.percent) == (ExportStatus.DONE, 3, 100)
    rows = _rows(job.file.read())
    assert len(rows) == 4
    numbers = {m.id_number_masked for m in Member.objects.all()}
    assert {row[4] for row in rows[1:]} == numbers and all("*" in n for n in numbers)
    assert AuditEvent.objects.filter(action="members.exported", actor=officer).count() == 1
    # A redelivered task finds the job claimed and does nothing.
    assert services.export_run(job_id=job.pk) is False
    assert AuditEvent.objects.filter(action="members.exported", actor=officer).count() == 1


def test_the_job_keeps_the_list_filters(officer, three_members):
    wanted = three_members[0]
    job = services.export_start(actor=officer, kind="members.members", params={"q": [wanted.name]})
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    names = [row[0] for row in _rows(job.file.read())[1:]]
    assert names == [wanted.name]


def test_only_the_owner_sees_and_downloads_the_file(client_for, officer, three_members):
    job = services.export_start(actor=officer, kind="members.members", params={})
    services.export_run(job_id=job.pk)
    other_officer = make_user("member_officer")
    for name in ("exports:job-detail", "exports:job-progress", "exports:job-download"):
        assert client_for(other_officer).get(reverse(name, args=[job.pk])).status_code == 404
    response = client_for(officer).get(reverse("exports:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(_rows(b"".join(response.streaming_content))) == 4
    assert AuditEvent.objects.filter(action="exports.downloaded", actor=officer).exists()
    listing = client_for(officer).get(reverse("exports:job-list")).content.decode()
    assert job.filename in listing


def test_a_download_needs_the_permission_still(client_for, officer, three_members):
    job = services.export_start(actor=officer, kind="members.members", params={})
    services.export_run(job_id=job.pk)
    officer.groups.clear()
    assert client_for(officer).get(reverse("exports:job-download", args=[job.pk])).status_code == 403


def test_an_unfinished_job_has_nothing_to_download(client_for, officer):
    job = services.export_start(actor=officer, kind="members.members", params={})
    assert client_for(officer).get(reverse("exports:job-download", args=[job.pk])).status_code == 404
    progress = client_for(officer).get(reverse("exports:job-progress", args=[job.pk])).content.decode()
    assert 'data-status="pending"' in progress


def test_asking_needs_the_kind_permission():
    member = make_user("member")
    with pytest.raises(Exception) as excinfo:
        services.export_start(actor=member, kind="members.members", params={})
    assert excinfo.type.__name__ == "PermissionDenied"
    assert not ExportJob.objects.exists()


def test_a_permission_lost_before_the_run_fails_the_job_clearly(officer, three_members):
    job = services.export_start(actor=officer, kind="members.members", params={})
    officer.groups.clear()
    assert services.export_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "无权" in job.message and not job.file


def test_a_failing_builder_fails_the_job_with_a_chinese_message(officer):
    def explode(job, progress):
        raise RuntimeError("disk full")

    register_export(ExportKind(name="test.exploding", label="x", permission="members.export_member",
                               build=explode))
    job = services.export_start(actor=officer, kind="test.exploding", params={})
    assert services.export_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "导出失败" in job.message and "disk" not in job.message


def test_the_sweep_publishes_lost_jobs_and_retries_stalled_ones(monkeypatch, officer):
    published = []
    monkeypatch.setattr(services, "enqueue", lambda task, job_id: published.append(job_id))
    now = timezone.now()
    lost = services.export_start(actor=officer, kind="members.members", params={})
    ExportJob.objects.filter(pk=lost.pk).update(created_at=now - timedelta(minutes=5))
    fresh = services.export_start(actor=officer, kind="members.members", params={})
    stalled = ExportJob.objects.create(owner=officer, kind="members.members", status=ExportStatus.RUNNING,
                                       attempts=1, heartbeat_at=now - timedelta(hours=1))
    ExportJob.objects.filter(pk=stalled.pk).update(created_at=now - timedelta(hours=1))
    worn_out = ExportJob.objects.create(owner=officer, kind="members.members", status=ExportStatus.RUNNING,
                                        attempts=services.MAX_ATTEMPTS, heartbeat_at=now - timedelta(hours=1))
    assert services.exports_resume(now=now) == 2
    assert set(published) == {str(lost.pk), str(stalled.pk)}
    assert ExportJob.objects.get(pk=fresh.pk).status == ExportStatus.PENDING
    worn_out.refresh_from_db()
    assert worn_out.status == ExportStatus.FAILED and worn_out.message


def test_old_files_are_deleted(settings, officer):
    job = ExportJob.objects.create(owner=officer, kind="members.members", status=ExportStatus.DONE)
    job.file.save("old.xlsx", ContentFile(b"x"), save=True)
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=30))
    keep = ExportJob.objects.create(owner=officer, kind="members.members")
    assert services.exports_purge() == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [keep.pk]
    import os

    assert not os.path.exists(path)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_file_and_the_page_offers_it(settings, celery_worker_process, client_for):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    officer = make_user("member_officer")
    for _ in range(5):
        MemberFactory()
    client = client_for(officer)
    response = client.post(reverse("members:member-export"))
    job = ExportJob.objects.get()
    celery_worker_process.start()
    wait_until(lambda: ExportJob.objects.get(pk=job.pk).is_finished, timeout=120)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, (job.message, celery_worker_process.log_path.read_text())
    page = client.get(response.url).content.decode()
    assert reverse("exports:job-download", args=[job.pk]) in page and "5 行" in page.replace("\u00a0", " ")
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    assert len(_rows(b"".join(download.streaming_content))) == 6
