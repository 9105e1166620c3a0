"""The print button of the performance record (委员履职档案): a PDF rendered on the server (zhongyuan_cppcc.pdf),
since the browser's print command does not work in WeChat's browser."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.pdf import pdf_response, render_pdf

from ._common import _MemberObjectMixin
from .ledger import _record_context


class MemberRecordPdfView(_MemberObjectMixin, View):
    """GET: the record page's content for its `year` as an A4 PDF, for whoever may see the record page (404 outside
    the user's scope, as the page). Audited: the printout leaves the platform."""

    object_permission = "members.view_ledgerevent"
    http_method_names = ["get"]

    def get(self, request, pk):
        member = self.get_member()
        context = _record_context(request, member)
        year = context["year"]
        title = _("Performance record of %(name)s") % {"name": member.name}
        pdf = render_pdf("members/pdf/record.html", {
            **context, "document_title": title, "printed_at": timezone.localtime()})
        audit_record(action="members.record_printed", actor=request.user, obj=member, details={"year": year})
        return pdf_response(pdf, filename=f"{title}{year}.pdf", inline=True)
