"""Excel workbooks of member lists, rankings, shortlists, visits, meetings, activities and a member's performance
record, declared for the shared Excel writer (zhongyuan_cppcc.exports.excel: write-only, chunked ids-first, free
text never a formula — an employer "=HYPERLINK(…)" comes back as that text —, audited). Exports show what the
screen shows: birth dates as year and month in the masked export (the full export, for staff cleared for personal
data, keeps the whole date so that it imports again). The `*_workbook` functions serve the services that audit
the synchronous exports."""

from decimal import Decimal

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
from .models import Activity, ExcellentShortlist, LedgerEvent, LedgerRule, Meeting, Member, Visit, chinese_numeral
from .scoring import Ranking

__all__ = ["ACTIVITIES", "MEETINGS", "MEMBERS", "OWN_RECORD", "RANKING", "RECORD", "RULES", "SHORTLIST", "VISITS",
           "XLSX_CONTENT_TYPE", "build_member_export", "label_ledger_events", "members_workbook", "own_member",
           "ranking_workbook", "rule_labels", "shortlist_workbook"]

FIRST_YEAR = 2000


def _xlsx_name(title: str, year: int) -> str:
    """A year's file name from its translated title ("2023年度排名.xlsx"). The title is a whole msgid with a
    placeholder, not a word inside an f-string, which the message extractor does not see (the file names came
    out in English)."""
    return f"{title % {'year': year}}.xlsx"


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
    members = selectors.ranking_members(user=user, filters=form.filters(), year=year)
    grade = form.cleaned_data.get("grade") if form.is_valid() else ""
    return annual_ranking(year=year, members=members, grade=grade or None)


RANKING = register(ExcelExport(
    kind="members.ranking", label=gettext_lazy("Ranking"), permission="members.export_member",
    rows=lambda user, query: _ranking(user, query).rows, columns=_ranking_columns(),
    sheet_title=gettext_lazy("Ranking"), filename=lambda query: _xlsx_name(_("Ranking %(year)s"), _year(query)),
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
    filename=lambda query: _xlsx_name(_("Excellent members %(year)s"), _year(query)),
    audit_action="members.shortlist_exported", audit_object_type="members.excellentshortlist",
    audit_details=lambda query: {"year": _year(query)}, background=False,
))


def shortlist_workbook(shortlist: ExcellentShortlist) -> bytes:
    """The shortlist (names, units, scores; no personal numbers) for services.shortlist_export, which audits."""
    content, _count = xlsx_bytes(columns=_shortlist_columns(), rows=_shortlist_rows(shortlist),
                                 sheet_title=_("Excellent members %(year)s") % {"year": shortlist.year})
    return content



# --- Visits, meetings, activities and a member's performance record ----------------------------------------
# Each list page's export: the page's selector and FilterSet (the POSTed filters; filters that do not validate
# are ignored, as on the page), the page's columns with the labels the page shows, and the page's permission.


def _visit_rows(user, query) -> QuerySet[Visit]:
    """The visit list as members/views/visits.py shows it for these filters."""
    from . import selectors
    from .filters import VisitFilterSet

    return VisitFilterSet(query, queryset=selectors.visits_visible_to(user).order_by("-date", "-id")).qs


VISITS = register(ExcelExport(
    kind="members.visits", label=gettext_lazy("Visits"), permission="members.view_visit",
    rows=_visit_rows, sheet_title=gettext_lazy("Visits"), filename=gettext_lazy("Visits to members outside the CPC"),
    audit_action="members.exported", audit_object_type="members.visit",
    columns=[
        Column(gettext_lazy("Date"), "date", width=12),
        Column(gettext_lazy("Member"), "member.name", width=12),
        Column(gettext_lazy("Party"), lambda v, e: v.member.party.short_name or v.member.party.name, width=12),
        Column(gettext_lazy("Visitors"), "visitors", width=24),
        Column(gettext_lazy("Purpose"), "purpose", width=30),
        Column(gettext_lazy("Notes"), "notes", width=50),
    ],
))


def _meeting_rows(user, query) -> QuerySet[Meeting]:
    """The meeting list as members/views/meetings.py shows it for these filters (with the attendance counts)."""
    from . import selectors
    from .filters import MeetingFilterSet

    return MeetingFilterSet(query, queryset=selectors.meetings_visible_to(user)).qs


MEETINGS = register(ExcelExport(
    kind="members.meetings", label=gettext_lazy("Meetings"), permission="members.view_meeting",
    rows=_meeting_rows, sheet_title=gettext_lazy("Meetings"), filename=gettext_lazy("Meetings and attendance"),
    audit_action="members.exported", audit_object_type="members.meeting",
    columns=[
        Column(gettext_lazy("Date"), "date", width=12),
        Column(gettext_lazy("Meeting"), "title", width=36),
        Column(gettext_lazy("Kind"), "get_kind_display", width=16),
        Column(gettext_lazy("Term"), lambda m, e: str(m.term), width=10),
        Column(gettext_lazy("Location"), "location", width=20),
        Column(gettext_lazy("Attended"), "n_attended", width=8),
        Column(gettext_lazy("Recorded"), "n_recorded", width=8),
    ],
))


def rule_labels() -> dict[tuple[str, str], str]:
    """(kind, sub-kind) -> the points rule's label: how the pages name an event or activity (one query)."""
    return {(kind, subkind): label
            for kind, subkind, label in LedgerRule.objects.values_list("kind", "subkind", "label")}


def _activity_rows(user, query) -> QuerySet[Activity]:
    """The activity list as members/views/activities.py shows it (the page has no filters)."""
    from . import selectors

    return selectors.activities_visible_to(user).order_by("-date", "-id")


def _activity_prepare(chunk: list[Activity]) -> dict:
    """The rule labels and each activity's participants (live events whose source is the activity, by pinyin,
    as on the activity's page): one query each per chunk."""
    from django.contrib.contenttypes.models import ContentType

    participants: dict[str, list[str]] = {}
    for source_id, name in (LedgerEvent.objects.filter(
            source_type=ContentType.objects.get_for_model(Activity), source_id__in=[str(a.pk) for a in chunk],
            withdrawn_at__isnull=True).order_by("member__name_pinyin", "member_id")
            .values_list("source_id", "member__name")):
        participants.setdefault(source_id, []).append(name)
    return {"labels": rule_labels(), "participants": participants}


ACTIVITIES = register(ExcelExport(
    kind="members.activities", label=gettext_lazy("Activities"), permission="members.view_activity",
    rows=_activity_rows, prepare=_activity_prepare, sheet_title=gettext_lazy("Activities"),
    filename=gettext_lazy("Activities"), audit_action="members.exported", audit_object_type="members.activity",
    columns=[
        Column(gettext_lazy("Date"), "date", width=12),
        Column(gettext_lazy("Title"), "title", width=36),
        Column(gettext_lazy("Kind"), "get_kind_display", width=14),
        Column(gettext_lazy("Event"), lambda a, e: e["labels"].get((a.kind, a.subkind), a.subkind), width=16),
        Column(gettext_lazy("Number of participants"), lambda a, e: len(e["participants"].get(str(a.pk), [])),
               width=8),
        Column(gettext_lazy("Participants"), lambda a, e: "、".join(e["participants"].get(str(a.pk), [])), width=40),
        Column(gettext_lazy("Notes"), "notes", width=40),
    ],
))


def label_ledger_events(events: list[LedgerEvent], rules: dict[tuple[str, str], LedgerRule]) -> list[LedgerEvent]:
    """A member's events as the record page lists them: each with `rule_label` (its rule's label, else the
    sub-kind) and `points` (the override, else the rule's points, else 0). `rules`: (kind, sub-kind) -> rule."""
    for event in events:
        rule = rules.get((event.kind, event.subkind))
        event.rule_label = rule.label if rule else event.subkind
        event.points = event.points_override if event.points_override is not None else (
            rule.points if rule else Decimal("0"))
    return events


def _record_member(user, query) -> Member:
    """The member whose record is exported (the URL's pk): 404 outside the user's scope, 403 without the record
    page's object permission — as the page."""
    from . import selectors

    text = str(query.get("member") or "")
    member = selectors.member_detail(user=user, pk=int(text) if text.isascii() and text.isdigit() else 0)
    if not user.has_perm("members.view_ledgerevent", member):
        raise PermissionDenied
    return member


def _record_year(member: Member, query) -> int:
    """The record page's year: the posted one if the page offers it, else the page's default (the member's
    latest year with an event)."""
    from . import selectors

    years = selectors.year_choices()
    text = str(query.get("year") or "")
    if text.isascii() and text.isdigit() and int(text) in years:
        return int(text)
    _first, default = selectors.member_event_span(member)
    return default if default in years else years[0]


def _record_rows(user, query) -> list[LedgerEvent]:
    return _events_of(_record_member(user, query), query)


def _events_of(member: Member, query) -> list[LedgerEvent]:
    from . import selectors

    events = list(selectors.ledger_events_of(member=member, year=_record_year(member, query)))
    return label_ledger_events(events, {(r.kind, r.subkind): r for r in LedgerRule.objects.all()})


def own_member(user) -> Member:
    """The member whose own record the user reads ("my record"); none: nothing to export."""
    from . import selectors

    member = selectors.member_of_user(user)
    if member is None:
        raise PermissionDenied
    return member


def _exported_record(query) -> tuple[Member, int]:
    """The member and year of an export whose rows were already read (and so checked): for its name and audit."""
    member = Member.objects.only("name").get(pk=int(query["member"]))
    return member, _record_year(member, query)


def _record_file_name(query) -> str:
    """"张三的履职档案2023.xlsx", like the record's PDF."""
    member, year = _exported_record(query)
    title = _("Performance record of %(name)s") % {"name": member.name}
    return f"{title}{year}.xlsx"


def _record_audit(query) -> dict:
    member, year = _exported_record(query)
    return {"member": member.pk, "year": year}


RECORD_COLUMNS = [
    Column(gettext_lazy("Date"), "date", width=12),
    Column(gettext_lazy("Kind"), "get_kind_display", width=14),
    Column(gettext_lazy("Event"), "rule_label", width=24),
    Column(gettext_lazy("Points"), "points", width=8),
    Column(gettext_lazy("Note"), "note", width=40),
    Column(gettext_lazy("Status"), lambda event, e: _("withdrawn") if event.withdrawn_at else _("Counted"),
           width=10),
]

RECORD = register(ExcelExport(
    kind="members.record", label=gettext_lazy("Performance record"), permission="members.view_ledgerevent",
    rows=_record_rows, sheet_title=gettext_lazy("Performance record"), filename=_record_file_name,
    audit_action="members.exported", audit_object_type="members.ledgerevent", audit_details=_record_audit,
    background=False,  # one member's events of one year
    columns=RECORD_COLUMNS,
))

# A member's own record ("my record"): the same sheet, always of the member the user is (the view puts that
# member's id into the query for the file name and the audit; the rows ignore whatever was posted).
OWN_RECORD = register(ExcelExport(
    kind="members.own_record", label=gettext_lazy("Performance record"), permission="members.view_own_record",
    rows=lambda user, query: _events_of(own_member(user), query), sheet_title=gettext_lazy("Performance record"),
    filename=_record_file_name, audit_action="members.exported", audit_object_type="members.ledgerevent",
    audit_details=_record_audit, background=False, columns=RECORD_COLUMNS,
))

RULES = register(ExcelExport(
    kind="members.rules", label=gettext_lazy("Points rules"), permission="members.view_ledgerrule",
    rows=lambda user, query: LedgerRule.objects.order_by("kind", "subkind", "id"),
    sheet_title=gettext_lazy("Points rules"), filename=gettext_lazy("Points rules"),
    audit_action="members.exported", audit_object_type="members.ledgerrule", background=False,
    columns=[
        Column(gettext_lazy("Kind"), "get_kind_display", width=14),
        Column(gettext_lazy("Description"), "label", width=30),
        Column(gettext_lazy("Points"), "points", width=8),
        Column(gettext_lazy("Annual cap"), lambda rule, e: rule.annual_cap if rule.annual_cap is not None else "—",
               width=10),
        Column(gettext_lazy("Unit"), "unit", width=8),
    ],
))
