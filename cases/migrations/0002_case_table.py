from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0001_initial'),
        ('referrals', '0003_case_moves_to_cases'),
    ]

    operations = [
        migrations.AlterModelTable(name='case', table=None),
    ]
