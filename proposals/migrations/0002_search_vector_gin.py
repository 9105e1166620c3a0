"""GIN indexes on the bigram tsvectors (PostgreSQL only; other databases use the Python fallback)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS prop_search_vector_gin ON proposals_proposal USING gin (search_vector)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS prop_title_vector_gin ON proposals_proposal USING gin (title_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS prop_search_vector_gin")
        schema_editor.execute("DROP INDEX IF EXISTS prop_title_vector_gin")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
