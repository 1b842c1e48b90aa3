"""The consultations API: a whole consultation in one request, all or nothing, read back through
the one door, and authorised by a second manager."""

from datetime import timedelta

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AccessLog
from cases.models import Case
from conftest import verified_client
from consent.models import ConsentException, ConsentRecord
from familyfirst.demo_cases import DEMO_LEVEL as REFERRAL_LEVEL
from people.models import Person, PersonName
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
    Outcome,
)
from spectrum.models import SpectrumDecision
from tests.spectrum.conftest import framework, indicator  # noqa: F401 - fixtures

CONSULTATIONS = reverse("consultations-api:consultation-list")


def _detail(consultation_id) -> str:
    return reverse(
        "consultations-api:consultation-detail", kwargs={"consultation_id": consultation_id}
    )


def _authorise(consultation_id) -> str:
    return reverse(
        "consultations-api:consultation-authorise", kwargs={"consultation_id": consultation_id}
    )


def _with_level(child: dict) -> dict:
    """A referral needs a recorded level of need: a child referred without indicators of their
    own is given one indicator at the outcome's level, as the caller of the API would send."""
    level = REFERRAL_LEVEL.get(child.get("outcome", ""))
    if level is None or "indicator_ids" in child:
        return child
    from spectrum.models import Indicator

    chosen = Indicator.objects.filter(framework__status="PUBLISHED", level=level).first()
    return {**child, "indicator_ids": [chosen.pk], "decided_level": level, "rationale": "As found"}


def _body(*children, purpose="ADVICE", **extra) -> dict:
    children = [_with_level(child) for child in children]
    return {
        "caller": {
            "name": "Priya Shah",
            "role": "Designated safeguarding lead",
            "agency_type": "SCHOOL",
            "organisation": "Bilton Junior School",
            "phone": "01788 000000",
        },
        "channel": "TELEPHONE",
        "purpose": purpose,
        "concerns": "Comes to school hungry most days this term.",
        "child_location_now": "At school",
        "safe_now": "YES",
        "strengths": "Mum engages well with school",
        "children": list(children),
        **extra,
    }


def _post(client, body):
    return client.post(CONSULTATIONS, body, content_type="application/json")


def _consent_from_mother(family) -> dict:
    return {
        "answer": "GIVEN",
        "given_by": str(family["mother"].pk),
        "capacity": "PARENTAL_RESPONSIBILITY",
        "method": "VERBAL",
    }


CHILD_PROTECTION = {
    "purpose": "IMMEDIATE_PROTECTION",
    "reason": "CHILD_PROTECTION",
    "rationale": "Disclosure of physical harm",
    "family_told": "NOT_YET",
}


def _written_rows() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Consultation,
            ConsultationChild,
            ConsentRecord,
            ConsentException,
            SpectrumDecision,
            Person,
            PersonName,
            Case,
        )
    }


@pytest.mark.parametrize(
    ("outcome", "indicator_code", "extra", "authorisation", "team", "status"),
    [
        (
            "ADVICE",
            "U-HEALTH-01",
            {"services_signposted": "Family Information Service"},
            "NOT_NEEDED",
            None,
            "COMPLETE",
        ),
        ("SINGLE_AGENCY", "U-HEALTH-01", {}, "NOT_NEEDED", None, "COMPLETE"),
        ("EARLY_SUPPORT_ASSESSMENT", "ES-HEALTH-01", {}, "NOT_NEEDED", None, "COMPLETE"),
        (
            "EARLY_SUPPORT_REFERRAL",
            "ES-HEALTH-01",
            {"consent": "mother"},
            "AWAITING",
            "family-help-rugby",
            "AWAITING_AUTHORISATION",
        ),
        (
            "FAMILY_HELP_ASSESSMENT",
            "FH-HEALTH-01",
            {"consent": "mother"},
            "AWAITING",
            "family-help-rugby",
            "AWAITING_AUTHORISATION",
        ),
        (
            "IMMEDIATE_PROTECTION",
            "IP-ABUSE_NEGLECT-01",
            {"consent_exception": CHILD_PROTECTION, "rationale": "Disclosure of harm"},
            "AWAITING",
            "macpt-north",
            "AWAITING_AUTHORISATION",
        ),
    ],
)
def test_each_outcome_can_be_recorded_in_one_request(
    client_for,
    rugby_family,
    indicator,  # noqa: F811 - fixture
    outcome,
    indicator_code,
    extra,
    authorisation,
    team,
    status,
):
    if extra.get("consent") == "mother":
        extra = {**extra, "consent": _consent_from_mother(rugby_family)}
    level = indicator(indicator_code).level
    child = {
        "id": str(rugby_family["child"].pk),
        "indicator_ids": [indicator(indicator_code).pk],
        "decided_level": level,
        "outcome": outcome,
        **extra,
    }

    response = _post(client_for("practitioner"), _body(child))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("FC-")
    assert (body["status"], body["decision_due_at"] is not None) == (status, True)
    [entry] = body["children"]
    assert (entry["child"]["id"], entry["outcome"]) == (str(rugby_family["child"].pk), outcome)
    assert (entry["suggested_level"], entry["decided_level"]) == (level, level)
    assert entry["authorisation"] == authorisation
    assert (entry["team"] or {}).get("slug") == team
    assert (entry["suggested_team"] or {}).get("slug") == team
    if team:
        assert entry["routing_reasons"]
    assert entry["urgent"] is (outcome == "IMMEDIATE_PROTECTION")


def test_a_new_child_is_recorded_with_search_names_and_routed_by_their_home_postcode(
    client_for, rugby_family
):
    born = timezone.localdate() - timedelta(days=16 * 365 + 40)
    child = {
        "new": {
            "given_name": "Kacper",
            "family_name": "Nowak",
            "date_of_birth": born.isoformat(),
            "sex": "M",
            "postcode": rugby_family["postcode"],
        },
        "consent": {"answer": "GIVEN", "capacity": "YOUNG_PERSON", "method": "VERBAL"},
        "outcome": "EARLY_SUPPORT_REFERRAL",
    }

    response = _post(client_for("practitioner"), _body(child, purpose="REFERRAL"))

    assert response.status_code == 201, response.json()
    [entry] = response.json()["children"]
    person = Person.objects.get(pk=entry["child"]["id"])
    assert (person.given_name, person.family_name) == ("Kacper", "Nowak")
    assert PersonName.objects.filter(person=person, given_norm__isnull=False).exists()
    assert ConsentRecord.objects.get(child=person).given_by == person
    assert entry["routing_postcode"] == rugby_family["postcode"]
    assert entry["team"]["slug"] == "family-help-rugby"


def test_refused_consent_is_a_400_on_that_child_and_nothing_is_written(client_for, rugby_family):
    advice_for_brother = {
        "id": str(rugby_family["teenager"].pk),
        "outcome": "ADVICE",
        "services_signposted": "Youth service",
    }
    refused = {
        "id": str(rugby_family["child"].pk),
        "consent": {**_consent_from_mother(rugby_family), "answer": "REFUSED"},
        "outcome": "FAMILY_HELP_ASSESSMENT",
    }
    new_sibling = {
        "new": {"given_name": "Ruby", "family_name": "Dawson", "date_of_birth": "2024-01-02"},
        "outcome": "ADVICE",
        "services_signposted": "Children's centre",
    }
    before = _written_rows()
    logged_before = AccessLog.objects.count()

    response = _post(client_for("practitioner"), _body(advice_for_brother, new_sibling, refused))

    assert response.status_code == 400
    errors = response.json()["children"]
    assert list(errors) == ["2"]
    assert "consent" in errors["2"]["outcome"][0].lower()
    assert _written_rows() == before
    assert AccessLog.objects.count() == logged_before


def test_an_indicator_outside_the_published_framework_is_a_400(
    client_for,
    rugby_family,
    framework,  # noqa: F811 - fixture
):
    child = {
        "id": str(rugby_family["child"].pk),
        "indicator_ids": [999_999],
        "decided_level": "EARLY_SUPPORT",
        "outcome": "SINGLE_AGENCY",
    }
    before = _written_rows()

    response = _post(client_for("practitioner"), _body(child))

    assert response.status_code == 400
    assert response.json() == {
        "children": {
            "0": {"indicator_ids": ["Select indicators from the published framework only"]}
        }
    }
    assert _written_rows() == before


@pytest.mark.parametrize(
    ("child", "errors"),
    [
        (
            {"outcome": "ADVICE"},
            {"id": ["Give either the id of a child on Family Connect or a new child"]},
        ),
        ({"id": "00000000-0000-0000-0000-000000000000"}, {"outcome": ["This field is required."]}),
        (
            {"id": "00000000-0000-0000-0000-000000000000", "outcome": "SINGLE_AGENCY"},
            {"id": ["No child with this id was found"]},
        ),
        (
            {"id": "child", "outcome": "ADVICE"},
            {"services_signposted": ["Enter the services you signposted"]},
        ),
    ],
    ids=["no-child", "no-outcome", "unknown-child", "advice-without-services"],
)
def test_a_bad_child_entry_is_a_400_keyed_to_that_child(client_for, rugby_family, child, errors):
    if child.get("id") == "child":
        child = {**child, "id": str(rugby_family["child"].pk)}

    response = _post(client_for("practitioner"), _body(child))

    assert response.status_code == 400
    assert response.json() == {"children": {"0": errors}}
    assert Consultation.objects.count() == 0


def test_a_consultation_missing_what_submission_needs_is_a_400(client_for, rugby_family):
    child = {"id": str(rugby_family["child"].pk), "outcome": "SINGLE_AGENCY"}

    response = _post(client_for("practitioner"), _body(child, safe_now=""))

    assert response.status_code == 400
    assert "safe now" in str(response.json())
    assert Consultation.objects.count() == 0


def test_sending_a_referral_to_another_team_needs_a_reason(client_for, rugby_family):
    child = {
        "id": str(rugby_family["child"].pk),
        "consent": _consent_from_mother(rugby_family),
        "outcome": "FAMILY_HELP_ASSESSMENT",
        "team": "family-help-warwick",
    }
    client = client_for("practitioner")

    refused = _post(client, _body(child))
    accepted = _post(client, _body({**child, "override_reason": "Family moving to Warwick"}))

    assert refused.status_code == 400
    assert list(refused.json()["children"]["0"]) == ["override_reason"]
    [entry] = accepted.json()["children"]
    assert (entry["suggested_team"]["slug"], entry["team"]["slug"]) == (
        "family-help-rugby",
        "family-help-warwick",
    )
    assert entry["override_reason"] == "Family moving to Warwick"


@pytest.fixture
def referral(client_for, rugby_family):
    """A Family Help referral recorded through the API by the practitioner."""

    def make(recorded_by="practitioner"):
        child = {
            "id": str(rugby_family["child"].pk),
            "consent": _consent_from_mother(rugby_family),
            "outcome": "FAMILY_HELP_ASSESSMENT",
        }
        response = _post(client_for(recorded_by), _body(child, purpose="REFERRAL"))
        assert response.status_code == 201, response.json()
        return response.json()

    return make


def test_nobody_authorises_their_own_decision(client_for, referral):
    consultation = referral(recorded_by="fc_manager")

    response = client_for("fc_manager").post(
        _authorise(consultation["id"]), {"decision": "AUTHORISE"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "children": {
            consultation["children"][0]["id"]: [
                "Nobody can authorise their own decision. Ask another manager."
            ]
        }
    }
    assert Case.objects.count() == 0
    assert ConsultationChild.objects.get().authorisation == AuthorisationStatus.AWAITING


def test_a_second_manager_authorising_opens_a_case_in_the_team(client_for, referral, make_persona):
    consultation = referral(recorded_by="fc_manager")
    second = User.objects.create(
        username="second.manager", first_name="Grace", last_name="Adeyemi", role=Role.FC_MANAGER
    )

    response = verified_client(second).post(
        _authorise(consultation["id"]),
        {"decision": "AUTHORISE", "note": "Agreed"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == ConsultationStatus.COMPLETE
    [entry] = body["children"]
    assert (entry["authorisation"], entry["authorised_by"]) == ("AUTHORISED", "Grace Adeyemi")
    assert (entry["case"]["team"], entry["case"]["status"]) == ("family-help-rugby", "INCOMING")
    assert Case.objects.get().team.slug == "family-help-rugby"


def test_a_manager_returns_a_decision_with_a_note_saying_what_to_change(client_for, referral):
    consultation = referral()
    client = client_for("fc_manager")

    without_note = client.post(
        _authorise(consultation["id"]), {"decision": "RETURN"}, content_type="application/json"
    )
    with_note = client.post(
        _authorise(consultation["id"]),
        {"decision": "RETURN", "note": "Check the postcode"},
        content_type="application/json",
    )

    assert without_note.json() == {"note": ["Say what needs to change"]}
    assert with_note.status_code == 200
    assert with_note.json()["status"] == ConsultationStatus.DRAFT
    assert with_note.json()["children"][0]["authorisation"] == "RETURNED"


def test_only_a_family_connect_manager_can_authorise(client_for, referral):
    consultation = referral()

    response = client_for("practitioner").post(
        _authorise(consultation["id"]), {"decision": "AUTHORISE"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_the_detail_logs_one_access_row_per_child_it_names(client_for, rugby_family):
    children = [
        {"id": str(rugby_family[key].pk), "outcome": "ADVICE", "services_signposted": "FIS"}
        for key in ("child", "teenager")
    ]
    created = _post(client_for("practitioner"), _body(*children)).json()
    client = client_for("fc_manager")
    logged_before = set(AccessLog.objects.values_list("pk", flat=True))

    response = client.get(_detail(created["id"]))

    assert response.status_code == 200
    assert [entry["child"]["given_name"] for entry in response.json()["children"]] == ["Leo", "Mia"]
    rows = AccessLog.objects.exclude(pk__in=logged_before)
    assert sorted(str(row.person_id) for row in rows) == sorted(
        str(rugby_family[key].pk) for key in ("child", "teenager")
    )
    assert {(row.record_type, row.record_id) for row in rows} == {("consultation", created["id"])}


def test_the_list_names_no_child_logs_nothing_and_filters_by_status(
    client_for, rugby_family, referral
):
    referral()
    advice = {
        "id": str(rugby_family["teenager"].pk),
        "outcome": "ADVICE",
        "services_signposted": "FIS",
    }
    _post(client_for("practitioner"), _body(advice))
    client = client_for("practitioner")
    logged_before = AccessLog.objects.count()

    everything = client.get(CONSULTATIONS).json()
    waiting = client.get(CONSULTATIONS, {"status": "AWAITING_AUTHORISATION"}).json()
    nonsense = client.get(CONSULTATIONS, {"status": "LOST"})

    assert everything["count"] == 2
    assert [row["status"] for row in waiting["results"]] == ["AWAITING_AUTHORISATION"]
    assert waiting["results"][0]["awaiting_authorisation_count"] == 1
    assert "Mia" not in str(everything) and "Dawson" not in str(everything)
    assert nonsense.status_code == 400
    assert AccessLog.objects.count() == logged_before


@pytest.mark.parametrize("outsider", ["rugby_fhlp", "stranger", "anonymous"])
def test_outsiders_can_neither_record_nor_read_consultations(
    client_for, rugby_family, referral, outsider
):
    consultation = referral()
    client = client_for(outsider)
    child = {"id": str(rugby_family["child"].pk), "outcome": "SINGLE_AGENCY"}

    posted = _post(client, _body(child))
    listed = client.get(CONSULTATIONS)
    read = client.get(_detail(consultation["id"]))
    authorised = client.post(
        _authorise(consultation["id"]), {"decision": "AUTHORISE"}, content_type="application/json"
    )

    assert (posted.status_code, listed.status_code, authorised.status_code) == (403, 403, 403)
    assert read.status_code == (403 if outsider == "anonymous" else 404)
    assert Consultation.objects.count() == 1


def _many_consultations(practitioner, count):
    """``count`` open consultations with a child each, built in bulk."""
    now = timezone.now()
    child = Person.objects.create(given_name="Mia", family_name="Dawson")
    consultations = Consultation.objects.bulk_create(
        Consultation(
            reference=f"FC-2026-{number:06d}",
            practitioner=practitioner,
            received_at=now - timedelta(minutes=number),
            decision_due_at=now + timedelta(minutes=number),
            status=ConsultationStatus.AWAITING_AUTHORISATION,
        )
        for number in range(1, count + 1)
    )
    ConsultationChild.objects.bulk_create(
        ConsultationChild(
            consultation=consultation,
            child=child,
            outcome=Outcome.SINGLE_AGENCY,
            authorisation=AuthorisationStatus.AWAITING,
            decided_by=practitioner,
            decision_due_at=consultation.decision_due_at,
        )
        for consultation in consultations
    )
    return consultations


@pytest.mark.parametrize("count", [10, 1000])
def test_the_list_and_detail_take_a_bounded_number_of_queries(
    client_for, practitioner, rugby_family, count, django_assert_max_num_queries
):
    _many_consultations(practitioner, count)
    children = [
        {"id": str(rugby_family[key].pk), "outcome": "ADVICE", "services_signposted": "FIS"}
        for key in ("child", "teenager")
    ]
    client = client_for("practitioner")
    created = _post(client, _body(*children)).json()

    with django_assert_max_num_queries(15):
        listed = client.get(CONSULTATIONS, {"limit": 100})
    with django_assert_max_num_queries(15):
        detail = client.get(_detail(created["id"]))

    assert listed.json()["count"] == count + 1
    assert len(listed.json()["results"]) == min(100, count + 1)
    assert len(detail.json()["children"]) == 2


def test_the_consultations_api_is_in_the_schema(client_for):
    schema = yaml.safe_load(client_for("practitioner").get(reverse("api-schema")).content)

    create = schema["paths"]["/api/v1/consultations/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ConsultationCreate"
    )
    assert set(create["responses"]) == {"201", "400", "422"}
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= create["parameters"][0].items()
    assert "get" in schema["paths"]["/api/v1/consultations/{consultation_id}/"]
    assert "post" in schema["paths"]["/api/v1/consultations/{consultation_id}/authorise/"]
    assert "suggested_team" in schema["components"]["schemas"]["ConsultationChild"]["properties"]


def test_an_authorised_outcome_cannot_be_returned_and_nothing_changes(client_for, referral):
    consultation = referral()
    child_id = consultation["children"][0]["id"]
    client = client_for("fc_manager")
    authorised = client.post(
        _authorise(consultation["id"]),
        {"decision": "AUTHORISE", "note": "Agreed"},
        content_type="application/json",
    )
    assert authorised.status_code == 200, authorised.json()

    returned = client.post(
        _authorise(consultation["id"]),
        {"decision": "RETURN", "note": "Changed my mind", "children": [child_id]},
        content_type="application/json",
    )

    assert returned.status_code == 400
    assert returned.json() == {
        "children": {
            child_id: [
                "This outcome is not waiting for authorisation (authorised), so it cannot be returned"
            ]
        }
    }
    link = ConsultationChild.objects.get()
    assert (link.authorisation, link.manager_note) == (AuthorisationStatus.AUTHORISED, "Agreed")
    assert Consultation.objects.get().status == ConsultationStatus.COMPLETE
    assert Case.objects.get().status == "INCOMING"
