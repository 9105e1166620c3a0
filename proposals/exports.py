"""The 提案汇编 workbook: the officer's filtered list as .xlsx.

openpyxl's write-only mode writes each row straight to a temporary file and the workbook is saved to
another temporary file that the view streams, so memory stays flat however many rows (rows are read
in chunks, their co-handling units, co-signers and ratings fetched per chunk). No contact details:
no telephone numbers, no reply contact persons. Every export writes an audit row.
"""

import tempfile
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhongyuan_cppcc.audit.services import audit_record

from .models import (
    Assignment,
    CosignerInvitation,
    InvitationStatus,
    Proposal,
    Rating,
    RatingStatus,
    ReplyClass,
    Satisfaction,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 1000
# Cells Excel would read as a formula are written as text (a title may start with "=").
FORMULA_START = ("=", "+", "-", "@")


def headers() -> list[str]:
    return [_("Number"), _("Proposal title"), _("Proposers"), _("Category"), _("Lead unit"), _("Co-handling units"),
            _("Status"), _("Submitted on"), _("Registered on"), _("Assigned on"), _("Reply due on"),
            _("Reply approved on"), _("Reply class"), _("Satisfaction"), _("Key proposal"),
            _("Excellent proposal")]


def _text(value) -> str:
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _chunks(qs: QuerySet[Proposal], size: int | None = None) -> Iterable[list[Proposal]]:
    """The list's rows in its order (newest number first), a chunk at a time: the ordered ids first (one
    query over the list's indexes), then each chunk's rows by primary key. OFFSET slices would re-run the
    sorted, joined query once per chunk, which costs seconds per chunk at 300,000 proposals."""
    size = size or CHUNK
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        part = ids[start:start + size]
        by_pk = {proposal.pk: proposal for proposal in qs.filter(pk__in=part).order_by()}
        yield [by_pk[pk] for pk in part if pk in by_pk]


def _proposers(proposal: Proposal, cosigners: dict[int, list[str]]) -> str:
    if proposal.is_collective:
        first = str(proposal.organisation or "")
    else:
        first = proposal.lead_member.name if proposal.lead_member else ""
    return "、".join(name for name in [first, *cosigners.get(proposal.pk, [])] if name)


def _satisfaction(counts: dict[str, int]) -> str:
    if not counts:
        return ""
    return "，".join(f"{label}{counts[value]}" for value, label in Satisfaction.choices if counts.get(value))


def write_workbook(proposals: QuerySet[Proposal], target, progress=None) -> int:
    """Write the workbook of `proposals` (already scoped and ordered) to the file object `target`;
    returns the number of rows. `progress(done, total)` is called after each chunk (background jobs)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Proposals")[:31])
    bold = Font(bold=True)
    title_row = []
    for header in headers():
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        title_row.append(cell)
    ws.append(title_row)
    yes, no = _("Yes"), _("No")
    # Labels resolved once: get_FOO_display() translates a lazy label on every call (seconds per 10,000 rows).
    classes = {value: str(label) for value, label in ReplyClass.choices}
    categories = {value: str(label) for value, label in Proposal._meta.get_field("category").choices}
    statuses = {value: str(label) for value, label in Proposal._meta.get_field("status").choices}
    count = 0
    total = proposals.count() if progress else None
    for chunk in _chunks(proposals.select_related("lead_member", "lead_unit", "organisation_party",
                                                  "organisation_sector", "organisation_committee")):
        ids = [x.pk for x in chunk]
        co_units: dict[int, list[str]] = {}
        for proposal_id, name in (Assignment.objects.filter(proposal_id__in=ids, role="co",
                                                            superseded_at__isnull=True)
                                  .order_by("unit__order", "unit__name").values_list("proposal_id", "unit__name")):
            co_units.setdefault(proposal_id, []).append(name)
        cosigners: dict[int, list[str]] = {}
        for proposal_id, name in (CosignerInvitation.objects.filter(proposal_id__in=ids,
                                                                    status=InvitationStatus.ACCEPTED)
                                  .order_by("invited_at", "pk").values_list("proposal_id", "member__name")):
            cosigners.setdefault(proposal_id, []).append(name)
        ratings: dict[int, dict[str, int]] = {}
        for proposal_id, overall in (Rating.objects.filter(proposal_id__in=ids, status=RatingStatus.RATED)
                                     .filter(Q(round=F("proposal__reply_round")))
                                     .values_list("proposal_id", "overall")):
            bucket = ratings.setdefault(proposal_id, {})
            bucket[overall] = bucket.get(overall, 0) + 1
        for x in chunk:
            ws.append([
                _text(x.number), _text(x.title), _text(_proposers(x, cosigners)),
                categories.get(x.category, x.category),
                _text(x.lead_unit.name if x.lead_unit else ""), _text("、".join(co_units.get(x.pk, []))),
                statuses.get(x.status, x.status), _day(x.submitted_at), _day(x.registered_at), _day(x.assigned_on),
                _day(x.reply_due_on), _day(x.reply_approved_on), str(classes.get(x.reply_class, "")),
                _satisfaction(ratings.get(x.pk, {})), yes if x.is_key else no, yes if x.is_excellent else no,
            ])
            count += 1
        if progress:
            progress(count, total)
    wb.save(target)
    return count


def proposals_export(*, proposals: QuerySet[Proposal], actor, filters: dict | None = None, progress=None):
    """Build the workbook in a temporary file (deleted when closed) and audit the export.
    Returns (open binary file positioned at its start, row count)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    count = write_workbook(proposals, handle, progress)
    handle.seek(0)
    audit_record(action="proposals.exported", actor=actor, object_type="proposals.proposal",
                 details={"rows": count, "filters": filters or {}})
    return handle, count


def export_filename() -> str:
    return f"{_('proposals')}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def build_export_job(job, progress):
    """A background export (zhongyuan_cppcc.exports) of the officer list, filtered as the owner saw it."""
    from django.http import QueryDict

    from .views.lists import officer_queryset

    query = QueryDict(mutable=True)
    for key, values in job.params.items():
        query.setlist(key, values if isinstance(values, list) else [values])
    form, qs = officer_queryset(job.owner, query)
    handle, count = proposals_export(proposals=qs, actor=job.owner, filters=form.as_dict(), progress=progress)
    return handle, export_filename(), count
