"""Mobile numbers stored like ID numbers (issue 13): encrypted, a keyed lookup hash, the masked form.

The three columns are added, every existing number is moved into them (encrypted with PERSONAL_DATA_KEY;
a database with numbers and no key cannot be migrated), then the plaintext column is dropped. Backwards,
the numbers are decrypted into a plaintext column again.
"""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from members.personal_data import normalize_mobile, protect_mobile

    Member = apps.get_model("members", "Member")
    batch = []
    for member in Member.objects.exclude(mobile="").only("pk", "mobile").iterator(chunk_size=500):
        for name, value in protect_mobile(normalize_mobile(member.mobile)).items():
            setattr(member, name, value)
        batch.append(member)
        if len(batch) >= 500:
            Member.objects.bulk_update(batch, ["mobile_encrypted", "mobile_hash", "mobile_masked"])
            batch = []
    if batch:
        Member.objects.bulk_update(batch, ["mobile_encrypted", "mobile_hash", "mobile_masked"])


def decrypt_existing(apps, schema_editor):
    from members.personal_data import reveal_mobile

    Member = apps.get_model("members", "Member")
    for member in Member.objects.exclude(mobile_encrypted="").only("pk", "mobile_encrypted").iterator(chunk_size=500):
        Member.objects.filter(pk=member.pk).update(mobile=reveal_mobile(member.mobile_encrypted))


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0009_personal_data_clearance"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="mobile_encrypted",
            field=models.TextField(blank=True, editable=False, verbose_name="mobile number (encrypted)"),
        ),
        migrations.AddField(
            model_name="member",
            name="mobile_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="member",
            name="mobile_masked",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="mobile number"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.RemoveField(
            model_name="member",
            name="mobile",
        ),
    ]
