"""The pages the front door and the MACPT use, through the Django test client."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case
from people.models import Person
from protection.models import MacptCall, Section47Enquiry, StrategyDiscussion
from referrals.models import Outcome


def _text(response) -> str:
    return response.content.decode()


def test_immediate_protection_tops_the_front_door_queue_on_its_own_clock(
    refer, rugby_family, second_child, client_for
):
    # An Early Support referral received yesterday is due sooner by the one-day clock ...
    early = refer(second_child, Outcome.EARLY_SUPPORT_REFERRAL, authorise=False)
    early.consultation.decision_due_at = timezone.now() - timedelta(hours=2)
    early.consultation.save(update_fields=["decision_due_at"])
    urgent = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION, authorise=False)

    page = _text(client_for("fc_manager").get(reverse("referrals:queue")))

    # ... but the immediate-protection consultation is first, marked in words, not colour only.
    assert page.index(urgent.consultation.reference) < page.index(early.consultation.reference)
    assert 'data-testid="immediate-protection">Immediate protection<' in page
    assert "Strategy discussion today" in page
    authorisations = _text(client_for("fc_manager").get(reverse("referrals:authorisations")))
    assert authorisations.index(urgent.consultation.reference) < authorisations.index(
        early.consultation.reference
    )
    assert "Authorise now" in authorisations


def test_the_practitioner_is_shown_the_macpt_number_and_records_the_call(
    refer, rugby_family, client_for, practitioner
):
    link = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION, authorise=False)
    client = client_for("practitioner")
    url = reverse("referrals:consultation", args=[link.consultation_id])

    page = _text(client.get(url))
    assert "Phone MACPT North now on" in page and "01926 414144" in page
    assert 'href="tel:01926414144"' in page

    empty = client.post(
        reverse("referrals:macpt-call", args=[link.consultation_id]),
        {"team": link.team_id, "spoke_to": "", "next": url},
        follow=True,
    )
    assert "Enter who you spoke to at the MACPT" in _text(empty)
    assert not MacptCall.objects.exists()

    client.post(
        reverse("referrals:macpt-call", args=[link.consultation_id]),
        {"team": link.team_id, "spoke_to": "Megan Doyle, team manager", "next": url},
    )
    call = MacptCall.objects.get()
    assert (call.phoned_by, call.team.slug) == (practitioner, "macpt-north")
    assert "spoke to Megan Doyle, team manager" in _text(client.get(url))


def test_a_family_help_outcome_shows_no_macpt_banner(refer, rugby_family, client_for):
    link = refer(rugby_family["child"], authorise=False, mother=rugby_family["mother"])
    page = client_for("practitioner").get(
        reverse("referrals:consultation", args=[link.consultation_id])
    )
    assert 'data-testid="macpt-banner"' not in _text(page)


def test_the_macpt_queue_puts_overdue_work_first_and_logs_each_child_shown(
    refer, rugby_family, second_child, client_for, allocated_case
):
    other = Case.objects.get(opened_by=refer(second_child, Outcome.IMMEDIATE_PROTECTION))
    overdue = StrategyDiscussion.objects.get(case=other)
    overdue.due_at = timezone.now() - timedelta(hours=3)
    overdue.save(update_fields=["due_at"])
    before = AccessLog.objects.count()

    page = _text(client_for("lcpp").get(reverse("protection:queue", args=["macpt-north"])))

    assert page.index(str(second_child)) < page.index(str(rugby_family["child"]))
    assert "Overdue" in page and "Not allocated" in page
    logged = AccessLog.objects.order_by("-id")[: AccessLog.objects.count() - before]
    assert sorted(str(r.person_id) for r in logged) == sorted(
        str(p.pk) for p in (second_child, rugby_family["child"])
    )


@pytest.mark.parametrize("cases_in_team", [1, 30])
def test_the_queue_and_caseload_run_a_fixed_number_of_queries(
    cases_in_team, macpt_case, lcpp, client_for, django_assert_max_num_queries
):
    for number in range(cases_in_team - 1):
        case = Case.objects.create(
            child=Person.objects.create(given_name=f"Child{number}", family_name="Tester"),
            team=macpt_case.team,
            level="IMMEDIATE_PROTECTION",
            status="ALLOCATED",
            allocated_to=lcpp,
            urgent=True,
            referral_date=timezone.localdate(),
            assessment_due_date=timezone.localdate(),
            opened_at=timezone.now(),
        )
        StrategyDiscussion.objects.create(
            case=case, due_at=timezone.now(), created_at=timezone.now()
        )
    client = client_for("lcpp")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("protection:queue", args=["macpt-north"])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("protection:mine")).status_code == 200


def test_a_strategy_discussion_form_with_mistakes_keeps_what_was_typed(discussion, client_for):
    url = reverse("protection:strategy", args=[discussion.pk])
    response = client_for("lcpp").post(
        url,
        {
            "held_at": "yesterday",
            "police_name": "DC Sam Reed",
            "police_took_part": "on",
            "police_shared": "Disclosure to a teacher",
            "decision": "NO_S47",
        },
    )
    page = _text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter a day and time like 21/11/2026 14:05" in page
    assert "Say why there is no Section 47 enquiry" in page
    assert "DC Sam Reed" in page and "Disclosure to a teacher" in page
    discussion.refresh_from_db()
    assert discussion.status == "DUE"


def test_the_strategy_discussion_page_decides_section_47(discussion, client_for):
    held = timezone.localtime() - timedelta(hours=1)
    response = client_for("lcpp").post(
        reverse("protection:strategy", args=[discussion.pk]),
        {
            "held_at": held.strftime("%d/%m/%Y %H:%M"),
            "police_name": "DC Sam Reed",
            "police_took_part": "on",
            "health_name": "Nurse Ola Ade",
            "health_took_part": "on",
            "police_shared": "Previous call-out to the address in May",
            "decision": "S47_JOINT",
            "safety_actions": "Mother agrees the partner stays away",
        },
    )
    assert response.status_code == 302
    enquiry = Section47Enquiry.objects.get(strategy_discussion=discussion)
    record = _text(client_for("lcpp").get(response.url))
    assert "Section 47 joint enquiry with the police" in record
    assert enquiry.icpc_target_date.strftime("%-d %B %Y") in record
    assert "Police: Previous call-out to the address in May" in record


def test_a_worker_outside_the_macpt_cannot_open_its_records(discussion, client_for):
    url = reverse("protection:strategy", args=[discussion.pk])
    assert client_for("rugby_fhlp").get(url).status_code == 404
    assert client_for("practitioner").get(url).status_code == 403


def test_a_case_stepped_up_to_the_macpt_gets_a_strategy_discussion_started_on_its_page(
    discussion, lcpp, client_for
):
    from tests.protection.test_services import _s47

    _s47(discussion, lcpp)  # the first discussion is held; the case needs another
    client = client_for("lcpp")
    record = reverse("protection:case", args=[discussion.case_id])
    assert "Start a strategy discussion" in _text(client.get(record))

    started = client.post(reverse("protection:strategy-start", args=[discussion.case_id]))

    new = StrategyDiscussion.objects.get(case=discussion.case, status="DUE")
    assert started.url == reverse("protection:strategy", args=[new.pk])
    again = client.post(
        reverse("protection:strategy-start", args=[discussion.case_id]), follow=True
    )
    assert "already waiting to be held" in _text(again)
    assert StrategyDiscussion.objects.filter(case=discussion.case, status="DUE").count() == 1


def test_the_outcome_step_shows_the_banner_while_the_call_is_a_draft(
    rugby_family, practitioner, client_for
):
    from consent.models import ExceptionReason, FamilyTold, Purpose
    from consent.services import consent_exception_record
    from referrals.services import (
        consultation_child_add,
        consultation_child_decide,
        consultation_start,
    )
    from tests.referrals.helpers import level_recorded

    child = rugby_family["child"]
    consent_exception_record(
        child=child,
        purpose=Purpose.IMMEDIATE_PROTECTION,
        reason=ExceptionReason.CHILD_PROTECTION,
        rationale="Disclosure",
        decided_by=practitioner,
        family_told=FamilyTold.NOT_YET,
    )
    consultation = consultation_start(practitioner=practitioner)
    link = consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
    consultation_child_decide(
        link=link,
        outcome=Outcome.IMMEDIATE_PROTECTION,
        decided_by=practitioner,
        spectrum_decision=level_recorded(
            child, practitioner, Outcome.IMMEDIATE_PROTECTION, consultation=consultation
        ),
    )

    page = client_for("practitioner").get(reverse("referrals:step-outcome", args=[consultation.pk]))

    assert "Phone MACPT North now on" in _text(page)
    assert "I phoned MACPT North" in _text(page)


def test_the_record_says_where_a_child_found_here_lives_and_that_their_authority_is_told(
    refer, found_here, client_for
):
    case = Case.objects.get(opened_by=refer(found_here, Outcome.IMMEDIATE_PROTECTION))

    page = _text(client_for("lcpp").get(reverse("protection:case", args=[case.pk])))

    assert "Lives outside Warwickshire (CV1 2AA): home authority E08000026" in page


def test_the_front_door_queue_pages_run_on_after_the_immediate_protection_ones(
    refer, rugby_family, second_child, fc_manager, practitioner
):
    from referrals.selectors import front_door_queue
    from referrals.services import consultation_start

    urgent = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION, authorise=False)
    others = [consultation_start(practitioner=practitioner) for _ in range(3)]

    first = front_door_queue(user=fc_manager, per_page=2, page_number=1)
    second = front_door_queue(user=fc_manager, per_page=2, page_number=2)

    assert first.paginator.count == 4
    assert [(r.consultation.pk, r.immediate) for r in first.object_list] == [
        (urgent.consultation_id, True),
        (others[0].pk, False),
    ]
    assert [r.consultation.pk for r in second.object_list] == [others[1].pk, others[2].pk]
