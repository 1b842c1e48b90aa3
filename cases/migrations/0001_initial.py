# The Case model moves from referrals to cases without touching its data: this migration only
# tells Django's state that the table referrals_case now belongs to this app (docs/cases.md).
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('locality', '0002_postcodes_and_routing'),
        ('people', '0004_person_expected_dob_index'),
        ('referrals', '0002_child_routing_inputs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Case',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('status', models.CharField(choices=[('UNALLOCATED', 'Unallocated'), ('ALLOCATED', 'Allocated'), ('CLOSED', 'Closed')], default='UNALLOCATED', max_length=12)),
                        ('urgent', models.BooleanField(default=False)),
                        ('referral_date', models.DateField()),
                        ('assessment_due_date', models.DateField()),
                        ('opened_at', models.DateTimeField()),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('allocated_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to=settings.AUTH_USER_MODEL)),
                        ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='people.person')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='locality.team')),
                        ('opened_by', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='case', to='referrals.consultationchild')),
                    ],
                    options={
                        'ordering': ['-urgent', 'assessment_due_date'],
                        'db_table': 'referrals_case',
                        'constraints': [
                            models.UniqueConstraint(condition=models.Q(('status', 'CLOSED'), _negated=True), fields=('child', 'team'), name='case_one_open_per_child_per_team'),
                            models.CheckConstraint(condition=models.Q(models.Q(('status', 'CLOSED'), _negated=True), ('closed_at__isnull', False), _connector='OR'), name='case_closed_has_closed_at'),
                            models.CheckConstraint(condition=models.Q(models.Q(('status', 'ALLOCATED'), _negated=True), ('allocated_to__isnull', False), _connector='OR'), name='case_allocated_has_worker'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
