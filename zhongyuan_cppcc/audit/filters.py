"""The audit log's filters: person, action (one action or every action of an area), object, outcome, dates."""

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.lists.filters import ListFilterSet

from .labels import APP_LABELS, action_choices
from .models import AuditEvent, Outcome

# The areas an action code starts with ("auth.login" → "auth"), offered as "all actions of …".
AREA_LABELS = {
    "auth": _("Login and logout"),
    "accounts": _("Accounts"),
    "audit": _("Audit log"),
    "calendar": _("Working-day calendar"),
    "core": _("Business parameters"),
    "exports": _("Exports"),
    "ops": _("Operations"),
    **APP_LABELS,
}
# Object types offered in the filter: the models of these apps.
OBJECT_APPS = ("accounts", "members", "proposals", "opinions", "consultations", "core", "calendar", "exports",
               "notifications")


def _action_choices():
    areas = [(area, _("All: %(area)s") % {"area": label}) for area, label in AREA_LABELS.items()]
    return [*areas, *action_choices()]


def _object_type_choices():
    choices = []
    for model in apps.get_models():
        if model._meta.app_label in OBJECT_APPS:
            choices.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return sorted(choices, key=lambda pair: pair[1])


class AuditFilterSet(ListFilterSet):
    person = django_filters.CharFilter(label=_("Person"), max_length=150, method="filter_person")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=(), method="filter_action")
    object_type = django_filters.ChoiceFilter(label=_("Object type"), field_name="object_type",
                                              choices=())
    object = django_filters.CharFilter(label=_("Object"), max_length=100, method="filter_object")
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), field_name="outcome", choices=Outcome.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices computed per request (labels in the request's language; workflows registered at start-up).
        self.filters["action"].extra["choices"] = _action_choices()
        self.filters["object_type"].extra["choices"] = _object_type_choices()
        form = self.form
        original_clean = form.clean

        def clean():
            cleaned = original_clean()
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if start and end and start > end:
                raise forms.ValidationError(_("The start date is after the end date."))
            return cleaned

        form.clean = clean

    def filter_person(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(actor_username__icontains=value) | Q(actor__full_name__icontains=value))

    def filter_action(self, qs, name, value):
        if "." in value:
            return qs.filter(action=value)
        return qs.filter(action__startswith=f"{value}.")

    def filter_object(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        match = Q(object_repr__icontains=value)
        if value.isdigit():
            match |= Q(object_id=value)
        return qs.filter(match)
