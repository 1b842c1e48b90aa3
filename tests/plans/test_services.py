"""The plans' rules, through their services, on PostgreSQL."""

import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, CaseLevel, CaseStatus
from consent.models import SharingRecord
from locality.models import Team
from people.models import ChronologyEvent, FlagKind
from plans.models import (
    ActionOwner,
    ActionStatus,
    NetworkReferralStatus,
    PlanLevel,
    PlanSending,
    PlanStatus,
    ReviewDecision,
    SendingStatus,
)
from plans.selectors import assessment_plan_for
from plans.services import (
    OutcomeInput,
    PlanError,
    ScoreInput,
    flag_set,
    network_meeting_record,
    network_referral_make,
    network_referral_take,
    plan_action_add,
    plan_action_status_set,
    plan_review_record,
    plan_reviews_overdue_warn,
    plan_send,
    plan_sending_work,
    plan_sendings_sweep,
    plan_start,
    review_due_after,
)


def _scores(plan, family=5, worker=6):
    return [ScoreInput(o.pk, family, worker) for o in plan.outcomes.all()]


def _pdf_text(message) -> str:
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_signed_off_assessments_plan_gives_the_outcomes_linked_back(assessment, allocated_case):
    found = assessment_plan_for(case=allocated_case)

    assert found.assessment_id == assessment.pk
    assert [item.title for item in found.items][0] == "Mia gets to school on time every day"
    assert len(found.items) == 3


def test_a_draft_assessment_gives_no_outcomes(allocated_case, rugby_fhlp):
    from pathway.models import Assessment, AssessmentVersion, PlanItem

    now = timezone.now()
    draft = Assessment.objects.create(
        case=allocated_case,
        kind="FHA",
        start_date=now.date(),
        due_date=now.date(),
        started_by=rugby_fhlp,
        started_at=now,
    )
    version = AssessmentVersion.objects.create(
        assessment=draft,
        number=1,
        author=rugby_fhlp,
        created_at=now,
        updated_at=now,
        updated_by=rugby_fhlp,
    )
    PlanItem.objects.create(version=version, outcome="Not signed off", need="x")

    assert assessment_plan_for(case=allocated_case).items == ()


@pytest.mark.parametrize(
    ("level", "first", "expected"),
    [
        (PlanLevel.EARLY_SUPPORT, True, relativedelta(weeks=4)),
        (PlanLevel.EARLY_SUPPORT, False, relativedelta(weeks=4)),
        (PlanLevel.FAMILY_HELP, True, relativedelta(months=3)),
        (PlanLevel.FAMILY_HELP, False, relativedelta(months=6)),
    ],
)
def test_each_level_has_its_review_schedule(level, first, expected):
    on = dt.date(2026, 1, 15)

    assert review_due_after(level=level, on=on, first=first) == on + expected


def test_the_schedule_is_configurable(settings):
    settings.PLAN_REVIEW_WEEKS_EARLY_SUPPORT = 6

    assert review_due_after(
        level=PlanLevel.EARLY_SUPPORT, on=dt.date(2026, 1, 1), first=True
    ) == dt.date(2026, 2, 12)


def test_a_family_help_plan_is_first_reviewed_within_three_months(plan):
    assert plan.level == PlanLevel.FAMILY_HELP
    assert plan.next_review_date == plan.started_on + relativedelta(months=3)
    assert plan.outcomes.count() == 3
    assert sum(o.actions.count() for o in plan.outcomes.all()) == 5


def test_a_child_has_one_plan_in_place(plan, allocated_case, rugby_fhlp):
    with pytest.raises(PlanError, match="already has a plan"):
        plan_start(case=allocated_case, by=rugby_fhlp, outcomes=[OutcomeInput("Again")])


def test_only_the_cases_team_starts_a_plan(allocated_case, warwick_fhlp):
    with pytest.raises(PlanError, match="Only members of Rugby Family Help team"):
        plan_start(case=allocated_case, by=warwick_fhlp, outcomes=[OutcomeInput("x")])


def test_an_agency_action_names_the_person_at_the_agency(plan, rugby_fhlp, agencies):
    with pytest.raises(PlanError) as refused:
        plan_action_add(
            outcome=plan.outcomes.first(),
            by=rugby_fhlp,
            what="Call",
            owner=ActionOwner.AGENCY,
            agency=agencies["school"],
            agency_contact=" ",
            due_date=timezone.localdate(),
        )

    assert refused.value.field == "agency_contact"


def test_a_stopped_action_says_why_and_a_done_one_cannot_go_back_to_not_started(plan, rugby_fhlp):
    action = plan.outcomes.first().actions.first()

    with pytest.raises(PlanError, match="Say why the action stopped"):
        plan_action_status_set(action=action, by=rugby_fhlp, status=ActionStatus.STOPPED)
    plan_action_status_set(action=action, by=rugby_fhlp, status=ActionStatus.DONE)
    with pytest.raises(PlanError, match="cannot become not started"):
        plan_action_status_set(action=action, by=rugby_fhlp, status=ActionStatus.NOT_STARTED)
    stopped = plan_action_status_set(action=action, by=rugby_fhlp, status=ActionStatus.IN_PROGRESS)

    assert stopped.status == ActionStatus.IN_PROGRESS


def test_a_review_needs_both_scores_for_every_outcome_and_changes_nothing_without_them(
    plan, rugby_fhlp
):
    with pytest.raises(PlanError, match="every outcome"):
        plan_review_record(
            plan=plan,
            by=rugby_fhlp,
            held_on=timezone.localdate(),
            attendees="Claire",
            scores=_scores(plan)[:2],
            decision=ReviewDecision.CONTINUE,
        )

    assert plan.reviews.count() == 0


def test_continuing_sets_the_next_review_at_most_six_months_on(plan, rugby_fhlp):
    review = plan_review_record(
        plan=plan,
        by=rugby_fhlp,
        held_on=timezone.localdate(),
        attendees="Claire, Mia, Mrs Patel",
        scores=_scores(plan),
        decision=ReviewDecision.CONTINUE,
    )
    plan.refresh_from_db()

    assert review.scores.count() == 3
    assert plan.next_review_date == timezone.localdate() + relativedelta(months=6)


def test_stepping_down_moves_the_case_and_the_plan_to_early_support_with_nothing_typed_again(
    plan, rugby_fhlp, allocated_case
):
    rugby = Team.objects.get(slug="family-help-rugby")
    titles = list(plan.outcomes.values_list("title", flat=True))

    review = plan_review_record(
        plan=plan,
        by=rugby_fhlp,
        held_on=timezone.localdate(),
        attendees="Claire",
        scores=_scores(plan, 8, 8),
        decision=ReviewDecision.STEP_DOWN_EARLY_SUPPORT,
        to_team=rugby,
    )

    plan.refresh_from_db()
    allocated_case.refresh_from_db()
    new_case = review.resulting_case
    assert allocated_case.status == CaseStatus.TRANSFERRED
    assert new_case.level == CaseLevel.EARLY_SUPPORT
    assert new_case.previous_case_id == allocated_case.pk
    assert new_case.first_referral_id == allocated_case.first_referral_id
    assert new_case.child_id == allocated_case.child_id
    assert plan.case_id == new_case.pk
    assert plan.level == PlanLevel.EARLY_SUPPORT
    assert plan.next_review_date == timezone.localdate() + dt.timedelta(weeks=4)
    assert list(plan.outcomes.values_list("title", flat=True)) == titles


def test_stepping_down_a_plan_already_at_early_support_is_refused(plan, rugby_fhlp):
    rugby = Team.objects.get(slug="family-help-rugby")
    plan_review_record(
        plan=plan,
        by=rugby_fhlp,
        held_on=timezone.localdate(),
        attendees="Claire",
        scores=_scores(plan),
        decision=ReviewDecision.STEP_DOWN_EARLY_SUPPORT,
        to_team=rugby,
    )
    plan.refresh_from_db()

    with pytest.raises(PlanError, match="already an Early Support Plan"):
        plan_review_record(
            plan=plan,
            by=rugby_fhlp,
            held_on=timezone.localdate(),
            attendees="Claire",
            scores=_scores(plan),
            decision=ReviewDecision.STEP_DOWN_EARLY_SUPPORT,
            to_team=rugby,
        )


def test_stepping_up_to_the_macpt_ends_the_plan_and_the_case_arrives_there_urgent(plan, rugby_fhlp):
    macpt = Team.objects.get(slug="macpt-north")

    review = plan_review_record(
        plan=plan,
        by=rugby_fhlp,
        held_on=timezone.localdate(),
        attendees="Claire",
        scores=_scores(plan, 1, 0),
        decision=ReviewDecision.STEP_UP_MACPT,
        to_team=macpt,
    )

    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED
    assert review.resulting_case.team == macpt and review.resulting_case.urgent


def test_closing_at_review_needs_the_team_manager(plan, rugby_fhlp, team_manager):
    with pytest.raises(PlanError, match="Only a manager"):
        plan_review_record(
            plan=plan,
            by=rugby_fhlp,
            held_on=timezone.localdate(),
            attendees="Claire",
            scores=_scores(plan),
            decision=ReviewDecision.STEP_DOWN_UNIVERSAL,
            signposting="Children's centre stay and play",
        )
    plan_review_record(
        plan=plan,
        by=team_manager,
        held_on=timezone.localdate(),
        attendees="Claire",
        scores=_scores(plan),
        decision=ReviewDecision.STEP_DOWN_UNIVERSAL,
        signposting="Children's centre stay and play",
    )

    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED
    assert Case.objects.get(pk=plan.case_id).closure_reason == "RC7"


def test_the_family_get_the_whole_plan_and_each_agency_only_its_own_part(
    plan, rugby_fhlp, agencies
):
    sendings = plan_send(
        plan=plan,
        by=rugby_fhlp,
        family_name="Claire Dawson",
        family_email="claire@example.com",
        agency_ids=[agencies["health"].pk],
    )

    for sending in sendings:
        assert plan_sending_work(sending_id=sending.pk).outcome == "sent"

    family, health = mail.outbox
    assert family.to == ["claire@example.com"]
    family_text = _pdf_text(family)
    assert "Breakfast club place" in family_text and "In your words" in family_text
    health_text = _pdf_text(health)
    assert "Introduce Claire to the parents" in health_text
    assert "Breakfast club place" not in health_text  # another agency's action
    assert "In your words" not in health_text  # the family's own words
    assert "landlord" not in health_text  # an outcome with no action for this agency
    logged = SharingRecord.objects.filter(source_type="plan-sending")
    assert sorted(r.agency for r in logged) == ["Family", "Rugby Health Visiting"]
    assert all(r.lawful_basis == "ART_6_1_E" for r in logged)


def test_a_copy_is_sent_once_however_often_its_task_runs(plan, rugby_fhlp, agencies):
    (sending,) = plan_send(plan=plan, by=rugby_fhlp, agency_ids=[agencies["school"].pk])

    plan_sending_work(sending_id=sending.pk)
    again = plan_sending_work(sending_id=sending.pk)

    assert again.outcome == "skipped"
    assert len(mail.outbox) == 1
    assert PlanSending.objects.get(pk=sending.pk).status == SendingStatus.SENT
    assert SharingRecord.objects.filter(source_id=str(sending.pk)).count() == 1


def test_the_plan_goes_only_to_agencies_with_actions_on_it(plan, rugby_fhlp):
    from plans.models import AgencyKind, PartnerAgency

    other = PartnerAgency.objects.create(
        name="Police", kind=AgencyKind.POLICE, secure_email="p@example.org"
    )

    with pytest.raises(PlanError, match="only to agencies with actions"):
        plan_send(plan=plan, by=rugby_fhlp, agency_ids=[other.pk])


def test_the_team_manager_is_warned_of_an_overdue_review_once(plan, team_manager):
    team_manager.email = "tanya@example.gov.uk"
    team_manager.save(update_fields=["email"])
    later = plan.next_review_date + dt.timedelta(days=1)

    first = plan_reviews_overdue_warn(today=later)
    second = plan_reviews_overdue_warn(today=later + dt.timedelta(days=1))

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["tanya@example.gov.uk"]]
    assert "overdue" in mail.outbox[0].subject


def test_a_family_network_referral_needs_a_parent_with_responsibility_to_consent(
    allocated_case, rugby_fhlp
):
    with pytest.raises(PlanError) as refused:
        network_referral_make(case=allocated_case, by=rugby_fhlp, reason="Wider family can help")

    assert refused.value.field == "consent"


def test_the_coordinator_arranges_and_records_the_meeting(
    allocated_case, rugby_fhlp, fnm_coordinator, network_consent
):
    referral = network_referral_make(
        case=allocated_case, by=rugby_fhlp, reason="Grandmother offers help"
    )
    network_referral_take(referral=referral, coordinator=fnm_coordinator)
    today = timezone.localdate()

    with pytest.raises(PlanError, match="review date must be after"):
        network_meeting_record(
            referral=referral,
            coordinator=fnm_coordinator,
            meeting_date=today,
            invited="Joan",
            attended="Joan",
            child_contribution="Drew her family",
            family_plan="Joan does school runs",
            review_date=today,
        )
    held = network_meeting_record(
        referral=referral,
        coordinator=fnm_coordinator,
        meeting_date=today,
        invited="Joan, Claire",
        attended="Joan",
        child_contribution="Drew her family",
        family_plan="Joan does school runs",
        review_date=today + dt.timedelta(weeks=6),
    )

    assert held.status == NetworkReferralStatus.MEETING_HELD
    assert ChronologyEvent.objects.filter(person=allocated_case.child, kind="FNM_HELD").exists()


def test_a_case_worker_cannot_record_the_meeting(allocated_case, rugby_fhlp, network_consent):
    referral = network_referral_make(case=allocated_case, by=rugby_fhlp, reason="x")

    with pytest.raises(PlanError, match="Only a Family Network co-ordinator"):
        network_referral_take(referral=referral, coordinator=rugby_fhlp)


def test_private_fostering_sets_the_visit_seven_working_days_after_notification(
    rugby_family, rugby_fhlp
):
    told = dt.date(2026, 8, 28)  # a Friday; Monday 31 August 2026 is a bank holiday

    flag = flag_set(
        person=rugby_family["child"],
        by=rugby_fhlp,
        kind=FlagKind.PRIVATE_FOSTERING,
        start_date=told,
        notification_date=told,
    )

    assert flag.detail.visit_due_date == dt.date(2026, 9, 9)
    assert ChronologyEvent.objects.filter(
        person=rugby_family["child"], kind="PRIVATE_FOSTERING_VISIT_DUE"
    ).exists()


def test_kinship_care_says_which_arrangement(rugby_family, rugby_fhlp):
    with pytest.raises(PlanError) as refused:
        flag_set(
            person=rugby_family["child"],
            by=rugby_fhlp,
            kind=FlagKind.KINSHIP_CARE,
            start_date=timezone.localdate(),
        )

    assert refused.value.field == "kinship_arrangement"
    flag = flag_set(
        person=rugby_family["child"],
        by=rugby_fhlp,
        kind=FlagKind.KINSHIP_CARE,
        start_date=timezone.localdate(),
        kinship_arrangement="SGO",
    )
    assert flag.detail.get_kinship_arrangement_display() == "Special guardianship order"
    assert ChronologyEvent.objects.filter(person=rugby_family["child"], kind="FLAG_SET").exists()


def test_a_young_carers_assessment_referral_is_in_the_chronology(rugby_family, rugby_fhlp):
    flag_set(
        person=rugby_family["teenager"],
        by=rugby_fhlp,
        kind=FlagKind.YOUNG_CARER,
        start_date=timezone.localdate(),
        young_carer_assessment_referred_on=timezone.localdate(),
    )

    assert ChronologyEvent.objects.filter(
        person=rugby_family["teenager"], kind="YOUNG_CARER_ASSESSMENT_REFERRED"
    ).exists()


def test_a_copy_a_worker_stopped_on_is_queued_again_and_sent_once(plan, rugby_fhlp, agencies):
    (sending,) = plan_send(plan=plan, by=rugby_fhlp, agency_ids=[agencies["school"].pk])
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    PlanSending.objects.filter(pk=sending.pk).update(
        status=SendingStatus.SENDING, claimed_at=an_hour_ago
    )

    requeued = plan_sendings_sweep()
    # With a broker the sweep queues the copy for a worker, worked here; with none (tasks run
    # eagerly, docs/adr/0001) the sweep has sent it already and this finds nothing to do.
    plan_sending_work(sending_id=sending.pk)

    sending.refresh_from_db()
    assert (requeued, sending.status) == (1, SendingStatus.SENT)
    assert len(mail.outbox) == 1


def test_a_transfer_stays_in_the_team_only_for_a_step_between_early_support_and_family_help(
    allocated_case, rugby_fhlp
):
    from cases.services import CaseError, case_transfer

    rugby = Team.objects.get(slug="family-help-rugby")

    with pytest.raises(CaseError, match="Choose a different team"):
        case_transfer(
            case=allocated_case, to_team=rugby, reason="LOCALITY_MOVE", note="", by=rugby_fhlp
        )
    with pytest.raises(CaseError, match="Choose a different team"):
        case_transfer(
            case=allocated_case, to_team=rugby, reason="STEP_UP_FAMILY_HELP", note="", by=rugby_fhlp
        )
    stepped = case_transfer(
        case=allocated_case, to_team=rugby, reason="STEP_DOWN_EARLY_SUPPORT", note="", by=rugby_fhlp
    )

    assert (stepped.team, stepped.level, stepped.status) == (rugby, "EARLY_SUPPORT", "INCOMING")
