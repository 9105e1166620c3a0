"""The module's list filters (one FilterSet per list, on the shared list toolkit) — the same filters serve the
list page and its Excel export."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Street
from zhongyuan_cppcc.lists.filters import IntegerFilter, ListFilterSet, TextFilter, YesNoFilter

from .models import Outcome, Room, RoomLevel, Session, SessionKind, SupervisionProject, Topic, TopicSource
from .workflow import OPEN_OUTCOME_STATUSES, OutcomeStatus, SessionStatus, TopicStatus

DUE_SOON_DAYS = 14


def _streets(request):
    from .selectors import streets_for

    return streets_for(user=request.user) if request is not None else Street.objects.all()


class SessionFilterSet(ListFilterSet):
    q = TextFilter(label=_("Search"), fields=("title", "venue"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SessionKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SessionStatus.choices)
    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=_streets)
    year = IntegerFilter(label=_("Year"), field_name="date", lookup_expr="year", min_value=2000, max_value=2100)

    class Meta:
        model = Session
        fields = []


class OutcomeFilterSet(ListFilterSet):
    q = TextFilter(label=_("Search"), fields=("text", "responsible"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OutcomeStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), field_name="session__kind", choices=SessionKind.choices)
    street = django_filters.ModelChoiceFilter(label=_("Street"), field_name="session__street", queryset=_streets)
    year = IntegerFilter(label=_("Year"), field_name="session__date", lookup_expr="year", min_value=2000,
                         max_value=2100)
    overdue = YesNoFilter(label=_("Overdue"), method="overdue_filter")
    due_soon = YesNoFilter(label=_("Due within 14 days"), method="due_soon_filter")

    class Meta:
        model = Outcome
        fields = []

    def due_soon_filter(self, qs, name, flag: bool):
        today = timezone.localdate()
        soon = Q(status__in=OPEN_OUTCOME_STATUSES, due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        return qs.filter(soon) if flag else qs.exclude(soon)

    def overdue_filter(self, qs, name, flag: bool):
        overdue = Q(status__in=OPEN_OUTCOME_STATUSES, due_on__lt=timezone.localdate())
        return qs.filter(overdue) if flag else qs.exclude(overdue)


class TopicFilterSet(ListFilterSet):
    q = TextFilter(label=_("Search"), field_name="title")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TopicStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=TopicSource.choices)
    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=_streets)

    class Meta:
        model = Topic
        fields = []


class RoomFilterSet(ListFilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=RoomLevel.choices)
    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=_streets)
    renovated = IntegerFilter(label=_("Renovated in"), field_name="renovated_on", lookup_expr="year",
                              min_value=2000, max_value=2100)

    class Meta:
        model = Room
        fields = []


class ProjectFilterSet(ListFilterSet):
    q = TextFilter(label=_("Search"), field_name="name")
    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=_streets)
    year = IntegerFilter(label=_("Visited in"), method="visited_in", min_value=2000, max_value=2100)

    class Meta:
        model = SupervisionProject
        fields = []

    def visited_in(self, qs, name, value):
        return qs.filter(visits__date__year=value).distinct() if value else qs
