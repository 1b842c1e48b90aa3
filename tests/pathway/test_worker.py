"""The family's copy, rendered and emailed by a real Celery worker on Redis through a real SMTP
server, and written to the sharing log once."""

import pytest

from consent.models import SharingRecord
from pathway.models import FamilyCopy, FamilyCopyStatus
from pathway.services import family_copy_request, version_sign_off, version_submit
from tests.pathway.test_services import _fill
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures
from tests.workers import wait_for_worker as _wait_for

pytestmark = pytest.mark.worker


def test_the_worker_emails_the_family_their_pdf_and_logs_the_sharing_once(
    celery_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
    fhlp_case,
    rugby_fhlp,
    team_manager,
    rugby_family,
):
    from pathway.services import assessment_start

    assessment = assessment_start(
        case=fhlp_case, kind="FHA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )
    version = _fill(assessment.versions.get(), rugby_fhlp, rugby_family["child"])
    version_submit(version=version, submitted_by=rugby_fhlp)
    version = version_sign_off(version=version, manager=team_manager)

    copy = family_copy_request(
        version=version,
        method="EMAIL",
        recipient_name="Claire Dawson",
        recipient_email="claire.dawson@example.org",
        by=rugby_fhlp,
    )

    def sent():
        return FamilyCopy.objects.filter(pk=copy.pk, status=FamilyCopyStatus.SENT).exists()

    _wait_for(sent, worker=celery_worker)
    messages = [m for m in smtp_sink.messages() if "claire.dawson@example.org" in m["raw"]]
    assert len(messages) == 1
    assert "application/pdf" in messages[0]["raw"]
    records = SharingRecord.objects.filter(source_type="pathway.familycopy", source_id=str(copy.pk))
    assert records.count() == 1
    assert "emailed to claire.dawson@example.org" in records.get().what
