"""Dashboard panels: the year's proposal figures beside the previous year's, by category and by unit.
Every figure links to the officer list filtered to the proposals behind it."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.dashboard.registry import Figure, Panel

TOP_UNITS = 12


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def dashboard_panels(user, year: int) -> list[Panel]:
    if not user.has_perm("proposals.view_statistics"):
        return []
    from . import selectors
    from .models import Category, Proposal
    from .views.lists import officer_list_url
    from .workflow import DEADLINE_STATUSES, Status

    key_stages = (Status.REGISTERED, Status.ASSIGNED, Status.REPLY_REVIEW, Status.REPLIED, Status.REHANDLING,
                  Status.CLOSED)

    can_list = user.has_perm("proposals.list_all_proposals")

    def url(**params) -> str:
        return officer_list_url(**params) if can_list else ""

    years = [year, year - 1]
    figures = selectors.proposal_figures_by_year(years=years)
    ratings = selectors.satisfaction_by_year(years=years)
    submitted = dict(Proposal.objects.filter(submitted_at__isnull=False, year__in=years).values("year")
                     .annotate(n=Count("pk")).order_by().values_list("year", "n"))
    now, before = figures[year], figures[year - 1]
    overview = Panel(title=_("Proposals %(year)s") % {"year": year}, order=10, figures=[
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
    ])
    counts: dict[tuple[int, str], int] = {}
    for row in (Proposal.objects.filter(status__in=selectors.REGISTERED_STATUSES, year__in=years)
                .values("year", "category").annotate(n=Count("pk")).order_by()):
        counts[(row["year"], row["category"])] = row["n"]
    categories = [(value, str(label)) for value, label in Category.choices]
    by_category = Panel(
        title=_("Registered proposals by category, %(year)s") % {"year": year}, order=11,
        figures=[Figure(label=label, value=counts.get((year, value), 0), previous=counts.get((year - 1, value), 0),
                        url=url(year=year, category=value, stage="registered")) for value, label in categories],
        chart={"tooltip": {"trigger": "item"},
               "series": [{"type": "pie", "radius": ["35%", "65%"],
                           "data": [{"name": label, "value": counts.get((year, value), 0)}
                                    for value, label in categories if counts.get((year, value))]}]},
    )
    units = [f for f in selectors.unit_figures(year=year) if f.registered]
    units.sort(key=lambda f: (-f.registered, f.unit.order, f.unit.name))
    units = units[:TOP_UNITS]
    by_unit = Panel(
        title=_("Proposals by lead unit, %(year)s") % {"year": year}, order=12,
        figures=[Figure(label=_("%(unit)s (reply rate %(rate)s)") % {"unit": f.unit.name,
                                                                     "rate": _percent(f.reply_rate)},
                        value=f.registered, url=url(year=year, unit=f.unit.pk, stage="registered")) for f in units],
        chart={"tooltip": {}, "legend": {}, "grid": {"left": 130, "right": 20, "top": 30, "bottom": 20},
               "xAxis": {"type": "value"},
               "yAxis": {"type": "category", "data": [f.unit.name for f in reversed(units)]},
               "series": [{"type": "bar", "name": _("Assigned"), "data": [f.registered for f in reversed(units)]},
                          {"type": "bar", "name": _("Replied"), "data": [f.replied for f in reversed(units)]}]},
    ) if units else None
    key = Proposal.objects.filter(is_key=True, year=year, status__in=selectors.REGISTERED_STATUSES)
    key_counts = dict(key.values("status").annotate(n=Count("pk")).order_by().values_list("status", "n"))
    key_overdue = key.filter(status__in=DEADLINE_STATUSES, reply_due_on__lt=timezone.localdate()).count()
    key_progress = Panel(
        title=_("Key proposals' progress, %(year)s") % {"year": year}, order=13,
        figures=[Figure(label=_("Key proposals"), value=sum(key_counts.values()), url=url(year=year, key="1")),
                 Figure(label=_("Overdue"), value=key_overdue, url=url(year=year, key="1", overdue="1"))]
        + [Figure(label=str(Status(status).label), value=key_counts.get(status, 0),
                  url=url(year=year, key="1", status=status)) for status in key_stages],
    ) if key_counts else None
    return [overview, by_category] + [p for p in (by_unit, key_progress) if p]
