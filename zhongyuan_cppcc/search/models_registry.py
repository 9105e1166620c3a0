"""Which model fields feed the pinyin column, kept up to date on every save."""

from django.db.models.signals import post_save, pre_save

from .pinyin import text_pinyin

PINYIN_FIELD = "search_pinyin"
# "app_label.Model": the text field the pinyin is taken from.
SOURCES = {
    "proposals.Proposal": "title",
    "opinions.OpinionReport": "title",
    "consultations.Session": "title",
    "consultations.Topic": "title",
}


def _fill(sender, instance, update_fields=None, **kwargs):
    source = SOURCES[sender._meta.label]
    instance.search_pinyin = text_pinyin(getattr(instance, source))


def _write_partial(sender, instance, update_fields=None, **kwargs):
    """A save limited to some fields that changed the title: write the new pinyin too."""
    source = SOURCES[sender._meta.label]
    if update_fields is not None and source in update_fields and PINYIN_FIELD not in update_fields:
        sender._default_manager.filter(pk=instance.pk).update(search_pinyin=instance.search_pinyin)


def connect() -> None:
    from django.apps import apps

    for label in SOURCES:
        model = apps.get_model(label)
        pre_save.connect(_fill, sender=model, dispatch_uid=f"search-pinyin-fill-{label}")
        post_save.connect(_write_partial, sender=model, dispatch_uid=f"search-pinyin-partial-{label}")


def fill_existing(model, source: str, batch: int = 2000) -> None:
    """Data migrations: compute the column for every existing row."""
    rows = []
    for obj in model.objects.only("pk", source).iterator(chunk_size=batch):
        obj.search_pinyin = text_pinyin(getattr(obj, source))
        rows.append(obj)
        if len(rows) >= batch:
            model.objects.bulk_update(rows, ["search_pinyin"])
            rows = []
    if rows:
        model.objects.bulk_update(rows, ["search_pinyin"])


def trigram_index_operations(table: str, columns: list[str]):
    """RunPython forward/backward creating trigram GIN indexes on PostgreSQL only."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in columns:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                                  f"USING gin ({column} gin_trgm_ops)")

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")

    return forward, backward
