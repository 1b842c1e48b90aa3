# Case now lives in the cases app (cases/migrations/0001_initial.py); its table is kept.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0001_initial'),
        ('referrals', '0002_child_routing_inputs'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Case')],
            database_operations=[],
        ),
    ]
