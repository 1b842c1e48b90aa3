"""The statutory returns page (docs/returns.md): start a run, follow it, download its file and
the validation report. No request waits for a run: the run page has a "Check progress" link (no
JavaScript, and no timed refresh, which WCAG 2.2.1 and axe refuse) until the Celery task ends."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import rules
from audit.models import AccessAction
from audit.services import access_log_record, access_log_record_list
from returns.census import fix_link
from returns.forms import RunForm
from returns.models import ReturnKind, ReturnRun, RunStatus
from returns.services import ReturnError, count_check, previous_run, return_run_start

REPORT_PAGE_SIZE = 100


def _allowed(request):
    if not rules.can_run_returns(request.user):
        raise PermissionDenied


def _run(request, run_id) -> ReturnRun:
    _allowed(request)
    return get_object_or_404(ReturnRun.objects.defer("content"), pk=run_id)


@login_required
def index_view(request):
    _allowed(request)
    form = RunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        start, end = form.period()
        try:
            run = return_run_start(
                kind=form.cleaned_data["kind"], period_start=start, period_end=end, by=request.user
            )
        except ReturnError as error:
            form.add_error(error.field, str(error))
        else:
            access_log_record(
                request=request,
                action=AccessAction.EXPORT,
                record_type="return-run",
                record_id=run.pk,
                reason=f"Started: {run}",
            )
            messages.success(request, f"Started the {run.get_kind_display()}")
            return redirect("returns:run", run_id=run.pk)
    runs = ReturnRun.objects.defer("content", "report").select_related("started_by")[:20]
    return render(request, "returns/index.html", {"form": form, "runs": runs})


@login_required
def run_view(request, run_id):
    run = _run(request, run_id)
    report = run.report or {}
    return render(
        request,
        "returns/run.html",
        {
            "run": run,
            "check": count_check(run) if run.status == RunStatus.DONE else [],
            "previous": previous_run(run) if run.status == RunStatus.DONE else None,
            "summary": {k: v for k, v in report.items() if k not in {"issues", "children"}},
        },
    )


@login_required
def file_view(request, run_id):
    _allowed(request)
    run = get_object_or_404(ReturnRun, pk=run_id)
    if run.status != RunStatus.DONE:
        raise Http404("This run has no file yet")
    content = bytes(run.content)
    access_log_record(
        request=request,
        action=AccessAction.EXPORT,
        record_type="return-file",
        record_id=run.pk,
        reason=f"Downloaded {run.filename} (SHA-256 {run.sha256})",
    )
    response = HttpResponse(content, content_type=run.content_type)
    response["Content-Disposition"] = f'attachment; filename="{run.filename}"'
    response["X-Checksum-SHA256"] = run.sha256
    return response


def _issues(run: ReturnRun) -> list[dict]:
    if run.kind != ReturnKind.CIN_CENSUS or run.status != RunStatus.DONE:
        raise Http404("This run has no validation report")
    report = run.report or {}
    children = report.get("children", {})
    issues = []
    for issue in report.get("issues", []):
        child = children.get(issue.get("child") or "", {})
        issues.append({**issue, "person": child.get("person"), "link": fix_link(issue, children)})
    return issues


@login_required
def report_view(request, run_id):
    run = _run(request, run_id)
    issues = _issues(run)
    page = Paginator(issues, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    # One access-log row per child the page names (ADR 0003).
    access_log_record_list(
        request=request,
        record_type="return-report",
        record_id=run.pk,
        person_ids=[issue["person"] for issue in page.object_list if issue["person"]],
    )
    return render(
        request,
        "returns/report.html",
        {"run": run, "page": page, "issues": page.object_list, "report": run.report},
    )


@login_required
def report_csv_view(request, run_id):
    run = _run(request, run_id)
    issues = _issues(run)
    access_log_record(
        request=request,
        action=AccessAction.EXPORT,
        record_type="return-report",
        record_id=run.pk,
        reason=f"Downloaded the validation report of {run.filename}",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{run.filename}-report.csv"'
    writer = csv.writer(response)
    writer.writerow(["kind", "rule", "message", "LAchildID", "table", "field", "fix at"])
    for issue in issues:
        writer.writerow(
            [
                issue["kind"],
                issue["rule"],
                issue["message"],
                issue["child"] or "",
                issue["table"],
                issue["field"],
                request.build_absolute_uri(issue["link"]) if issue["link"] else "",
            ]
        )
    for issue in (run.report or {}).get("return_level", []):
        writer.writerow([issue["kind"], issue["rule"], issue["message"], "", "", "", ""])
    return response
