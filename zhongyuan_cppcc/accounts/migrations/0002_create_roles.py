"""Create one group per role of DESIGN.md §1."""

from django.db import migrations

ROLE_CODES = [
    "member", "correspondent", "handler", "proposal_officer", "opinion_officer",
    "consultation_officer", "member_officer", "leader", "sysadmin", "secadmin", "auditor",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        Group.objects.get_or_create(name=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
