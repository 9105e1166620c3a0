"""Annual scores, derived at query time from live ledger events × points rules, with annual caps.

Each member's year score is also stored (MemberYearScore), recomputed by `store_scores` inside every
ledger write's transaction (and for every affected member when a rule changes), so that rankings read
it instead of aggregating the year's events per request. The capping rule
(per member, per year, per kind and sub-kind: the sum of points is clipped to ±annual cap) is
written once in SQL (`_SCORED_CTE`, for rankings) and once in Python (`capped`, for one member's
breakdown); tests check that both agree.
"""

from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, partial

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.core.parameters import get_parameters
from zhongyuan_cppcc.dashboard.cache import cached_counts, tables_in
from zhongyuan_cppcc.lists.paging import cached_by_sql

from .models import LedgerEvent, LedgerKind, LedgerRule, Member, MemberYearScore

ZERO = Decimal("0")
TWO_PLACES = Decimal("0.01")


class Grade:
    EXCELLENT = "excellent"
    GOOD = "good"
    COMPETENT = "competent"
    NOT_COMPETENT = "not_competent"

    LABELS = {
        EXCELLENT: _("Excellent"),
        GOOD: _("Good"),
        COMPETENT: _("Competent"),
        NOT_COMPETENT: _("Not competent"),
    }
    ORDER = [EXCELLENT, GOOD, COMPETENT, NOT_COMPETENT]


@dataclass(frozen=True)
class GradeThresholds:
    excellent: Decimal
    good: Decimal
    competent: Decimal

    def grade(self, score: Decimal) -> str:
        return self.grade_of_cents(_cents(score))

    def grade_of_cents(self, cents: int) -> str:
        """The grade of a score in hundredths (a ranking grades 25,000 of them: integers, no Decimal each)."""
        for cut, grade in self._cuts:
            if cents >= cut:
                return grade
        return Grade.NOT_COMPETENT

    @cached_property
    def _cuts(self) -> tuple[tuple[int, str], ...]:
        return ((_cents(self.excellent), Grade.EXCELLENT), (_cents(self.good), Grade.GOOD),
                (_cents(self.competent), Grade.COMPETENT))

    def bounds(self, grade: str) -> tuple[Decimal | None, Decimal | None]:
        """(lowest score included, lowest score excluded) of a grade."""
        return {
            Grade.EXCELLENT: (self.excellent, None),
            Grade.GOOD: (self.good, self.excellent),
            Grade.COMPETENT: (self.competent, self.good),
            Grade.NOT_COMPETENT: (None, self.competent),
        }[grade]


def grade_thresholds() -> GradeThresholds:
    values = get_parameters("members.grade_")
    return GradeThresholds(
        excellent=Decimal(values["members.grade_excellent_min"]),
        good=Decimal(values["members.grade_good_min"]),
        competent=Decimal(values["members.grade_competent_min"]),
    )


def year_in_progress(year: int) -> bool:
    """A year not over yet: its scores still grow, so no grade is final (shown as "in progress")."""
    from django.utils import timezone

    return year >= timezone.localdate().year


def grade_label(grade: str, *, year: int | None = None) -> str:
    """The grade's label; for a year still running, "in progress" instead (a grade is only final at year end)."""
    if year is not None and year_in_progress(year):
        return str(_("In progress"))
    return str(Grade.LABELS[grade])


def capped(raw: Decimal, cap: Decimal | None) -> Decimal:
    """Clip a sum of points to ±cap (deductions are capped like additions)."""
    if cap is None:
        return raw
    if raw > cap:
        return cap
    if raw < -cap:
        return -cap
    return raw


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def rank_band(rank: int | None, total: int) -> str:
    if not rank or not total:
        return ""
    share = rank / total
    if share <= 0.10:
        return str(_("Top 10%"))
    if share <= 0.25:
        return str(_("Top 25%"))
    if share <= 0.50:
        return str(_("Top 50%"))
    return str(_("Lower half"))


# --- Rankings (SQL, one query) ----------------------------------------------------------------------

_SCORED_CTE = """
rules AS MATERIALIZED (
    -- Points and caps in integer hundredths: all arithmetic below is on integers, exact because
    -- points have two decimals, and several times cheaper than numeric over 10^5 groups.
    SELECT kind, subkind, CAST(ROUND(points * 100) AS BIGINT) AS points,
           CAST(ROUND(annual_cap * 100) AS BIGINT) AS cap
    FROM {rule}
),
counted AS MATERIALIZED (
    -- Counts first (NULL overrides cost nothing to SUM); the rules are joined to the groups, not
    -- to every event.
    SELECT e.member_id AS member_id, e.kind AS kind, e.subkind AS subkind,
           COUNT(*) - COUNT(e.points_override) AS n_plain,
           SUM(e.points_override) AS overrides
    FROM {event} e
    WHERE e.withdrawn_at IS NULL AND e.date >= %s AND e.date < %s {event_filter}
    GROUP BY e.member_id, e.kind, e.subkind
),
scored AS (
    SELECT c.member_id AS member_id,
           COALESCE(CAST(ROUND(c.overrides * 100) AS BIGINT), 0) + c.n_plain * COALESCE(r.points, 0) AS raw,
           r.cap AS cap
    FROM counted c
    LEFT JOIN rules r ON r.kind = c.kind AND r.subkind = c.subkind
),
totals AS MATERIALIZED (
    SELECT member_id,
           SUM(CASE WHEN cap IS NULL THEN raw
                    WHEN raw > cap THEN cap
                    WHEN raw < -cap THEN -cap
                    ELSE raw END) AS cents
    FROM scored
    GROUP BY member_id
)"""


@dataclass(slots=True)
class RankedMember:
    id: int
    name: str
    name_pinyin: str
    party: str
    sector: str
    street: str
    employer: str
    is_standing_committee: bool
    cents: int  # the score in hundredths, as stored
    rank: int
    grade: str = ""

    @property
    def score(self) -> Decimal:
        return _from_cents(self.cents)

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade) if self.grade else ""


@dataclass
class Ranking:
    year: int
    rows: list[RankedMember]
    total: int  # members ranked (after the member filters)
    matching: int  # rows matching the grade filter, for pagination
    grade_counts: dict[str, int] = field(default_factory=dict)
    thresholds: GradeThresholds | None = None


def annual_ranking(
    *,
    year: int,
    members: QuerySet[Member],
    grade: str | None = None,
    member_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Ranking:
    """Rank `members` by their score in `year`, in one SQL query.

    Ranks (standard competition ranking: 1, 2, 2, 4) are computed over all of `members`; the grade
    filter, `member_id`, `limit` and `offset` then select the rows returned. Grade counts of the
    whole ranked set come back in the same query (window aggregates).
    """
    thresholds = grade_thresholds()
    try:
        member_sql, member_params = members.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # members.none(), or a filter that can match nothing
        return Ranking(year=year, rows=[], total=0, matching=0, grade_counts=dict.fromkeys(Grade.ORDER, 0),
                       thresholds=thresholds)
    tables = {
        "score": MemberYearScore._meta.db_table,
        "member": Member._meta.db_table,
        "party": Member.party.field.related_model._meta.db_table,
        "sector": Member.sector.field.related_model._meta.db_table,
        "street": Member.street.field.related_model._meta.db_table,
    }
    # The stored year scores (MemberYearScore, kept up to date by the ledger services) joined to the
    # chosen members: no aggregation of the year's events per request. Ranks and grade counts are computed
    # over narrow rows (id, pinyin, score); names, party, sector and street are joined to the page's rows
    # only, not to all 25,000 members sorted for the ranks.
    score = "COALESCE(t.cents, 0)"
    sql = f"""
WITH scored AS (
    SELECT m.id, m.name_pinyin, {score} AS cents
    FROM {tables['member']} m
    LEFT JOIN {tables['score']} t ON t.member_id = m.id AND t.year = %s
    WHERE m.id IN ({member_sql})
), ranked AS (
    SELECT id, name_pinyin, cents,
           RANK() OVER (ORDER BY cents DESC) AS rank,
           COUNT(*) OVER () AS total,
           SUM(CASE WHEN cents >= %s THEN 1 ELSE 0 END) OVER () AS n_excellent,
           SUM(CASE WHEN cents >= %s AND cents < %s THEN 1 ELSE 0 END) OVER () AS n_good,
           SUM(CASE WHEN cents >= %s AND cents < %s THEN 1 ELSE 0 END) OVER () AS n_competent
    FROM scored
), chosen AS (
    SELECT id, name_pinyin, cents, rank, total, n_excellent, n_good, n_competent, COUNT(*) OVER () AS matching
    FROM ranked
    WHERE 1 = 1 {{grade_filter}} {{member_filter}}
    ORDER BY cents DESC, name_pinyin, id
    {{limit}}
)
SELECT c.id, m.name, c.name_pinyin, p.short_name, s.name, COALESCE(st.name, ''), m.employer,
       m.is_standing_committee, c.cents, c.rank, c.total, c.n_excellent, c.n_good, c.n_competent, c.matching
FROM chosen c
JOIN {tables['member']} m ON m.id = c.id
JOIN {tables['party']} p ON p.id = m.party_id
JOIN {tables['sector']} s ON s.id = m.sector_id
LEFT JOIN {tables['street']} st ON st.id = m.street_id
ORDER BY c.cents DESC, c.name_pinyin, c.id"""
    params: list = [year, *member_params, *(_cents(v) for v in (
        thresholds.excellent, thresholds.good, thresholds.excellent, thresholds.competent, thresholds.good))]
    grade_filter = ""
    if grade in Grade.LABELS:
        low, high = thresholds.bounds(grade)
        if low is not None:
            grade_filter += " AND cents >= %s"
            params.append(_cents(low))
        if high is not None:
            grade_filter += " AND cents < %s"
            params.append(_cents(high))
    member_filter = ""
    if member_id is not None:
        member_filter = " AND id = %s"
        params.append(member_id)
    limit_sql = ""
    if limit is not None:
        limit_sql = "LIMIT %s OFFSET %s"
        params += [limit, offset]
    sql = sql.replace("{grade_filter}", grade_filter).replace("{member_filter}", member_filter)
    sql = sql.replace("{limit}", limit_sql)
    # Ranks move only when a score, a member or a threshold does: the rows come from the data-version cache
    # while none of the tables read has changed (lists.paging.cached_by_sql), in the compact form of
    # _compact_ranking (at 25,000 members, reading the cached rows back dominated the ranking's time).
    records, summary = cached_by_sql("ranking-rows", partial(_compact_ranking, sql, params), db=members.db,
                                     sql=sql, params=params, reads=set(tables.values()) | tables_in(member_sql))
    grade_of = thresholds.grade_of_cents
    rows = [RankedMember(*record, grade_of(record[8])) for record in records]
    total = matching = 0
    counts = {g: 0 for g in Grade.ORDER}
    if summary is not None:
        total, n_exc, n_good, n_comp, matching = summary
        counts = {Grade.EXCELLENT: n_exc, Grade.GOOD: n_good, Grade.COMPETENT: n_comp,
                  Grade.NOT_COMPETENT: total - n_exc - n_good - n_comp}
    if not records and (grade or member_id is not None or offset):
        # The filters left nothing; the set sizes still matter for the page (rare, one more query).
        whole = annual_ranking(year=year, members=members, limit=1)
        total, counts = whole.total, whole.grade_counts
    return Ranking(year=year, rows=rows, total=total, matching=matching, grade_counts=counts,
                   thresholds=thresholds)


def _compact_ranking(sql: str, params: list) -> tuple[list[tuple], tuple[int, ...] | None]:
    """The ranking's rows as (id, name, pinyin, party, sector, street, employer, standing committee, cents,
    rank), and the set's sizes (total, excellent, good, competent, matching rows) once rather than on every
    row. Party, sector and street names are shared objects, which pickle stores once: the cached form of
    25,000 rows is read back several times faster."""
    records = _run_aggregate(sql, params)
    if not records:
        return [], None
    shared: dict[str, str] = {}
    rows = [(pk, name, pinyin, shared.setdefault(party, party), shared.setdefault(sector, sector),
             shared.setdefault(street, street), employer, bool(standing), int(cents), int(rank))
            for pk, name, pinyin, party, sector, street, employer, standing, cents, rank, *_sizes in records]
    return rows, tuple(int(n) for n in records[-1][10:])


def _tables(event_filter: str = "") -> dict[str, str]:
    return {"event": LedgerEvent._meta.db_table, "rule": LedgerRule._meta.db_table, "event_filter": event_filter}


def _run_aggregate(sql: str, params: list) -> list[tuple]:
    """Run a score aggregation. On PostgreSQL the year's per-member, per-rule groups (hundreds of
    thousands at the scale of DESIGN.md §11) get enough memory to be hashed without spilling to disk.

    The setting and the query travel as one query string (psycopg2 sends it as PostgreSQL's simple query, run
    as one implicit transaction outside a transaction block): one round trip instead of four (BEGIN, SET
    LOCAL, the query, COMMIT). Inside a transaction the setting lasts until it ends, as SET LOCAL does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'; {sql}"
        cursor.execute(sql, params)
        return cursor.fetchall()


AGGREGATE_WORK_MEM = "64MB"


# --- Stored year scores ---------------------------------------------------------------------------


def store_scores(*, member_ids, years) -> None:
    """Recompute and store the scores of `member_ids` in each of `years` (in the caller's transaction).
    The members' rows are locked first (FOR NO KEY UPDATE, in id order), so two concurrent writes for
    the same member compute one after the other, the second seeing the first's events."""
    member_ids = sorted({int(pk) for pk in member_ids})
    years = sorted({int(y) for y in years})
    if not member_ids or not years:
        return
    with transaction.atomic():
        list(Member.objects.filter(pk__in=member_ids).order_by("pk").select_for_update(no_key=True)
             .values_list("pk", flat=True))
        for year in years:
            _store_year(year, member_ids)


def store_scores_of_events(pairs) -> None:
    """Store the scores of (member id, date or year) pairs, e.g. of the events a write touched."""
    by_year: dict[int, set[int]] = {}
    for member_id, when in pairs:
        year = when if isinstance(when, int) else when.year
        by_year.setdefault(year, set()).add(member_id)
    for year, member_ids in sorted(by_year.items()):
        store_scores(member_ids=member_ids, years=[year])


def store_all_scores() -> int:
    """Recompute every stored score from the ledger (backfill after a bulk load; the management command
    `members_rescore`). Returns the number of years stored."""
    years = sorted({d.year for d in LedgerEvent.objects.dates("date", "year")})
    with transaction.atomic():
        MemberYearScore.objects.exclude(year__in=years).delete()
        for year in years:
            _store_year(year, None)
    return len(years)


def _store_year(year: int, member_ids: list[int] | None) -> None:
    start, end = year_bounds(year)
    table = MemberYearScore._meta.db_table
    if member_ids is None:
        event_filter, scope, scope_params = "", "", []
    elif not member_ids:
        return
    else:  # IN (…) rather than = ANY(…), and `WHERE true` before ON CONFLICT: SQLite runs this in the embedded demo
        marks = ", ".join(["%s"] * len(member_ids))
        event_filter, scope, scope_params = (f"AND e.member_id IN ({marks})", f"AND member_id IN ({marks})",
                                             list(member_ids))
    sql = (f"WITH {_SCORED_CTE.format(**_tables(event_filter))} "
           f"INSERT INTO {table} (member_id, year, cents) SELECT member_id, %s, cents FROM totals WHERE true "
           f"ON CONFLICT (member_id, year) DO UPDATE SET cents = EXCLUDED.cents")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE year = %s {scope}", [year, *scope_params])
        if connection.vendor == "postgresql" and member_ids is None:
            cursor.execute(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'")
        cursor.execute(sql, [start, end, *scope_params, year])


@dataclass
class Standing:
    score: Decimal
    rank: int | None
    total: int

    @property
    def band(self) -> str:
        return rank_band(self.rank, self.total)


@dataclass(frozen=True)
class YearField:
    """The members eligible in a year with their stored scores: what one member's standing is read from."""

    ids: array  # the eligible members' ids, ascending
    cents: array  # their scores in cents, in the same order (0 without a stored score)
    ascending: array  # the same scores, ascending

    def standing_of(self, member_id: int) -> tuple[int | None, int | None]:
        """(the member's score in cents if eligible, else None; their competition rank if eligible, else None)."""
        at = bisect_left(self.ids, member_id)
        if at == len(self.ids) or self.ids[at] != member_id:
            return None, None
        cents = self.cents[at]
        return cents, len(self.ascending) - bisect_right(self.ascending, cents) + 1


def _year_field(year: int) -> YearField:
    from .selectors import eligible_members_for_year

    eligible_sql, params = eligible_members_for_year(year).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.pk, COALESCE(t.cents, 0) FROM ({eligible_sql}) e "
                       f"LEFT JOIN {MemberYearScore._meta.db_table} t ON t.member_id = e.pk AND t.year = %s "
                       f"ORDER BY e.pk", [*params, year])
        rows = cursor.fetchall()
    cents = array("q", (row[1] for row in rows))
    return YearField(ids=array("q", (row[0] for row in rows)), cents=cents, ascending=array("q", sorted(cents)))


def year_field(year: int) -> YearField:
    """The year's field of eligible members and scores, computed once per change to the members module's data
    (dashboard/cache.py: the data-version cache) rather than per page: ranking one member among 25,000 took a
    50 ms query on every record and home page at full scale; from the field it is two binary searches."""
    return cached_counts("members.year-field", partial(_year_field, year), year)


def member_standing(*, member_id: int, year: int) -> Standing:
    """A member's standing among the members eligible in `year`: the stored score, the competition rank (None if
    not eligible) and how many are eligible."""
    field = year_field(year)
    cents, rank = field.standing_of(member_id)
    if cents is None:  # not eligible: the score still shows
        cents = MemberYearScore.objects.filter(member_id=member_id, year=year).values_list(
            "cents", flat=True).first() or 0
    return Standing(score=_from_cents(cents), rank=rank, total=len(field.ids))


def top_of_year(*, year: int, count: int) -> tuple[list[tuple[int, Decimal, int]], dict]:
    """The `count` best (member pk, score, rank) of the members eligible in `year`, and the grade counts, from
    the year's field."""
    field = year_field(year)
    thresholds = grade_thresholds()
    scores = sorted(((_from_cents(cents), pk) for pk, cents in zip(field.ids, field.cents, strict=True)),
                    key=lambda item: (-item[0], item[1]))
    top, rank = [], 0
    for position, (value, pk) in enumerate(scores[:count], start=1):
        if not top or value != top[-1][1]:
            rank = position
        top.append((pk, value, rank))
    counts = {g: 0 for g in Grade.ORDER}
    for value, _pk in scores:
        counts[thresholds.grade(value)] += 1
    return top, counts


def _cents(value: Decimal) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def _from_cents(cents) -> Decimal:
    """Hundredths as a two-place Decimal (exact: scaleb moves the exponent)."""
    return Decimal(int(cents or 0)).scaleb(-2)


def _decimal(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(TWO_PLACES)


# --- One member's breakdown (ORM + Python capping) ---------------------------------------------------


@dataclass
class KindTotal:
    kind: str
    label: str
    count: int
    points: Decimal


@dataclass
class YearBreakdown:
    year: int
    score: Decimal
    grade: str
    by_kind: list[KindTotal]

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade, year=self.year)


def member_breakdown(*, member: Member, years: list[int], thresholds: GradeThresholds | None = None,
                     rules: dict | None = None) -> dict[int, YearBreakdown]:
    """Score, grade and points by kind of one member for each of `years` (two queries; one if the
    caller passes the thresholds and the rules keyed by (kind, sub-kind) it already has)."""
    thresholds = thresholds or grade_thresholds()
    if rules is None:
        rules = {(r.kind, r.subkind): r for r in LedgerRule.objects.all()}
    if not years:
        return {}
    rows = (
        LedgerEvent.objects.filter(member=member, withdrawn_at__isnull=True,
                                   date__gte=date(min(years), 1, 1), date__lt=date(max(years) + 1, 1, 1))
        .annotate(year=ExtractYear("date"))
        .values("year", "kind", "subkind")
        .annotate(
            n=Count("id"),
            override_sum=Sum("points_override"),
            n_plain=Count("id", filter=Q(points_override__isnull=True)),
        )
    )
    per_year: dict[int, dict[str, list]] = {y: {} for y in years}
    for row in rows:
        if row["year"] not in per_year:
            continue
        rule = rules.get((row["kind"], row["subkind"]))
        points = rule.points if rule else ZERO
        raw = (row["override_sum"] or ZERO) + points * (row["n_plain"] or 0)
        value = capped(Decimal(raw), rule.annual_cap if rule else None)
        bucket = per_year[row["year"]].setdefault(row["kind"], [0, ZERO])
        bucket[0] += row["n"]
        bucket[1] += value
    result: dict[int, YearBreakdown] = {}
    labels = dict(LedgerKind.choices)
    for year in years:
        kinds = per_year[year]
        by_kind = [KindTotal(kind=k, label=str(labels.get(k, k)), count=kinds[k][0],
                             points=_decimal(kinds[k][1]))
                   for k in LedgerKind.values if k in kinds]
        total = _decimal(sum((k.points for k in by_kind), ZERO))
        result[year] = YearBreakdown(year=year, score=total, grade=thresholds.grade(total), by_kind=by_kind)
    return result
