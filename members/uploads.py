"""An upload handler that refuses a file past a size limit while it is still arriving."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file; past `limit` it stops storing the upload and notes
    a message on the request (`request.upload_too_large`). The rest of the body is read and dropped,
    so the browser gets the page with the message rather than a reset connection."""

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
                "limit": f"{self.limit / 1024 / 1024:.0f}"}
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
