"""The figures at the top of a team's page count each case once, whatever its tasks, and only
the team's own (cases.selectors.team_counts, rewritten so its cost grows with the team, not with
the square of it: docs/load-test.md)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseTask
from cases.services import case_accept, case_allocate, case_close, case_task_set
from locality.models import Team
from people.models import Person


def _child(number):
    return Person.objects.create(
        given_name=f"Child{number}",
        family_name="Counted",
        date_of_birth=timezone.localdate().replace(year=2019),
    )


def test_the_team_page_counts_cases_and_overdue_tasks_once_each(
    refer, client_for, team_manager, rugby_fhlp
):
    today = timezone.localdate()
    incoming, unallocated, allocated, closed, elsewhere = (
        Case.objects.get(opened_by=refer(_child(n))) for n in range(5)
    )
    for case in (unallocated, allocated, closed):
        case_accept(case=case, manager=team_manager)
    case_allocate(case=allocated, worker=rugby_fhlp, manager=team_manager)
    for case, due in [
        (allocated, today - timedelta(days=2)),  # overdue
        (allocated, today - timedelta(days=1)),  # overdue
        (allocated, today + timedelta(days=3)),  # not yet due
        (closed, today - timedelta(days=2)),  # on a closed case: not counted
    ]:
        task = case_task_set(
            case=case, by=team_manager, title="Visit", due_date=today, assigned_to=rugby_fhlp
        )
        CaseTask.objects.filter(pk=task.pk).update(due_date=due)
    done = case_task_set(
        case=allocated, by=team_manager, title="Done", due_date=today, assigned_to=rugby_fhlp
    )
    CaseTask.objects.filter(pk=done.pk).update(
        due_date=today - timedelta(days=5), done_at=timezone.now(), done_by=rugby_fhlp
    )
    case_close(case=closed, manager=team_manager, reason="RC8")
    Case.objects.filter(pk=unallocated.pk).update(assessment_due_date=today - timedelta(days=1))
    Case.objects.filter(pk=incoming.pk).update(opened_at=timezone.now() - timedelta(days=10))
    Case.objects.filter(pk=elsewhere.pk).update(team=Team.objects.get(slug="family-help-warwick"))

    response = client_for("team_manager").get(reverse("cases:team", args=["family-help-rugby"]))

    assert response.context["counts"] == {
        "open": 3,
        "incoming": 1,
        "unallocated": 1,
        "new_this_week": 3,  # the allocated, unallocated and closed cases; not the older one
        "assessment_overdue": 1,
        "overdue_tasks": 2,
    }


def test_an_empty_team_shows_noughts(client_for):
    response = client_for("team_manager").get(reverse("cases:team", args=["family-help-rugby"]))

    assert response.context["counts"] == {
        "open": 0,
        "incoming": 0,
        "unallocated": 0,
        "new_this_week": 0,
        "assessment_overdue": 0,
        "overdue_tasks": 0,
    }
