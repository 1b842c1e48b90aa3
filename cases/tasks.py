from celery import shared_task

from cases.services import case_arrival_notify_send


@shared_task(
    name="cases.tasks.case_arrival_notify",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def case_arrival_notify(case_id: str) -> bool:
    """Tell the receiving team a case has arrived. Sent once: a repeat finds it already sent."""
    return case_arrival_notify_send(case_id=case_id)
