"""The officer list's filters (django-filter) and the query behind the officer list, its export, the home page
links and the dashboard figures — none of which imports a view module."""

from urllib.parse import urlencode

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import HandlingUnit, Party, PlenarySession, Sector, Street
from zhongyuan_cppcc.lists.filters import IntegerFilter, ListFilterSet, YesNoFilter

from . import selectors
from .models import Category, Proposal
from .workflow import DEADLINE_STATUSES, REGISTERED_STATUSES, Status

STAGE_REGISTERED = "registered"
STAGE_REPLIED = "replied"
STAGES = {
    STAGE_REGISTERED: Q(status__in=REGISTERED_STATUSES),
    STAGE_REPLIED: Q(status__in=REGISTERED_STATUSES, replied_at__isnull=False),
}


class ProposalFilterSet(ListFilterSet):
    """Search box `q`, year, plenary session, status, stage (registered / replied, which the dashboard's
    figures link to), category, lead unit, the lead proposer's street, the proposer's party and sector (the
    dashboard's charts), and the key / overdue / excellent flags."""

    q = django_filters.CharFilter(label=_("Search"), max_length=100, method="search")
    year = IntegerFilter(field_name="year", label=_("Year"), min_value=1990, max_value=2100)
    session = django_filters.ModelChoiceFilter(field_name="plenary_session", label=_("Plenary session"),
                                               queryset=PlenarySession.objects.select_related("term"))
    status = django_filters.ChoiceFilter(field_name="status", label=_("Status"), choices=Status.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), method="filter_stage", choices=[
        (STAGE_REGISTERED, _("Registered (all later steps)")), (STAGE_REPLIED, _("Replied (reply approved)"))])
    category = django_filters.ChoiceFilter(field_name="category", label=_("Category"), choices=Category.choices)
    unit = django_filters.ModelChoiceFilter(field_name="lead_unit", label=_("Lead unit"),
                                            queryset=HandlingUnit.objects.all())
    street = django_filters.ModelChoiceFilter(label=_("Street of the lead proposer"), method="filter_street",
                                              queryset=Street.objects.all())
    party = django_filters.ModelChoiceFilter(label=_("Party"), method="filter_party", queryset=Party.objects.all())
    sector = django_filters.ModelChoiceFilter(label=_("Sector"), method="filter_sector",
                                              queryset=Sector.objects.all())
    key = YesNoFilter(field_name="is_key", label=_("Key proposal"))
    overdue = YesNoFilter(label=_("Overdue"), method="filter_overdue")
    excellent = YesNoFilter(field_name="is_excellent", label=_("Excellent"))

    class Meta:
        model = Proposal
        fields: list[str] = []

    def search(self, qs, name, value):
        return selectors.text_search(qs, value)

    def filter_stage(self, qs, name, value):
        return qs.filter(STAGES[value]) if value in STAGES else qs

    def filter_street(self, qs, name, value):
        return qs.filter(selectors.dashboard_q(street=value)) if value else qs

    def filter_party(self, qs, name, value):
        return qs.alias(proposer_party=selectors.proposer_party()).filter(proposer_party=value.pk) if value else qs

    def filter_sector(self, qs, name, value):
        return qs.alias(proposer_sector=selectors.proposer_sector()).filter(proposer_sector=value.pk) if value else qs

    def filter_overdue(self, qs, name, value: bool):
        late = Q(status__in=DEADLINE_STATUSES, reply_due_on__lt=timezone.localdate())
        return qs.filter(late) if value else qs.exclude(late)


def officer_proposals(user, query=None) -> tuple[ProposalFilterSet, object]:
    """The officer list for `user` filtered by the query dict `query` (the list page, its export and the
    background export job): (filterset, narrow queryset newest number first)."""
    base = selectors.officer_proposals_for(user=user).defer(*selectors.HEAVY_COLUMNS)
    filterset = ProposalFilterSet(query if query is not None else {}, queryset=base)
    return filterset, filterset.qs


def officer_list_url(**params) -> str:
    """The officer list filtered by `params` (None and "" dropped) — for figures that link to their rows."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("proposals:officer-list") + ("?" + urlencode(clean) if clean else "")
