"""The front door's second pass (docs/front-door.md): several children at once, a referral only
for a child with a recorded level, the manager's view, and home as a work list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from conftest import verified_client
from consent.models import ConsentException, ConsentRecord, Purpose
from locality.selectors import RoutingInputError, routing_resolve
from people.models import Person, Relationship
from people.services import person_search_names_ensure
from referrals.models import AuthorisationStatus, ConsultationChild, Outcome
from referrals.services import (
    ConsultationError,
    consultation_child_add,
    consultation_child_authorise,
    consultation_child_decide,
    consultation_start,
    consultation_submit,
)
from spectrum.models import Framework, LevelCode, SpectrumDecision
from tests.referrals.helpers import fill_in_the_call, level_recorded


def _url(name, consultation, **kwargs):
    return reverse(f"referrals:{name}", kwargs={"consultation_id": consultation.pk, **kwargs})


@pytest.fixture
def siblings(practitioner, rugby_family):
    consultation = consultation_start(practitioner=practitioner)
    fill_in_the_call(consultation, practitioner, purpose="REFERRAL")
    links = [
        consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
        for child in (rugby_family["child"], rugby_family["teenager"])
    ]
    return {"consultation": consultation, "links": links, **rugby_family}


def test_one_parents_answer_is_recorded_once_and_each_child_gets_their_own_row(
    practitioner, siblings
):
    client = verified_client(practitioner)
    mia, leo = siblings["child"], siblings["teenager"]
    here = _url("step-consent", siblings["consultation"])
    url = (
        reverse("consent:answer-create", args=[mia.pk])
        + f"?children={mia.pk}&children={leo.pk}&next={here}"
    )
    form = client.get(url).content.decode()
    assert "Which children is this for?" in form

    response = client.post(
        url,
        {
            "children": [str(mia.pk)],
            "purpose": Purpose.REFERRAL,
            "status": "GIVEN",
            "given_by": siblings["mother"].pk,
            "capacity": "PARENTAL_RESPONSIBILITY",
            "method": "VERBAL",
        },
    )
    assert response["Location"] == here
    assert list(ConsentRecord.objects.values_list("child", flat=True)) == [mia.pk]

    client.post(
        url,
        {
            "children": [str(mia.pk), str(leo.pk)],
            "purpose": Purpose.INFORMATION_SHARING,
            "status": "GIVEN",
            "given_by": siblings["mother"].pk,
            "capacity": "PARENTAL_RESPONSIBILITY",
            "method": "VERBAL",
        },
    )
    sharing = ConsentRecord.objects.filter(purpose=Purpose.INFORMATION_SHARING)
    assert sorted(sharing.values_list("child", flat=True)) == sorted([mia.pk, leo.pk])


def test_none_ticked_is_an_error_beside_the_children_and_nothing_is_recorded(
    practitioner, siblings
):
    mia, leo = siblings["child"], siblings["teenager"]
    url = (
        reverse("consent:exception-create", args=[mia.pk]) + f"?children={mia.pk}&children={leo.pk}"
    )

    page = (
        verified_client(practitioner)
        .post(
            url,
            {
                "purpose": Purpose.IMMEDIATE_PROTECTION,
                "reason": "CHILD_PROTECTION",
                "rationale": "Disclosure",
                "family_told": "NOT_YET",
            },
        )
        .content.decode()
    )

    assert "Choose the children this decision is for" in page
    assert not ConsentException.objects.exists()


def test_going_ahead_without_consent_for_three_children_is_one_form(practitioner, siblings):
    third = Person.objects.create(
        given_name="Ava",
        family_name="Dawson",
        date_of_birth=timezone.localdate() - timedelta(days=900),
    )
    children = [siblings["child"], siblings["teenager"], third]
    query = "&".join(f"children={child.pk}" for child in children)
    url = reverse("consent:exception-create", args=[children[0].pk]) + "?" + query

    verified_client(practitioner).post(
        url,
        {
            "children": [str(child.pk) for child in children],
            "purpose": Purpose.IMMEDIATE_PROTECTION,
            "reason": "CHILD_PROTECTION",
            "rationale": "Police attended a violent incident at home",
            "family_told": "NOT_YET",
        },
    )

    assert ConsentException.objects.filter(purpose=Purpose.IMMEDIATE_PROTECTION).count() == 3


def test_immediate_protection_never_reads_cannot_go_ahead_yet(practitioner, siblings):
    page = verified_client(practitioner).get(_url("step-consent", siblings["consultation"]))

    html = page.content.decode()
    block = html.split('data-testid="consent-immediate_protection"')[1].split("</div>")[0]
    assert "Cannot go ahead yet" not in block
    assert "Still needed" in block


def test_a_spectrum_decision_shared_by_siblings_gives_each_their_own_row(practitioner, siblings):
    mia, leo = siblings["child"], siblings["teenager"]
    framework = Framework.objects.get(status="PUBLISHED")
    indicator = framework.indicators.filter(level=LevelCode.EARLY_SUPPORT).first()
    here = _url("step-spectrum", siblings["consultation"])
    picker = reverse("spectrum:decision-picker", args=[mia.pk]) + f"?children={leo.pk}&next={here}"
    client = verified_client(practitioner)
    assert "Apply the same decision to" in client.get(picker).content.decode()

    response = client.post(
        picker,
        {
            "action": "record",
            "indicators": [indicator.pk],
            "decided_level": LevelCode.EARLY_SUPPORT,
            "siblings": [str(leo.pk)],
        },
    )

    assert response["Location"] == here
    rows = SpectrumDecision.objects.filter(decided_level=LevelCode.EARLY_SUPPORT)
    assert sorted(rows.values_list("person", flat=True)) == sorted([mia.pk, leo.pk])
    assert all(list(row.indicators.all()) == [indicator] for row in rows)


def test_lower_level_needs_in_three_domains_are_a_prompt_on_the_picker(practitioner, siblings):
    framework = Framework.objects.get(status="PUBLISHED")
    picked = []
    for domain in framework.domains.order_by("order")[:3]:
        picked.append(domain.indicators.filter(level=LevelCode.EARLY_SUPPORT).first().pk)
    picker = reverse("spectrum:decision-picker", args=[siblings["child"].pk])

    page = (
        verified_client(practitioner)
        .post(picker, {"action": "suggest", "indicators": picked})
        .content.decode()
    )

    assert 'data-testid="cumulative-prompt"' in page
    assert "at least" not in page.split('data-testid="suggestion"')[1].split("</div>")[0]


def test_one_outcome_for_several_children_routes_and_records_each(practitioner, siblings):
    mia_link, leo_link = siblings["links"]
    client = verified_client(practitioner)
    for child in (siblings["child"], siblings["teenager"]):
        level_recorded(child, practitioner, Outcome.EARLY_SUPPORT_REFERRAL)
        ConsentRecord.objects.create(
            child=child,
            purpose=Purpose.REFERRAL,
            status="GIVEN",
            recorded_by=practitioner,
            given_by=siblings["mother"] if child == siblings["child"] else child,
            capacity="PARENTAL_RESPONSIBILITY" if child == siblings["child"] else "YOUNG_PERSON",
            method="VERBAL",
            answered_at=timezone.now(),
        )
    page = client.get(_url("child-outcome", siblings["consultation"], link_id=mia_link.pk))
    assert "Agree the same outcome for" in page.content.decode()

    response = client.post(
        _url("child-outcome", siblings["consultation"], link_id=mia_link.pk),
        {"outcome": Outcome.EARLY_SUPPORT_REFERRAL, "also": [str(leo_link.pk)]},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    links = ConsultationChild.objects.filter(consultation=siblings["consultation"])
    assert {link.outcome for link in links} == {Outcome.EARLY_SUPPORT_REFERRAL}
    assert all(link.team and link.spectrum_decision for link in links)
    assert len({link.spectrum_decision_id for link in links}) == 2


def test_a_referral_is_refused_for_an_adult_and_for_a_child_with_no_level(
    practitioner, rugby_family
):
    consultation = consultation_start(practitioner=practitioner)
    adult = consultation_child_add(
        consultation=consultation, child=rugby_family["mother"], added_by=practitioner
    )
    with pytest.raises(ConsultationError, match="18 or over"):
        consultation_child_decide(
            link=adult, outcome=Outcome.FAMILY_HELP_ASSESSMENT, decided_by=practitioner
        )
    with pytest.raises(RoutingInputError, match="Routing is for children"):
        routing_resolve(
            postcode=rugby_family["postcode"],
            level="FAMILY_HELP",
            date_of_birth=timezone.localdate() - timedelta(days=40 * 366),
        )
    ConsentRecord.objects.create(
        child=rugby_family["child"],
        purpose=Purpose.REFERRAL,
        status="GIVEN",
        recorded_by=practitioner,
        given_by=rugby_family["mother"],
        capacity="PARENTAL_RESPONSIBILITY",
        method="VERBAL",
        answered_at=timezone.now(),
    )
    child = consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=practitioner
    )
    with pytest.raises(ConsultationError, match="level of need"):
        consultation_child_decide(
            link=child, outcome=Outcome.EARLY_SUPPORT_REFERRAL, decided_by=practitioner
        )


def test_the_api_refuses_a_family_help_referral_for_a_30_year_old(client_for, rugby_family):
    adult = Person.objects.create(
        given_name="Sam",
        family_name="Dawson",
        date_of_birth=timezone.localdate() - timedelta(days=30 * 366),
    )
    body = {
        "caller": {"name": "PC Jones", "agency_type": "POLICE"},
        "channel": "TELEPHONE",
        "purpose": "REFERRAL",
        "concerns": "Worried about Sam",
        "safe_now": "YES",
        "children": [
            {
                "id": str(adult.pk),
                "outcome": "FAMILY_HELP_ASSESSMENT",
                "postcode": rugby_family["postcode"],
            }
        ],
    }

    response = client_for("practitioner").post(
        reverse("consultations-api:consultation-list"), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "18 or over" in str(response.json())
    assert not ConsultationChild.objects.exists()


def _awaiting_referral(practitioner, family):
    ConsentRecord.objects.create(
        child=family["child"],
        purpose=Purpose.REFERRAL,
        status="GIVEN",
        recorded_by=practitioner,
        given_by=family["mother"],
        capacity="PARENTAL_RESPONSIBILITY",
        method="VERBAL",
        answered_at=timezone.now(),
    )
    consultation = consultation_start(practitioner=practitioner)
    fill_in_the_call(consultation, practitioner, purpose="REFERRAL", strengths="Gran helps daily")
    link = consultation_child_add(
        consultation=consultation, child=family["child"], added_by=practitioner
    )
    link = consultation_child_decide(
        link=link,
        outcome=Outcome.FAMILY_HELP_ASSESSMENT,
        decided_by=practitioner,
        spectrum_decision=level_recorded(family["child"], practitioner),
    )
    consultation_submit(consultation=consultation, submitted_by=practitioner)
    return link


def test_the_manager_authorises_with_the_consultation_in_view_and_the_level_with_it(
    practitioner, fc_manager, rugby_family
):
    link = _awaiting_referral(practitioner, rugby_family)
    client = verified_client(fc_manager)

    page = client.get(reverse("referrals:authorise", args=[link.pk])).content.decode()

    assert "Often arrives hungry and tired" in page  # the worries
    assert "Gran helps daily" in page  # the strengths
    assert "Recorded for the referral during the call" in page  # the level's rationale
    assert 'data-testid="authorise-consent"' in page and "Can go ahead" in page
    assert 'data-testid="authorise-history"' in page
    assert reverse("referrals:consultation-record", args=[link.consultation_id]) in page
    client.post(reverse("referrals:authorise", args=[link.pk]), {"decision": "AUTHORISE"})
    link.refresh_from_db()
    assert link.authorisation == AuthorisationStatus.AUTHORISED
    assert link.spectrum_decision.authorised_by == fc_manager


def test_a_manager_never_authorises_their_own_level_by_authorising_an_outcome(
    practitioner, fc_manager, team_manager, rugby_family
):
    link = _awaiting_referral(practitioner, rugby_family)
    # The level was re-recorded by the manager who now authorises: it is left for another.
    decision = level_recorded(rugby_family["child"], fc_manager)
    ConsultationChild.objects.filter(pk=link.pk).update(spectrum_decision=decision)

    consultation_child_authorise(link=link, manager=fc_manager)

    decision.refresh_from_db()
    assert decision.authorised_by is None


def test_home_lists_the_practitioners_drafts_and_what_is_due(practitioner, siblings):
    page = verified_client(practitioner).get(reverse("home")).content.decode()

    assert 'data-testid="home-drafts"' in page
    assert siblings["consultation"].reference in page
    assert "Start a new consultation" in page


def test_home_shows_a_manager_what_waits_urgent_first_and_logs_the_children_shown(
    practitioner, fc_manager, rugby_family
):
    link = _awaiting_referral(practitioner, rugby_family)
    ConsultationChild.objects.filter(pk=link.pk).update(urgent=True)
    before = AccessLog.objects.count()

    page = verified_client(fc_manager).get(reverse("home")).content.decode()

    table = page.split('data-testid="home-authorisations"')[1]
    assert (
        f'Review<span class="govuk-visually-hidden"> {link.consultation.reference} for Mia Dawson'
        in table
    )
    assert "Urgent" in table
    assert AccessLog.objects.count() - before >= 1


@pytest.mark.parametrize("rows", [1, 30])
def test_home_runs_a_fixed_number_of_queries_however_many_wait(
    rows, practitioner, fc_manager, rugby_family, django_assert_max_num_queries
):
    for _ in range(rows):
        consultation_start(practitioner=fc_manager)
    client = verified_client(fc_manager)
    client.get(reverse("home"))

    with django_assert_max_num_queries(30):
        assert client.get(reverse("home")).status_code == 200


def test_children_come_first_in_the_search_and_stay_after_an_add(practitioner, siblings):
    for person in (siblings["mother"], siblings["child"], siblings["teenager"]):
        person_search_names_ensure(person=person)
    consultation = consultation_start(practitioner=practitioner)
    client = verified_client(practitioner)
    url = _url("step-children", consultation)

    page = client.get(url, {"name": "Dawson"}).content.decode()
    order = [page.index(name) for name in ("Mia Dawson", "Leo Dawson", "Claire Dawson")]
    assert order[2] > max(order[:2])  # the mother after both children
    response = client.post(
        url,
        {
            "people": [str(siblings["child"].pk), str(siblings["teenager"].pk)],
            "search_query": "name=Dawson",
        },
    )

    assert response["Location"].startswith(url + "?name=Dawson")
    assert consultation.children.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="result-count"' in page  # the results are still there
    assert Relationship.objects.exists()
