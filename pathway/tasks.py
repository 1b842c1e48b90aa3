"""Background work for assessments: the family's PDF copy, and the managers' due-date warning.

Tasks take only ids, are safe to run twice (``pathway.services`` checks each record's state
under a row lock), and are published after the transaction commits.
"""

from celery import shared_task

from pathway.services import assessments_due_warning_send, family_copy_publish, family_copy_work


@shared_task(
    bind=True, name="pathway.tasks.family_copy_run", acks_late=True, reject_on_worker_lost=True
)
def family_copy_run(self, copy_id: str) -> str:
    """Render the family's copy and deliver it; a mail server that is down is tried again."""
    retry_in = family_copy_work(copy_id=copy_id)
    if retry_in is not None and not self.request.is_eager:
        family_copy_publish(copy_id, countdown=retry_in)
        return "retry"
    return "done"


@shared_task(name="pathway.tasks.assessments_due_warn", acks_late=True, reject_on_worker_lost=True)
def assessments_due_warn() -> int:
    """Celery beat runs this hourly: warn managers, once, of assessments about to be overdue."""
    return assessments_due_warning_send()
