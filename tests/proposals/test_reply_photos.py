"""A handling unit may upload the stamped reply letter as photos (JPG/PNG, several pages): each is checked by
content and the pages become one PDF on the server."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from proposals import services
from proposals.models import ContactMethod, Proposal, Reply, ReplyStatus
from proposals.workflow import Status

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def photo(name: str, fmt: str, size=(600, 800), colour=(250, 250, 240)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def contacted(w) -> Proposal:
    p = ProposalFactory(assigned=True)
    services.proposal_record_contact(actor=w.lead_handler, proposal=p, method=ContactMethod.PHONE,
                                     contacted_on=timezone.localdate())
    return p


def submit(client, p, documents):
    return client.post(reverse("proposals:reply", args=[p.pk]),
                       {"action": "submit", "text": "正式答复", "reply_class": "A", "document": documents})


def test_photos_of_the_pages_become_one_pdf(w, client_for):
    p = contacted(w)
    response = submit(client_for(w.lead_handler), p,
                      [photo("第1页.jpg", "JPEG"), photo("第2页.png", "PNG"), photo("第3页.jpeg", "JPEG", (800, 600))])
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    reply = Reply.objects.get(proposal=p)
    assert reply.status == ReplyStatus.SUBMITTED
    document = reply.document
    assert document.content_type == "application/pdf" and document.original_name.endswith(".pdf")
    content = document.file.open("rb").read()
    assert content.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", content)) == 3  # one page per photo


def test_a_single_pdf_is_kept_as_it_is(w, client_for):
    from .factories import pdf_upload

    p = contacted(w)
    assert submit(client_for(w.lead_handler), p, [pdf_upload()]).status_code == 302
    assert Reply.objects.get(proposal=p).document.original_name == "答复函.pdf"


@pytest.mark.parametrize("documents, message", [
    (lambda: [SimpleUploadedFile("照片.jpg", b"<html><script>alert(1)</script></html>")], "不是有效"),
    (lambda: [SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200)], "不是可读取的照片"),
    (lambda: [photo("第1页.jpg", "JPEG"), SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n%%EOF")], "不能同时"),
    (lambda: [photo("第1页.gif", "GIF")], "不接受"),
])
def test_bad_photos_are_refused_with_a_chinese_message_and_change_nothing(w, client_for, documents, message):
    p = contacted(w)
    response = submit(client_for(w.lead_handler), p, documents())
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("document", []))
    assert message in errors, errors
    assert not Reply.objects.filter(proposal=p).exists() and Proposal.objects.get(pk=p.pk).status == Status.ASSIGNED
    assert not p.attachments.exists()
