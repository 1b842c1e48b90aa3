"""Benchmark: feedback letters (run by ``make bench`` through pytest, for its fixtures).

    DATABASE_URL=postgres://.../fc_bench .venv/bin/python -m pytest bench/letters_delivery.py -s

1. Render time per letter, p50/p95 (goal p95 <= 300 ms), against WeasyPrint rendering the same
   HTML directly (goal: ratio <= 1.15).
2. Letters per second with two worker processes (goal >= 8), real Redis and SMTP sink.
3. Decision to accepted email, p50/p95 (goal p95 <= 5 s), one decision at a time.
Writes bench/results/letters.json.
"""

import json
import platform
import statistics
import time
from pathlib import Path

import pytest
from django.db import transaction

from letters.models import Letter, LetterStatus
from letters.pdf import html_to_pdf, letter_html, letter_render
from letters.services import letter_job_create
from referrals.models import Outcome
from tests.letters.conftest import *  # noqa: F403 - the decide fixture and its dependencies
from tests.letters.test_chaos import _letter_jobs
from tests.workers import (
    RedisServer,
    SmtpSink,
    _require_postgresql,
    free_port,
    publishing_to,
    service_env,
    worker,
)

RESULTS = Path(__file__).resolve().parent / "results" / "letters.json"
RENDERS = 150
THROUGHPUT_LETTERS = 200
LATENCY_SAMPLES = 30


def _pct(samples, fraction):
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)


def _wait(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.worker
def test_letters_benchmark(transactional_db, decide, tmp_path):
    _require_postgresql()
    consultation = decide(Outcome.FAMILY_HELP_ASSESSMENT)
    letter = consultation.letters.get()
    html, _title = letter_html(letter=letter)
    html_to_pdf(html)  # warm fonts
    ours, direct = [], []

    def timed(render, into):
        started = time.perf_counter()
        render()
        into.append((time.perf_counter() - started) * 1000)

    for number in range(RENDERS):
        # Alternate which goes first, so neither always runs on caches the other just warmed.
        pair = [
            (lambda: letter_render(letter=letter), ours),
            (lambda: html_to_pdf(html), direct),
        ]
        for render, into in pair if number % 2 == 0 else reversed(pair):
            timed(render, into)

    redis = RedisServer(free_port(6392))
    redis.start()
    sink = SmtpSink(free_port(), tmp_path / "sink.jsonl")
    sink.start()
    env = service_env(broker_url=redis.url, smtp_port=sink.port, LOG_LEVEL="WARNING")
    workers = [worker(env, tmp_path / f"w{n}.log", name=f"bench{n}") for n in (1, 2)]
    try:
        for process in workers:
            process.start()
        with publishing_to(redis.url):
            # Throughput: jobs written first, then published together (as after an outage).
            with transaction.atomic():
                jobs = _letter_jobs(decide, THROUGHPUT_LETTERS)
            started = time.monotonic()
            assert _wait(
                lambda: (
                    Letter.objects.filter(status=LetterStatus.SENT).count() >= THROUGHPUT_LETTERS
                ),
                300,
            )
            elapsed = time.monotonic() - started
            # Latency: one decision at a time, from its commit to the sink's acceptance.
            latencies = []
            for _ in range(LATENCY_SAMPLES):
                decided = time.time()
                with transaction.atomic():
                    new = letter_job_create(
                        consultation=jobs[0].consultation,
                        requested_by=jobs[0].requested_by,
                        reason="Benchmark",
                    )
                key = f"{new.pk}/{new.version}/1"
                assert _wait(lambda key=key: any(m["key"] == key for m in sink.messages()[-3:]), 30)
                accepted = next(m["at"] for m in sink.messages() if m["key"] == key)
                latencies.append((accepted - decided) * 1000)
    finally:
        for process in workers:
            process.stop()
        sink.stop()
        redis.stop()

    results = {
        "render_ms": {"p50": _pct(ours, 0.5), "p95": _pct(ours, 0.95), "samples": RENDERS},
        "weasyprint_direct_ms": {"p50": _pct(direct, 0.5), "p95": _pct(direct, 0.95)},
        "render_ratio_to_direct": {
            "p50": round(statistics.median(ours) / statistics.median(direct), 3),
            "p95": round(_pct(ours, 0.95) / _pct(direct, 0.95), 3),
        },
        "throughput_two_workers": {
            "letters": THROUGHPUT_LETTERS,
            "seconds": round(elapsed, 1),
            "letters_per_second": round(THROUGHPUT_LETTERS / elapsed, 2),
        },
        "decision_to_accepted_email_ms": {
            "p50": _pct(latencies, 0.5),
            "p95": _pct(latencies, 0.95),
            "samples": LATENCY_SAMPLES,
        },
        "goals": {
            "render_p95_ms": 300,
            "ratio": 1.15,
            "letters_per_second": 8,
            "decision_to_email_p95_ms": 5000,
        },
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
