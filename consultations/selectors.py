"""Reads that depend on who asks. Out-of-scope objects are simply not in the querysets (→ 404)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import Street
from zhongyuan_cppcc.accounts.predicates import is_consultation_officer, is_leader, is_member

from . import scope
from .models import Outcome, Participation, Room, Session, SupervisionProject, Topic
from .workflow import OPEN_OUTCOME_STATUSES


def _staff_filter(user, field: str = "street") -> Q | None:
    """Q for what an officer or leader sees; None when the user sees nothing as staff."""
    if is_consultation_officer(user):
        return scope.street_filter(user, field)
    if is_leader(user):
        return Q()
    return None


def rooms_for(*, user) -> QuerySet[Room]:
    q = _staff_filter(user)
    return Room.objects.none() if q is None else Room.objects.filter(q).select_related("street", "community")


def projects_for(*, user) -> QuerySet[SupervisionProject]:
    q = _staff_filter(user)
    if q is None:
        return SupervisionProject.objects.none()
    return SupervisionProject.objects.filter(q).select_related("street").annotate(
        visit_count=Count("visits", distinct=True))


def supervised_project_counts(*, user, first_year: int, last_year: int, street=None) -> dict[int, int]:
    """Per year: how many of the projects the user sees (projects_for) had a visit that year, optionally in one
    street. One grouped query over the visits, without the project list's per-project visit count."""
    q = _staff_filter(user, "project__street")
    if q is None:
        return {}
    visits = Session.objects.filter(q, project__isnull=False, date__gte=date(first_year, 1, 1),
                                    date__lte=date(last_year, 12, 31))
    if street is not None:
        visits = visits.filter(project__street=street)
    rows = (visits.order_by().values("date__year").annotate(n=Count("project", distinct=True)))
    return {row["date__year"]: row["n"] for row in rows}


def topics_for(*, user) -> QuerySet[Topic]:
    q = _staff_filter(user)
    if q is None:
        return Topic.objects.none()
    return Topic.objects.filter(q).select_related("street", "member", "session")


def sessions_for(*, user) -> QuerySet[Session]:
    """Officers: their street's (or all); leaders: all; members: the sessions they take part in."""
    q = _staff_filter(user)
    if q is None:
        member = scope.member_of(user)
        if member is None or not is_member(user):
            return Session.objects.none()
        q = Q(Exists(Participation.objects.filter(session=OuterRef("pk"), member=member)))
    return Session.objects.filter(q).select_related("street", "room", "project")


def outcomes_for(*, user) -> QuerySet[Outcome]:
    """Staff as for sessions; members: public outcomes and those of their own sessions."""
    q = _staff_filter(user, "session__street")
    if q is None:
        member = scope.member_of(user) if is_member(user) else None
        if not is_member(user):
            return Outcome.objects.none()
        q = Q(is_public=True)
        if member is not None:
            q |= Q(Exists(Participation.objects.filter(session=OuterRef("session"), member=member)))
    return Outcome.objects.filter(q).select_related("session", "session__street")


def overdue_outcomes_for(*, user, today) -> QuerySet[Outcome]:
    return outcomes_for(user=user).filter(status__in=OPEN_OUTCOME_STATUSES, due_on__lt=today)


def get_for(queryset: QuerySet, pk) -> object:
    try:
        return get_object_or_404(queryset, pk=int(pk))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def streets_for(*, user) -> QuerySet[Street]:
    """The streets the user may file consultation work under."""
    street_id = scope.officer_street_id(user) if is_consultation_officer(user) else None
    return Street.objects.filter(pk=street_id) if street_id else Street.objects.all()


def street_coverage(*, user) -> list[dict]:
    """Each street the user sees, with its rooms (a street is covered when it has at least one room)."""
    rooms = rooms_for(user=user)
    counts = dict(rooms.exclude(street__isnull=True).order_by().values("street").annotate(n=Count("pk"))
                  .values_list("street", "n"))
    streets = streets_for(user=user) if is_consultation_officer(user) else Street.objects.all()
    return [{"street": street, "rooms": counts.get(street.pk, 0)} for street in streets]
