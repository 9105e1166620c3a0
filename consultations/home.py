"""Role-home sections of consultations: what the officer has waiting, what a member may do; each line links
to the list that produced its count."""

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.core.registry import HomeLink, HomeSection


def _url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def home_sections(user) -> list[HomeSection]:
    from . import selectors
    from .lists import DUE_SOON_DAYS
    from .workflow import OPEN_OUTCOME_STATUSES, SessionStatus, TopicStatus

    sections: list[HomeSection] = []
    today = timezone.localdate()
    if user.has_perm("consultations.add_session"):
        sessions = selectors.sessions_for(user=user).order_by().aggregate(
            planned=Count("pk", filter=Q(status=SessionStatus.PLANNED)),
            held=Count("pk", filter=Q(status=SessionStatus.HELD)),
            recorded=Count("pk", filter=Q(status=SessionStatus.RECORDED)))
        proposed = selectors.topics_for(user=user).filter(status=TopicStatus.PROPOSED).count()
        outcomes = selectors.outcomes_for(user=user).filter(status__in=OPEN_OUTCOME_STATUSES).order_by().aggregate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))))
        sections.append(HomeSection(title=_("Consultations"), order=30, links=[
            HomeLink(label=_("Plan a session"), url=reverse("consultations:session-create")),
            HomeLink(label=_("Topics waiting for a decision"), url=_url("consultations:topic-list", status="proposed"),
                     count=proposed),
            HomeLink(label=_("Planned sessions"), url=_url("consultations:session-list", status="planned"),
                     count=sessions["planned"]),
            HomeLink(label=_("Held, outcomes to record"), url=_url("consultations:session-list", status="held"),
                     count=sessions["held"]),
            HomeLink(label=_("Outcomes recorded, to close"), url=_url("consultations:session-list", status="recorded"),
                     count=sessions["recorded"]),
            HomeLink(label=_("Overdue outcomes"), url=_url("consultations:outcome-list", overdue="1"),
                     count=outcomes["overdue"]),
            HomeLink(label=_("Outcomes due within 14 days"), url=_url("consultations:outcome-list", due_soon="1"),
                     count=outcomes["soon"]),
            HomeLink(label=_("Consultation rooms and street coverage"), url=reverse("consultations:coverage")),
        ]))
    elif user.has_perm("consultations.propose_topic"):
        sections.append(HomeSection(title=_("Consultations"), order=30, links=[
            HomeLink(label=_("Propose a consultation topic"), url=reverse("consultations:topic-propose")),
            HomeLink(label=_("My topics"), url=reverse("consultations:my-topics")),
            HomeLink(label=_("Sessions I took part in"), url=reverse("consultations:session-list"),
                     count=selectors.sessions_for(user=user).count()),
            HomeLink(label=_("Consultation outcomes"), url=reverse("consultations:outcome-list")),
        ]))
    return sections
