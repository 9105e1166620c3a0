"""Attachment download: permission-checked, always as a download."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from ..selectors import attachment_get_for
from ..services import attachment_record_download


@require_GET
def attachment_download(request, pk: int):
    """Serve an attachment the user may see, always as a download with its detected type and nosniff
    (so no browser renders uploaded HTML or SVG inline); anything else is 404."""
    attachment = attachment_get_for(user=request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    attachment_record_download(user=request.user, attachment=attachment)
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
