"""The short-gram indexes answering one- and two-character searches (zhongyuan_cppcc/search/models_registry.py)."""

from django.db import migrations

from zhongyuan_cppcc.search.models_registry import short_gram_index_operations


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_alter_outcomereminder_options")]
    operations = [migrations.RunPython(*short_gram_index_operations("consultations_session")),
                  migrations.RunPython(*short_gram_index_operations("consultations_topic"))]
