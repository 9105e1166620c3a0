"""Attachments: type checked by content (an HTML or SVG file renamed .pdf is refused), size limit,
random storage names under MEDIA_ROOT, downloads only through the permission-checked view."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals import services
from proposals.attachments import validate_upload
from proposals.models import Attachment

from .factories import PDF_BYTES, ProposalFactory, make_member, pdf_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def ooxml(folder: str) -> bytes:
    """A minimal Office file. Built at collection time for the test ids, so its entries carry a fixed date: with
    the zip's default (the current time) the two xdist workers could collect different ids."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), (f"{folder}/document.xml", "<x/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("报告.pdf", PDF_BYTES, "application/pdf"),
    ("现场.png", PNG, "image/png"),
    ("现场.jpg", JPEG, "image/jpeg"),
    ("现场.JPEG", JPEG, "image/jpeg"),
    ("动图.gif", GIF, "image/gif"),
    ("材料.docx", ooxml("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("数据.xlsx", ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("汇报.pptx", ooxml("ppt"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("旧版.doc", OLE, "application/msword"),
    ("旧版.xls", OLE, "application/vnd.ms-excel"),
    ("说明.txt", "纯文本说明，含数字 3 < 5。".encode(), "text/plain; charset=utf-8"),
    ("gbk.txt", "国标编码文本".encode("gb18030"), "text/plain; charset=utf-8"),
])
def test_accepted_types(name, data, content_type):
    checked = validate_upload(upload(name, data))
    assert checked.content_type == content_type and checked.size == len(data) and len(checked.sha256) == 64


@pytest.mark.parametrize(("name", "data"), [
    ("伪装.pdf", HTML),                 # HTML renamed .pdf
    ("伪装.pdf", SVG),                  # SVG renamed .pdf
    ("伪装.txt", HTML),                 # markup is not plain text
    ("伪装.txt", SVG),
    ("image.svg", SVG),                 # SVG is not accepted at all
    ("page.html", HTML),
    ("报告.pdf", PNG),                  # a real image, wrong name
    ("材料.docx", b"PK\x03\x04not a zip"),
    ("archive.docx", ooxml("other")),   # a zip that is no Office document
    ("run.exe", b"MZ\x90\x00"),
    ("无扩展名", PDF_BYTES),
    ("binary.txt", b"\x00\x01\x02"),
])
def test_refused_by_content(name, data):
    with pytest.raises(ValidationError):
        validate_upload(upload(name, data))


def test_size_limit_and_empty_files(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload("大文件.pdf", PDF_BYTES + b"0" * 2000))
    assert excinfo.value.code == "too_large"
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload("空.pdf", b""))
    assert excinfo.value.code == "empty"


def test_default_limit_is_20_mb():
    assert settings.ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024


def test_path_in_the_name_is_dropped():
    checked = validate_upload(upload("../../etc/passwd.txt", b"hello"))
    assert checked.original_name == "passwd.txt"


@pytest.mark.django_db
class TestStorageAndDownload:
    def test_random_name_under_media_root(self, w):
        p = ProposalFactory()
        attachment = services.attachment_add(actor=p.author, proposal=p, upload=upload("我的材料.pdf", PDF_BYTES))
        path = Path(attachment.file.path)
        assert path.is_file() and path.read_bytes() == PDF_BYTES
        assert str(path).startswith(str(settings.MEDIA_ROOT))
        assert "我的材料" not in attachment.file.name and attachment.file.name.endswith(".pdf")
        assert len(Path(attachment.file.name).stem) == 32
        assert attachment.original_name == "我的材料.pdf"

    def test_refused_upload_stores_nothing(self, w):
        p = ProposalFactory()
        with pytest.raises(ValidationError):
            services.attachment_add(actor=p.author, proposal=p, upload=upload("伪装.pdf", HTML))
        assert not Attachment.objects.exists()

    def test_only_the_lead_adds_to_a_draft_and_count_is_limited(self, w):
        from proposals.errors import ProposalPermissionDenied
        from zhongyuan_cppcc.core.parameters import set_parameter

        p = ProposalFactory()
        with pytest.raises(ProposalPermissionDenied):
            services.attachment_add(actor=make_member().user, proposal=p, upload=upload("a.txt", b"x"))
        set_parameter(key="proposals.attachments_max", value=1)
        services.attachment_add(actor=p.author, proposal=p, upload=upload("a.txt", b"x"))
        with pytest.raises(ValidationError):
            services.attachment_add(actor=p.author, proposal=p, upload=upload("b.txt", b"y"))

    def test_remove_deletes_the_file_after_commit(self, w, django_capture_on_commit_callbacks):
        p = ProposalFactory()
        attachment = services.attachment_add(actor=p.author, proposal=p, upload=upload("a.txt", b"x"))
        path = Path(attachment.file.path)
        with django_capture_on_commit_callbacks(execute=True):
            services.attachment_remove(actor=p.author, attachment=attachment)
        assert not path.exists() and not Attachment.objects.exists()

    def test_download_is_an_attachment_with_nosniff(self, w, client_for):
        p = ProposalFactory()
        attachment = services.attachment_add(actor=p.author, proposal=p, upload=upload("说明.txt", "内容".encode()))
        response = client_for(p.author).get(reverse("proposals:attachment-download", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert b"".join(response.streaming_content) == "内容".encode()

    def test_download_idor(self, w, client_for):
        p = ProposalFactory()
        attachment = services.attachment_add(actor=p.author, proposal=p, upload=upload("a.txt", b"x"))
        url = reverse("proposals:attachment-download", args=[attachment.pk])
        for intruder in (make_member().user, w.officer, w.lead_handler):  # a draft: only its author
            assert client_for(intruder).get(url).status_code == 404
        assert client_for(w.officer).get(reverse("proposals:attachment-download", args=[999999])).status_code == 404

    def test_reply_document_visible_to_proposers_only_after_approval(self, w, client_for):
        p = ProposalFactory(reply_review=True)
        url = reverse("proposals:attachment-download", args=[p.replies.get().document_id])
        assert client_for(p.author).get(url).status_code == 404
        assert client_for(w.lead_handler).get(url).status_code == 200
        assert client_for(w.co_handler).get(url).status_code == 404
        assert client_for(w.officer).get(url).status_code == 200
        services.reply_approve(actor=w.officer, proposal=p)
        assert client_for(p.author).get(url).status_code == 200
        assert client_for(w.co_handler).get(url).status_code == 200
        assert client_for(w.other_handler).get(url).status_code == 404
        assert client_for(make_member().user).get(url).status_code == 404  # archive readers: no contact details

    def test_reply_document_must_be_pdf(self, w):
        p = ProposalFactory(assigned=True)
        with pytest.raises(ValidationError):
            services.reply_save(actor=w.lead_handler, proposal=p, document=upload("答复.pdf", SVG))
        services.reply_save(actor=w.lead_handler, proposal=p, document=pdf_upload())
        assert p.replies.get().document.content_type == "application/pdf"

    def test_download_is_audited(self, w, client_for):
        from zhongyuan_cppcc.audit.models import AuditEvent

        p = ProposalFactory(submitted=True)
        attachment = Attachment.objects.create(proposal=p, file="proposals/missing.txt", original_name="x.txt",
                                               content_type="text/plain", size=1, sha256="0", uploaded_at=p.created_at)
        # A row whose file is gone answers 404, not 500.
        assert client_for(w.officer).get(reverse("proposals:attachment-download",
                                                 args=[attachment.pk])).status_code == 404
        real = Attachment.objects.create(proposal=p, file="", original_name="y.txt", content_type="text/plain",
                                         size=1, sha256="0", uploaded_at=p.created_at)
        real.file.save("y", io.BytesIO(b"y"))
        assert client_for(w.officer).get(reverse("proposals:attachment-download", args=[real.pk])).status_code == 200
        assert AuditEvent.objects.filter(action="proposals.attachment_downloaded", actor=w.officer).count() == 1
