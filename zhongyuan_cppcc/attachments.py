"""Attachment validation for every module: size limit and type checked by content, never by the name alone.

The file name's extension must agree with what the bytes are. An HTML page or an SVG image renamed
to .pdf (or .txt) is refused, because browsers would run its scripts if it were ever served inline.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
GIF = "gif"
DOCX, XLSX, PPTX = "docx", "xlsx", "pptx"
OLE = "ole"  # legacy .doc / .xls / .ppt (Compound File Binary)
TEXT = "text"


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    extensions: tuple[str, ...]


TYPES = {
    PDF: FileType(PDF, "application/pdf", ("pdf",)),
    PNG: FileType(PNG, "image/png", ("png",)),
    JPEG: FileType(JPEG, "image/jpeg", ("jpg", "jpeg")),
    GIF: FileType(GIF, "image/gif", ("gif",)),
    DOCX: FileType(DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    XLSX: FileType(XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    PPTX: FileType(PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                   ("pptx",)),
    OLE: FileType(OLE, "application/octet-stream", ("doc", "xls", "ppt")),
    TEXT: FileType(TEXT, "text/plain; charset=utf-8", ("txt",)),
}
OLE_CONTENT_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel",
                     "ppt": "application/vnd.ms-powerpoint"}
ALL_TYPES = frozenset(TYPES)
ALLOWED_EXTENSIONS = sorted({ext for t in TYPES.values() for ext in t.extensions})
MARKUP_MARKERS = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<head", b"<iframe",
                  b"<object", b"<embed", b"<meta", b"<a ", b"<img", b"<div", b"<style")


@dataclass(frozen=True)
class ValidatedFile:
    file_type: FileType
    extension: str
    content_type: str
    size: int
    sha256: str
    original_name: str


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def _read_head(upload, n: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _ooxml_kind(upload) -> str | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("ppt/") for n in names):
        return PPTX
    return None


def _looks_like_text(upload) -> bool:
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return False
    sample = text[:65536].lower().encode("utf-8", "ignore")
    # Markup is not plain text: an HTML or SVG file must never pass as .txt (or anything else).
    return not any(marker in sample for marker in MARKUP_MARKERS)


def detect_type(upload) -> str | None:
    """What the bytes are (one of TYPES' codes), or None for anything we do not accept."""
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if _looks_like_text(upload):
        return TEXT
    return None


def _clean_name(name: str) -> str:
    # Keep only the last path component and drop control characters; the name is shown, never used
    # as a storage path.
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    return base.strip()[:255] or "attachment"


def validate_upload(upload, *, allowed: frozenset[str] = ALL_TYPES) -> ValidatedFile:
    """Check size, extension and content of an uploaded file. Raises ValidationError with a clear message."""
    name = _clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size <= 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if size > max_bytes():
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; files may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(max_bytes())},
            code="too_large",
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed_extensions = sorted({ext for code in allowed for ext in TYPES[code].extensions})
    if extension not in allowed_extensions:
        raise ValidationError(
            _("Files of type “.%(ext)s” are not accepted. Accepted: %(allowed)s.")
            % {"ext": extension or "?", "allowed": "、".join(allowed_extensions)},
            code="extension",
        )
    detected = detect_type(upload)
    if detected is None or detected not in allowed or extension not in TYPES[detected].extensions:
        raise ValidationError(
            _("The content of “%(name)s” is not a valid .%(ext)s file. Save it again in that format and "
              "upload it once more.") % {"name": name, "ext": extension},
            code="content",
        )
    file_type = TYPES[detected]
    content_type = OLE_CONTENT_TYPES.get(extension, file_type.content_type) if detected == OLE \
        else file_type.content_type
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return ValidatedFile(file_type=file_type, extension=extension, content_type=content_type, size=size,
                         sha256=digest.hexdigest(), original_name=name)
