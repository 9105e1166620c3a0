"""List filters on django-filter: one FilterSet per list instead of a filter dataclass plus a form.

`ListFilterSet` adds the house rules to django_filters.FilterSet:

- a query string that does not validate (a year of "abc", an unknown status, a unit that does not exist)
  filters nothing: the page shows the whole (scoped) list and `error_message` says, in Chinese, which filters
  were ignored — never a 500, never a half-applied filter;
- choice filters offer "All" as their empty choice;
- `as_dict()` gives the applied filters in a form fit for an audit row or an export job.

Filters declared here are rendered by templates/lists/_filter_field.html (no widget templates: lists stay fast).
"""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

from .lookups import read_choices_together

YES_NO = (("1", _("Yes")), ("0", _("No")))
EMPTY_CHOICE_LABEL = filter_settings.EMPTY_CHOICE_LABEL  # django-filter's "---------"
LATIN = re.compile(r"[A-Za-z]")


def has_case(text: str) -> bool:
    """Whether upper and lower case can tell two spellings of `text` apart (it holds Latin letters)."""
    return bool(LATIN.search(text))


def text_contains(value: str, *fields: str) -> Q:
    """Rows where one of `fields` contains `value`. Chinese text has no case: a plain LIKE, which a trigram index
    on the column answers (Django's caseless match is UPPER(column) LIKE UPPER(value), which no index answers and
    which upper-cases every row read); text with Latin letters is matched caselessly."""
    lookup = "icontains" if has_case(value) else "contains"
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": value})
    return condition


class TextFilter(django_filters.CharFilter):
    """A list's search box over one or more text columns (text_contains); by default the filter's own field."""

    def __init__(self, *args, fields: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)
        self.fields = fields

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.filter(text_contains(value, *(self.fields or (self.field_name,)))) if value else qs


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class YesNoFilter(django_filters.ChoiceFilter):
    """"All" / "Yes" / "No" in the query string as "", "1", "0": filters the boolean `field_name`, or calls
    the FilterSet's `method(qs, name, True or False)`."""

    def __init__(self, *args, method: str | None = None, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("empty_label", _("All"))
        self.yes_no_method = method
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        flag = value == "1"
        if self.yes_no_method:
            return getattr(self.parent, self.yes_no_method)(qs, self.field_name, flag)
        return qs.filter(**{self.field_name: flag})


class ListFilterSet(django_filters.FilterSet):
    """The base of every list's FilterSet (see the module docstring)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        for filter_ in self.filters.values():
            # django-filter's own empty label is "---------"; the lists say "All".
            # (ModelChoiceFilter fills in django-filter's label itself, so it is replaced, not defaulted.)
            if isinstance(filter_, (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)) and \
                    filter_.extra.get("empty_label", EMPTY_CHOICE_LABEL) == EMPTY_CHOICE_LABEL:
                filter_.extra["empty_label"] = _("All")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            read_choices_together(form)
            return form
        return self._form

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            qs = self.queryset.all()
            if self.is_bound and self.form.is_valid():
                qs = self.filter_queryset(qs)
            self._qs = qs
        return self._qs

    @property
    def invalid(self) -> bool:
        return self.is_bound and not self.form.is_valid()

    @property
    def error_message(self) -> str:
        """The Chinese notice shown above an unfiltered list when some filters did not validate ("" if none)."""
        if not self.invalid:
            return ""
        parts = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            parts.extend(f"{label}：{error}" if label else str(error) for error in errors)
        return gettext("Some filters were not understood and are ignored:") + " " + "；".join(parts)

    def as_dict(self) -> dict:
        """The applied filters (primary keys for objects), empty when the filters were ignored."""
        if not self.is_bound or self.invalid:
            return {}
        return {name: getattr(value, "pk", value) for name, value in self.form.cleaned_data.items()
                if value not in (None, "")}
