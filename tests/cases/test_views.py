"""The teams' pages, used as a team manager and an FHLP would use them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, CaseNote, CaseStatus
from cases.services import case_accept, case_allocate, case_close
from locality.models import Team
from referrals.models import Outcome


def _text(response) -> str:
    return response.content.decode()


def test_the_team_manager_sees_a_new_case_in_the_incoming_queue_with_the_worries(
    rugby_case, client_for
):
    page = client_for("team_manager").get(reverse("cases:incoming", args=["family-help-rugby"]))

    assert page.status_code == 200
    assert "Mia Dawson" in _text(page)
    assert "Often arrives hungry and tired" in _text(page)
    assert reverse("cases:intake", args=[rugby_case.pk]) in _text(page)


def test_the_incoming_queue_logs_one_row_per_child_shown(
    rugby_case, refer, rugby_family, client_for
):
    from people.models import Person

    brother = Person.objects.create(
        given_name="Alfie",
        family_name="Dawson",
        date_of_birth=timezone.localdate().replace(year=2020),
    )
    refer(brother)
    client = client_for("rugby_fhlp")
    before = AccessLog.objects.count()

    client.get(reverse("cases:incoming", args=["family-help-rugby"]))

    rows = AccessLog.objects.order_by("-id")[: AccessLog.objects.count() - before]
    assert sorted(str(row.person_id) for row in rows) == sorted(
        str(p.pk) for p in (rugby_family["child"], brother)
    )


def test_another_team_s_queue_and_case_are_not_found(rugby_case, client_for):
    client = client_for("warwick_fhlp")

    assert client.get(reverse("cases:incoming", args=["family-help-rugby"])).status_code == 404
    assert client.get(reverse("cases:case", args=[rugby_case.pk])).status_code == 404


def test_accepting_through_the_page_then_allocating(rugby_case, client_for, rugby_fhlp):
    client = client_for("team_manager")

    response = client.post(reverse("cases:intake", args=[rugby_case.pk]), {"decision": "ACCEPT"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:allocate", args=[rugby_case.pk])
    response = client.post(
        reverse("cases:allocate", args=[rugby_case.pk]), {"worker": rugby_fhlp.pk}
    )

    assert response.status_code == 302
    case = Case.objects.get(pk=rugby_case.pk)
    assert (case.status, case.allocated_to) == (CaseStatus.ALLOCATED, rugby_fhlp)


def test_sending_back_without_a_reason_shows_the_error_beside_the_field(rugby_case, client_for):
    response = client_for("team_manager").post(
        reverse("cases:intake", args=[rugby_case.pk]), {"decision": "SEND_BACK", "reason": ""}
    )

    assert response.status_code == 200
    assert "Say why the case is going back to Family Connect" in _text(response)
    assert Case.objects.get(pk=rugby_case.pk).status == CaseStatus.INCOMING


def test_a_sent_back_case_shows_in_family_connect_s_queue_and_can_be_routed_on(
    rugby_case, client_for, team_manager
):
    client_for("team_manager").post(
        reverse("cases:intake", args=[rugby_case.pk]),
        {"decision": "SEND_BACK", "reason": "Family live in Warwick now"},
    )
    practitioner = client_for("practitioner")
    queue = practitioner.get(reverse("cases:sent-back"))
    assert "Family live in Warwick now" in _text(queue)
    front_door_queue = _text(practitioner.get(reverse("referrals:queue")))
    assert "1 case sent back by a team</a> also waits for Family Connect" in front_door_queue
    # A practitioner reads it; only a manager decides.
    assert (
        practitioner.post(
            reverse("cases:sent-back-detail", args=[rugby_case.pk]), {"decision": "SETTLE"}
        ).status_code
        == 403
    )

    warwick = Team.objects.get(slug="family-help-warwick")
    response = client_for("fc_manager").post(
        reverse("cases:sent-back-detail", args=[rugby_case.pk]),
        {"decision": "ROUTE", "to_team": warwick.pk, "note": "Moved to Warwick in October"},
    )

    assert response.status_code == 302
    new_case = Case.objects.get(team=warwick)
    assert (new_case.status, new_case.previous_case_id) == (CaseStatus.INCOMING, rugby_case.pk)
    assert "Family live in Warwick now" not in _text(practitioner.get(reverse("cases:sent-back")))


def test_the_fhlp_opens_the_case_the_consultation_and_the_letter(
    rugby_case, client_for, team_manager, rugby_fhlp, rugby_family
):
    case_accept(case=rugby_case, manager=team_manager)
    case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    client = client_for("rugby_fhlp")

    case_page = client.get(reverse("cases:case", args=[rugby_case.pk]))
    consultation = rugby_case.first_referral.consultation
    record = client.get(reverse("referrals:consultation-record", args=[consultation.pk]))
    letters = client.get(reverse("letters:consultation", args=[consultation.pk]))
    mother = client.get(reverse("people:person-detail", args=[rugby_family["mother"].pk]))

    assert case_page.status_code == record.status_code == letters.status_code == 200
    assert mother.status_code == 200
    assert "Claire Dawson" in _text(case_page)
    assert "Often arrives hungry and tired" in _text(record)
    assert "Regenerate the letter" not in _text(letters)
    # The journey itself stays the front door's.
    assert client.get(reverse("referrals:step-concerns", args=[consultation.pk])).status_code == 403


def test_the_case_page_logs_the_child_and_everyone_it_names(rugby_case, client_for, rugby_family):
    from people.models import LivesWith

    LivesWith.objects.create(person_a=rugby_family["mother"], person_b=rugby_family["child"])
    client = client_for("rugby_fhlp")
    before = AccessLog.objects.count()

    client.get(reverse("cases:case", args=[rugby_case.pk]))

    rows = list(AccessLog.objects.order_by("id")[before:])
    assert {str(r.person_id) for r in rows} == {
        str(rugby_family["child"].pk),
        str(rugby_family["mother"].pk),
    }
    assert all(r.record_type == "case" for r in rows)


def test_recording_a_visit_through_the_page_keeps_what_was_typed_on_an_error(
    rugby_case, client_for
):
    client = client_for("rugby_fhlp")
    typed = {
        "kind": "HOME_VISIT",
        "occurred_at": "not a time",
        "text": "Mia was playing in the garden with her brother.",
        "child_seen": "on",
    }

    response = client.post(reverse("cases:note-add", args=[rugby_case.pk]), typed)

    assert response.status_code == 200
    assert "Enter a day and time like 21/11/2026 14:05" in _text(response)
    assert "Mia was playing in the garden with her brother." in _text(response)
    typed["occurred_at"] = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    response = client.post(reverse("cases:note-add", args=[rugby_case.pk]), typed)
    assert response.status_code == 302
    assert CaseNote.objects.get(case=rugby_case).child_seen is True


def test_only_a_registered_social_worker_is_offered_as_qualified_for_child_protection(
    refer, rugby_family, client_for, macpt_manager, lcpp
):
    link = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION)
    case = Case.objects.get(opened_by=link)
    case_accept(case=case, manager=macpt_manager)

    page = client_for("macpt_manager").get(reverse("cases:allocate", args=[case.pk]))

    assert "it can only go to a registered social worker" in _text(page)
    assert "Leon Barker (Lead Child Protection Practitioner, registered social worker" in _text(
        page
    )


def test_my_cases_and_the_team_caseload_show_the_work(
    rugby_case, client_for, team_manager, rugby_fhlp
):
    case_accept(case=rugby_case, manager=team_manager)
    case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)

    mine = client_for("rugby_fhlp").get(reverse("cases:mine"))
    team = client_for("team_manager").get(reverse("cases:team", args=["family-help-rugby"]))

    assert "Mia Dawson" in _text(mine)
    assert "Mia Dawson" in _text(team)
    assert "Caseloads" in _text(team)  # the manager's per-worker view


@pytest.mark.parametrize("cases_in_team", [1, 30])
def test_caseload_pages_run_a_fixed_number_of_queries_at_any_length(
    cases_in_team, refer, client_for, team_manager, rugby_fhlp, django_assert_max_num_queries
):
    from people.models import Person

    for number in range(cases_in_team):
        child = Person.objects.create(
            given_name=f"Child{number}",
            family_name="Tester",
            date_of_birth=timezone.localdate().replace(year=2019),
        )
        link = refer(child)
        case = Case.objects.get(opened_by=link)
        case_accept(case=case, manager=team_manager)
        if number % 2 == 0:
            case_allocate(case=case, worker=rugby_fhlp, manager=team_manager)
    manager, worker = client_for("team_manager"), client_for("rugby_fhlp")

    with django_assert_max_num_queries(15):
        assert manager.get(reverse("cases:team", args=["family-help-rugby"])).status_code == 200
    with django_assert_max_num_queries(15):
        assert worker.get(reverse("cases:mine")).status_code == 200
    with django_assert_max_num_queries(15):
        assert manager.get(reverse("cases:incoming", args=["family-help-rugby"])).status_code == 200


def test_a_closed_case_stays_visible_to_the_team_for_the_retention_period(
    rugby_case, client_for, team_manager, settings
):
    case_accept(case=rugby_case, manager=team_manager)
    case_close(case=rugby_case, manager=team_manager, reason="RC8")
    client = client_for("rugby_fhlp")
    assert client.get(reverse("cases:case", args=[rugby_case.pk])).status_code == 200

    settings.CASE_CLOSED_VISIBLE_DAYS = 0

    assert client.get(reverse("cases:case", args=[rugby_case.pk])).status_code == 404


def test_registration_number_is_checked_and_saved(client_for, rugby_fhlp):
    client = client_for("rugby_fhlp")

    bad = client.post(reverse("cases:registration"), {"social_work_england_number": "12345"})
    good = client.post(reverse("cases:registration"), {"social_work_england_number": "sw 123456"})

    assert "Enter a Social Work England number like SW123456" in _text(bad)
    assert good.status_code == 302
    rugby_fhlp.refresh_from_db()
    assert rugby_fhlp.social_work_england_number == "SW123456"


def test_a_restricted_child_s_case_is_hidden_from_the_team_s_workers_but_not_its_manager(
    rugby_case, client_for, fc_manager
):
    from people.services import person_restrict

    person_restrict(person=rugby_case.child, category="SAFETY", set_by=fc_manager)

    worker = client_for("rugby_fhlp")
    manager = client_for("team_manager")

    assert worker.get(reverse("cases:case", args=[rugby_case.pk])).status_code == 404
    assert "Mia Dawson" not in _text(
        worker.get(reverse("cases:incoming", args=["family-help-rugby"]))
    )
    assert manager.get(reverse("cases:case", args=[rugby_case.pk])).status_code == 200


def test_a_re_referral_is_tagged_in_the_incoming_queue(
    refer, rugby_family, rugby_case, client_for, team_manager
):
    queue = reverse("cases:incoming", args=["family-help-rugby"])
    manager = client_for("team_manager")
    assert "Re-referral</strong>" not in _text(manager.get(queue))
    case_accept(case=rugby_case, manager=team_manager)
    case_close(case=rugby_case, manager=team_manager, reason="RC8")

    refer(rugby_family["child"], mother=rugby_family["mother"])

    assert "Re-referral</strong>" in _text(manager.get(queue))
