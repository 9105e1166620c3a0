"""Print buttons render PDFs on the server: the proposal form, the reply, and the year's 提案汇编 (every registered
proposal of the year with its full text and approved reply, in number order, with a table of contents)."""

import re
from urllib.parse import unquote

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from proposals import printing
from proposals.models import Proposal
from zhongyuan_cppcc.audit.models import AuditEvent

from .factories import ProposalFactory, make_member

pytestmark = pytest.mark.django_db


def is_pdf(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    return content


def test_the_proposal_form_prints_as_a_pdf_for_whoever_reads_the_proposal(client_for, w):
    author = make_member().user
    proposal = ProposalFactory(submitted=True, author=author)
    response = client_for(author).get(reverse("proposals:print-pdf", args=[proposal.pk]))
    is_pdf(response)
    assert response["Content-Disposition"].startswith("inline;")
    assert "提案表" in unquote(response["Content-Disposition"])
    is_pdf(client_for(w.officer).get(reverse("proposals:print-pdf", args=[proposal.pk])))
    stranger = make_member().user
    assert client_for(stranger).get(reverse("proposals:print-pdf", args=[proposal.pk])).status_code == 404
    assert client_for(w.lead_handler).get(reverse("proposals:print-pdf", args=[proposal.pk])).status_code == 404


def test_a_reprint_is_not_laid_out_again_and_an_edit_shows_at_once(client_for, monkeypatch):
    from tests.foundation.test_pdf import Layouts

    author = make_member().user
    proposal = ProposalFactory(submitted=True, author=author)
    client, url = client_for(author), reverse("proposals:print-pdf", args=[proposal.pk])
    layouts = Layouts(monkeypatch)
    # The form shows the minute it was printed at: the clock stands still so that the reprint is the same document.
    with time_machine.travel(timezone.now(), tick=False):
        first = is_pdf(client.get(url))
        assert is_pdf(client.get(url)) == first and layouts.count == 1
        Proposal.objects.filter(pk=proposal.pk).update(title="关于改进社区养老服务的建议（修改稿）")
        assert is_pdf(client.get(url)) != first and layouts.count == 2


def test_the_reply_prints_once_approved(client_for, w):
    author = make_member().user
    waiting = ProposalFactory(reply_review=True, author=author)
    assert client_for(author).get(reverse("proposals:reply-pdf", args=[waiting.pk])).status_code == 404
    replied = ProposalFactory(replied=True, author=author)
    response = client_for(author).get(reverse("proposals:reply-pdf", args=[replied.pk]))
    is_pdf(response)
    assert "答复" in unquote(response["Content-Disposition"])
    is_pdf(client_for(w.lead_handler).get(reverse("proposals:reply-pdf", args=[replied.pk])))


def test_the_print_page_and_the_detail_offer_the_pdf_instead_of_ctrl_p(client_for, w):
    proposal = ProposalFactory(replied=True)
    page = client_for(w.officer).get(reverse("proposals:print", args=[proposal.pk])).content.decode()
    assert "Ctrl+P" not in page
    assert reverse("proposals:print-pdf", args=[proposal.pk]) in page
    assert reverse("proposals:reply-pdf", args=[proposal.pk]) in page
    detail = client_for(w.officer).get(reverse("proposals:proposal-detail", args=[proposal.pk])).content.decode()
    assert reverse("proposals:print-pdf", args=[proposal.pk]) in detail


def test_the_compilation_holds_every_registered_proposal_of_the_year_in_number_order(w):
    replied = ProposalFactory(replied=True, title="关于第一件的建议")
    registered = ProposalFactory(registered=True, title="关于第二件的建议")
    ProposalFactory(submitted=True, title="关于未立案的建议")  # not registered: not in the compilation
    other_year = ProposalFactory(registered=True, title="关于去年的建议")
    Proposal.objects.filter(pk=other_year.pk).update(year=replied.year - 1)
    year = replied.year
    proposals = list(printing.compilation_proposals(year))
    assert [x.pk for x in proposals] == sorted([replied.pk, registered.pk], key=lambda pk: Proposal.objects.get(
        pk=pk).serial)
    html = render_to_string("proposals/pdf/compilation.html", {
        "entries": printing._entries(proposals), "document_title": printing.compilation_title(year),
        "printed_at": timezone.localtime(), "cjk_font_stack": "serif"})
    # The table of contents links each entry, in number order, to its page (target-counter in the CSS).
    toc = re.findall(r'<a href="#p(\d+)">', html)
    assert toc == [str(x.pk) for x in proposals]
    assert "target-counter(attr(href), page)" in html
    body = html.split('class="toc"')[1]
    assert body.index(f'id="p{proposals[0].pk}"') < body.index(f'id="p{proposals[1].pk}"')
    assert replied.situation in html and replied.suggestions in html
    assert "经研究，已纳入明年计划。" in html  # the approved reply's text
    assert "关于未立案的建议" not in html and "关于去年的建议" not in html
    assert f"{year}年提案汇编" in html
    pdf, count = printing.compilation_pdf(year)
    assert count == 2 and pdf.startswith(b"%PDF-")


def test_officers_download_a_short_years_compilation_at_once(client_for, w, member):
    proposal = ProposalFactory(replied=True)
    url = reverse("proposals:compilation-pdf")
    response = client_for(w.officer).post(url, {"year": str(proposal.year)})
    is_pdf(response)
    assert f"{proposal.year}年提案汇编.pdf" in unquote(response["Content-Disposition"])
    event = AuditEvent.objects.get(action="proposals.compilation_printed", actor=w.officer)
    assert event.details == {"year": proposal.year, "rows": 1}
    is_pdf(client_for(w.leader).post(url, {"year": str(proposal.year)}))
    assert client_for(member.user).post(url, {"year": str(proposal.year)}).status_code == 403
    assert client_for(w.lead_handler).post(url, {"year": str(proposal.year)}).status_code == 403
    assert client_for(w.officer).get(url).status_code == 405
    # A year that is not one: back to the list with a Chinese message.
    response = client_for(w.officer).post(url, {"year": "abc"}, follow=True)
    assert response.status_code == 200 and "请选择提案汇编的年度" in response.content.decode()
    page = client_for(w.officer).get(reverse("proposals:officer-list")).content.decode()
    assert 'data-testid="compilation-form"' in page and url in page


def test_a_long_years_compilation_is_a_background_job_with_a_pdf_download(client_for, w, settings):
    from zhongyuan_cppcc.exports.models import ExportJob, ExportStatus
    from zhongyuan_cppcc.exports.services import export_run

    settings.PROPOSAL_COMPILATION_SYNC_MAX = 1
    first = ProposalFactory(registered=True)
    ProposalFactory(replied=True)
    client = client_for(w.officer)
    response = client.post(reverse("proposals:compilation-pdf"), {"year": str(first.year)})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:job-detail", args=[job.pk])
    assert (job.kind, job.total_rows, job.params) == ("proposals.compilation_pdf", 2, {"year": [str(first.year)]})
    assert export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.filename == f"{first.year}年提案汇编.pdf"
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    is_pdf(download)
    assert AuditEvent.objects.filter(action="proposals.compilation_printed", actor=w.officer).exists()
