"""The authorisation queue's order in one index: each outcome keeps a copy of its consultation's
decision due time (docs/load-test.md). Existing rows take it from their consultation."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_due_times(apps, schema_editor):
    Consultation = apps.get_model("referrals", "Consultation")
    ConsultationChild = apps.get_model("referrals", "ConsultationChild")
    ConsultationChild.objects.update(
        decision_due_at=Subquery(
            Consultation.objects.filter(pk=OuterRef("consultation_id")).values("decision_due_at")[
                :1
            ]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_consultation_reference_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultationchild",
            name="decision_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_due_times, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="consultationchild",
            index=models.Index(
                fields=["authorisation", "-urgent", "decision_due_at", "id"],
                name="consultation_child_queue",
            ),
        ),
    ]
