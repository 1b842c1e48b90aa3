"""The managers' dashboards (docs/dashboards.md).

Figures come from ``dashboards.selectors`` (aggregates that name no child); the lists that name a
child (overdue work) log one access-log row per child shown; the dip-sample review reads the
consultation through the front door's one door (``referrals.selectors.consultation_get_for_user``),
which logs the read; re-allocation goes through ``cases.services.case_allocate``.
"""

import csv
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from audit.services import access_log_record_list
from cases import views as cases_views
from cases.models import Case
from cases.selectors import team_members_who_can_hold, teams_managed_by
from dashboards.charts import chart_css, chart_svg
from dashboards.forms import DipDrawForm, DipReviewForm, FilterForm
from dashboards.models import DipReview, DipSample
from dashboards.overdue import overdue_provider
from dashboards.selectors import (
    DIP_FIGURES,
    FRONT_DOOR_FIGURES,
    Filters,
    caseload_figure,
    front_door_figures,
    team_assessment_timeliness,
    team_caseload_summary,
)
from dashboards.services import DashboardError, dip_review_record, dip_sample_draw, last_month
from people.restriction import people_hidden_from
from referrals.selectors import consultation_get_for_user
from spectrum.models import LevelCode

OVERDUE_PAGE_SIZE = 50
SAMPLES_PAGE_SIZE = 20


def chart_css_view(request):
    response = HttpResponse(chart_css(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _managed_team(request, slug):
    """A team the user manages; any other is "not found"."""
    if not rules.can_view_caseload_dashboard(request.user):
        raise PermissionDenied
    team = teams_managed_by(user=request.user).filter(slug=slug).first()
    if team is None:
        raise Http404("No team found")
    return team


def _figure_context(figure, *, csv_url: str) -> dict:
    return {
        "figure": figure,
        "svg": chart_svg(figure, chart_id=f"chart-{figure.key}"),
        "csv_url": csv_url,
    }


def _csv(figure, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(figure.columns)
    for row in figure.rows:
        writer.writerow(
            [
                "" if value is None else value.isoformat() if isinstance(value, date) else value
                for value in row
            ]
        )
    return response


def _query(request) -> str:
    return request.GET.urlencode()


@login_required
def index_view(request):
    """Where each manager's dashboards start."""
    user = request.user
    teams = list(teams_managed_by(user=user)) if rules.can_view_caseload_dashboard(user) else []
    front_door = rules.can_view_front_door_dashboard(user)
    if not teams and not front_door:
        raise PermissionDenied
    if len(teams) == 1 and not front_door:
        return redirect("dashboards:caseload", slug=teams[0].slug)
    return render(
        request,
        "dashboards/index.html",
        {"teams": teams, "front_door": front_door, "dip": rules.can_dip_sample(user)},
    )


# Team caseloads -----------------------------------------------------------------------------


@login_required
def caseload_view(request, slug):
    team = _managed_team(request, slug)
    caseload = team_caseload_summary(team=team)
    figure = caseload_figure(caseload)
    return render(
        request,
        "dashboards/caseload.html",
        {
            "team": team,
            "caseload": caseload,
            **_figure_context(figure, csv_url=reverse("dashboards:caseload-csv", args=[slug])),
        },
    )


@login_required
def caseload_csv_view(request, slug):
    team = _managed_team(request, slug)
    figure = caseload_figure(team_caseload_summary(team=team))
    return _csv(figure, f"caseload-{team.slug}-{timezone.localdate():%Y-%m-%d}")


def _timeliness(request, team):
    form = FilterForm(request.GET or None, with_team=False, default_months=6)
    filters = form.filters()
    return form, filters, team_assessment_timeliness(team=team, filters=filters)


@login_required
def timeliness_view(request, slug):
    team = _managed_team(request, slug)
    form, filters, figure = _timeliness(request, team)
    csv_url = reverse("dashboards:timeliness-csv", args=[slug]) + (
        f"?{_query(request)}" if request.GET else ""
    )
    return render(
        request,
        "dashboards/timeliness.html",
        {
            "team": team,
            "form": form,
            "filters": filters,
            **_figure_context(figure, csv_url=csv_url),
        },
    )


@login_required
def timeliness_csv_view(request, slug):
    team = _managed_team(request, slug)
    _form, filters, figure = _timeliness(request, team)
    return _csv(figure, f"assessment-timeliness-{team.slug}-{filters.start}-to-{filters.end}")


@login_required
def overdue_view(request, slug, kind):
    """One kind of overdue work in the team, soonest due first, each linking to where the work
    is done: a page at a time, one access-log row per child shown."""
    team = _managed_team(request, slug)
    provider = overdue_provider(kind)
    if provider is None:
        raise Http404("No such kind of work")
    today = timezone.localdate()
    items = provider.items(team, today).exclude(child_id__in=people_hidden_from(user=request.user))
    worker = request.GET.get("worker", "")
    worker_filter = None
    if worker == "nobody":
        items, worker_filter = items.filter(worker_id__isnull=True), "nobody"
    elif worker.isdigit():
        items = items.filter(worker_id=int(worker))
        worker_filter = next(
            (m for m in team_members_who_can_hold(team=team) if m.pk == int(worker)), None
        )
    page = Paginator(items, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "item": item,
            "link": provider.link(item),
            "case_id": provider.case_id(item),
            "due": item.due.date() if hasattr(item.due, "date") else item.due,
        }
        for item in page.object_list
    ]
    access_log_record_list(
        request=request,
        record_type=f"overdue-{provider.key}",
        person_ids=[row["item"].child_id for row in rows if row["item"].child_id],
    )
    return render(
        request,
        "dashboards/overdue.html",
        {
            "team": team,
            "provider": provider,
            "page": page,
            "rows": rows,
            "worker_filter": worker_filter,
            "today": today,
        },
    )


@login_required
def reallocate_view(request, case_id):
    """Re-allocate a case from the dashboard: the cases app's own allocation page and service
    (``cases.services.case_allocate``, which checks the case's state), coming back to the
    team's caseload once done."""
    if not rules.can_view_caseload_dashboard(request.user):
        raise PermissionDenied
    response = cases_views.allocate_view(request, case_id)
    if request.method == "POST" and response.status_code == 302:
        slug = Case.objects.filter(pk=case_id).values_list("team__slug", flat=True).get()
        return redirect("dashboards:caseload", slug=slug)
    return response


# The front door -----------------------------------------------------------------------------


def _require_front_door_manager(user):
    if not rules.can_view_front_door_dashboard(user):
        raise PermissionDenied


@login_required
def front_door_view(request):
    _require_front_door_manager(request.user)
    form = FilterForm(request.GET or None)
    filters = form.filters()
    query = f"?{_query(request)}" if request.GET else ""
    figures = [
        _figure_context(figure, csv_url=reverse("dashboards:front-door-csv", args=[key]) + query)
        for key, figure in front_door_figures(filters).items()
    ]
    return render(
        request,
        "dashboards/front_door.html",
        {"form": form, "filters": filters, "figures": figures},
    )


@login_required
def front_door_csv_view(request, figure):
    _require_front_door_manager(request.user)
    selector = FRONT_DOOR_FIGURES.get(figure)
    if selector is None:
        raise Http404("No such figure")
    filters = FilterForm(request.GET or None).filters()
    return _csv(selector(filters), f"front-door-{figure}-{filters.start}-to-{filters.end}")


# Dip sampling -------------------------------------------------------------------------------


def _require_dip(user):
    if not rules.can_dip_sample(user):
        raise PermissionDenied


@login_required
def dip_samples_view(request):
    _require_dip(request.user)
    samples = (
        DipSample.objects.select_related("drawn_by")
        .order_by("-drawn_at", "-id")
        .annotate(
            size=Count("reviews"),
            done=Count("reviews", filter=Q(reviews__reviewed_at__isnull=False)),
        )
    )
    page = Paginator(samples, SAMPLES_PAGE_SIZE).get_page(request.GET.get("page"))
    start, end = last_month()
    return render(
        request,
        "dashboards/dip_samples.html",
        {"page": page, "samples": page.object_list, "form": DipDrawForm(), "last_month": start},
    )


@login_required
def dip_sample_new_view(request):
    _require_dip(request.user)
    form = DipDrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            drawn = dip_sample_draw(
                manager=request.user, per_outcome=form.cleaned_data["per_outcome"]
            )
        except DashboardError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Drew {sum(drawn.by_outcome.values())} decisions to review")
            return redirect("dashboards:dip-sample", sample_id=drawn.sample.pk)
    start, _end = last_month()
    return render(request, "dashboards/dip_sample_new.html", {"form": form, "last_month": start})


def _sample(request, sample_id) -> DipSample:
    _require_dip(request.user)
    return get_object_or_404(DipSample.objects.select_related("drawn_by"), pk=sample_id)


@login_required
def dip_sample_view(request, sample_id):
    """The sampled decisions, by outcome: references and who decided, no child named."""
    sample = _sample(request, sample_id)
    reviews = list(
        sample.reviews.select_related("decision__consultation", "practitioner", "reviewed_by")
    )
    return render(
        request,
        "dashboards/dip_sample.html",
        {
            "sample": sample,
            "reviews": reviews,
            "mine": sample.drawn_by_id == request.user.pk,
            "done": sum(1 for r in reviews if r.reviewed_at),
            "levels": dict(LevelCode.choices),
        },
    )


@login_required
def dip_review_view(request, sample_id, review_id):
    sample = _sample(request, sample_id)
    review = get_object_or_404(
        DipReview.objects.select_related("practitioner", "reviewed_by"), pk=review_id, sample=sample
    )
    link_id = review.decision_id
    decision = review.decision.__class__.objects.select_related(
        "spectrum_decision", "team", "decided_by", "authorised_by"
    ).get(pk=link_id)
    # The one door: a consultation hidden from the reviewer is "not found"; the read is logged.
    consultation = consultation_get_for_user(
        request=request, consultation_id=decision.consultation_id, reason="Dip sample review"
    )
    form = DipReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            dip_review_record(review=review, reviewer=request.user, **form.cleaned_data)
        except DashboardError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Saved your review of {consultation.reference}")
            return redirect(_next_review(sample, review))
    return render(
        request,
        "dashboards/dip_review.html",
        {
            "sample": sample,
            "review": review,
            "decision": decision,
            "consultation": consultation,
            "child": next(link.child for link in consultation.loaded_links if link.pk == link_id),
            "form": form,
            "can_review": review.reviewed_at is None and sample.drawn_by_id == request.user.pk,
            "levels": dict(LevelCode.choices),
        },
    )


def _next_review(sample, review) -> str:
    waiting = sample.reviews.filter(reviewed_at__isnull=True).exclude(pk=review.pk).first()
    if waiting:
        return reverse("dashboards:dip-review", args=[sample.pk, waiting.pk])
    return reverse("dashboards:dip-sample", args=[sample.pk])


def _dip_results(request):
    form = FilterForm(request.GET or None, with_team=False, default_months=12)
    filters: Filters = form.filters()
    return (
        form,
        filters,
        {
            key: selector(start=filters.start, end=filters.end)
            for key, selector in DIP_FIGURES.items()
        },
    )


@login_required
def dip_results_view(request):
    _require_dip(request.user)
    form, filters, figures = _dip_results(request)
    query = f"?{_query(request)}" if request.GET else ""
    return render(
        request,
        "dashboards/dip_results.html",
        {
            "form": form,
            "filters": filters,
            "figures": [
                _figure_context(f, csv_url=reverse("dashboards:dip-results-csv", args=[k]) + query)
                for k, f in figures.items()
            ],
        },
    )


@login_required
def dip_results_csv_view(request, figure):
    _require_dip(request.user)
    if figure not in DIP_FIGURES:
        raise Http404("No such figure")
    _form, filters, figures = _dip_results(request)
    return _csv(figures[figure], f"dip-sample-{figure}-{filters.start}-to-{filters.end}")
