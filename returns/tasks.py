from celery import shared_task

from returns.services import return_run_execute


@shared_task(name="returns.tasks.return_run", acks_late=True)
def return_run(run_id: str) -> str:
    """Build one statutory return (docs/returns.md). Idempotent: a run already claimed is left."""
    run = return_run_execute(run_id)
    return run.sha256 if run else ""
