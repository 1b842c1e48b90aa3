"""The home authority's email, sent by a real Celery worker on Redis after the authorisation
commits: once, to the configured address."""

import time
from datetime import date

import pytest
from django.utils import timezone

from cases.models import Case
from people.models import Person, PersonAddress
from protection.models import HomeAuthorityNotice
from protection.tasks import home_authority_notify
from referrals.models import Outcome
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures

pytestmark = pytest.mark.worker


def _wait_for(condition, *, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out. Worker log:\n{worker.log.read_text()[-3000:]}")


def test_the_home_authority_of_a_child_found_here_is_told_once_by_the_worker(
    celery_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
    refer,
    postcodes,
):
    child = Person.objects.create(
        given_name="Kai", family_name="Brook", date_of_birth=date(2016, 5, 4)
    )
    PersonAddress.objects.create(
        person=child, postcode="CV1 2AA", postcode_outward="CV1", start_date=timezone.localdate()
    )
    link = refer(child, Outcome.IMMEDIATE_PROTECTION)
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
