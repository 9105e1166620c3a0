"""The sequence the dashboard's panel cache is keyed on and the trigger function that advances it
(zhongyuan_cppcc/dashboard/cache.py); the per-table triggers are added after every migrate."""

from django.db import migrations

# Their names, as they were (0002 replaced them with one sequence per app).
FUNCTION = "dashboard_bump_data_version"
SEQUENCE = "dashboard_data_version"


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
