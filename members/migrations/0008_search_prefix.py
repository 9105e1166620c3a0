"""Search text starts with the compact pinyin now (prefix searches); recompute it, and on PostgreSQL
add pattern indexes for prefix searches on it and on the initials (the database collation is not C,
so plain b-tree indexes cannot answer LIKE 'zh%')."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS members_member_search_prefix ON members_member (search_text varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS members_member_initials_prefix ON members_member (name_initials varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS members_member_initials_prefix",
    "DROP INDEX IF EXISTS members_member_search_prefix",
]


def recompute(apps, schema_editor):
    from members.pinyin import search_text

    Member = apps.get_model("members", "Member")
    batch = []
    for member in Member.objects.only("name", "name_pinyin", "name_initials", "employer").iterator(chunk_size=2000):
        member.search_text = search_text(name=member.name, pinyin=member.name_pinyin,
                                         initials=member.name_initials, employer=member.employer)
        batch.append(member)
        if len(batch) == 2000:
            Member.objects.bulk_update(batch, ["search_text"])
            batch = []
    Member.objects.bulk_update(batch, ["search_text"])


def indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("members", "0007_ledger_withdrawn_index")]
    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop),
        migrations.RunPython(indexes, drop_indexes),
    ]
