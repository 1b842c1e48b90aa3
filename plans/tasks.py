from celery import shared_task

from plans.services import (
    plan_reviews_overdue_warn,
    plan_sending_publish,
    plan_sending_work,
    plan_sendings_sweep,
)


@shared_task(
    bind=True, name="plans.tasks.plan_sending_run", acks_late=True, reject_on_worker_lost=True
)
def plan_sending_run(self, sending_id: str) -> str:
    """Render and send one copy of a plan. Takes only the id; safe to run twice (the copy is
    claimed by a conditional update). A transient failure is published again after a backoff,
    the letters pipeline's pattern (letters/tasks.py)."""
    result = plan_sending_work(sending_id=sending_id)
    if result.retry_in is not None:
        plan_sending_publish(sending_id, countdown=result.retry_in)
    return result.outcome


@shared_task(
    name="plans.tasks.plan_reviews_overdue_warn", acks_late=True, reject_on_worker_lost=True
)
def plan_reviews_overdue_warn_task() -> dict:
    """Celery beat runs this: each overdue review is told to the team's managers once, and
    copies of plans a worker stopped on are queued again."""
    return {"warned": plan_reviews_overdue_warn(), "requeued": plan_sendings_sweep()}
