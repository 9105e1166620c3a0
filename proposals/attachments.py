"""Attachment validation moved to the project package (zhongyuan_cppcc/attachments.py) so that every module
checks uploads the same way; these names stay importable from here."""

from zhongyuan_cppcc.attachments import (  # noqa: F401 - re-exported
    ALL_TYPES,
    ALLOWED_EXTENSIONS,
    DOCX,
    GIF,
    JPEG,
    OLE,
    OLE_CONTENT_TYPES,
    PDF,
    PNG,
    PPTX,
    TEXT,
    TYPES,
    XLSX,
    FileType,
    ValidatedFile,
    detect_type,
    max_bytes,
    validate_upload,
)
