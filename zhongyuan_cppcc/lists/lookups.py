"""Small lookup tables read together: the choice lists of a form in one statement.

The member list's filter form offers parties, sectors, streets, committees and terms; the officer list's
bulk-assignment form offers the handling units twice (lead and co-handling). Read the way Django reads a
model choice list — a count, then the rows through a server-side cursor, each time the list is rendered —
that is two round trips per list on every render of the page. `read_choices_together(form)` reads every
model choice list of a form once, all of them in one statement (`fetch_together`: each list's rows as a JSON
array in a column of a single row, the same list asked twice read once), builds the same model instances the
querysets would have, and answers a submitted value from those rows instead of another query.

Only plain querysets are read this way (no joins, annotations or extra columns, and fields whose JSON form
converts back exactly); anything else is read on its own, once."""

import json
from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

# Field types whose value comes back from JSON through field.to_python() unchanged.
JSON_SAFE = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
             "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "CharField",
             "TextField", "SlugField", "EmailField", "URLField", "BooleanField", "DateField", "DateTimeField",
             "DecimalField", "UUIDField", "ForeignKey", "OneToOneField"}


def _plain(queryset: QuerySet) -> bool:
    query = queryset.query
    return (not queryset._prefetch_related_lookups and not query.select_related and not query.annotations
            and not query.extra and query.deferred_loading == (frozenset(), True) and not query.combinator
            and queryset._fields is None and queryset._iterable_class is ModelIterable
            and connections[queryset.db].vendor == "postgresql"
            and all(field.get_internal_type() in JSON_SAFE and not hasattr(field, "from_db_value")
                    for field in queryset.model._meta.concrete_fields))


def _instances(queryset: QuerySet, payload: str | None) -> list[Model]:
    model = queryset.model
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    rows = json.loads(payload, parse_float=Decimal) if payload else []
    return [model.from_db(queryset.db, names, [field.to_python(row[field.column]) for field in fields])
            for row in rows]


def fetch_together(querysets: Sequence[QuerySet]) -> list[list[Model]]:
    """The rows of each queryset, in its own order: the plain ones on the same database in one statement, the
    same statement asked twice read once, every other queryset on its own."""
    results: list[list[Model] | None] = [None] * len(querysets)
    statements: dict[str, dict[tuple, list[int]]] = {}  # database → (sql, params) → the querysets asking it
    for i, queryset in enumerate(querysets):
        if queryset._result_cache is not None:
            results[i] = list(queryset)
        elif queryset.query.is_empty():
            results[i] = []
        elif _plain(queryset):
            sql, params = queryset.query.get_compiler(queryset.db).as_sql()
            statements.setdefault(queryset.db, {}).setdefault((sql, tuple(params)), []).append(i)
    for alias, asked in statements.items():
        columns, params = [], []
        for sql, part_params in asked:
            # A subquery keeps its ORDER BY for the aggregate above it (PostgreSQL reads it in order).
            columns.append(f"(SELECT json_agg(t)::text FROM ({sql}) t)")
            params.extend(part_params)
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), params)
            payloads = cursor.fetchone()
        for askers, payload in zip(asked.values(), payloads, strict=True):
            for i in askers:
                results[i] = _instances(querysets[i], payload)
    return [rows if rows is not None else list(queryset) for queryset, rows in zip(querysets, results, strict=True)]


class ReadOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice list read once per form: Django's own iterator counts the rows and then reads them through
    a server-side cursor (two queries, and a cursor WITH HOLD) every time the list is rendered or measured."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in lookup_rows(self.field):
            yield self.choice(obj)

    def __len__(self):
        return len(lookup_rows(self.field)) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(len(lookup_rows(self.field)))


class LookupFields:
    """A form's model choice fields, read together the first time one of them lists its choices or checks a
    value."""

    def __init__(self, fields: list[forms.ModelChoiceField]):
        self.fields = fields
        self.read = False

    def load(self) -> None:
        if self.read:
            return
        self.read = True
        querysets = [field.queryset for field in self.fields]
        for queryset, rows in zip(querysets, fetch_together(querysets), strict=True):
            queryset._result_cache = rows
            queryset._prefetch_done = True


def lookup_rows(field: forms.ModelChoiceField) -> list:
    """The rows of a model choice field's queryset, read once (with its form's other lookups)."""
    together = getattr(field, "lookup_fields", None)
    if together is not None:
        together.load()
    return list(field.queryset)


def _choice_from_rows(field: forms.ModelChoiceField, value):
    """ModelChoiceField.to_python answered from the rows read for the choices instead of a query per value."""
    if value in field.empty_values:
        return None
    field.validate_no_null_characters(value)
    model = field.queryset.model
    target = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    if isinstance(value, model):
        value = getattr(value, target.attname)
    try:
        wanted = target.to_python(value)
    except (ValidationError, TypeError, ValueError):
        wanted = None
    if wanted is not None:
        for obj in lookup_rows(field):
            if getattr(obj, target.attname) == wanted:
                return obj
    raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")


def read_choices_together(form: forms.BaseForm, names: Sequence[str] | None = None) -> None:
    """The model choice lists of `form` (those named, by default all of them: only lists the page shows,
    since one read reads them all) read once, in one statement, when the form first needs one; a single
    choice is checked against those rows. Call once the fields' querysets are set."""
    fields = [field for name, field in form.fields.items() if isinstance(field, forms.ModelChoiceField)
              and (names is None or name in names)]
    together = LookupFields(fields)
    for field in fields:
        field.lookup_fields = together
        field.iterator = ReadOnceChoiceIterator
        field.widget.choices = field.choices
        if not isinstance(field, forms.ModelMultipleChoiceField):
            field.to_python = partial(_choice_from_rows, field)
