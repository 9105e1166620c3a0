"""Template tags of the list toolkit, registered as the `lists` library (settings TEMPLATES "libraries").

`{% filter_control field %}` writes one filter of a list's filter panel (its label and its control) in Python.
Rendered by a template per field, with a loop over every option comparing its value with the current one, the
filter panel took about a quarter of a list page's server time (22 ms of the proposal officer's list with the
bench database); Django's widget templates, which render a template per option, took more."""

import html

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _escape(text) -> str:
    """Django's conditional_escape without its lazy-string wrapper (called twice per option)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


def _options(field, current: str) -> SafeString:
    """The <option> tags of a bound choice field (flat choices), the current value selected."""
    options = []
    for value, label in field.field.choices:
        value = str(value)
        selected = " selected" if value == current else ""
        options.append(f'<option value="{_escape(value)}"{selected}>{_escape(label)}</option>')
    return mark_safe("".join(options))


@register.simple_tag
def filter_control(field) -> str:
    """A filter's label and control: a select for choices, a number or date box, else a search box."""
    current = field.value()
    current = "" if current is None else str(current)
    widget = field.field.widget
    kind = getattr(widget, "input_type", "text")
    invalid = " is-invalid" if field.errors else ""
    label = format_html('<label class="form-label" for="{}">{}</label>\n', field.auto_id, field.label)
    if kind == "select":
        control = format_html('<select name="{}" id="{}" class="form-select form-select-sm{}">{}</select>',
                              field.html_name, field.auto_id, invalid, _options(field, current))
    elif kind in ("number", "date"):
        control = format_html('<input type="{}" name="{}" id="{}" value="{}" class="form-control form-control-sm{}"{}>',
                              kind, field.html_name, field.auto_id, current, invalid,
                              mark_safe(' inputmode="numeric"') if kind == "number" else "")
    else:
        placeholder = widget.attrs.get("placeholder")
        control = format_html('<input type="search" name="{}" id="{}" value="{}" '
                              'class="form-control form-control-sm{}" maxlength="{}"{}>',
                              field.html_name, field.auto_id, current, invalid,
                              getattr(field.field, "max_length", None) or 100,
                              format_html(' placeholder="{}"', placeholder) if placeholder else "")
    return label + control
