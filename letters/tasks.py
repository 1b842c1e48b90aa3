from celery import shared_task

from letters.services import letter_job_publish, letter_job_work, letters_sweep


@shared_task(
    bind=True, name="letters.tasks.letter_job_run", acks_late=True, reject_on_worker_lost=True
)
def letter_job_run(self, letter_id: str) -> str:
    """Render, store and deliver one letter. Takes only the id; safe to run twice. A transient
    failure (the mail server down) is retried by publishing the id again after a backoff."""
    result = letter_job_work(letter_id=letter_id)
    # Run in-process (no broker), a letter held by another process is left to the sweeper.
    busy_in_process = result.outcome == "busy" and self.request.is_eager
    if result.retry_in is not None and not busy_in_process:
        letter_job_publish(letter_id, countdown=result.retry_in)
    return result.outcome


@shared_task(name="letters.tasks.letters_sweep", acks_late=True, reject_on_worker_lost=True)
def letters_sweep_task() -> dict:
    """Celery beat runs this: it republishes letters whose message was lost."""
    return letters_sweep()
