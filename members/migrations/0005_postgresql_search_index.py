"""PostgreSQL only: a trigram index for the member search box (ILIKE '%…%') and a covering index
for the annual score aggregation. Other databases (the embedded SQLite demo) skip both."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS members_member_search_trgm ON members_member "
    "USING gin (search_text gin_trgm_ops)",
    # The yearly score scans one year of live events and groups them by member and sub-kind; with
    # these columns in the index the scan never touches the table.
    "CREATE INDEX IF NOT EXISTS members_ledgerevent_live_year ON members_ledgerevent "
    "(date) INCLUDE (member_id, kind, subkind, points_override) WHERE withdrawn_at IS NULL",
]
BACKWARD = [
    "DROP INDEX IF EXISTS members_ledgerevent_live_year",
    "DROP INDEX IF EXISTS members_member_search_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_default_ledger_rules")]
    operations = [migrations.RunPython(forward, backward)]
