"""Starting and running a statutory return (docs/returns.md). Each run is a ``ReturnRun`` row;
the Celery task ``returns.tasks.return_run`` builds the file, validates it and stores both."""

import hashlib
import io
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts import rules
from returns.models import FINISHED, ReturnKind, ReturnRun, RunStatus


class ReturnError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def return_run_start(*, kind: str, period_start: date, period_end: date, by) -> ReturnRun:
    """Queue a run; the task starts once the row is committed. One run of a kind at a time."""
    if not rules.can_run_returns(by):
        raise ReturnError("Only team managers and auditors can run the statutory returns")
    if kind not in ReturnKind.values:
        raise ReturnError("Choose which return to make", field="kind")
    if period_end < period_start:
        raise ReturnError("The end of the period is before its start", field="period_end")
    running = (
        ReturnRun.objects.select_for_update().filter(kind=kind).exclude(status__in=FINISHED).first()
    )
    if running is not None:
        raise ReturnError(f"A {running.get_kind_display()} run is already under way")
    run = ReturnRun.objects.create(
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        started_by=by,
        created_at=timezone.now(),
        stage="Waiting to start",
    )
    from returns.tasks import return_run

    run_id = str(run.pk)
    transaction.on_commit(lambda: return_run.delay(run_id))
    return run


def _progress(run_id, stage: str, done: int, total: int) -> None:
    ReturnRun.objects.filter(pk=run_id).update(stage=stage, done=done, total=total)


def return_run_execute(run_id) -> ReturnRun | None:
    """Build, validate and store the run's file. Claims the run first: a run already started,
    finished or failed is left as it is (a repeated task does nothing)."""
    with transaction.atomic():
        run = ReturnRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.QUEUED:
            return None
        run.status, run.started_at, run.stage = RunStatus.RUNNING, timezone.now(), "Starting"
        run.save(update_fields=["status", "started_at", "stage"])
    try:
        if run.kind == ReturnKind.CIN_CENSUS:
            content, filename, content_type, counts, report = _cin(run)
        else:
            content, filename, content_type, counts, report = _annex_a(run)
    except Exception as error:  # recorded on the run for the user, then raised for the log
        ReturnRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            failure=f"{type(error).__name__}: {error}"[:2000],
            stage="Failed",
        )
        raise
    run.content = content
    run.filename, run.content_type = filename, content_type
    run.sha256, run.size = hashlib.sha256(content).hexdigest(), len(content)
    run.counts, run.report = counts, report
    run.status, run.finished_at, run.stage = RunStatus.DONE, timezone.now(), "Finished"
    run.done = run.total
    run.save()
    return run


def _cin(run: ReturnRun):
    from returns.census import census_bytes, rule_set_for, validate

    end_year = run.period_end.year
    serial = ReturnRun.objects.filter(kind=ReturnKind.CIN_CENSUS, status=RunStatus.DONE).count() + 1
    content, result = census_bytes(
        end_year=end_year,
        serial=serial,
        progress=lambda done, total: _progress(run.pk, "Writing the census file", done, total),
    )
    _progress(run.pk, "Checking it with the DfE's rules", 1, 1)
    report = validate(io.BytesIO(content), rule_set=_rule_set(rule_set_for(end_year)))
    # Where each child named in the report is put right (only those the rules named).
    named = {issue["child"] for issue in report["issues"]}
    report["children"] = {k: v for k, v in result.children.items() if k in named}
    name = f"CIN_census_{LEA_NAME}_{end_year - 1}-{end_year % 100:02d}.xml"
    return content, name, "application/xml", result.counts, report


LEA_NAME = "937"


def _rule_set(wanted: str) -> str:
    """The rule set for the year, or the newest the validator has."""
    import importlib.util

    if importlib.util.find_spec(f"cin_validator.rules.{wanted}"):
        return wanted
    return "cin2026_27"


def _annex_a(run: ReturnRun):
    from returns.annex_a import annex_a_bytes

    content, counts = annex_a_bytes(
        start=run.period_start,
        end=run.period_end,
        progress=lambda done, total: _progress(run.pk, "Writing the lists", done, total),
    )
    name = f"Annex_A_{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}.xlsx"
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return content, name, mime, counts, {}


def previous_run(run: ReturnRun) -> ReturnRun | None:
    return (
        ReturnRun.objects.filter(
            kind=run.kind, status=RunStatus.DONE, created_at__lt=run.created_at
        )
        .order_by("-created_at")
        .first()
    )


def count_check(run: ReturnRun) -> list[dict]:
    """The check before submission: each module's count against the previous finished run of the
    same kind, flagging any fall (docs/returns.md)."""
    before = previous_run(run)
    rows = []
    for name, now in (run.counts or {}).items():
        then = (before.counts or {}).get(name) if before else None
        change = None if then is None else now - then
        rows.append(
            {
                "name": name,
                "now": now,
                "then": then,
                "change": change,
                "dropped": change is not None and change < 0,
                "percent": round(100 * change / then) if then and change is not None else None,
            }
        )
    return rows
