from celery import shared_task

from referrals.services import consultations_clock_sweep


@shared_task(
    name="referrals.tasks.consultation_clock_sweep", acks_late=True, reject_on_worker_lost=True
)
def consultation_clock_sweep() -> dict:
    """Celery beat runs this every five minutes; running it twice warns nobody twice."""
    return consultations_clock_sweep()
