"""The sequence the dashboard's panel cache is keyed on and the trigger function that advances it
(zhongyuan_cppcc/dashboard/cache.py); the per-table triggers are added after every migrate."""

from django.db import migrations

from zhongyuan_cppcc.dashboard.cache import FUNCTION, SEQUENCE


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
    schema_editor.execute(f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                          f"BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE")
    schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(forward, backward, elidable=False)]
