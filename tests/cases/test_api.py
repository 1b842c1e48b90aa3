"""The cases API, as a team's own tools would call it."""

from django.urls import reverse

from audit.models import AccessLog
from cases.models import Case, CaseStatus
from cases.services import case_accept
from referrals.models import Outcome


def test_the_list_shows_only_the_caller_s_teams_cases_and_logs_each_child(rugby_case, client_for):
    rugby, warwick = client_for("rugby_fhlp"), client_for("warwick_fhlp")
    before = AccessLog.objects.count()

    listed = rugby.get(reverse("cases-api:case-list")).json()
    elsewhere = warwick.get(reverse("cases-api:case-list")).json()

    assert [case["id"] for case in listed["results"]] == [str(rugby_case.pk)]
    assert listed["results"][0]["child"]["family_name"] == "Dawson"
    assert elsewhere["results"] == []
    rows = AccessLog.objects.order_by("id")[before:]
    assert [str(row.person_id) for row in rows] == [str(rugby_case.child_id)]


def test_pages_are_capped_at_100(rugby_case, client_for):
    from people.models import Person

    children = Person.objects.bulk_create(
        Person(given_name=f"Child{n}", family_name="Tester") for n in range(101)
    )
    Case.objects.bulk_create(
        Case(
            child=child,
            team=rugby_case.team,
            level="FAMILY_HELP",
            referral_date=rugby_case.referral_date,
            assessment_due_date=rugby_case.assessment_due_date,
            opened_at=rugby_case.opened_at,
        )
        for child in children
    )
    before = AccessLog.objects.count()

    response = client_for("team_manager").get(reverse("cases-api:case-list"), {"limit": 1000})

    assert response.status_code == 200
    assert (response.json()["count"], len(response.json()["results"])) == (102, 100)
    assert "limit=100" in response.json()["next"]
    assert AccessLog.objects.count() - before == 100


def test_accept_allocate_transfer_and_close_through_the_api(
    rugby_case, client_for, rugby_fhlp, macpt_manager
):
    manager = client_for("team_manager")
    url = lambda name: reverse(f"cases-api:case-{name}", args=[rugby_case.pk])  # noqa: E731

    accepted = manager.post(url("intake"), {"decision": "ACCEPT"}, content_type="application/json")
    allocated = manager.post(
        url("allocate"), {"worker": rugby_fhlp.pk}, content_type="application/json"
    )
    moved = client_for("rugby_fhlp").post(
        url("transfer"),
        {"to_team": "macpt-north", "reason": "STEP_UP_MACPT", "note": "Disclosure at school"},
        content_type="application/json",
    )

    assert accepted.json()["status"] == "UNALLOCATED"
    assert allocated.json()["allocated_to"]["id"] == rugby_fhlp.pk
    assert [e["kind"] for e in allocated.json()["events"]][:2] == ["ALLOCATED", "ACCEPTED"]
    assert moved.status_code == 200
    new_case = Case.objects.get(pk=moved.json()["id"])
    assert (new_case.team.slug, new_case.status, new_case.level) == (
        "macpt-north",
        CaseStatus.INCOMING,
        "IMMEDIATE_PROTECTION",
    )
    closed = client_for("macpt_manager").post(
        reverse("cases-api:case-close", args=[new_case.pk]),
        {"reason": "RC7", "note": "Family moved abroad"},
        content_type="application/json",
    )
    assert closed.json()["status"] == "CLOSED"


def test_a_refusal_is_a_400_naming_the_field_and_changes_nothing(
    refer, rugby_family, client_for, macpt_manager, warwick_fhlp
):
    link = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION)
    case = Case.objects.get(opened_by=link)
    case_accept(case=case, manager=macpt_manager)
    from accounts.models import Role, User
    from locality.models import Team, TeamMembership

    unregistered = User.objects.create(username="una", role=Role.LCPP)
    TeamMembership.objects.create(
        user=unregistered, team=Team.objects.get(slug="macpt-north"), start_date=case.referral_date
    )

    response = client_for("macpt_manager").post(
        reverse("cases-api:case-allocate", args=[case.pk]),
        {"worker": unregistered.pk},
        content_type="application/json",
    )
    back = client_for("macpt_manager").post(
        reverse("cases-api:case-intake", args=[case.pk]),
        {"decision": "SEND_BACK"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "registered social worker" in response.json()["worker"][0]
    assert back.status_code == 400  # already accepted: nothing to send back
    assert Case.objects.get(pk=case.pk).status == CaseStatus.UNALLOCATED


def test_the_schema_documents_the_cases_api(client_for):
    schema = client_for("administrator").get(reverse("api-schema"), {"format": "json"}).json()

    assert {"/api/v1/cases/", "/api/v1/cases/{case_id}/allocate/"} <= set(schema["paths"])


def test_a_change_through_the_api_logs_the_child_once(rugby_case, client_for):
    before = AccessLog.objects.count()

    client_for("team_manager").post(
        reverse("cases-api:case-intake", args=[rugby_case.pk]),
        {"decision": "ACCEPT"},
        content_type="application/json",
    )

    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(str(r.person_id), r.reason) for r in rows] == [
        (str(rugby_case.child_id), "intake decision")
    ]
