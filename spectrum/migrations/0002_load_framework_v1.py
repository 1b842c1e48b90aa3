"""Load version 1 of the Spectrum of Support so that every database holds a published framework."""

from django.db import migrations


def load_framework_v1(apps, schema_editor):
    from spectrum.services import framework_v1_ensure

    framework_v1_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("spectrum", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_framework_v1, migrations.RunPython.noop),
    ]
