"""The short-gram index answering one- and two-character searches (zhongyuan_cppcc/search/models_registry.py)."""

from django.db import migrations

from zhongyuan_cppcc.search.models_registry import short_gram_index_operations


class Migration(migrations.Migration):
    dependencies = [("opinions", "0005_alter_bulletincounter_options_and_more")]
    operations = [migrations.RunPython(*short_gram_index_operations("opinions_opinionreport"))]
