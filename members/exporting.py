"""Excel workbooks of member lists, rankings and shortlists, declared for the shared Excel writer
(zhongyuan_cppcc.exports.excel: write-only, chunked ids-first, free text never a formula — an employer
"=HYPERLINK(…)" comes back as that text —, audited). Exports show what the screen shows: birth dates as year
and month in the masked export (the full export, for staff cleared for personal data, keeps the whole date so
that it imports again). The `*_workbook` functions serve the services that audit the synchronous exports."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.exports.excel import XLSX_CONTENT_TYPE, Column, ExcelExport, register, xlsx_bytes

from . import personal_data
from .importing import COLUMNS
from .models import ExcellentShortlist, Member, chinese_numeral
from .scoring import Ranking

__all__ = ["MEMBERS", "RANKING", "SHORTLIST", "XLSX_CONTENT_TYPE", "build_member_export", "members_workbook",
           "ranking_workbook", "shortlist_workbook"]

FIRST_YEAR = 2000


# --- Member list ------------------------------------------------------------------------------------------


def _full(query) -> bool:
    return query.get("full") == "1"


def _filters(query):
    from .forms import MemberFilterForm

    return MemberFilterForm(query or None).filters()


def _member_rows(user, query) -> QuerySet[Member]:
    from . import selectors

    return selectors.member_list(user=user, filters=_filters(query)).select_related("party", "sector", "street")


def _member_prepare(chunk: list[Member]) -> dict:
    ids = [m.pk for m in chunk]
    committees: dict[int, list[str]] = {}
    terms: dict[int, list[str]] = {}
    for member_id, name in Member.special_committees.through.objects.filter(member_id__in=ids).values_list(
            "member_id", "specialcommittee__name"):
        committees.setdefault(member_id, []).append(name)
    for member_id, number in Member.terms.through.objects.filter(member_id__in=ids).values_list(
            "member_id", "term__number"):
        terms.setdefault(member_id, []).append(f"第{chinese_numeral(number)}届")
    return {"committees": committees, "terms": terms, "yes": _("Yes"), "no": _("No")}


def _member_columns(full: bool) -> list[Column]:
    """The import template's columns (so that a full export can be imported again). ID and mobile numbers
    masked and the birth date as year-month, as on the screen, unless `full`."""
    values = {
        "name": "name",
        "gender": "get_gender_display",
        "ethnic_group": "ethnic_group",
        "birth_date": ((lambda m, e: m.birth_date) if full
                       else (lambda m, e: m.birth_date.strftime("%Y-%m") if m.birth_date else "")),
        "id_number": ((lambda m, e: personal_data.decrypt(m.id_number_encrypted) if m.id_number_encrypted else "")
                      if full else "id_number_masked"),
        "mobile": "mobile" if full else "mobile_masked",
        "party": lambda m, e: m.party.short_name or m.party.name,
        "sector": "sector.name",
        "employer": "employer",
        "job_title": "job_title",
        "term": lambda m, e: "、".join(sorted(e["terms"].get(m.pk, []))),
        "is_standing_committee": lambda m, e: e["yes"] if m.is_standing_committee else e["no"],
        "special_committees": lambda m, e: "、".join(e["committees"].get(m.pk, [])),
        "street": "street.name",
        "status": "get_status_display",
    }
    return [Column(c.label, values[c.key], width=c.width) for c in COLUMNS]


def _check_full(user, query) -> None:
    if _full(query) and not user.has_perm("members.view_full_personal_data"):
        audit_record(action="members.exported", actor=user, object_type="members.member",
                     outcome=Outcome.DENIED, details={"full_personal_data": True})
        raise PermissionDenied


MEMBERS = register(ExcelExport(
    kind="members.members", label=gettext_lazy("Member list"), permission="members.export_member",
    rows=_member_rows, columns=lambda user, query: _member_columns(_full(query)), prepare=_member_prepare,
    check=_check_full, sheet_title=gettext_lazy("Members"), filename=gettext_lazy("members"),
    audit_action="members.exported", audit_object_type="members.member",
    audit_details=lambda query: {"full_personal_data": _full(query), "filters": _filters(query).as_dict()},
    chunk_size=2000,
))
# The background job's builder (members/apps.py registers it under the same kind).
build_member_export = MEMBERS.build_job


def members_workbook(members: QuerySet[Member], *, full: bool, progress=None) -> tuple[bytes, int]:
    """The member list (already scoped to the exporting user) for services.member_export, which checks and
    audits. Returns (content, row count); `progress(done, total)` is called after each chunk."""
    return xlsx_bytes(columns=_member_columns(full), rows=members.select_related("party", "sector", "street"),
                      sheet_title=_("Members"), prepare=_member_prepare, progress=progress, chunk_size=2000)


# --- Ranking ----------------------------------------------------------------------------------------------


def _ranking_columns() -> list[Column]:
    return [Column(gettext_lazy("Rank"), "rank", width=6), Column(gettext_lazy("Name"), "name", width=12),
            Column(gettext_lazy("Party"), "party", width=14), Column(gettext_lazy("Sector"), "sector", width=14),
            Column(gettext_lazy("Street working committee"), "street", width=16),
            Column(gettext_lazy("Employer"), "employer", width=24),
            Column(gettext_lazy("Score"), lambda row, e: float(row.score), width=8),
            Column(gettext_lazy("Grade"), "grade_label", width=8)]


def _year(query) -> int:
    from . import selectors

    text = str(query.get("year") or "")
    year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else 0
    return year if FIRST_YEAR <= year <= timezone.localdate().year else selectors.default_year()


def _ranking(user, query) -> Ranking:
    """The ranking as the ranking page shows it for these filters (all rows, not one page)."""
    from . import selectors
    from .forms import RankingFilterForm
    from .scoring import annual_ranking

    year = _year(query)
    form = RankingFilterForm(query or None)
    members = selectors.member_list(user=user, filters=form.filters()).filter(
        pk__in=selectors.eligible_members_for_year(year).values("pk"))
    grade = form.cleaned_data.get("grade") if form.is_valid() else ""
    return annual_ranking(year=year, members=members, grade=grade or None)


RANKING = register(ExcelExport(
    kind="members.ranking", label=gettext_lazy("Ranking"), permission="members.export_member",
    rows=lambda user, query: _ranking(user, query).rows, columns=_ranking_columns(),
    sheet_title=gettext_lazy("Ranking"), filename=lambda query: f"{_('ranking')}-{_year(query)}.xlsx",
    audit_action="members.ranking_exported", audit_object_type="members.member",
    audit_details=lambda query: {"year": _year(query)}, background=False,
))


def ranking_workbook(ranking: Ranking, *, grade_label=None) -> bytes:
    """The ranking page's rows as .xlsx (grade labels as on the screen)."""
    content, _count = xlsx_bytes(columns=_ranking_columns(), rows=ranking.rows,
                                 sheet_title=_("Ranking %(year)s") % {"year": ranking.year})
    return content


# --- Excellent-member shortlist ---------------------------------------------------------------------------


def _shortlist_columns() -> list[Column]:
    def member(attribute):
        return lambda item, e: attribute(item[1].member)

    return [Column(gettext_lazy("No."), lambda item, e: item[0], width=6),
            Column(gettext_lazy("Name"), member(lambda m: m.name), width=12),
            Column(gettext_lazy("Party"), member(lambda m: m.party.short_name or m.party.name), width=14),
            Column(gettext_lazy("Sector"), member(lambda m: m.sector.name), width=14),
            Column(gettext_lazy("Employer"), member(lambda m: m.employer), width=24),
            Column(gettext_lazy("Job title"), member(lambda m: m.job_title), width=16),
            Column(gettext_lazy("Score"), lambda item, e: float(item[1].score), width=8),
            Column(gettext_lazy("Rank"), lambda item, e: item[1].rank, width=6),
            Column(gettext_lazy("Origin"), lambda item, e: item[1].get_origin_display(), width=10),
            Column(gettext_lazy("Reason"), lambda item, e: item[1].reason, width=30)]


def _shortlist_rows(shortlist: ExcellentShortlist) -> list[tuple]:
    entries = (shortlist.entries.filter(excluded=False)
               .select_related("member__party", "member__sector").order_by("rank", "member__name_pinyin"))
    return list(enumerate(entries, start=1))


def _shortlist_of(user, query) -> ExcellentShortlist:
    from . import selectors

    shortlist = selectors.shortlists_visible_to(user).filter(year=_year(query)).first()
    if shortlist is None:
        raise Http404
    return shortlist


SHORTLIST = register(ExcelExport(
    kind="members.shortlist", label=gettext_lazy("Excellent members"), permission="members.view_excellentshortlist",
    rows=lambda user, query: _shortlist_rows(_shortlist_of(user, query)), columns=_shortlist_columns(),
    sheet_title=gettext_lazy("Excellent members"),
    filename=lambda query: f"{_('excellent members')}-{_year(query)}.xlsx",
    audit_action="members.shortlist_exported", audit_object_type="members.excellentshortlist",
    audit_details=lambda query: {"year": _year(query)}, background=False,
))


def shortlist_workbook(shortlist: ExcellentShortlist) -> bytes:
    """The shortlist (names, units, scores; no personal numbers) for services.shortlist_export, which audits."""
    content, _count = xlsx_bytes(columns=_shortlist_columns(), rows=_shortlist_rows(shortlist),
                                 sheet_title=_("Excellent members %(year)s") % {"year": shortlist.year})
    return content

