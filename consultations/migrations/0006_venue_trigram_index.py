"""The session list's search box looks in the title and the venue (consultations/lists.py): a trigram index on the
venue too, so that PostgreSQL can answer the two conditions from two indexes instead of reading every session."""

from django.db import migrations

from zhongyuan_cppcc.search.models_registry import trigram_index_operations


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_search_short_grams")]
    operations = [migrations.RunPython(*trigram_index_operations("consultations_session", ["venue"]))]
