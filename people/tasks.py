from celery import shared_task

from people.services import restriction_review_remind


@shared_task(
    name="people.tasks.restriction_review_remind", acks_late=True, reject_on_worker_lost=True
)
def restriction_review_remind_task() -> int:
    """Celery beat runs this hourly: managers are told once about each restriction due for
    review. Safe to run twice."""
    return restriction_review_remind()
