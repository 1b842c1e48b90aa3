"""A real Celery worker on a real Redis sends the plan's copies to a real SMTP sink, once."""

import pytest

from consent.models import SharingRecord
from plans.models import PlanSending, SendingStatus
from plans.services import plan_send, plan_sending_publish
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures
from tests.workers import wait_for_worker as _wait_for

pytestmark = pytest.mark.worker


def test_sending_the_plan_reaches_the_family_and_each_agency_once_through_the_worker(
    celery_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
    plan,
    rugby_fhlp,
    agencies,
):
    sendings = plan_send(
        plan=plan,
        by=rugby_fhlp,
        family_name="Claire Dawson",
        family_email="claire@example.com",
        agency_ids=[agencies["school"].pk, agencies["health"].pk],
    )
    ids = [s.pk for s in sendings]

    def plans_sent():
        return [m for m in smtp_sink.messages() if "X-Family-Connect-Plan-Sending" in m["raw"]]

    _wait_for(
        lambda: PlanSending.objects.filter(pk__in=ids, status=SendingStatus.SENT).count() == 3,
        worker=celery_worker,
    )
    plan_sending_publish(ids[0])  # a repeat, as a redelivered message would be
    _wait_for(
        lambda: celery_worker.log.read_text().count("plans.tasks.plan_sending_run") >= 8,
        worker=celery_worker,
    )  # four received and succeeded

    assert sorted(m["to"][0] for m in plans_sent()) == [
        "claire@example.com",
        "hv.rugby@nhs.example.net",
        "safeguarding@rugbyprimary.example.org",
    ]
    assert SharingRecord.objects.filter(source_type="plan-sending").count() == 3
