"""One data version per counted app instead of one for the whole database (zhongyuan_cppcc/dashboard/cache.py):
the trigger function takes the sequence to advance as its argument. Dropping the old function drops the old
triggers with it; the sequences and the new triggers are added after every migrate (cache.install_triggers)."""

from django.db import migrations

FUNCTION = "data_version_advance"  # as zhongyuan_cppcc.dashboard.cache.FUNCTION names it
OLD_FUNCTION = "dashboard_bump_data_version"
OLD_SEQUENCE = "dashboard_data_version"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {OLD_FUNCTION}() CASCADE")
    schema_editor.execute(f"DROP SEQUENCE IF EXISTS {OLD_SEQUENCE}")
    schema_editor.execute(f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                          f"BEGIN PERFORM nextval(TG_ARGV[0]::regclass); RETURN NULL; END $$")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE")
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {OLD_SEQUENCE}")
    schema_editor.execute(f"CREATE OR REPLACE FUNCTION {OLD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                          f"BEGIN PERFORM nextval('{OLD_SEQUENCE}'); RETURN NULL; END $$")


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_data_version")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
