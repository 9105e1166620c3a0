"""Uploads refused while they arrive: a request size ceiling and a per-file limit.

Two guards, so that a 150 MB file is never read whole before being refused:

- `RequestSizeLimitMiddleware` answers 413 to a request whose declared length passes
  `REQUEST_MAX_BYTES`, before a byte of its body is read;
- `DefaultSizeLimitedUploadHandler` (first in `FILE_UPLOAD_HANDLERS`) counts each file's bytes as
  they arrive and stops the request at `ATTACHMENT_MAX_BYTES` with the same 413 page. A view with its
  own limit (the member import shows its message in the form) installs a `SizeLimitedUploadHandler`
  in front, and the default one then leaves the decision to it.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _


class UploadTooLarge(SuspiciousOperation):
    """A request body or an uploaded file passed its size limit; answered with the 413 page."""

    def __init__(self, limit: int):
        super().__init__(f"upload larger than {limit} bytes")
        self.limit = limit


def megabytes(limit: int) -> str:
    return f"{limit / 1024 / 1024:.0f}"


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file; past `limit` it stops storing the upload and notes
    a message on the request (`request.upload_too_large`) for the view to show in its form. The rest
    of the body is read and dropped, so the browser gets the page with the message rather than a
    reset connection (the request ceiling bounds how much that can be)."""

    def __init__(self, request, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = _("The file is too large; the limit is %(limit)s MB.") % {
                "limit": megabytes(self.limit)}
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class DefaultSizeLimitedUploadHandler(FileUploadHandler):
    """Every upload anywhere: past ATTACHMENT_MAX_BYTES the request ends at once with the 413 page
    (nothing stored, nothing changed), unless the view installed its own limit in front."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = int(settings.ATTACHMENT_MAX_BYTES)
        self.received = 0
        self.deferred = False

    def new_file(self, *args, **kwargs):
        self.received = 0
        handlers = getattr(self.request, "upload_handlers", []) if self.request is not None else []
        self.deferred = any(isinstance(h, SizeLimitedUploadHandler) for h in handlers)
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if not self.deferred and self.received > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None


class RequestSizeLimitMiddleware:
    """Refuses a request whose Content-Length passes REQUEST_MAX_BYTES without reading its body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = int(settings.REQUEST_MAX_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            raise UploadTooLarge(limit)
        return self.get_response(request)
