"""Uploads are refused as soon as they pass the size limit, never read whole first (issue 13)."""

import pytest
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse

from proposals.models import Attachment
from tests.proposals.factories import ProposalFactory, make_member

pytestmark = pytest.mark.django_db

BOUNDARY = "BoUnDaRy"
MB = 1024 * 1024


class StreamedBody:
    """A multipart body of `size` bytes of file content, produced on demand; counts what is read."""

    def __init__(self, size: int):
        self.head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
                     f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.length - self.position
        n = min(n, self.length - self.position)
        out = bytearray()
        start = self.position
        body_start, body_end = len(self.head), self.length - len(self.tail)
        if start < body_start:
            out += self.head[start:min(start + n, body_start)]
        lo, hi = max(start, body_start), min(start + n, body_end)
        if hi > lo:
            out += b"A" * (hi - lo)
        if start + n > body_end:
            out += self.tail[max(start, body_end) - body_end:start + n - body_end]
        self.position += n
        return bytes(out)

    def readline(self, limit: int = -1) -> bytes:  # pragma: no cover - the multipart parser reads blocks
        return self.read(limit if limit and limit > 0 else 65536)


def send(client: Client, url: str, body: StreamedBody):
    """POST `body` through the whole middleware stack as the logged-in client, streaming it."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": url, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": body, "wsgi.url_scheme": "http", "wsgi.errors": None,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(body.length),
        "HTTP_COOKIE": client.cookies.output(header="", sep="; "),
    }
    return ClientHandler(enforce_csrf_checks=False)(environ)


@pytest.fixture
def draft_upload(client_for):
    author = make_member("upload-author").user
    proposal = ProposalFactory(author=author)
    return client_for(author), reverse("proposals:attachment-upload", kwargs={"pk": proposal.pk})


def test_a_file_past_the_attachment_limit_is_stopped_while_it_arrives(settings, draft_upload):
    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    settings.REQUEST_MAX_BYTES = 200 * MB
    client, url = draft_upload
    body = StreamedBody(150 * MB)
    response = send(client, url, body)
    assert response.status_code == 413
    assert "文件过大" in response.content.decode()
    # Django reads in 64 KB chunks: the request ended within a few chunks of the limit, not at 150 MB.
    assert body.position < 2 * MB
    assert not Attachment.objects.exists()


def test_a_body_declared_larger_than_the_request_ceiling_is_refused_unread(settings, draft_upload):
    settings.REQUEST_MAX_BYTES = 10 * MB
    client, url = draft_upload
    body = StreamedBody(150 * MB)
    response = send(client, url, body)
    assert response.status_code == 413
    assert body.position == 0
    assert not Attachment.objects.exists()


def test_a_file_within_the_limit_is_still_attached(settings, draft_upload):
    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    client, url = draft_upload
    body = StreamedBody(100 * 1024)
    response = send(client, url, body)
    assert response.status_code in (200, 302)
    assert body.position == body.length


def test_the_member_import_keeps_its_own_limit_and_message(settings, client_for):
    """The import installs its own handler in front: its message shows in the form, not the 413 page."""
    from tests.factories import make_user

    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    client = client_for(make_user("member_officer"))
    body = StreamedBody(2 * MB)
    response = send(client, reverse("members:import"), body)
    assert response.status_code == 200
