"""Print buttons: PDFs rendered on the server (browsers' print command does not work in WeChat's browser) — the
proposal form with its approved replies, the replies alone, and the year's 提案汇编 (officers and leaders; long
years as a background job with a progress page)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.exports.services import export_start
from zhongyuan_cppcc.pdf import pdf_response

from .. import printing, selectors
from ..models import ReplyStatus


def _visible(request, pk: int):
    return selectors.proposal_get_for(user=request.user, pk=pk)  # 404 unless proposals.view_proposal


@require_GET
def proposal_pdf(request, pk: int):
    """The 提案表 (and its approved replies) as a PDF shown in the browser."""
    proposal = _visible(request, pk)
    pdf = printing.proposal_pdf(proposal)
    filename = _("Proposal form %(number)s.pdf") % {"number": proposal.number or proposal.pk}
    return pdf_response(pdf, filename=filename, inline=True)


@require_GET
def reply_pdf(request, pk: int):
    """The approved replies of a proposal as a PDF (404 before a reply is approved)."""
    proposal = _visible(request, pk)
    if not any(r.status == ReplyStatus.APPROVED for r in selectors.replies_for(user=request.user, proposal=proposal)):
        raise Http404
    pdf = printing.proposal_pdf(proposal, replies_only=True)
    filename = _("Reply %(number)s.pdf") % {"number": proposal.number or proposal.pk}
    return pdf_response(pdf, filename=filename, inline=True)


@require_POST
def compilation_pdf(request):
    """The year's 提案汇编 as one PDF: at once for a short year, otherwise a background job."""
    if not request.user.has_perm(printing.COMPILATION_PERMISSION):
        raise PermissionDenied
    year = printing.compilation_year({"year": request.POST.get("year", "")})
    if year is None:
        messages.error(request, _("Choose a year for the proposal compilation."))
        return redirect("proposals:officer-list")
    count = printing.compilation_proposals(year).count()
    if count > printing.compilation_sync_max():
        job = export_start(actor=request.user, kind=printing.COMPILATION_KIND, total_rows=count,
                           params={"year": [str(year)]})
        return redirect("exports:job-detail", pk=job.pk)
    pdf, count = printing.compilation_pdf(year)
    audit_record(action="proposals.compilation_printed", actor=request.user, object_type="proposals.proposal",
                 details={"year": year, "rows": count})
    return pdf_response(pdf, filename=printing.compilation_filename(year))
