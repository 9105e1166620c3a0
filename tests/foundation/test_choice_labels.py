"""Choice labels from a table built once per field (zhongyuan_cppcc/core/choice_labels.py) answer what Django's
own get_<field>_display answers, for every choice of every model field and for a value outside the choices."""

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from proposals.models import Proposal
from zhongyuan_cppcc.core import choice_labels


def choice_fields():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            if isinstance(field.choices, (list, tuple)) and field.choices:
                yield model, field


def test_every_fixed_choice_field_reads_its_table_and_answers_as_django_does():
    fields = list(choice_fields())
    assert len(fields) > 40, "the project's models have lost their choice fields?"
    checked = 0
    with translation.override("zh-hans"):
        for model, field in fields:
            getter = getattr(model, f"get_{field.name}_display")
            assert getter.__module__ == choice_labels.__name__, f"{model.__name__}.{field.name} keeps Django's"
            for value, _label in list(field.flatchoices) + [("no-such-value", None)]:
                obj = model()
                setattr(obj, field.attname, value)
                ours = getter(obj)
                django = Model._get_FIELD_display(obj, field)
                assert ours == django, (model.__name__, field.name, value, ours, django)
                assert isinstance(ours, type(django))
                checked += 1
    assert checked > 200


def test_the_label_is_translated_when_asked_not_when_built():
    proposal = Proposal(status="draft")
    with translation.override("zh-hans"):
        chinese = proposal.get_status_display()
    with translation.override("en"):
        english = proposal.get_status_display()
    assert chinese == "草稿" and english == "Draft"


def test_installing_twice_changes_nothing():
    assert choice_labels.install() == 0
