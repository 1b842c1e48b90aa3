"""The plans' pages through the test client, as the Rugby FHLP, the team manager and the
Family Network co-ordinator use them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from locality.models import Team
from people.models import FlagKind, PersonFlag
from plans.models import ActionOwner, NetworkReferralStatus, Plan, PlanLevel
from tests.plans.builders import caseload_plans


def _text(response) -> str:
    return response.content.decode()


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_the_plan_starts_from_the_signed_off_assessments_plan_linked_back(
    assessment, allocated_case, client_for
):
    client = client_for("rugby_fhlp")
    url = reverse("plans:plan-start", args=[allocated_case.pk])

    form = client.get(url)
    assert 'value="Mia gets to school on time every day"' in _text(form)
    posted = client.post(
        url,
        {
            "title_1": "Mia gets to school on time every day",
            "family_words_1": "We want mornings to be calmer",
            "title_2": "Claire feels less alone and knows where to get help",
            "title_3": "The house is warm and safe",
        },
    )

    plan = Plan.objects.get(case=allocated_case)
    assert posted.status_code == 302 and posted["Location"] == reverse("plans:plan", args=[plan.pk])
    assert plan.source_assessment_id == assessment.pk
    outcomes = list(plan.outcomes.all())
    assert [o.source_plan_item_id is not None for o in outcomes] == [True, True, True]
    assert outcomes[0].family_words == "We want mornings to be calmer"


def test_an_agency_action_without_the_named_person_says_so_and_keeps_what_was_typed(
    plan, agencies, client_for
):
    response = client_for("rugby_fhlp").post(
        reverse("plans:action-add", args=[plan.pk]),
        {
            "outcome": plan.outcomes.first().pk,
            "what": "Homework club twice a week",
            "owner": ActionOwner.AGENCY,
            "agency": agencies["school"].pk,
            "due_date": _date(timezone.localdate()),
        },
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in _text(response)
    assert "Name the person at the agency" in _text(response)
    assert "Homework club twice a week" in _text(response)


def test_the_plan_page_shows_outcomes_actions_and_who_does_them(plan, client_for):
    page = client_for("team_manager").get(reverse("plans:plan", args=[plan.pk]))

    text = _text(page)
    assert text.count('data-testid="outcome"') == 3
    assert text.count('data-testid="action"') == 5
    assert "Mrs Patel, Rugby Primary School" in text
    assert "In the family&#x27;s words" in text or "In the family's words" in text


def test_the_case_page_shows_the_plan_and_the_childs_flags(
    plan, allocated_case, rugby_fhlp, client_for
):
    PersonFlag.objects.create(
        person=allocated_case.child,
        kind=FlagKind.YOUNG_CARER,
        start_date=timezone.localdate(),
        set_by=rugby_fhlp,
    )

    page = client_for("rugby_fhlp").get(reverse("cases:case", args=[allocated_case.pk]))

    assert reverse("plans:plan", args=[plan.pk]) in _text(page)
    assert "Young carer" in _text(page)


def test_a_review_a_month_on_steps_the_child_down_and_the_plan_follows(plan, client_for):
    client = client_for("rugby_fhlp")
    data = {
        "held_on": _date(timezone.localdate()),
        "attendees": "Claire, Mia, Mrs Patel",
        "decision": "STEP_DOWN_EARLY_SUPPORT",
        "to_team": Team.objects.get(slug="family-help-rugby").pk,
    }
    for outcome in plan.outcomes.all():
        data[f"family_{outcome.pk}"] = 7
        data[f"worker_{outcome.pk}"] = 6

    response = client.post(reverse("plans:review-add", args=[plan.pk]), data)

    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.level == PlanLevel.EARLY_SUPPORT
    assert plan.case.previous_case_id is not None


def test_a_score_above_ten_is_refused_beside_the_field(plan, client_for):
    outcome = plan.outcomes.first()
    response = client_for("rugby_fhlp").post(
        reverse("plans:review-add", args=[plan.pk]),
        {
            "held_on": _date(timezone.localdate()),
            "attendees": "Claire",
            f"family_{outcome.pk}": 11,
            "decision": "CONTINUE",
        },
    )

    assert "Scores are from 0 to 10" in _text(response)
    assert plan.reviews.count() == 0


def test_a_referral_without_consent_is_refused_with_the_gates_reason(allocated_case, client_for):
    response = client_for("rugby_fhlp").post(
        reverse("plans:fnm-refer", args=[allocated_case.pk]), {"reason": "Grandmother can help"}
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in _text(response)
    assert allocated_case.family_network_referrals.count() == 0


def test_the_coordinator_queue_lists_the_referral_and_logs_the_child(
    allocated_case, network_consent, client_for
):
    client_for("rugby_fhlp").post(
        reverse("plans:fnm-refer", args=[allocated_case.pk]), {"reason": "Grandmother can help"}
    )
    before = AccessLog.objects.count()

    queue = client_for("fnm_coordinator").get(reverse("plans:fnm-queue"))

    assert "Mia Dawson" in _text(queue)
    assert AccessLog.objects.count() - before == 1
    referral = allocated_case.family_network_referrals.get()
    assert referral.status == NetworkReferralStatus.WAITING


def test_setting_private_fostering_shows_the_visit_due_date(rugby_family, client_for):
    child = rugby_family["child"]
    told = timezone.localdate() - dt.timedelta(days=1)

    client_for("practitioner").post(
        reverse("plans:flags", args=[child.pk]),
        {
            "kind": FlagKind.PRIVATE_FOSTERING,
            "start_date": _date(told),
            "notification_date": _date(told),
        },
    )
    page = client_for("practitioner").get(reverse("plans:flags", args=[child.pk]))

    flag = PersonFlag.objects.get(person=child)
    assert flag.detail.visit_due_date.strftime("%-d %b %Y") in _text(page)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_plans_caseload_costs_the_same_queries_for_1_or_30_plans(
    rows, rugby_fhlp, client_for, django_assert_max_num_queries
):
    caseload_plans(worker=rugby_fhlp, team=Team.objects.get(slug="family-help-rugby"), count=rows)
    client = client_for("rugby_fhlp")

    with django_assert_max_num_queries(15):
        page = client.get(reverse("plans:caseload"))

    assert _text(page).count("/plans/") >= rows
    assert 'govuk-tag--red">Overdue' in _text(page)


def test_overdue_reviews_show_on_the_workers_caseload(plan, client_for):
    Plan.objects.filter(pk=plan.pk).update(
        next_review_date=timezone.localdate() - dt.timedelta(days=1)
    )

    mine = client_for("rugby_fhlp").get(reverse("cases:mine"))

    assert "1 plan review overdue" in _text(mine)


def test_a_restricted_childs_plan_and_referral_are_not_found_for_the_fhlp(
    plan, allocated_case, fc_manager, network_consent, rugby_fhlp, client_for
):
    from people.services import person_restrict
    from plans.services import network_referral_make

    referral = network_referral_make(case=allocated_case, by=rugby_fhlp, reason="Wider family")
    person_restrict(person=allocated_case.child, category="SAFETY", set_by=fc_manager)

    fhlp = client_for("rugby_fhlp")
    coordinator = client_for("fnm_coordinator")

    assert fhlp.get(reverse("plans:plan", args=[plan.pk])).status_code == 404
    assert fhlp.get(reverse("plans-api:plan-detail", args=[plan.pk])).status_code == 404
    assert coordinator.get(reverse("plans:fnm-detail", args=[referral.pk])).status_code == 404
    assert "Mia" not in coordinator.get(reverse("plans:fnm-queue")).content.decode()
