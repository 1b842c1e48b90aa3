"""The receiving team's email, sent by a real Celery worker on Redis: once per case."""

import pytest

from cases.models import Case
from cases.tasks import case_arrival_notify
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures
from tests.workers import wait_for_worker as _wait_for

pytestmark = pytest.mark.worker


def test_an_authorised_referral_emails_the_receiving_team_once_from_the_worker(
    celery_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
    refer,
    rugby_family,
):
    # Authorising commits, and the arrival task is published after the commit.
    link = refer(rugby_family["child"], mother=rugby_family["mother"])
    case = Case.objects.get(opened_by=link)

    def arrivals():
        return [m for m in smtp_sink.messages() if "New case for" in m["raw"]]

    _wait_for(arrivals, worker=celery_worker)
    case_arrival_notify.delay(str(case.pk))  # a repeat, as a retried message would be
    _wait_for(
        lambda: celery_worker.log.read_text().count("cases.tasks.case_arrival_notify") >= 4,
        worker=celery_worker,
    )  # received and succeeded, twice

    sent = arrivals()
    assert len(sent) == 1
    assert sent[0]["to"] == ["familyhelp.rugby@warwickshire.gov.uk"]
    assert link.consultation.reference in sent[0]["raw"]
    case.refresh_from_db()
    assert case.arrival_notified_at is not None
