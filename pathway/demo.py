"""Demo data for ``make run``: one Family Help Assessment in progress on a Rugby case, with a
few significant events and an agency, so the assessment pages have something to show."""

import uuid
from datetime import timedelta

from django.utils import timezone
from faker import Faker

from cases.models import Case, CaseStatus
from pathway.models import Assessment
from pathway.services import (
    agency_record,
    assessment_start,
    chronology_entry_record,
    version_draft_save,
)


def demo_assessments_ensure(*, seed: int = 2026) -> int:
    if Assessment.objects.exists():
        return 0
    case = (
        Case.objects.filter(team__slug="family-help-rugby", status=CaseStatus.ALLOCATED)
        .select_related("child", "allocated_to")
        .order_by("opened_at")
        .first()
    )
    if case is None:
        return 0
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    worker = case.allocated_to
    for days, source in [(400, "School"), (120, "Health visitor"), (20, "Parent")]:
        chronology_entry_record(
            case=case,
            occurred_on=timezone.localdate() - timedelta(days=days),
            what=fake.sentence(nb_words=10),
            source=source,
            impact=fake.sentence(nb_words=8),
            by=worker,
        )
    agency_record(
        case=case, name="School", role="Designated safeguarding lead", tie="STRONG", by=worker
    )
    assessment = assessment_start(case=case, kind="FHA", children=[case.child], started_by=worker)
    version = assessment.versions.get()
    version_draft_save(
        version=version,
        part="situation",
        revision=version.revision,
        values={"context_housing": "Renting a two-bedroom flat"},
        rows=[
            {
                "key": uuid.uuid4(),
                "topic": "NOW",
                "voice": "FAMILY",
                "nature": "OPINION",
                "person_id": None,
                "text": "Mornings have been hard since we moved",
            },
            {
                "key": uuid.uuid4(),
                "topic": "STRENGTH",
                "voice": "WORKER",
                "nature": "FACT",
                "person_id": case.child_id,
                "text": fake.sentence(nb_words=10),
            },
        ],
        saved_by=worker,
    )
    return 1
