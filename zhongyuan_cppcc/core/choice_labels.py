"""Choice labels read from a per-field table instead of Django's rebuild on every call.

Django's `get_<field>_display()` builds a dict of the field's every choice (`make_hashable` over each) on each
call: about 0.12 ms for a status of thirteen choices, so a list page of 25 proposals spent 6 ms showing their
status and category. `install()` (CoreConfig.ready) gives every model field with fixed choices a
`get_<field>_display` that looks the value up in a table built once per field; a model's own
`get_<field>_display` is left alone, and so are choices given as a callable (read when the form is built).
The answer is Django's: the label of the value, translated now, else the value itself."""

from functools import partialmethod

from django.apps import apps
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(field):
    labels = dict(make_hashable(field.flatchoices))

    def get_display(self):
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field)
            label = labels.get(make_hashable(value), value)
        return force_str(label, strings_only=True)

    get_display.__name__ = f"get_{field.name}_display"
    get_display.__doc__ = f"The label of {field.name}'s value (zhongyuan_cppcc.core.choice_labels)."
    return get_display


def install() -> int:
    """Replace Django's get_<field>_display on every model field with fixed choices; returns how many."""
    installed = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            name = f"get_{field.name}_display"
            if isinstance(field.choices, (list, tuple)) and field.choices and \
                    isinstance(model.__dict__.get(name), partialmethod):
                setattr(model, name, _display(field))
                installed += 1
    return installed
