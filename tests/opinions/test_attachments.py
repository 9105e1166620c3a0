"""Attachments of reports: checked by content, only the author while editable, downloads scoped and audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opinions import services
from opinions.models import ReportAttachment
from tests.factories import make_user
from tests.opinions.factories import make_report
from zhongyuan_cppcc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_upload_download_remove(client_for):
    report = make_report()
    author = client_for(report.author)
    response = author.post(reverse("opinions:attachment-add", args=[report.pk]),
                           {"file": SimpleUploadedFile("数据.pdf", PDF_BYTES, content_type="application/pdf")})
    assert response.status_code == 302
    attachment = ReportAttachment.objects.get()
    assert attachment.original_name == "数据.pdf" and "数据" not in attachment.file.name
    # HTML renamed to .pdf is refused with a Chinese message; nothing stored.
    response = author.post(reverse("opinions:attachment-add", args=[report.pk]),
                           {"file": SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")},
                           follow=True)
    assert "不是有效的" in response.content.decode() and ReportAttachment.objects.count() == 1
    download = author.get(reverse("opinions:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="opinions.attachment_downloaded").exists()
    assert client_for(make_user("member")).get(
        reverse("opinions:attachment-download", args=[attachment.pk])).status_code == 404
    services.report_submit(report=report, actor=report.author)
    # After submission: the office downloads it, the author can no longer remove it.
    assert client_for(make_user("opinion_officer")).get(
        reverse("opinions:attachment-download", args=[attachment.pk])).status_code == 200
    assert author.post(reverse("opinions:attachment-remove", args=[attachment.pk])).status_code == 302
    assert ReportAttachment.objects.count() == 1


def test_author_removes_while_editable():
    report = make_report()
    attachment = services.attachment_add(report=report, actor=report.author,
                                         upload=SimpleUploadedFile("a.txt", "文本".encode()))
    services.attachment_remove(attachment=attachment, actor=report.author)
    assert not ReportAttachment.objects.exists()
