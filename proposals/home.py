"""Role-home sections of the proposals module: what each role has waiting, each line linking to its list."""

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.core.registry import HomeLink, HomeSection


def home_sections(user) -> list[HomeSection]:
    from . import selectors
    from .filters import officer_list_url
    from .models import Proposal
    from .workflow import DEADLINE_STATUSES, Status

    sections: list[HomeSection] = []
    today = timezone.localdate()
    overdue = Q(status__in=DEADLINE_STATUSES, reply_due_on__lt=today)
    archive = HomeLink(label=_("Archive of proposals and replies"), url=reverse("proposals:archive"))
    if user.has_perm("proposals.list_own_proposals"):
        mine_url = reverse("proposals:my-proposals")
        # One aggregate over the member's own list, each figure the condition its list link applies (?show=…).
        figures = selectors.my_proposals_for(user=user).order_by().aggregate(total=Count("pk"), **{
            show: Count("pk", filter=selectors.mine_show_q(user=user, show=show))
            for show in ("invitations", "to_rate")})
        sections.append(HomeSection(title=_("My proposals"), order=10, links=[
            HomeLink(label=_("My proposals and co-signings"), url=mine_url, count=figures["total"]),
            HomeLink(label=_("Invitations to co-sign"), url=mine_url + "?show=invitations",
                     count=figures["invitations"]),
            HomeLink(label=_("Replies waiting for my rating"), url=mine_url + "?show=to_rate",
                     count=figures["to_rate"]),
            archive,
        ]))
        if user.has_perm("proposals.add_proposal"):
            try:  # the drafting screens (proposals:proposal-create) may not be installed yet
                create_url = reverse("proposals:proposal-create")
                sections[-1].links.insert(0, HomeLink(label=_("New proposal"), url=create_url))
            except NoReverseMatch:
                pass
    if user.has_perm("proposals.list_unit_proposals"):
        unit_url = reverse("proposals:unit-list")
        qs = selectors.unit_proposals_for(user=user, today=today).order_by()
        # One aggregate over the unit list, each figure the condition its list link applies (?show=…).
        figures = qs.aggregate(total=Count("pk"), **{
            show: Count("pk", filter=selectors.unit_show_q(user=user, show=show, today=today))
            for show in selectors.UNIT_SHOW})
        sections.append(HomeSection(title=_("Proposals of my unit"), order=11, links=[
            HomeLink(label=_("Being handled"), url=unit_url + "?show=running", count=figures["running"]),
            HomeLink(label=_("Overdue"), url=unit_url + "?show=overdue", count=figures["overdue"]),
            HomeLink(label=_("Assignments waiting for our answer"), url=unit_url + "?show=pending",
                     count=figures["pending"]),
            HomeLink(label=_("All proposals of my unit"), url=unit_url, count=figures["total"]),
        ]))
    if user.has_perm("proposals.bulk_assign_proposals") or user.has_perm("proposals.review_replies"):
        # One indexed count per line (status, reply_due_on) rather than one scan of every proposal.
        figures = {
            "submitted": Proposal.objects.filter(status=Status.SUBMITTED).count(),
            "registered": Proposal.objects.filter(status=Status.REGISTERED).count(),
            "review": Proposal.objects.filter(status__in=[Status.REPLY_REVIEW, Status.REHANDLING_REVIEW]).count(),
            "overdue": Proposal.objects.filter(overdue).count(),
        }
        sections.append(HomeSection(title=_("Proposal office"), order=12, links=[
            HomeLink(label=_("Submitted, waiting for registration"), url=officer_list_url(status=Status.SUBMITTED),
                     count=figures["submitted"]),
            HomeLink(label=_("Registered, waiting for assignment"), url=officer_list_url(status=Status.REGISTERED),
                     count=figures["registered"]),
            HomeLink(label=_("Replies to approve"), url=reverse("proposals:approval-queue"), count=figures["review"]),
            HomeLink(label=_("Overdue replies"), url=officer_list_url(overdue="1"), count=figures["overdue"]),
            HomeLink(label=_("All proposals"), url=reverse("proposals:officer-list")),
            HomeLink(label=_("Proposals by handling unit"), url=reverse("proposals:unit-table")),
            archive,
        ]))
    elif user.has_perm("proposals.view_key_proposals"):
        key = Proposal.objects.filter(is_key=True, status__in=selectors.REGISTERED_STATUSES)
        figures = key.aggregate(total=Count("pk"), mine=Count("pk", filter=Q(supervising_leader=user)),
                                overdue=Count("pk", filter=overdue))
        key_url = reverse("proposals:key-list")
        sections.append(HomeSection(title=_("Key proposals"), order=12, links=[
            HomeLink(label=_("Key proposals I supervise"), url=key_url, count=figures["mine"]),
            HomeLink(label=_("All key proposals"), url=key_url, count=figures["total"]),
            HomeLink(label=_("Overdue key proposals"), url=officer_list_url(key="1", overdue="1"),
                     count=figures["overdue"]),
            HomeLink(label=_("All proposals"), url=reverse("proposals:officer-list")),
            HomeLink(label=_("Proposals by handling unit"), url=reverse("proposals:unit-table")),
            archive,
        ]))
    return sections
