"""The short-gram index answering one- and two-character member searches ("张三", "张")
(zhongyuan_cppcc/search/models_registry.py): trigrams need three characters."""

from django.db import migrations

from zhongyuan_cppcc.search.models_registry import short_gram_index_operations


class Migration(migrations.Migration):
    dependencies = [("members", "0012_alter_memberyearscore_options")]
    operations = [migrations.RunPython(*short_gram_index_operations("members_member", "search_text", ""))]
