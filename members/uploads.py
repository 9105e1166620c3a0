"""The size-limited upload handler now lives in zhongyuan_cppcc.core.uploads (shared by every upload)."""

from zhongyuan_cppcc.core.uploads import SizeLimitedUploadHandler

__all__ = ["SizeLimitedUploadHandler"]
