"""The opinion lists' filters (django-filter through the shared ListFilterSet)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from members.models import Sector, Street
from zhongyuan_cppcc.lists.filters import IntegerFilter, ListFilterSet, TextFilter
from zhongyuan_cppcc.lists.paging import pk_in_array

from . import statistics
from .models import Category, OpinionReport
from .workflow import Status

SUBMITTED_STATUSES = [(value, label) for value, label in Status.choices if value != Status.DRAFT]


class ReportFilterSet(ListFilterSet):
    """The office's list. With `figure` and `year` the list is exactly the reports a statistic counted."""

    q = TextFilter(label=_("Title or author"), fields=("title", "adopted_title", "author__full_name"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SUBMITTED_STATUSES)
    year = IntegerFilter(label=_("Year"), method="by_year", min_value=2000, max_value=2100)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    source_street = django_filters.ModelChoiceFilter(label=_("Source street"), queryset=Street.objects.all())
    source_sector = django_filters.ModelChoiceFilter(label=_("Source sector"), queryset=Sector.objects.all())
    figure = django_filters.ChoiceFilter(label=_("Statistic"), method="by_figure",
                                         choices=[(f.key, f.label) for f in statistics.FIGURES])

    class Meta:
        model = OpinionReport
        fields: list[str] = []

    def by_year(self, qs, name, value):
        if self.form.cleaned_data.get("figure"):
            return qs  # the figure applies the year in its own way
        return qs.filter(submitted_at__year=value)

    def by_figure(self, qs, name, value):
        year = self.form.cleaned_data.get("year")
        if not year:
            return qs
        figure = statistics.FIGURES_BY_KEY[value]
        if figure.where is not None:  # a condition on the reports themselves
            return qs.filter(figure.where(year))
        # Reports another table names: their ids first, then the page of them. As `pk IN (…)` under the list's
        # LIMIT, PostgreSQL walked the reports newest first looking for them (46–200 ms at 300,000 reports).
        return pk_in_array(qs, figure.ids(year))


# The author's reports still in their hands: the home page's "drafts and reports returned" counter.
REVISION_STATUSES = [Status.DRAFT, Status.RETURNED]


class MyReportFilterSet(ListFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), method="by_stage",
                                        choices=[("revision", _("Drafts and reports returned for revision"))])

    class Meta:
        model = OpinionReport
        fields: list[str] = []

    def by_stage(self, qs, name, value):
        return qs.filter(status__in=REVISION_STATUSES)
