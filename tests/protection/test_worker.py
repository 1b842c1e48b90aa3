"""The home authority's email, sent by a real Celery worker on Redis after the authorisation
commits: once, to the configured address."""

import pytest

from cases.models import Case
from protection.models import HomeAuthorityNotice
from protection.tasks import home_authority_notify
from referrals.models import Outcome
from tests.cases.test_worker import _wait_for
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures

pytestmark = pytest.mark.worker


def test_the_home_authority_of_a_child_found_here_is_told_once_by_the_worker(
    celery_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
    refer,
    found_here,
):
    link = refer(found_here, Outcome.IMMEDIATE_PROTECTION)
    case = Case.objects.get(opened_by=link)
    notice = HomeAuthorityNotice.objects.get(case=case)

    def told():
        return [m for m in smtp_sink.messages() if "a child living in your area" in m["raw"]]

    _wait_for(told, worker=celery_worker)
    home_authority_notify.delay(notice.pk)  # a repeat, as a retried message would be
    _wait_for(
        lambda: celery_worker.log.read_text().count("protection.tasks.home_authority_notify") >= 4,
        worker=celery_worker,
    )

    sent = told()
    assert len(sent) == 1
    assert sent[0]["to"] == ["out-of-area.protection@warwickshire.gov.uk"]
    assert "E08000026" in sent[0]["raw"] and link.consultation.reference in sent[0]["raw"]
    notice.refresh_from_db()
    assert notice.notified_at is not None
