"""The office's yearly figures on opinion reports, each one a queryset of reports so that every figure links to
the list that produced it (officer list `?figure=<key>&year=<year>`).

Counting rules: a report counts once per figure; a report adopted at two levels counts once at each level; a
combined adoption counts every source report (each has its own outcome row); withdrawn outcomes and
instructions do not count. Years: collected by first submission, bulletins by publication, reporting upward by
the batch's date, outcomes and instructions by their own dates.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Bulletin, LeaderTitle, Level, OpinionReport, OutcomeKind
from .workflow import COLLECTED_STATUSES, Status

ADOPTION_KINDS = [OutcomeKind.ALONE, OutcomeKind.COMBINED]


def collected_q(year: int) -> Q:
    return Q(submitted_at__year=year, status__in=COLLECTED_STATUSES)


def collected(year: int) -> QuerySet[OpinionReport]:
    return OpinionReport.objects.filter(collected_q(year))


def adopted_by_office_q(year: int) -> Q:
    return Q(submitted_at__year=year, status=Status.ADOPTED)


def published_q(year: int) -> Q:
    return Q(bulletin_entry__bulletin__year=year, bulletin_entry__bulletin__number__isnull=False)


# Figures of the reports another table names (outcomes, instructions, upward batches): `<figure>_ids(year)` selects
# their ids there, and the figure is the reports with those ids.

def reported_ids(year: int) -> QuerySet:
    return OpinionReport.upward_batches.through.objects.filter(upwardbatch__sent_on__year=year).values(
        "opinionreport_id")


def adopted_ids_at(level: str):
    def ids(year: int) -> QuerySet:
        return _live_outcomes(year).filter(level=level, kind__in=ADOPTION_KINDS).values("report_id")
    return ids


def forwarded_province_plus_ids(year: int) -> QuerySet:
    return _live_outcomes(year).filter(kind=OutcomeKind.FORWARDED,
                                       level__in=[Level.PROVINCE, Level.NATIONAL]).values("report_id")


def instructed_ids_by(title: str | None):
    def ids(year: int) -> QuerySet:
        from .models import Instruction

        live = Instruction.objects.filter(date__year=year, withdrawn_at__isnull=True)
        if title:
            live = live.filter(leader_title=title)
        return live.values("report_id")
    return ids


def _live_outcomes(year: int):
    from .models import Outcome

    return Outcome.objects.filter(date__year=year, withdrawn_at__isnull=True)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    where: Callable[[int], Q] | None = None  # year -> the condition on the reports
    ids: Callable[[int], QuerySet] | None = None  # or: year -> their ids, selected in another table

    def reports(self, year: int) -> QuerySet[OpinionReport]:
        return OpinionReport.objects.filter(self.where(year) if self.where else Q(pk__in=self.ids(year)))


FIGURES = [
    Figure("collected", _("Collected"), where=collected_q),
    Figure("adopted_office", _("Adopted by the office"), where=adopted_by_office_q),
    Figure("published", _("Published in bulletins"), where=published_q),
    Figure("reported", _("Reported upward"), ids=reported_ids),
    Figure("adopted_district", _("Adopted at district level"), ids=adopted_ids_at(Level.DISTRICT)),
    Figure("adopted_city", _("Adopted by the city CPPCC"), ids=adopted_ids_at(Level.CITY)),
    Figure("adopted_province", _("Adopted at provincial level"), ids=adopted_ids_at(Level.PROVINCE)),
    Figure("adopted_national", _("Adopted nationally"), ids=adopted_ids_at(Level.NATIONAL)),
    Figure("forwarded_province", _("Forwarded to province or above"), ids=forwarded_province_plus_ids),
    Figure("instructed", _("Instructed by leaders"), ids=instructed_ids_by(None)),
    Figure("instructed_secretary", _("Instructed by the district Party secretary"),
           ids=instructed_ids_by(LeaderTitle.DISTRICT_SECRETARY)),
    Figure("instructed_head", _("Instructed by the district head"), ids=instructed_ids_by(LeaderTitle.DISTRICT_HEAD)),
]
FIGURES_BY_KEY = {f.key: f for f in FIGURES}


def issued_bulletins(year: int):
    """The year's bulletin issues (numbered ones): the figure and the bulletin list's ?year= filter."""
    return Bulletin.objects.filter(year=year, number__isnull=False)


def bulletin_count(year: int) -> int:
    return issued_bulletins(year).count()


def year_figures(year: int) -> dict[str, int]:
    """{figure key: count} plus "bulletins" for one year."""
    counts = {f.key: f.reports(year).count() for f in FIGURES}
    counts["bulletins"] = bulletin_count(year)
    return counts


def per_author(year: int, *, correspondents_only: bool = False) -> list[dict]:
    """Collected and adopted per author, most adopted first (the correspondents' annual ranking)."""
    qs = collected(year)
    if correspondents_only:
        qs = qs.filter(author__groups__name="correspondent")
    rows = (qs.values("author_id", "author__full_name", "author__username")
            .annotate(collected=Count("pk", distinct=True),
                      adopted=Count("pk", filter=Q(status=Status.ADOPTED), distinct=True))
            .order_by("-adopted", "-collected", "author__full_name"))
    return [{"name": r["author__full_name"] or r["author__username"], "collected": r["collected"],
             "adopted": r["adopted"]} for r in rows]


def per_group(year: int, field: str) -> list[dict]:
    """Collected and adopted per source street, source sector or the author's party."""
    path = {"street": "source_street__name", "sector": "source_sector__name", "party": "author__member__party__name"}[
        field]
    rows = (collected(year).values(path)
            .annotate(collected=Count("pk", distinct=True),
                      adopted=Count("pk", filter=Q(status=Status.ADOPTED), distinct=True))
            .order_by("-collected", path))
    return [{"name": r[path] or "—", "collected": r["collected"], "adopted": r["adopted"]} for r in rows]


def page_figures(year: int) -> dict:
    """Everything the statistics page counts for `year` (plain values, so that it can be cached)."""
    return {"counts": year_figures(year), "previous": year_figures(year - 1), "years": years_with_reports(),
            "authors": per_author(year)[:50], "ranking": per_author(year, correspondents_only=True)[:20],
            "streets": per_group(year, "street"), "sectors": per_group(year, "sector"),
            "parties": per_group(year, "party")}


def years_with_reports() -> list[int]:
    return sorted({d.year for d in OpinionReport.objects.filter(submitted_at__isnull=False)
                   .datetimes("submitted_at", "year")}, reverse=True)
