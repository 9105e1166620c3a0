"""Seed holidays and make-up working days for every year the chinese-calendar package knows."""

from django.db import migrations


def seed(apps, schema_editor):
    from zhongyuan_cppcc.calendar.seed import seed_from_chinese_calendar

    seed_from_chinese_calendar(apps.get_model("workcalendar", "SpecialDay"),
                               apps.get_model("workcalendar", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
