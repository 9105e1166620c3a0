"""Dashboard panels: the year's proposal figures beside the previous year's, by category and by unit.
Every figure links to the officer list filtered to the proposals behind it."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.dashboard.registry import STREET, UNIT, Chart, ChartRow, Figure, Panel

TOP_UNITS = 12


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def month_rows(counts: dict, year: int) -> list[tuple[str, int]]:
    """(label, count) for the twelve months of `year`, then any other month counted (a proposal of the year
    submitted in the December before), so that the rows add up to the total."""
    from datetime import date

    months = sorted(set(counts) - {None} | {date(year, m, 1) for m in range(1, 13)})
    rows = [(_("%(year)s-%(month)02d") % {"year": d.year, "month": d.month}, counts.get(d, 0)) for d in months]
    if counts.get(None):
        rows.append((_("Not stated"), counts[None]))
    return rows


def dashboard_panels(user, year: int, scope) -> list[Panel]:
    if not user.has_perm("proposals.view_statistics"):
        return []
    from members.models import Party, Sector, Street

    from . import selectors
    from .filters import officer_list_url
    from .models import Category, Proposal
    from .workflow import DEADLINE_STATUSES, Status

    key_stages = (Status.REGISTERED, Status.ASSIGNED, Status.REPLY_REVIEW, Status.REPLIED, Status.REHANDLING,
                  Status.CLOSED)

    can_list = user.has_perm("proposals.list_all_proposals")
    honoured = (STREET, UNIT)
    narrowed = scope.params(*honoured)  # the list URLs carry the dashboard's filter
    where = {"street": scope.street, "unit": scope.unit}

    def url(**params) -> str:
        return officer_list_url(**(params | {k: v for k, v in narrowed.items() if k not in params})) \
            if can_list else ""

    years = [year, year - 1]
    figures = selectors.proposal_figures_by_year(years=years, **where)
    ratings = selectors.satisfaction_by_year(years=years, **where)
    submitted = dict(Proposal.objects.filter(selectors.dashboard_q(**where), submitted_at__isnull=False,
                                             year__in=years).values("year")
                     .annotate(n=Count("pk")).order_by().values_list("year", "n"))
    now, before = figures[year], figures[year - 1]
    breakdowns = selectors.registered_breakdowns(year=year, **where)
    by_month = Chart(title=_("Registered proposals by month of submission"), kind="bar", series=[_("Registered")],
                     rows=[ChartRow(label, [n]) for label, n in month_rows(breakdowns["month"], year)])
    overview = Panel(title=_("Proposals %(year)s") % {"year": year}, order=10, filters=honoured, figures=[
        Figure(label=_("Submitted"), value=submitted.get(year, 0), previous=submitted.get(year - 1, 0),
               url=url(year=year)),
        Figure(label=_("Registered"), value=now.registered, previous=before.registered,
               url=url(year=year, stage="registered")),
        Figure(label=_("Replied"), value=now.replied, previous=before.replied, url=url(year=year, stage="replied")),
        Figure(label=_("Reply rate"), value=_percent(now.reply_rate), previous=_percent(before.reply_rate),
               url=url(year=year, stage="replied")),
        Figure(label=_("Satisfaction rate"), value=_percent(ratings[year].satisfaction_rate),
               previous=_percent(ratings[year - 1].satisfaction_rate), url=url(year=year, stage="replied")),
        Figure(label=_("Overdue"), value=now.overdue, previous=before.overdue, url=url(year=year, overdue="1")),
        Figure(label=_("Key proposals"), value=now.key, previous=before.key, url=url(year=year, key="1")),
        Figure(label=_("Excellent proposals"), value=now.excellent, previous=before.excellent,
               url=url(year=year, excellent="1")),
    ], charts=[by_month])
    counts: dict[tuple[int, str], int] = {}
    for row in (Proposal.objects.filter(selectors.dashboard_q(**where), status__in=selectors.REGISTERED_STATUSES,
                                        year__in=years)
                .values("year", "category").annotate(n=Count("pk")).order_by()):
        counts[(row["year"], row["category"])] = row["n"]
    categories = [(value, str(label)) for value, label in Category.choices]
    by_category = Panel(
        title=_("Registered proposals by category, %(year)s") % {"year": year}, order=11, filters=honoured,
        figures=[Figure(label=label, value=counts.get((year, value), 0), previous=counts.get((year - 1, value), 0),
                        url=url(year=year, category=value, stage="registered")) for value, label in categories],
        charts=[Chart(title=_("Registered proposals by category"), kind="pie", series=[_("Registered")],
                      rows=[ChartRow(label, [counts.get((year, value), 0)],
                                     url(year=year, category=value, stage="registered"))
                            for value, label in categories if counts.get((year, value))])],
    )
    units = [f for f in selectors.unit_figures(year=year, **where) if f.registered]
    units.sort(key=lambda f: (-f.registered, f.unit.order, f.unit.name))
    units = units[:TOP_UNITS]
    by_unit = Panel(
        title=_("Proposals by lead unit, %(year)s") % {"year": year}, order=12, filters=honoured,
        figures=[Figure(label=_("%(unit)s (reply rate %(rate)s)") % {"unit": f.unit.name,
                                                                     "rate": _percent(f.reply_rate)},
                        value=f.registered, url=url(year=year, unit=f.unit.pk, stage="registered")) for f in units],
        charts=[Chart(title=_("Proposals by lead unit"), kind="hbar", series=[_("Assigned"), _("Replied")],
                      rows=[ChartRow(f.unit.name, [f.registered, f.replied],
                                     url(year=year, unit=f.unit.pk, stage="registered")) for f in units])],
    ) if units else None

    def breakdown(by: str, model, name) -> list[ChartRow]:
        counted = breakdowns[by]
        rows = [ChartRow(name(obj), [counted[obj.pk]], url(year=year, stage="registered", **{by: obj.pk}))
                for obj in model.objects.filter(pk__in=[k for k in counted if k is not None])]
        if counted.get(None):
            rows.append(ChartRow(str(_("Not stated")), [counted[None]]))
        return rows

    origin = Panel(
        title=_("Registered proposals by origin, %(year)s") % {"year": year}, order=14, filters=honoured,
        charts=[
            Chart(title=_("By street of the lead proposer"), kind="hbar", series=[_("Registered")],
                  rows=breakdown("street", Street, str)),
            Chart(title=_("By party"), kind="pie", series=[_("Registered")],
                  rows=breakdown("party", Party, lambda p: p.short_name or p.name)),
            Chart(title=_("By sector"), kind="hbar", series=[_("Registered")], rows=breakdown("sector", Sector, str)),
        ],
    )
    key = Proposal.objects.filter(selectors.dashboard_q(**where), is_key=True, year=year,
                                  status__in=selectors.REGISTERED_STATUSES)
    key_counts = dict(key.values("status").annotate(n=Count("pk")).order_by().values_list("status", "n"))
    key_overdue = key.filter(status__in=DEADLINE_STATUSES, reply_due_on__lt=timezone.localdate()).count()
    key_progress = Panel(
        title=_("Key proposals' progress, %(year)s") % {"year": year}, order=13, filters=honoured,
        figures=[Figure(label=_("Key proposals"), value=sum(key_counts.values()), url=url(year=year, key="1")),
                 Figure(label=_("Overdue"), value=key_overdue, url=url(year=year, key="1", overdue="1"))]
        + [Figure(label=str(Status(status).label), value=key_counts.get(status, 0),
                  url=url(year=year, key="1", status=status)) for status in key_stages],
    ) if key_counts else None
    return [overview, by_category] + [p for p in (by_unit, key_progress) if p] + [origin]
