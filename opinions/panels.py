"""Dashboard panel: the year's opinion-report figures (opinions.statistics, the one definition) beside the
previous year's; each figure links to the office list filtered to exactly the reports it counts."""

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongyuan_cppcc.dashboard.registry import STREET, Chart, ChartRow, Figure, Panel

# The work report's figures, in its order (statistics.FIGURES keys).
DASHBOARD_FIGURES = ["collected", "reported", "adopted_city", "forwarded_province", "adopted_national",
                     "instructed_secretary", "instructed_head", "adopted_district", "adopted_province"]


def dashboard_panels(user, year: int, scope) -> list[Panel]:
    if not user.has_perm("opinions.view_statistics"):
        return []
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from members.models import Street
    from proposals.panels import month_rows

    from . import statistics

    can_list = user.has_perm("opinions.list_all_reports")
    base = reverse("opinions:report-all")
    street = scope.street
    # The list names the dashboard's street filter `source_street` (the street a report came from).
    narrowed = f"&source_street={street.pk}" if street else ""

    def reports(key: str, y: int):
        qs = statistics.FIGURES_BY_KEY[key].reports(y)
        return qs.filter(source_street=street) if street else qs

    figures = []
    for key in DASHBOARD_FIGURES:
        figure = statistics.FIGURES_BY_KEY[key]
        figures.append(Figure(label=str(figure.label), value=reports(key, year).count(),
                              previous=reports(key, year - 1).count(),
                              url=f"{base}?figure={key}&year={year}{narrowed}" if can_list else ""))
    if not street:  # bulletin issues belong to no street
        figures.insert(1, Figure(label=_("Bulletin issues"), value=statistics.bulletin_count(year),
                                 previous=statistics.bulletin_count(year - 1),
                                 url=f"{reverse('opinions:bulletin-list')}?year={year}"
                                 if user.has_perm("opinions.view_bulletins") else ""))
    collected = reports("collected", year).order_by()
    by_month = {row["month"].date(): row["n"] for row in collected.annotate(month=TruncMonth("submitted_at"))
                .values("month").annotate(n=Count("pk"))}
    by_street = dict(collected.values_list("source_street").annotate(n=Count("pk")))
    street_rows = [ChartRow(str(s), [by_street[s.pk]],
                            f"{base}?figure=collected&year={year}&source_street={s.pk}" if can_list else "")
                   for s in Street.objects.filter(pk__in=[k for k in by_street if k is not None])]
    if by_street.get(None):
        street_rows.append(ChartRow(str(_("Not stated")), [by_street[None]]))
    charts = [
        Chart(title=_("Reports collected by month"), kind="bar", series=[_("Collected")],
              rows=[ChartRow(label, [n]) for label, n in month_rows(by_month, year)]),
        Chart(title=_("Reports collected by source street"), kind="hbar", series=[_("Collected")], rows=street_rows),
    ]
    return [Panel(title=_("Opinion reports %(year)s") % {"year": year}, order=20, figures=figures, charts=charts,
                  filters=(STREET,))]
