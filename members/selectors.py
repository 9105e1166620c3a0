"""Reads that depend on who is asking. Out-of-scope objects are simply not in the querysets (404)."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Collate
from django.utils import timezone

from zhongyuan_cppcc.search.models_registry import short_needle_condition

from .models import (
    Activity,
    Attendance,
    ExcellentShortlist,
    HandlingUnit,
    ImportJob,
    LedgerEvent,
    Meeting,
    Member,
    MemberStatus,
    Sector,
    Term,
    Visit,
)
from .pinyin import is_short_latin, normalize_query


def _reads_all(user) -> bool:
    return user.has_perm("members.view_ranking")


def current_term(today: date | None = None) -> Term | None:
    today = today or timezone.localdate()
    return (Term.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
            or Term.objects.order_by("-number").first())


def default_year(member: Member | None = None) -> int:
    """The latest year up to this one with a recorded event (of this member, if given): the year
    rankings and records open on, so that early in a year they do not open on an empty page."""
    today = timezone.localdate()
    events = LedgerEvent.objects.filter(withdrawn_at__isnull=True, date__lte=today)
    if member is not None:
        events = events.filter(member=member)
    latest = events.order_by("-date").values_list("date", flat=True).first()
    return latest.year if latest else today.year


def member_of_user(user) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).select_related("party", "sector", "street").first()


def members_visible_to(user) -> QuerySet[Member]:
    """Officers and leaders see every member; anybody else only the member linked to their account."""
    if not user.is_authenticated:
        return Member.objects.none()
    if _reads_all(user):
        return Member.objects.all()
    return Member.objects.filter(user=user)


# The first year the platform holds records for: the lists' year choices start here.
FIRST_YEAR = 2022


def year_choices() -> list[int]:
    """The years a list can be filtered by, the current one first."""
    from django.utils import timezone

    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


@dataclass
class MemberFilters:
    q: str = ""
    party: int | None = None
    sector: int | None = None
    street: int | None = None
    special_committee: int | None = None
    standing: bool | None = None
    term: int | None = None
    status: str = ""
    serving_in: int | None = None  # serving in a term that overlaps this year (eligible_members_for_year)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def member_search(qs: QuerySet[Member], query: str) -> QuerySet[Member]:
    """Chinese name, full pinyin ('zhangsan', 'zhang san'), initials ('zs'), employer or sector.

    One or two letters are a prefix of the initials or of the pinyin ('zs', 'zh'), answered from
    b-tree indexes; longer text matches anywhere (a trigram index on PostgreSQL).
    """
    needle = normalize_query(query)
    if not needle:
        return qs
    from .personal_data import MOBILE_RE, mobile_lookup_hash, normalize_mobile

    mobile = normalize_mobile(query)
    if MOBILE_RE.match(mobile):
        # A whole mobile number: found through its keyed hash (the number itself is stored encrypted).
        return qs.filter(mobile_hash=mobile_lookup_hash(mobile))
    sector_ids = list(Sector.objects.filter(name__icontains=query.strip()).values_list("pk", flat=True))
    if is_short_latin(needle):
        condition = Q(name_initials__startswith=needle) | Q(search_text__startswith=needle)
    else:
        # A one- or two-character name ("张三") has no trigram: the short-gram index answers it.
        qs, short = short_needle_condition(qs, needle, column="search_text", text="search_text", pinyin="")
        condition = short if short is not None else Q(search_text__contains=needle)
    if sector_ids:
        condition |= Q(sector_id__in=sector_ids)
    return qs.filter(condition)


def member_list(*, user, filters: MemberFilters) -> QuerySet[Member]:
    """The member list of this user, filtered and sorted by pinyin."""
    return filter_members(members_visible_to(user), filters)


def filter_members(qs: QuerySet[Member], filters: MemberFilters) -> QuerySet[Member]:
    """`qs` narrowed by the member filters and sorted by pinyin (then id: a unique order for paging)."""
    if filters.q:
        qs = member_search(qs, filters.q)
    if filters.party:
        qs = qs.filter(party_id=filters.party)
    if filters.sector:
        qs = qs.filter(sector_id=filters.sector)
    if filters.street:
        qs = qs.filter(street_id=filters.street)
    if filters.special_committee:
        qs = qs.filter(pk__in=Member.special_committees.through.objects.filter(
            specialcommittee_id=filters.special_committee).values("member_id"))
    if filters.standing is not None:
        qs = qs.filter(is_standing_committee=filters.standing)
    if filters.term:
        qs = qs.filter(pk__in=Member.terms.through.objects.filter(term_id=filters.term).values("member_id"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.serving_in:
        qs = qs.filter(serving_in(filters.serving_in))
    qs = qs.select_related("party", "sector", "street")
    if filters.q and connection.vendor == "postgresql":
        # A search narrows the list to a few thousand rows at most: sort those, rather than walk the
        # pinyin index and test every member (matches for "zh…" sit at the very end of that index).
        # The C collation orders lower-case pinyin exactly like the index does.
        return qs.order_by(Collate("name_pinyin", "C"), "id")
    return qs.order_by("name_pinyin", "id")


def member_detail(*, user, pk: int) -> Member:
    """One member this user may see (Http404 otherwise)."""
    from django.shortcuts import get_object_or_404

    memberships = Member.terms.through.objects.select_related("term")
    qs = members_visible_to(user).select_related("party", "sector", "street", "user").prefetch_related(
        "special_committees", Prefetch("term_memberships", queryset=memberships))
    return get_object_or_404(qs, pk=pk)


def serving_in(year: int) -> Q:
    """The condition of eligible_members_for_year, to narrow another queryset of members without reading the
    member table once more (a `pk__in` of the eligible members would)."""
    terms = Term.objects.filter(starts_on__lte=date(year, 12, 31), ends_on__gte=date(year, 1, 1))
    return Q(status=MemberStatus.SERVING,
             pk__in=Member.terms.through.objects.filter(term__in=terms).values("member_id"))


def ranking_members(*, user, filters: MemberFilters, year: int) -> QuerySet[Member]:
    """The members of this user's annual ranking of `year` (page and export): the member list, filtered,
    narrowed to the members evaluated for the year."""
    return member_list(user=user, filters=filters).filter(serving_in(year))


def eligible_members_for_year(year: int) -> QuerySet[Member]:
    """Members evaluated for a year: serving, and in a term that overlaps the year."""
    return Member.objects.filter(serving_in(year))


def ledger_events_of(*, member: Member, year: int) -> QuerySet[LedgerEvent]:
    return (LedgerEvent.objects.filter(member=member, date__year=year)
            .select_related("source_type").order_by("-date", "-id"))


def member_event_span(member: Member) -> tuple[date | None, int]:
    """In one query: the date of the member's first event (for `member_years`) and `default_year(member)`."""
    today = timezone.localdate()
    span = LedgerEvent.objects.filter(member=member).aggregate(
        first=Min("date"), latest=Max("date", filter=Q(withdrawn_at__isnull=True, date__lte=today)))
    return span["first"], span["latest"].year if span["latest"] else today.year


_UNKNOWN = object()


def member_years(member: Member, first_event=_UNKNOWN) -> list[int]:
    """Years of the member's terms up to this year, newest first (for the year-over-year view).
    `first_event`: the date of the member's first event when the caller already has it."""
    this_year = timezone.localdate().year
    years: set[int] = set()
    for start, end in member.terms.values_list("starts_on", "ends_on"):
        years.update(range(start.year, min(end.year, this_year) + 1))
    if first_event is _UNKNOWN:
        first_event = (LedgerEvent.objects.filter(member=member).order_by("date")
                       .values_list("date", flat=True).first())
    if first_event:
        years.update(range(first_event.year, this_year + 1))
    return sorted(years or {this_year}, reverse=True)


def visits_visible_to(user) -> QuerySet[Visit]:
    if not user.has_perm("members.view_visit"):
        return Visit.objects.none()
    return Visit.objects.select_related("member__party", "recorded_by")


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    if not user.has_perm("members.view_importjob"):
        return ImportJob.objects.none()
    return ImportJob.objects.select_related("created_by")


def meetings_visible_to(user) -> QuerySet[Meeting]:
    if not user.has_perm("members.view_meeting"):
        return Meeting.objects.none()
    return Meeting.objects.select_related("term", "plenary_session").order_by("-date", "-id").annotate(
        n_attended=Count("attendances", filter=Q(attendances__status="attended")),
        n_recorded=Count("attendances"),
    )


def attendance_of(meeting: Meeting) -> dict[int, str]:
    return dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))


def activities_visible_to(user) -> QuerySet[Activity]:
    if not user.has_perm("members.view_activity"):
        return Activity.objects.none()
    return Activity.objects.all()


def activity_participants(activity: Activity) -> QuerySet[Member]:
    from django.contrib.contenttypes.models import ContentType

    return Member.objects.filter(
        ledger_events__source_type=ContentType.objects.get_for_model(Activity),
        ledger_events__source_id=str(activity.pk), ledger_events__withdrawn_at__isnull=True,
    ).select_related("party").order_by("name_pinyin")


def shortlists_visible_to(user) -> QuerySet[ExcellentShortlist]:
    if not user.has_perm("members.view_excellentshortlist"):
        return ExcellentShortlist.objects.none()
    return ExcellentShortlist.objects.all()


def handling_units_visible_to(user) -> QuerySet[HandlingUnit]:
    if not user.has_perm("members.view_handlingunit"):
        return HandlingUnit.objects.none()
    return HandlingUnit.objects.select_related("street").prefetch_related("officers")


def handling_units_of(user) -> QuerySet[HandlingUnit]:
    """The units whose officer this user is (handling-unit officers see only their own unit's work)."""
    return HandlingUnit.objects.filter(officers=user, is_active=True)


# --- Figures for the dashboard and home ------------------------------------------------------------


def _serving(year: int | None, street=None) -> QuerySet[Member]:
    qs = eligible_members_for_year(year) if year else Member.objects.filter(status=MemberStatus.SERVING)
    return qs.filter(street=street) if street is not None else qs


def members_by_party(year: int | None = None, street=None) -> list[tuple[str, int, int]]:
    """(short name, party pk, serving members) per party, in the parties' order; with `year`, the members
    serving in that year (the member list's `serving_in` filter); with `street`, of that street's working
    committee (the member list's `street` filter)."""
    rows = (_serving(year, street)
            .values("party_id", "party__name", "party__short_name", "party__order")
            .annotate(n=Count("id")).order_by("party__order"))
    return [(r["party__short_name"] or r["party__name"], r["party_id"], r["n"]) for r in rows]


def members_by_sector(year: int | None = None, street=None) -> list[tuple[str, int, int]]:
    """(name, sector pk, serving members) per sector, in the sectors' order (with `year` and `street` as
    above)."""
    rows = (_serving(year, street)
            .values("sector_id", "sector__name", "sector__order")
            .annotate(n=Count("id")).order_by("sector__order"))
    return [(r["sector__name"], r["sector_id"], r["n"]) for r in rows]
