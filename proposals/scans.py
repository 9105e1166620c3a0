"""The stamped reply letter photographed with a phone: JPG/PNG pages, each checked by content (attachments) and
decoded by Pillow, become one PDF on the server (Pillow's PDF writer, one A4-proportioned page per photo, turned
upright by its EXIF orientation)."""

import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .attachments import JPEG, PNG, validate_upload

IMAGE_TYPES = frozenset({JPEG, PNG})
MAX_PAGES = 20
# A phone photo is about 12–50 megapixels; anything far larger is not a photo of a letter.
MAX_PIXELS = 80_000_000
# Pages are scaled down to this many pixels on the long side (about 200 dpi on A4): the PDF stays small.
LONG_SIDE = 2339
RESOLUTION = 200.0


def _page(upload) -> Image.Image:
    name = PurePath(getattr(upload, "name", "")).name
    not_an_image = ValidationError(_("“%(name)s” is not a readable photo. Take the photo again and upload it "
                                     "as JPG or PNG.") % {"name": name}, code="image")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The photo “%(name)s” is too large.") % {"name": name}, code="image_size")
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    return image


def photos_to_pdf(uploads, *, name: str = "") -> SimpleUploadedFile:
    """One PDF of the photos in their order, as an upload the attachment store accepts."""
    if len(uploads) > MAX_PAGES:
        raise ValidationError(_("Upload at most %(n)d photos.") % {"n": MAX_PAGES}, code="too_many")
    for upload in uploads:
        validate_upload(upload, allowed=IMAGE_TYPES)
    pages = [_page(upload) for upload in uploads]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=RESOLUTION)
    for page in pages:
        page.close()
    return SimpleUploadedFile(name or _("Reply letter") + ".pdf", buffer.getvalue(), content_type="application/pdf")
