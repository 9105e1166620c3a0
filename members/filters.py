"""The member list's filters on django-filter (zhongyuan_cppcc.lists). The fields are MemberFilterForm's — one
definition, which the member and ranking exports (members.exporting) and the ranking page read too — and
selectors.filter_members applies them."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.lists.filters import ListFilterSet

from . import selectors
from .forms import MemberFilterForm, RankingFilterForm
from .models import Meeting, MeetingKind, Member, Visit


class MemberFilterSet(ListFilterSet):
    """Search box `q` (name, pinyin, initials, employer, sector), party, sector, street working committee,
    special committee, standing committee, term and status."""

    class Meta:
        model = Member
        fields: list[str] = []
        form = MemberFilterForm

    def filter_queryset(self, queryset):
        return selectors.filter_members(queryset, self.form.filters())

    def as_dict(self) -> dict:
        return self.form.filters().as_dict() if self.is_bound and not self.invalid else {}


class RankingFilterSet(MemberFilterSet):
    """The ranking's filters: the member filters without term and status, and the grade (which the ranking
    query applies, not this queryset)."""

    class Meta(MemberFilterSet.Meta):
        form = RankingFilterForm


class VisitFilterSet(ListFilterSet):
    """Year of the visit and the visited member (name, pinyin or initials)."""

    year = django_filters.ChoiceFilter(field_name="date", lookup_expr="year", label=_("Year"),
                                       empty_label=_("All years"))
    q = django_filters.CharFilter(label=_("Member"), max_length=50, method="search_member",
                                  widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin or initials")}))

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in selectors.year_choices()]

    def search_member(self, queryset, name, value):
        return queryset.filter(member__in=selectors.member_search(Member.objects.all(), value))


class MeetingFilterSet(ListFilterSet):
    """Year and kind of the meeting (the dashboard's "standing-committee meetings" figure links here)."""

    year = django_filters.ChoiceFilter(field_name="date", lookup_expr="year", label=_("Year"),
                                       empty_label=_("All years"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices, empty_label=_("All kinds"))

    class Meta:
        model = Meeting
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in selectors.year_choices()]
