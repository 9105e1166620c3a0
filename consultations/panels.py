"""Dashboard panel: the year's consultation figures beside the previous year's, from the lists' own scoped
selectors and filters (each figure links to the list filtered to exactly what it counts)."""

from datetime import date
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongyuan_cppcc.dashboard.registry import STREET, Chart, ChartRow, Figure, Panel


def _url(name: str, **params) -> str:
    return reverse(name) + "?" + urlencode(params)


def dashboard_panels(user, year: int, scope) -> list[Panel]:
    if not (user.has_perm("consultations.open_consultations") and user.has_perm("consultations.view_outcomes")):
        return []
    from django.db.models.functions import TruncMonth

    from members.models import Street
    from proposals.panels import month_rows

    from . import selectors
    from .models import RoomLevel, SessionKind

    street = scope.street
    narrowed = {"street": street.pk} if street else {}  # the lists' own `street` filter
    all_sessions = selectors.sessions_for(user=user)
    outcomes_qs = selectors.outcomes_for(user=user)
    if street:
        all_sessions = all_sessions.filter(street=street)
        outcomes_qs = outcomes_qs.filter(session__street=street)
    # This year and the previous one, as a date range (the date index serves it; a year lookup does not).
    first, last = date(year - 1, 1, 1), date(year, 12, 31)
    sessions = dict(((row["date__year"], row["kind"]), row["n"]) for row in
                    all_sessions.filter(date__gte=first, date__lte=last).order_by()
                    .values("date__year", "kind").annotate(n=Count("pk")))
    outcomes = dict(((row["session__date__year"], row["session__kind"]), row["n"]) for row in
                    outcomes_qs.filter(session__date__gte=first, session__date__lte=last)
                    .order_by().values("session__date__year", "session__kind").annotate(n=Count("pk")))
    project_counts = None

    def projects(y: int) -> int:
        nonlocal project_counts
        if project_counts is None:
            project_counts = selectors.supervised_project_counts(user=user, first_year=year - 1, last_year=year,
                                                                 street=street)
        return project_counts.get(y, 0)

    figures = []
    for kind in (SessionKind.GRASSROOTS, SessionKind.THEMATIC, SessionKind.STANDING, SessionKind.COMMITTEE,
                 SessionKind.SUPERVISION, SessionKind.SECTOR):
        figures.append(Figure(label=str(kind.label), value=sessions.get((year, kind.value), 0),
                              previous=sessions.get((year - 1, kind.value), 0),
                              url=_url("consultations:session-list", year=year, kind=kind.value, **narrowed)))
        if kind in (SessionKind.THEMATIC, SessionKind.SUPERVISION):
            figures.append(Figure(label=_("Suggestions of: %(kind)s") % {"kind": kind.label},
                                  value=outcomes.get((year, kind.value), 0),
                                  previous=outcomes.get((year - 1, kind.value), 0),
                                  url=_url("consultations:outcome-list", year=year, kind=kind.value, **narrowed)))
        if kind == SessionKind.SUPERVISION and user.has_perm("consultations.view_projects"):
            figures.append(Figure(label=_("Supervised projects"), value=projects(year), previous=projects(year - 1),
                                  url=_url("consultations:project-list", year=year, **narrowed)))
    if user.has_perm("consultations.view_rooms"):
        rooms = selectors.rooms_for(user=user).filter(level=RoomLevel.STREET, street__isnull=False)
        streets = 1 if street else Street.objects.count()
        covered = (rooms.filter(street=street) if street else rooms).values("street").distinct().count()
        figures.append(Figure(label=_("Streets with a consultation room"), value=f"{covered}/{streets}",
                              url=_url("consultations:room-list", level=RoomLevel.STREET, **narrowed)))
    of_year = all_sessions.filter(date__year=year).order_by()
    by_month = {row["month"]: row["n"] for row in of_year.annotate(month=TruncMonth("date"))
                .values("month").annotate(n=Count("pk"))}
    by_street = dict(of_year.values_list("street").annotate(n=Count("pk")))
    street_rows = [ChartRow(str(s), [by_street[s.pk]], _url("consultations:session-list", year=year, street=s.pk))
                   for s in Street.objects.filter(pk__in=[k for k in by_street if k is not None])]
    if by_street.get(None):
        street_rows.append(ChartRow(str(_("District level (no street)")), [by_street[None]]))
    charts = [
        Chart(title=_("Consultation sessions by month"), kind="bar", series=[_("Sessions")],
              rows=[ChartRow(label, [n]) for label, n in month_rows(by_month, year)]),
        Chart(title=_("Consultation sessions by street"), kind="hbar", series=[_("Sessions")], rows=street_rows),
    ]
    return [Panel(title=_("Consultations %(year)s") % {"year": year}, order=30, figures=figures, charts=charts,
                  filters=(STREET,))]
