from django.db import migrations

from audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial"), ("audit", "0002_access_log_append_only_trigger")]

    operations = [append_only("consent_sharingrecord")]
