"""Excel workbooks of member lists, rankings and shortlists (openpyxl write-only mode: memory stays
flat however many rows). Audit rows are written by the calling services, not here."""

import io
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from . import personal_data
from .importing import COLUMNS
from .models import ExcellentShortlist, Member, chinese_numeral
from .scoring import Ranking

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(title: str, headers: list[str]) -> tuple[Workbook, object]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    bold = Font(bold=True)
    row = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        row.append(cell)
    ws.append(row)
    return wb, ws


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def members_workbook(members: QuerySet[Member], *, full: bool,
                     progress: Callable[[int, int | None], None] | None = None) -> tuple[bytes, int]:
    """The member list in the template's columns (so that a full export can be imported again).
    ID and mobile numbers are masked unless `full`. Returns (content, row count); `progress(done,
    total)` is called after each chunk (background exports show it)."""
    wb, ws = _workbook(_("Members"), [str(c.label) for c in COLUMNS])
    committees: dict[int, list[str]] = {}
    terms: dict[int, list[str]] = {}
    qs = members.select_related("party", "sector", "street").order_by("name_pinyin", "id")
    through = Member.special_committees.through
    count = 0
    total = members.count() if progress else None
    yes, no = _("Yes"), _("No")
    for chunk in _chunks(qs, 2000):
        ids = [m.pk for m in chunk]
        committees.clear()
        terms.clear()
        for member_id, name in through.objects.filter(member_id__in=ids).values_list(
                "member_id", "specialcommittee__name"):
            committees.setdefault(member_id, []).append(name)
        for member_id, number in Member.terms.through.objects.filter(member_id__in=ids).values_list(
                "member_id", "term__number"):
            terms.setdefault(member_id, []).append(f"第{chinese_numeral(number)}届")
        for m in chunk:
            if full:
                id_number = personal_data.decrypt(m.id_number_encrypted) if m.id_number_encrypted else ""
                mobile = m.mobile
            else:
                id_number, mobile = m.id_number_masked, m.mobile_masked
            ws.append([
                m.name, m.get_gender_display(), m.ethnic_group,
                m.birth_date.isoformat() if m.birth_date else "", id_number, mobile,
                m.party.short_name or m.party.name, m.sector.name, m.employer, m.job_title,
                "、".join(sorted(terms.get(m.pk, []))), yes if m.is_standing_committee else no,
                "、".join(committees.get(m.pk, [])), m.street.name if m.street else "", m.get_status_display(),
            ])
            count += 1
        if progress:
            progress(count, total)
    return _save(wb), count


def _chunks(qs: QuerySet, size: int) -> Iterable[list]:
    """Keyset pagination by primary key would lose the pinyin order; slices of an ordered queryset
    keep it and bound memory."""
    offset = 0
    while True:
        chunk = list(qs[offset:offset + size])
        if not chunk:
            return
        yield chunk
        offset += size


def ranking_workbook(ranking: Ranking, *, grade_label: Callable[[str], str]) -> bytes:
    wb, ws = _workbook(_("Ranking %(year)s") % {"year": ranking.year},
                       [_("Rank"), _("Name"), _("Party"), _("Sector"), _("Street working committee"),
                        _("Employer"), _("Score"), _("Grade")])
    for row in ranking.rows:
        ws.append([row.rank, row.name, row.party, row.sector, row.street, row.employer, float(row.score),
                   grade_label(row.grade)])
    return _save(wb)


def shortlist_workbook(shortlist: ExcellentShortlist) -> bytes:
    wb, ws = _workbook(_("Excellent members %(year)s") % {"year": shortlist.year},
                       [_("No."), _("Name"), _("Party"), _("Sector"), _("Employer"), _("Job title"),
                        _("Score"), _("Rank"), _("Origin"), _("Reason")])
    entries = (shortlist.entries.filter(excluded=False)
               .select_related("member__party", "member__sector").order_by("rank", "member__name_pinyin"))
    for number, entry in enumerate(entries, start=1):
        m = entry.member
        ws.append([number, m.name, m.party.short_name or m.party.name, m.sector.name, m.employer, m.job_title,
                   float(entry.score), entry.rank, entry.get_origin_display(), entry.reason])
    return _save(wb)


def build_member_export(job, progress) -> tuple[bytes, str, int]:
    """A background export (zhongyuan_cppcc.exports): the member list filtered as the owner saw it,
    scoped and masked exactly as the synchronous export."""
    from django.http import QueryDict
    from django.utils import timezone

    from . import selectors, services
    from .forms import MemberFilterForm

    query = QueryDict(mutable=True)
    for key, values in job.params.items():
        query.setlist(key, values if isinstance(values, list) else [values])
    filters = MemberFilterForm(query or None).filters()
    members = selectors.member_list(user=job.owner, filters=filters)
    full = query.get("full") == "1"
    content, count = services.member_export(members=members, actor=job.owner, full=full,
                                            filters=filters.as_dict(), progress=progress)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return content, f"{_('members')}-{stamp}.xlsx", count
