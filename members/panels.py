"""Dashboard panels: members by party and sector, duty performance and top performers."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongyuan_cppcc.dashboard.registry import Figure, Panel

TOP_PERFORMERS = 10


def dashboard_panels(user, year: int) -> list[Panel]:
    from .models import Meeting, MeetingKind, Member, MemberStatus, Visit
    from .scoring import Grade, top_of_year, year_totals
    from .selectors import eligible_member_ids, members_by_party, members_by_sector

    can_list = user.has_perm("members.view_member")

    def list_url(**params) -> str:
        return reverse("members:member-list") + ("?" + urlencode(params) if params else "") if can_list else ""

    parties = members_by_party()
    sectors = members_by_sector()
    serving = sum(n for _label, _pk, n in parties)
    standing = Member.objects.filter(status=MemberStatus.SERVING, is_standing_committee=True).count()
    composition = Panel(
        title=_("Members by party"), order=60,
        figures=[
            Figure(label=_("Serving members"), value=serving, url=list_url(status=MemberStatus.SERVING)),
            Figure(label=_("Standing-committee members"), value=standing,
                   url=list_url(status=MemberStatus.SERVING, standing="yes")),
        ] + [Figure(label=label, value=n, url=list_url(party=pk, status=MemberStatus.SERVING))
             for label, pk, n in parties],
        chart={
            "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["35%", "65%"],
                        "data": [{"name": label, "value": n} for label, _pk, n in parties]}],
        },
    )
    by_sector = Panel(
        title=_("Members by sector"), order=61,
        figures=[Figure(label=label, value=n, url=list_url(sector=pk, status=MemberStatus.SERVING))
                 for label, pk, n in sectors],
        chart={
            "tooltip": {}, "grid": {"left": 130, "right": 20, "top": 10, "bottom": 20},
            "xAxis": {"type": "value"},
            "yAxis": {"type": "category", "data": [label for label, _pk, _n in reversed(sectors)]},
            "series": [{"type": "bar", "data": [n for _label, _pk, n in reversed(sectors)]}],
        },
    )
    panels = [composition, by_sector]
    if not user.has_perm("members.view_ranking"):
        return panels
    eligible = eligible_member_ids(year)
    top, counts = top_of_year(year=year, eligible_ids=eligible, count=TOP_PERFORMERS)
    _top_before, counts_before = top_of_year(year=year - 1, eligible_ids=eligible_member_ids(year - 1), count=0)
    names = dict(Member.objects.filter(pk__in=[pk for pk, _score, _rank in top]).values_list("pk", "name"))
    totals = year_totals(year)
    active = sum(1 for pk in eligible if totals.get(pk))
    participation = f"{active * 100 // len(eligible)}%" if eligible else "—"
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
                   url=reverse("members:meeting-list")),
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
