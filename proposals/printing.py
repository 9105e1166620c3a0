"""Printed documents rendered on the server (zhongyuan_cppcc.pdf, WeasyPrint): the proposal form, its approved
replies, and the year's 提案汇编 — every registered proposal of a year with its full text and approved replies,
in number order, with a table of contents. A long compilation is built by a background job (exports app):
about 0.1 s a page, so a year of 200 proposals takes a minute or more."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongyuan_cppcc.exports.registry import ExportKind, register_export
from zhongyuan_cppcc.pdf import render_pdf

from .models import Assignment, CosignerInvitation, InvitationStatus, Proposal, Reply, ReplyStatus
from .workflow import REGISTERED_STATUSES

COMPILATION_KIND = "proposals.compilation_pdf"
COMPILATION_PERMISSION = "proposals.export_proposals"
FIRST_YEAR = 1990


def compilation_sync_max() -> int:
    """Years with more registered proposals than this are compiled in the background."""
    return getattr(settings, "PROPOSAL_COMPILATION_SYNC_MAX", 20)


def _entries(proposals: list[Proposal]) -> list[dict]:
    """Each proposal with its co-signers, units and approved replies (one query each for all of them)."""
    ids = [x.pk for x in proposals]
    cosigners: dict[int, list[str]] = {}
    for proposal_id, name in (CosignerInvitation.objects.filter(proposal_id__in=ids, status=InvitationStatus.ACCEPTED)
                              .order_by("invited_at", "pk").values_list("proposal_id", "member__name")):
        cosigners.setdefault(proposal_id, []).append(name)
    units: dict[tuple[int, str], list[str]] = {}
    for proposal_id, role, name in (Assignment.objects.filter(proposal_id__in=ids, superseded_at__isnull=True)
                                    .order_by("unit__order", "unit__name")
                                    .values_list("proposal_id", "role", "unit__name")):
        units.setdefault((proposal_id, role), []).append(name)
    replies: dict[int, list[Reply]] = {}
    for reply in (Reply.objects.filter(proposal_id__in=ids, status=ReplyStatus.APPROVED).select_related("unit")
                  .order_by("round", "approved_at", "pk")):
        replies.setdefault(reply.proposal_id, []).append(reply)
    return [{"proposal": x, "anchor": f"p{x.pk}", "cosigners": cosigners.get(x.pk, []),
             "lead_units": units.get((x.pk, "lead"), []), "co_units": units.get((x.pk, "co"), []),
             "replies": replies.get(x.pk, [])} for x in proposals]


def proposal_pdf(proposal: Proposal, *, replies_only: bool = False) -> bytes:
    """The proposal form with its approved replies (or the replies alone)."""
    entry = _entries([proposal])[0]
    title = (_("Reply to proposal %(number)s") if replies_only else _("Proposal form %(number)s")) % {
        "number": proposal.number or proposal.pk}
    return render_pdf("proposals/pdf/proposal.html", {
        **entry, "replies_only": replies_only, "document_title": title, "printed_at": timezone.localtime()})


def compilation_proposals(year: int):
    """The registered proposals of `year` in number order."""
    return (Proposal.objects.filter(year=year, status__in=REGISTERED_STATUSES)
            .select_related("lead_member", "plenary_session__term", "organisation_party", "organisation_sector",
                            "organisation_committee")
            .order_by("serial", "number", "pk"))


def compilation_title(year: int) -> str:
    return _("Proposal compilation %(year)s") % {"year": year}


def compilation_filename(year: int) -> str:
    return f"{compilation_title(year)}.pdf"


def compilation_pdf(year: int, progress=None) -> tuple[bytes, int]:
    """The year's 提案汇编 as one PDF: (bytes, number of proposals)."""
    proposals = list(compilation_proposals(year))
    if progress:
        progress(0, len(proposals))
    pdf = render_pdf("proposals/pdf/compilation.html", {
        "entries": _entries(proposals), "document_title": compilation_title(year),
        "printed_at": timezone.localtime()})
    if progress:
        progress(len(proposals), len(proposals))
    return pdf, len(proposals)


def compilation_year(params) -> int | None:
    values = params.get("year") if isinstance(params, dict) else None
    value = (values[0] if isinstance(values, list) and values else values) or ""
    value = str(value).strip()
    if not (value.isascii() and value.isdigit()):
        return None
    year = int(value)
    return year if FIRST_YEAR <= year <= timezone.localdate().year + 1 else None


def _build_compilation(job, progress):
    """The background job's builder: checked and audited like the direct download."""
    from django.core.exceptions import PermissionDenied

    from zhongyuan_cppcc.audit.services import audit_record

    if not job.owner.is_active or not job.owner.has_perm(COMPILATION_PERMISSION):
        raise PermissionDenied
    year = compilation_year(job.params)
    if year is None:
        raise ValueError("no year")
    pdf, count = compilation_pdf(year, progress)
    audit_record(action="proposals.compilation_printed", actor=job.owner, object_type="proposals.proposal",
                 details={"year": year, "rows": count, "async": True})
    return pdf, compilation_filename(year), count


register_export(ExportKind(name=COMPILATION_KIND, label=gettext_lazy("Proposal compilation (PDF)"),
                           permission=COMPILATION_PERMISSION, build=_build_compilation))
