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
    if update_fields is not None and source not in update_fields:
        return  # the title is not written (a status change, say): neither is its pinyin
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


# Trigrams need three characters: "学位" or "xw" gives the trigram index nothing to look up. The short-gram
# index answers those needles: every single character and character pair of the lower-cased title and every
# character pair of the pinyin column, as the lexemes of a text-search vector (space-separated, 'simple'
# configuration), in one GIN index on this (immutable) function of the two columns; its declared cost makes
# PostgreSQL test the cheap position condition first wherever it has to filter rows itself. A vector rather than an
# array: GIN answers a one-lexeme text query exactly, so the heap rows are not rechecked by recomputing the
# function (an array's containment is always rechecked: 3 s for "电梯" over 300,000 titles). The search pairs
# the gram with a position test on the column (short_needle_condition): the index narrows, the test decides.
SHORT_GRAMS_FUNCTION = "search_short_grams"
SHORT_GRAMS_SQL = f"""
CREATE OR REPLACE FUNCTION {SHORT_GRAMS_FUNCTION}(title text, pinyin text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
    SELECT to_tsvector('simple'::regconfig, coalesce(string_agg(gram, ' '), '')) FROM (
        SELECT DISTINCT substr(t.s, i, n) AS gram
        FROM (VALUES (lower(coalesce(title, '')), 1), (lower(coalesce(title, '')), 2),
                     (coalesce(pinyin, ''), 2)) AS t(s, n),
             generate_series(1, char_length(t.s) - t.n + 1) AS i
    ) AS grams
$$"""
SHORT = 2  # needles this short have no whole trigram


def short_gram_index_operations(table: str, text: str = "title", pinyin: str = "search_pinyin"):
    """RunPython forward/backward creating the short-gram GIN index (and its function) on PostgreSQL only.
    Without a pinyin column (`pinyin=""`) the text column's own grams are indexed."""
    second = pinyin or "''"

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(SHORT_GRAMS_SQL)
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_short_grams ON {table} "
                              f"USING gin ({SHORT_GRAMS_FUNCTION}({text}, {second}))")

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_short_grams")

    return forward, backward


def short_needle_condition(qs, needle: str, *, column: str, lower: bool = False, text: str = "title",
                           pinyin: str = "search_pinyin"):
    """(qs, condition) for rows whose `column` holds `needle` (one or two letters, digits or Chinese characters;
    `lower`: compared lower-cased), answered by the short-gram index; (qs, None) when that index cannot help (a
    longer needle, punctuation, or not PostgreSQL) and the caller keeps its LIKE.

    The text match is a plain position test, not LIKE: a LIKE would also offer the planner the trigram index,
    which for so short a needle returns every row and makes PostgreSQL recheck the whole vector condition row by
    row (3 s for "电梯" over 300,000 reports)."""
    from django.contrib.postgres.search import SearchQuery, SearchVectorField
    from django.db import connection
    from django.db.models import F, Func, Q, Value
    from django.db.models.functions import Lower, StrIndex

    gram = needle.lower()
    if connection.vendor != "postgresql" or not 0 < len(gram) <= SHORT or not gram.isalnum():
        return qs, None
    grams = Func(F(text), F(pinyin) if pinyin else Value(""), function=SHORT_GRAMS_FUNCTION,
                 output_field=SearchVectorField())
    at = StrIndex(Lower(column) if lower else F(column), Value(gram if lower else needle))
    qs = qs.alias(short_grams=grams, short_at=at)
    return qs, Q(short_grams=SearchQuery(gram, config="simple", search_type="plain"), short_at__gt=0)
