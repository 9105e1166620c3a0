"""Role-home sections of the opinion-report module: what each role has waiting, each line linking to its list."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongyuan_cppcc.core.registry import HomeLink, HomeSection


def home_sections(user) -> list[HomeSection]:
    from . import selectors
    from .filters import REVISION_STATUSES
    from .models import OpinionReport
    from .workflow import Status

    sections: list[HomeSection] = []
    if user.has_perm("opinions.view_own_reports"):
        # One aggregate over the member's own reports, each figure the filter its list link applies.
        figures = selectors.opinion_reports_of(user=user).order_by().aggregate(
            total=Count("pk"), revision=Count("pk", filter=Q(status__in=REVISION_STATUSES)),
            adopted=Count("pk", filter=Q(status=Status.ADOPTED)))
        mine_url = reverse("opinions:report-mine")
        sections.append(HomeSection(title=_("My opinion reports"), order=20, links=[
            HomeLink(label=_("Write a new opinion report"), url=reverse("opinions:report-create")),
            HomeLink(label=_("Drafts and reports returned for revision"), url=f"{mine_url}?stage=revision",
                     count=figures["revision"]),
            HomeLink(label=_("Adopted reports"), url=f"{mine_url}?status={Status.ADOPTED}", count=figures["adopted"]),
            HomeLink(label=_("All my reports"), url=mine_url, count=figures["total"]),
        ]))
    if user.has_perm("opinions.handle_reports"):
        base = reverse("opinions:report-all")
        sections.append(HomeSection(title=_("Opinion reports office"), order=21, links=[
            HomeLink(label=_("Submitted, waiting for screening"), url=f"{base}?status={Status.SUBMITTED}",
                     count=OpinionReport.objects.filter(status=Status.SUBMITTED).count()),
            HomeLink(label=_("Being screened"), url=f"{base}?status={Status.SCREENING}",
                     count=OpinionReport.objects.filter(status=Status.SCREENING).count()),
            HomeLink(label=_("Adopted reports"), url=f"{base}?status={Status.ADOPTED}",
                     count=OpinionReport.objects.filter(status=Status.ADOPTED).count()),
            HomeLink(label=_("Adopted, not yet in a bulletin"), url=reverse("opinions:bulletin-list"),
                     count=OpinionReport.objects.filter(status=Status.ADOPTED, bulletin_entry__isnull=True).count()),
            HomeLink(label=_("All opinion reports"), url=base),
            HomeLink(label=_("Bulletins"), url=reverse("opinions:bulletin-list")),
            HomeLink(label=_("Reporting upward"), url=reverse("opinions:batch-list")),
            HomeLink(label=_("Statistics"), url=reverse("opinions:statistics")),
        ]))
    elif user.has_perm("opinions.list_all_reports"):
        sections.append(HomeSection(title=_("Opinion reports"), order=21, links=[
            HomeLink(label=_("All opinion reports"), url=reverse("opinions:report-all")),
            HomeLink(label=_("Bulletins"), url=reverse("opinions:bulletin-list")),
            HomeLink(label=_("Statistics"), url=reverse("opinions:statistics")),
        ]))
    return sections
