"""Dashboard panels: members by party and sector, duty performance and top performers."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongyuan_cppcc.dashboard.registry import STREET, Chart, ChartRow, Figure, Panel

TOP_PERFORMERS = 10


def dashboard_panels(user, year: int, scope) -> list[Panel]:
    from .models import Meeting, MeetingKind, Member, Visit
    from .scoring import Grade, top_of_year, year_field
    from .selectors import eligible_members_for_year, members_by_party, members_by_sector

    can_list = user.has_perm("members.view_member")
    street = scope.street  # the street working committee (the member list's `street` filter)
    narrowed = {"street": street.pk} if street else {}

    def list_url(**params) -> str:
        params = params | narrowed
        return reverse("members:member-list") + ("?" + urlencode(params) if params else "") if can_list else ""

    # Members serving in the year (a term overlapping it): the member list's `serving_in` filter counts the same.
    parties = members_by_party(year, street)
    sectors = members_by_sector(year, street)
    serving = sum(n for _label, _pk, n in parties)
    standing = eligible_members_for_year(year).filter(is_standing_committee=True, **narrowed).count()
    composition = Panel(
        title=_("Members by party, %(year)s") % {"year": year}, order=60,
        figures=[
            Figure(label=_("Serving members"), value=serving, url=list_url(serving_in=year)),
            Figure(label=_("Standing-committee members"), value=standing,
                   url=list_url(serving_in=year, standing="yes")),
        ] + [Figure(label=label, value=n, url=list_url(party=pk, serving_in=year)) for label, pk, n in parties],
        charts=[Chart(title=_("Serving members by party"), kind="pie", series=[_("Members")],
                      rows=[ChartRow(label, [n], list_url(party=pk, serving_in=year)) for label, pk, n in parties])],
        filters=(STREET,),
    )
    by_sector = Panel(
        title=_("Members by sector, %(year)s") % {"year": year}, order=61,
        figures=[Figure(label=label, value=n, url=list_url(sector=pk, serving_in=year))
                 for label, pk, n in sectors],
        charts=[Chart(title=_("Serving members by sector"), kind="hbar", series=[_("Members")],
                      rows=[ChartRow(label, [n], list_url(sector=pk, serving_in=year)) for label, pk, n in sectors])],
        filters=(STREET,),
    )
    panels = [composition, by_sector]
    if not user.has_perm("members.view_ranking"):
        return panels
    top, counts = top_of_year(year=year, count=TOP_PERFORMERS)
    _top_before, counts_before = top_of_year(year=year - 1, count=0)
    names = dict(Member.objects.filter(pk__in=[pk for pk, _score, _rank in top]).values_list("pk", "name"))
    field = year_field(year)
    active = sum(1 for cents in field.cents if cents)
    participation = f"{active * 100 // len(field.ids)}%" if field.ids else "—"
    visits = Visit.objects.filter(date__year=year).count()
    visits_before = Visit.objects.filter(date__year=year - 1).count()
    meetings = Meeting.objects.filter(kind=MeetingKind.STANDING, date__year=year).count()
    meetings_before = Meeting.objects.filter(kind=MeetingKind.STANDING, date__year=year - 1).count()
    ranking_url = reverse("members:ranking") + f"?year={year}"
    performance = Panel(
        title=_("Duty performance %(year)s") % {"year": year}, order=62,
        figures=[
            Figure(label=_("Excellent members"), value=counts[Grade.EXCELLENT],
                   previous=counts_before[Grade.EXCELLENT], url=ranking_url + "&grade=excellent"),
            Figure(label=_("Visits to members outside the CPC"), value=visits, previous=visits_before,
                   url=reverse("members:visit-list") + f"?year={year}"),
            Figure(label=_("Standing-committee meetings"), value=meetings, previous=meetings_before,
                   url=reverse("members:meeting-list") + f"?year={year}&kind={MeetingKind.STANDING}"),
            Figure(label=_("Members with recorded duties"), value=participation, url=ranking_url),
        ],
    )
    top = Panel(
        title=_("Top performers %(year)s") % {"year": year}, order=63,
        figures=[Figure(label=f"{rank}. {names.get(pk, '')}", value=f"{score:g}",
                        url=reverse("members:member-record", args=[pk]) + f"?year={year}")
                 for pk, score, rank in top if score > 0],
    )
    return panels + [performance, top]
