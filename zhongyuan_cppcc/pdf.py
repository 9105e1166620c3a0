"""PDF from HTML with WeasyPrint (DESIGN.md §10): render a Django template and turn it into PDF bytes.

    pdf = render_pdf("opinions/bulletin_pdf.html", {"bulletin": bulletin})
    return pdf_response(pdf, filename="信息专刊2023年第6期.pdf")

The template is a whole HTML document with its CSS inline in a <style> element (no network: WeasyPrint
fetches nothing but data: URIs here). Chinese text uses the Noto CJK fonts
installed from Debian's fonts-noto-cjk; `CJK_FONT_STACK` names them for templates' CSS.

Laying out a document takes WeasyPrint from a third of a second to several seconds, while rendering its HTML
takes milliseconds; the same document is printed again and again (a leader's dashboard, a proposal, the
year's compilation). The PDF depends on nothing but its HTML (no fetches, fixed fonts), so the bytes are kept
in the shared cache under a digest of the HTML: a reprint of an unchanged document is served from there, and
any change to what it shows — a figure, a reply, the minute of "printed at" — is a different document.
"""

import hashlib
from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string

from zhongyuan_cppcc.core.soft_cache import cache_get, cache_set

CJK_FONT_STACK = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif'
PDF_CACHE_TTL = 3600  # seconds
PDF_CACHE_MAX_BYTES = 8 * 1024 * 1024  # larger documents (a year's compilation at full scale) are laid out each time


def _layout(html: str, compress: bool) -> bytes:
    from weasyprint import HTML  # imported lazily: it loads pango at import time
    from weasyprint.urls import URLFetcher

    # Only data: URIs: the PDF never depends on (or leaks anything to) the network or the file system.
    fetcher = URLFetcher(allowed_protocols=["data"], timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(uncompressed_pdf=not compress)


def html_to_pdf(html: str, *, compress: bool = True) -> bytes:
    """PDF bytes of one HTML document (compress=False keeps the PDF objects readable, for tests); from the
    shared cache when the same document was laid out within the last hour."""
    import weasyprint

    digest = hashlib.sha256(html.encode()).hexdigest()
    key = f"pdf:{weasyprint.__version__}:{int(compress)}:{digest}"
    pdf = cache_get(key, "PDF documents")
    if pdf is None:
        pdf = _layout(html, compress)
        if len(pdf) <= PDF_CACHE_MAX_BYTES:
            cache_set(key, pdf, PDF_CACHE_TTL, "PDF documents")
    return pdf


def render_pdf(template_name: str, context: dict | None = None, request=None, *, compress: bool = True) -> bytes:
    """Render `template_name` with `context` and return the PDF bytes."""
    context = {"cjk_font_stack": CJK_FONT_STACK, **(context or {})}
    return html_to_pdf(render_to_string(template_name, context, request=request), compress=compress)


def pdf_response(pdf: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """A download (or inline view) of PDF bytes with a UTF-8 file name (RFC 6266)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in filename) or "document.pdf"
    response["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
