"""Role-home sections of the members module."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.core.registry import HomeLink, HomeSection


def home_sections(user) -> list[HomeSection]:
    from .models import ImportJob, Member, MemberStatus, Visit
    from .scoring import grade_label, member_breakdown, member_standing
    from .selectors import default_year, member_of_user

    sections: list[HomeSection] = []
    this_year = timezone.localdate().year
    if user.has_perm("members.view_own_record"):
        member = member_of_user(user)
        if member is None:
            sections.append(HomeSection(title=_("My performance record"), order=20,
                                        note=_("Your account is not linked to a member record yet; "
                                               "the member-affairs office can link it."),
                                        links=[HomeLink(label=_("My performance record"),
                                                        url=reverse("members:my-record"))]))
        else:
            year = default_year(member)
            current = member_breakdown(member=member, years=[year])[year]
            standing = member_standing(member_id=member.pk, year=year)
            note = _("%(year)s: %(score)s points, %(grade)s.") % {
                "year": year, "score": current.score, "grade": grade_label(current.grade, year=year)}
            if standing.rank:
                note += " " + _("Rank %(rank)s of %(total)s.") % {"rank": standing.rank, "total": standing.total}
            sections.append(HomeSection(title=_("My performance record"), order=20, note=note, links=[
                HomeLink(label=_("My performance record"), url=reverse("members:my-record")),
                HomeLink(label=_("Events recorded in %(year)s") % {"year": year}, url=reverse("members:my-record"),
                         count=sum(k.count for k in current.by_kind)),
            ]))
    if user.has_perm("members.change_member"):
        running = ImportJob.objects.exclude(status__in=ImportJob.FINISHED).count()
        sections.append(HomeSection(title=_("Member affairs"), order=30, links=[
            HomeLink(label=_("Members"), url=reverse("members:member-list"),
                     count=Member.objects.filter(status=MemberStatus.SERVING).count()),
            HomeLink(label=_("Import members from Excel"), url=reverse("members:import"), count=running or None),
            HomeLink(label=_("Visits to members outside the CPC"), url=reverse("members:visit-list"),
                     count=Visit.objects.filter(date__year=this_year).count()),
            HomeLink(label=_("Meetings and attendance"), url=reverse("members:meeting-list")),
            HomeLink(label=_("Study, research, visits and contributions"), url=reverse("members:activity-list")),
            HomeLink(label=_("Annual ranking"), url=reverse("members:ranking")),
            HomeLink(label=_("Excellent members"), url=reverse("members:shortlist-index")),
            HomeLink(label=_("Points rules"), url=reverse("members:rule-list")),
            HomeLink(label=_("Handling units"), url=reverse("members:unit-list")),
            HomeLink(label=_("Organisations"), url=reverse("members:organisations")),
        ]))
    elif user.has_perm("members.view_ranking"):
        sections.append(HomeSection(title=_("Members"), order=30, links=[
            HomeLink(label=_("Members"), url=reverse("members:member-list"),
                     count=Member.objects.filter(status=MemberStatus.SERVING).count()),
            HomeLink(label=_("Annual ranking"), url=reverse("members:ranking")),
            HomeLink(label=_("Excellent members"), url=reverse("members:shortlist-index")),
            HomeLink(label=_("Visits to members outside the CPC"), url=reverse("members:visit-list")),
        ]))
    return sections
