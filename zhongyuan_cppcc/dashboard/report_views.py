"""/dashboard/report/: the year's work report, editable, exported as .docx or PDF."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from zhongyuan_cppcc.pdf import pdf_response

from .cache import cached_counts
from .report_export import to_docx, to_pdf
from .work_report import title_for, work_report

MAX_TEXT = 20000
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(raw) -> int | None:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


def _export(fmt: str, title: str, paragraphs: list[str]) -> HttpResponse:
    filename = f"{title}.{fmt}"
    if fmt == "pdf":
        return pdf_response(to_pdf(title, paragraphs), filename=filename)
    response = HttpResponse(to_docx(title, paragraphs), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"work-report.docx\"; filename*=UTF-8''{quote(filename)}"
    return response


def report_for(year: int):
    """The year's paragraphs, counted again only after a write to the counted data (the dashboard's cache)."""
    return cached_counts("dashboard.work_report", lambda: work_report(year), year)


class WorkReportView(PermissionRequiredMixin, TemplateView):
    permission_required = "dashboard.view"
    template_name = "dashboard/work_report.html"

    def get(self, request, *args, **kwargs):
        current = timezone.localdate().year
        raw = request.GET.get("year")
        year = _year(raw) if raw else current
        if year is None:
            messages.error(request, _("The year must be a number between 2000 and 2100."))
            year = current
        paragraphs = report_for(year)
        fmt = request.GET.get("format")
        if fmt in ("docx", "pdf"):
            return _export(fmt, title_for(year), [p.text for p in paragraphs])
        return self.render_to_response(self.get_context_data(
            year=year, paragraphs=paragraphs, title=title_for(year),
            text="\n".join(p.text for p in paragraphs), years=range(current, 2021, -1)))

    def post(self, request, *args, **kwargs):
        """Export the text as the officer edited it."""
        year = _year(request.POST.get("year")) or timezone.localdate().year
        title = (request.POST.get("title") or "").strip()[:100] or title_for(year)
        text = request.POST.get("text") or ""
        fmt = request.POST.get("format")
        paragraphs = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
        error = None
        if fmt not in ("docx", "pdf"):
            error = _("Choose Word or PDF.")
        elif len(text) > MAX_TEXT or not paragraphs:
            error = _("The text must not be empty and must be shorter than %(n)s characters.") % {"n": MAX_TEXT}
        if error:
            messages.error(request, error)
            generated = report_for(year)
            return self.render_to_response(self.get_context_data(
                year=year, paragraphs=generated, title=title, text=text[:MAX_TEXT],
                years=range(timezone.localdate().year, 2021, -1)), status=400)
        return _export(fmt, title, paragraphs)
