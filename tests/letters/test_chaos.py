"""Chaos: letter jobs while workers are SIGKILLed, Redis is restarted (losing every queued
message) and the SMTP server is stopped. Exactly one stored PDF and one accepted email per letter
must come out, with no duplicate, soon after the last fault.

CI runs the small default. ``make chaos-letters`` runs the issue's full size:
CHAOS_LETTERS=1000 CHAOS_KILLS=20 CHAOS_REDIS_RESTARTS=2 CHAOS_SMTP_OUTAGE_SECONDS=120.
"""

import json
import os
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from letters.models import EmailStatus, Letter, LetterEmail, LetterStatus
from letters.services import letter_job_create
from referrals.models import Consultation, ConsultationChild, Outcome
from tests.workers import (
    SmtpSink,
    _require_postgresql,
    beat,
    free_port,
    publishing_to,
    service_env,
    worker,
)

pytestmark = pytest.mark.worker

LETTERS = int(os.environ.get("CHAOS_LETTERS", 100))
KILLS = int(os.environ.get("CHAOS_KILLS", 3))
REDIS_RESTARTS = int(os.environ.get("CHAOS_REDIS_RESTARTS", 1))
SMTP_OUTAGE = float(os.environ.get("CHAOS_SMTP_OUTAGE_SECONDS", 8))
FAULT_WINDOW = float(os.environ.get("CHAOS_FAULT_WINDOW_SECONDS", 30))
RECOVERY_LIMIT = float(os.environ.get("CHAOS_RECOVERY_LIMIT_SECONDS", 600))
REPORT = Path(__file__).resolve().parents[2] / "test-results" / f"chaos-letters-{LETTERS}.json"


def _letter_jobs(decide, count: int) -> list:
    """One consultation decided through the services, then ``count - 1`` copies of it, each
    with its own letter job written and published the way a decision writes it."""
    template = decide(Outcome.ADVICE)
    link = template.children.get()
    letters = [template.letters.get()]
    batch = 100
    for start in range(1, count, batch):
        with transaction.atomic():
            for number in range(start, min(start + batch, count)):
                consultation = Consultation.objects.create(
                    **{
                        field.name: getattr(template, field.name)
                        for field in Consultation._meta.concrete_fields
                        if field.name not in {"id", "reference", "created_at", "updated_at"}
                    },
                    reference=f"FC-2099-{number:06d}",
                )
                ConsultationChild.objects.create(
                    consultation=consultation,
                    child_id=link.child_id,
                    outcome=link.outcome,
                    services_signposted=link.services_signposted,
                    decided_by_id=link.decided_by_id,
                    spectrum_decision_id=link.spectrum_decision_id,
                )
                letters.append(
                    letter_job_create(consultation=consultation, requested_by=template.practitioner)
                )
    return letters


def test_letters_survive_killed_workers_a_restarted_redis_and_a_stopped_mail_server(
    transactional_db, redis_server, tmp_path, decide
):
    _require_postgresql()
    sink = SmtpSink(free_port(), tmp_path / "sink.jsonl")
    sink.start()
    env = service_env(
        broker_url=redis_server.url,
        smtp_port=sink.port,
        LETTER_RETRY_BASE_SECONDS=max(2, int(SMTP_OUTAGE / 3)),
        LETTER_LEASE_SECONDS=10,
        LETTER_SWEEP_SECONDS=5,
        LETTER_SWEEP_GRACE_SECONDS=15,
        EMAIL_TIMEOUT_SECONDS=5,
    )
    workers = [worker(env, tmp_path / f"worker-{n}.log", name=f"w{n}") for n in (1, 2)]
    scheduler = beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule")
    for process in workers:
        process.start()
    scheduler.start(wait_ready=False)
    faults = []
    rng = random.Random(2026)

    def inject_faults():
        plan = [("kill", FAULT_WINDOW * (n + 0.5) / KILLS) for n in range(KILLS)]
        plan += [
            ("redis", FAULT_WINDOW * (n + 1) / (REDIS_RESTARTS + 1)) for n in range(REDIS_RESTARTS)
        ]
        plan += [("smtp-stop", FAULT_WINDOW * 0.2)]
        started = time.monotonic()
        smtp_back_at = None
        for kind, at in sorted(plan, key=lambda item: item[1]):
            time.sleep(max(0, started + at - time.monotonic()))
            if smtp_back_at and time.monotonic() >= smtp_back_at:
                sink.start()
                faults.append(("smtp-start", time.time()))
                smtp_back_at = None
            if kind == "kill":
                target = rng.choice(workers)
                children = target.pool_pids()
                if len(faults) % 4 == 3 or not children:
                    target.kill()  # the whole worker, then a new one, as a supervisor would
                    target.start()
                    faults.append(("kill-worker", time.time()))
                else:
                    os.kill(rng.choice(children), 9)
                    faults.append(("kill-pool-process", time.time()))
            elif kind == "redis":
                redis_server.restart()
                faults.append(("redis-restart", time.time()))
            else:
                sink.stop()
                faults.append(("smtp-stop", time.time()))
                smtp_back_at = time.monotonic() + SMTP_OUTAGE
        if smtp_back_at:
            time.sleep(max(0, smtp_back_at - time.monotonic()))
            sink.start()
            faults.append(("smtp-start", time.time()))

    try:
        with publishing_to(redis_server.url):
            chaos = threading.Thread(target=inject_faults)
            began = time.time()
            chaos.start()
            letters = _letter_jobs(decide, LETTERS)
            chaos.join()
            last_fault = max(at for _kind, at in faults)
            deadline = time.monotonic() + RECOVERY_LIMIT
            while time.monotonic() < deadline:
                sent = Letter.objects.filter(status=LetterStatus.SENT).count()
                if sent >= LETTERS:
                    break
                time.sleep(1)
            finished = time.time()
    finally:
        scheduler.stop()
        for process in workers:
            process.stop()
        sink.stop()

    # Letters carry their idempotency key; notices to the managers (an unconfirmed email) do not.
    messages = [message for message in sink.messages() if message["key"]]
    keys = Counter(message["key"] for message in messages)
    figures = {
        "letters": LETTERS,
        "faults": Counter(kind for kind, _at in faults),
        "pdfs_stored": Letter.objects.exclude(pdf_sha256="")
        .filter(rendered_at__isnull=False)
        .count(),
        "emails_accepted": len(messages),
        "manager_notices": len(sink.messages()) - len(messages),
        "distinct_idempotency_keys": len(keys),
        "duplicates": sum(count - 1 for count in keys.values()),
        "letters_sent": Letter.objects.filter(status=LetterStatus.SENT).count(),
        "letters_failed": Letter.objects.filter(status=LetterStatus.FAILED).count(),
        "receipt_unconfirmed": LetterEmail.objects.filter(
            status=EmailStatus.SENT, receipt_confirmed=False
        ).count(),
        "seconds_total": round(finished - began, 1),
        "seconds_after_last_fault": round(finished - last_fault, 1),
        "at": timezone.now().isoformat(),
    }
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    expected_keys = {email.idempotency_key for email in LetterEmail.objects.all()}
    assert len(letters) == LETTERS
    assert figures["pdfs_stored"] == LETTERS
    assert figures["duplicates"] == 0
    assert set(keys) == expected_keys and len(keys) == LETTERS
    assert figures["letters_sent"] == LETTERS
    assert figures["seconds_after_last_fault"] <= RECOVERY_LIMIT
