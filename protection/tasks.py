from celery import shared_task

from protection.services import home_authority_notify_send, protection_clock_sweep


@shared_task(
    name="protection.tasks.home_authority_notify",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def home_authority_notify(notice_id: int) -> bool:
    """Tell the child's home authority. Sent once: a repeat finds it already sent."""
    return home_authority_notify_send(notice_id=notice_id)


@shared_task(name="protection.tasks.protection_clock_sweep")
def protection_clock_sweep_task() -> dict:
    return protection_clock_sweep()
