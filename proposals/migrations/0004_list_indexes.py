"""Indexes for the proposal lists' orders (unit urgency, officer numbering) and the statistics (DESIGN.md §11)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0003_reminders'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='proposal',
            name='prop_year_status_idx',
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(models.Case(models.When(status__in=('assigned', 'rehandling'), then=models.Value(0)), default=models.Value(1), output_field=models.IntegerField()), models.F('reply_due_on'), models.F('id'), name='prop_urgency_idx'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(condition=models.Q(('submitted_at__isnull', False)), fields=['-year', '-serial', '-submitted_at', '-id'], name='prop_officer_order_idx'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['year', 'status', 'category'], include=('lead_unit', 'replied_at', 'reply_due_on', 'is_key', 'is_excellent', 'submitted_at', 'serial', 'id', 'reply_round'), name='prop_year_status_idx'),
        ),
        migrations.AddIndex(
            model_name='rating',
            index=models.Index(condition=models.Q(('status', 'rated')), fields=['proposal', 'round'], include=('overall',), name='prop_rating_rated_idx'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('role', 'co'), ('superseded_at__isnull', True)), fields=['proposal', 'unit'], name='prop_assign_co_idx'),
        ),
    ]
