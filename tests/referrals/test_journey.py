"""The consultation journey through its pages, as a practitioner uses them without JavaScript
(and the JSON answers the autosave script relies on)."""

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from conftest import verified_client
from consent.models import Capacity, ConsentStatus, Method, Purpose
from consent.services import consent_record_answer
from people.models import LivesWith, RestrictionCategory
from people.search import search_criteria_parse  # noqa: F401 - the search the page runs
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
    Outcome,
)
from referrals.services import (
    consultation_child_add,
    consultation_child_decide,
    consultation_draft_save,
    consultation_start,
)
from spectrum.models import Framework, LevelCode
from spectrum.selectors import decision_current_for_person
from spectrum.services import spectrum_decision_record
from tests.referrals.helpers import fill_in_the_call, level_recorded


def _decide(child, level, user, consultation=None):
    framework = Framework.objects.get(status="PUBLISHED")
    return spectrum_decision_record(
        person=child,
        framework=framework,
        indicator_ids=[framework.indicators.filter(level=level).first().pk],
        decided_level=level,
        rationale="Fits the indicator chosen",
        decided_by=user,
        consultation=consultation,
    )


def _url(name, consultation, **kwargs):
    return reverse(f"referrals:{name}", kwargs={"consultation_id": consultation.pk, **kwargs})


def _received(*parts):
    """The time received as typed in GOV.UK's date input: day, month, year, hour, minute."""
    return {f"received_at_{i}": part for i, part in enumerate(parts)}


CALLER = {
    "caller_name": "Priya Shah",
    "caller_role": "Designated safeguarding lead",
    "caller_agency_type": "SCHOOL",
    "caller_organisation": "Dunchurch Infant School",
    "caller_phone": "01788 810000",
    "caller_email": "p.shah@school.example.org",
    "caller_relationship": "Mia's class teacher",
    "channel": "TELEPHONE",
    "purpose": "REFERRAL",
    "purpose_detail": "Wants the family to get help with routines",
}


@pytest.fixture
def draft(practitioner):
    return consultation_start(practitioner=practitioner)


def _ready_to_refer(family, user):
    consent_record_answer(
        child=family["child"],
        purpose=Purpose.REFERRAL,
        status=ConsentStatus.GIVEN,
        recorded_by=user,
        given_by=family["mother"],
        capacity=Capacity.PARENTAL_RESPONSIBILITY,
        method=Method.VERBAL,
    )
    # A referral also needs the child's level of need recorded (the Spectrum step).
    level_recorded(family["child"], user)


def test_starting_a_consultation_opens_the_caller_step_with_the_clock_running(practitioner):
    client = verified_client(practitioner)

    response = client.post(reverse("referrals:consultation-new"))

    consultation = Consultation.objects.get()
    assert response["Location"] == _url("step-caller", consultation)
    page = client.get(response["Location"]).content.decode()
    assert consultation.reference in page
    assert "Decision due" in page


def test_the_caller_step_saves_and_moves_on(practitioner, draft):
    client = verified_client(practitioner)

    response = client.post(_url("step-caller", draft), {**CALLER, "version": draft.version})

    assert response.status_code == 302
    assert response["Location"] == _url("step-children", draft)
    draft.refresh_from_db()
    assert (draft.caller_name, draft.caller_agency_type, draft.cin_referral_source) == (
        "Priya Shah",
        "SCHOOL",
        "2A",
    )


def test_a_wrong_field_is_shown_beside_itself_and_nothing_typed_is_lost(practitioner, draft):
    client = verified_client(practitioner)

    response = client.post(
        _url("step-caller", draft),
        {**CALLER, "caller_email": "p.shah at school", "version": draft.version},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in page
    assert 'value="p.shah at school"' in page
    assert 'value="Dunchurch Infant School"' in page
    draft.refresh_from_db()
    assert draft.caller_organisation == "Dunchurch Infant School"  # the valid fields are saved
    assert draft.caller_email == ""
    # ...and the page quotes the new version, so correcting the email is not a conflict.
    response = client.post(
        _url("step-caller", draft),
        {**CALLER, "version": draft.version},
    )
    assert response.status_code == 302


def test_a_received_time_moves_the_decision_clock(practitioner, draft):
    client = verified_client(practitioner)

    client.post(
        _url("step-caller", draft),
        {**CALLER, **_received("20", "11", "2026", "16", "00"), "version": draft.version},
    )

    draft.refresh_from_db()
    assert timezone.localtime(draft.decision_due_at).strftime("%a %d %H:%M") == "Mon 23 16:00"


def test_a_received_time_in_the_future_is_refused(practitioner, draft):
    client = verified_client(practitioner)

    response = client.post(
        _url("step-caller", draft),
        {**CALLER, **_received("1", "1", "2099", "09", "00"), "version": draft.version},
    )

    assert "The time received must be in the past" in response.content.decode()


def test_autosave_answers_with_the_new_version(practitioner, draft):
    client = verified_client(practitioner)

    response = client.post(
        _url("step-concerns", draft),
        {"concerns": "Mia arrives hungry", "version": draft.version},
        headers={"X-Autosave": "1"},
    )

    assert response.status_code == 200
    assert response.json()["version"] == draft.version + 1
    draft.refresh_from_db()
    assert draft.concerns == "Mia arrives hungry"


def test_two_people_on_one_draft_get_a_conflict_message_with_the_other_words(
    practitioner, fc_manager, draft
):
    mine, theirs = verified_client(practitioner), verified_client(fc_manager)
    loaded_at = draft.version
    theirs.post(
        _url("step-concerns", draft),
        {"concerns": "Their account of the call", "version": loaded_at},
        headers={"X-Autosave": "1"},
    )

    autosave = mine.post(
        _url("step-concerns", draft),
        {"concerns": "My account of the call", "version": loaded_at},
        headers={"X-Autosave": "1"},
    )
    page = mine.post(
        _url("step-concerns", draft),
        {"concerns": "My account of the call", "version": loaded_at},
    ).content.decode()

    assert autosave.status_code == 409
    assert "saved this consultation" in autosave.json()["message"]
    assert "Someone else changed this consultation" in page
    assert "Their account of the call" in page  # what they saved
    assert "My account of the call" in page  # what I typed, still in the form
    draft.refresh_from_db()
    assert draft.concerns == "Their account of the call"


def test_after_a_conflict_saving_again_is_a_deliberate_choice_to_keep_mine(
    practitioner, fc_manager, draft
):
    consultation_draft_save(
        consultation=draft, changes={"concerns": "Theirs"}, version=1, saved_by=fc_manager
    )
    client = verified_client(practitioner)
    client.post(_url("step-concerns", draft), {"concerns": "Mine", "version": 1})

    draft.refresh_from_db()
    client.post(_url("step-concerns", draft), {"concerns": "Mine", "version": draft.version})

    draft.refresh_from_db()
    assert draft.concerns == "Mine"


def test_a_form_sent_after_the_session_expired_is_saved_after_signing_in_again(practitioner, draft):
    client = verified_client(practitioner)
    client.get(_url("step-concerns", draft))  # the practitioner opens the step
    Session.objects.all().delete()  # the session ends while the practitioner is typing

    response = client.post(
        _url("step-concerns", draft),
        {"concerns": "Words typed before the session ended", "version": draft.version},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    draft.refresh_from_db()
    assert draft.concerns == ""
    # Signing in again (as the sign-in page does) keeps the new session's contents.
    session_key = client.cookies["sessionid"].value
    client.force_login(practitioner)
    assert client.cookies["sessionid"].value != session_key
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = practitioner.totpdevice_set.get().persistent_id
    session.save()

    page = client.get(_url("step-concerns", draft)).content.decode()

    draft.refresh_from_db()
    assert draft.concerns == "Words typed before the session ended"
    assert "What you typed has been kept and saved" in page
    assert "Words typed before the session ended" in page


def test_words_kept_through_a_sign_out_are_not_saved_as_the_next_person_s(
    practitioner, fc_manager, draft
):
    client = verified_client(practitioner)
    client.get(_url("step-concerns", draft))
    Session.objects.all().delete()
    client.post(
        _url("step-concerns", draft),
        {"concerns": "Words the practitioner typed", "version": draft.version},
    )

    # Someone else signs in on the same browser and opens the same step.
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(fc_manager)
    device = fc_manager.totpdevice_set.create(name="Phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.get(_url("step-concerns", draft))

    page = response.content.decode()
    draft.refresh_from_db()
    assert response.status_code == 200
    assert (draft.concerns, draft.updated_by) == ("", draft.practitioner)
    assert "Words the practitioner typed" not in page
    assert "were not saved: they were not typed by you" in page


def test_autosave_after_the_session_expired_says_so(practitioner, draft):
    client = verified_client(practitioner)
    Session.objects.all().delete()

    response = client.post(
        _url("step-concerns", draft),
        {"concerns": "x", "version": draft.version},
        headers={"X-Autosave": "1"},
    )

    assert response.status_code == 401
    assert response.json()["signed_out"] is True


def test_children_are_found_by_search_and_added_with_their_household(practitioner, family, draft):
    from people.services import person_create  # noqa: F401

    LivesWith.objects.create(person_a=family["mother"], person_b=family["child"])
    client = verified_client(practitioner)

    page = client.get(_url("step-children", draft), {"name": "Mia Dawson"}).content.decode()
    assert "possible match" in page
    response = client.post(_url("step-children", draft), {"person": family["child"].pk})
    page = client.get(response["Location"]).content.decode()

    assert ConsultationChild.objects.filter(consultation=draft, child=family["child"]).exists()
    assert "Claire Dawson" in page  # PR holder and lives with
    assert "Mia Dawson added to this consultation" in page


def test_a_child_added_by_mistake_can_be_removed(practitioner, family, draft):
    link = consultation_child_add(consultation=draft, child=family["child"], added_by=practitioner)
    client = verified_client(practitioner)

    client.post(_url("step-children", draft), {"action": "remove", "link": link.pk})

    assert not ConsultationChild.objects.filter(pk=link.pk).exists()


def test_none_of_these_leads_to_adding_a_new_person_and_back(practitioner, draft):
    client = verified_client(practitioner)
    page = client.get(_url("step-children", draft), {"name": "Baby Quinlan"}).content.decode()
    create_url = page.split('data-testid="add-new-person"')[0].rsplit('href="', 1)[1].split('"')[0]
    create_url = create_url.replace("&amp;", "&")

    response = client.post(
        create_url,
        {
            "search": create_url.split("search=")[1].split("&")[0],
            "given_name": "Baby",
            "family_name": "Quinlan",
            "expected_date_of_birth_0": "1",
            "expected_date_of_birth_1": "3",
            "expected_date_of_birth_2": str(timezone.localdate().year + 1),
            "sex": "F",
            "postcode": "cv21 2ab",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"].startswith(_url("step-children", draft) + "?from_search=")
    # Back at the step, the new person has joined the consultation: no second click.
    page = client.get(response["Location"], follow=True).content.decode()
    assert "Baby Quinlan has joined this consultation" in page
    assert [str(link.child) for link in draft.children.all()] == ["Baby Quinlan"]
    assert "Add Baby Quinlan to this consultation" not in page


def test_a_person_someone_else_created_does_not_join_from_the_address_alone(
    practitioner, family, draft
):
    client = verified_client(practitioner)
    url = f"{_url('step-children', draft)}?from_search={uuid.uuid4()}&person={family['child'].pk}"

    page = client.get(url, follow=True).content.decode()

    assert not draft.children.exists()
    assert f"Add {family['child']} to this consultation" in page


def test_someone_the_practitioner_cannot_see_cannot_be_added(practitioner, family, draft):
    family["child"].restricted = True
    family["child"].restriction_category = RestrictionCategory.SAFETY
    family["child"].save()
    client = verified_client(practitioner)

    client.post(_url("step-children", draft), {"person": family["child"].pk})

    assert not ConsultationChild.objects.filter(consultation=draft).exists()


def test_the_family_history_shows_earlier_consultations_with_age_and_level(
    practitioner, fc_manager, family, draft
):
    LivesWith.objects.create(person_a=family["teenager"], person_b=family["child"])
    earlier = consultation_start(practitioner=practitioner)
    link = consultation_child_add(
        consultation=earlier, child=family["teenager"], added_by=practitioner
    )
    decision = _decide(family["teenager"], LevelCode.EARLY_SUPPORT, practitioner)
    consultation_child_decide(
        link=link,
        outcome=Outcome.SINGLE_AGENCY,
        decided_by=practitioner,
        spectrum_decision=decision,
    )
    consultation_child_add(consultation=draft, child=family["child"], added_by=practitioner)
    client = verified_client(practitioner)

    page = client.get(_url("step-household", draft)).content.decode()

    assert earlier.reference in page
    assert "Leo Dawson" in page
    assert "Early Support" in page
    assert "Single agency support" in page
    assert ">16<" in page  # his age at the time


def test_the_consent_step_shows_each_childs_gate_and_returns_after_recording(
    practitioner, family, draft
):
    consultation_child_add(consultation=draft, child=family["child"], added_by=practitioner)
    client = verified_client(practitioner)
    page = client.get(_url("step-consent", draft)).content.decode()
    assert "Cannot go ahead yet" in page

    response = client.post(
        reverse("consent:answer-create", args=[family["child"].pk])
        + f"?next={_url('step-consent', draft)}",
        {
            "purpose": Purpose.REFERRAL,
            "status": ConsentStatus.GIVEN,
            "given_by": family["mother"].pk,
            "capacity": Capacity.PARENTAL_RESPONSIBILITY,
            "method": Method.VERBAL,
        },
    )

    assert response["Location"] == _url("step-consent", draft)
    assert "Can go ahead" in client.get(response["Location"]).content.decode()


def test_a_return_address_elsewhere_is_ignored(practitioner, family):
    client = verified_client(practitioner)

    response = client.post(
        reverse("consent:answer-create", args=[family["child"].pk])
        + "?next=https://attacker.example/",
        {
            "purpose": Purpose.REFERRAL,
            "status": ConsentStatus.GIVEN,
            "given_by": family["mother"].pk,
            "capacity": Capacity.PARENTAL_RESPONSIBILITY,
            "method": Method.VERBAL,
        },
    )

    assert response["Location"] == reverse("consent:child-consent", args=[family["child"].pk])


def test_a_spectrum_decision_made_from_the_consultation_returns_to_it_and_is_linked_to_it(
    practitioner, rugby_family, draft
):
    consent_record_answer(
        child=rugby_family["child"],
        purpose=Purpose.REFERRAL,
        status=ConsentStatus.GIVEN,
        recorded_by=practitioner,
        given_by=rugby_family["mother"],
        capacity=Capacity.PARENTAL_RESPONSIBILITY,
        method=Method.VERBAL,
    )
    link = consultation_child_add(
        consultation=draft, child=rugby_family["child"], added_by=practitioner
    )
    framework = Framework.objects.get(status="PUBLISHED")
    indicator = framework.indicators.filter(level=LevelCode.FAMILY_HELP).first()
    client = verified_client(practitioner)
    step = client.get(_url("step-spectrum", draft)).content.decode()
    picker = step.split("Choose indicators and decide")[0].rsplit('href="', 1)[1].split('"')[0]
    picker = picker.replace("&amp;", "&")
    assert 'class="govuk-back-link">Back</a>' in client.get(picker).content.decode()

    response = client.post(
        picker,
        {"action": "record", "indicators": [indicator.pk], "decided_level": LevelCode.FAMILY_HELP},
    )

    assert response["Location"] == _url("step-spectrum", draft)
    step = client.get(response["Location"]).content.decode()
    assert "in this consultation" in step
    assert indicator.text.split(" ")[0] in step  # the chosen indicators, in the step summary
    _outcome(client, draft, link, outcome=Outcome.FAMILY_HELP_ASSESSMENT)
    decision = rugby_family["child"].spectrum_decisions.get()
    assert decision.consultation == draft


def test_a_return_address_on_another_site_is_not_followed_by_the_picker(practitioner, family):
    framework = Framework.objects.get(status="PUBLISHED")
    indicator = framework.indicators.filter(level=LevelCode.EARLY_SUPPORT).first()
    picker = reverse("spectrum:decision-picker", args=[family["child"].pk])
    client = verified_client(practitioner)

    response = client.post(
        f"{picker}?next=https://attacker.example/",
        {"action": "record", "indicators": [indicator.pk], "decided_level": "EARLY_SUPPORT"},
    )

    assert response["Location"] == reverse("spectrum:decision-history", args=[family["child"].pk])


def _outcome(client, consultation, link, **data):
    return client.post(
        _url("child-outcome", consultation, link_id=link.pk),
        {"outcome": Outcome.ADVICE, "services_signposted": "", **data},
    )


def test_advice_needs_the_services_signposted_shown_beside_the_field(practitioner, family, draft):
    link = consultation_child_add(consultation=draft, child=family["child"], added_by=practitioner)
    client = verified_client(practitioner)

    page = _outcome(client, draft, link, outcome_rationale="Kept").content.decode()

    assert "Enter the services you signposted" in page
    assert "Kept" in page
    response = _outcome(client, draft, link, services_signposted="Family Information Service")
    assert response["Location"] == _url("step-outcome", draft)
    link.refresh_from_db()
    assert link.authorisation == AuthorisationStatus.NOT_NEEDED


def test_a_referral_without_consent_is_stopped_beside_the_outcome(
    practitioner, rugby_family, draft
):
    link = consultation_child_add(
        consultation=draft, child=rugby_family["child"], added_by=practitioner
    )
    client = verified_client(practitioner)

    page = _outcome(client, draft, link, outcome=Outcome.FAMILY_HELP_ASSESSMENT).content.decode()

    assert "Consent is needed" in page
    link.refresh_from_db()
    assert link.outcome == ""


def test_the_routing_proposal_and_its_reasons_are_shown_and_can_be_overridden_with_a_reason(
    practitioner, rugby_family, draft
):
    from locality.models import RoutingOverride, Team

    _ready_to_refer(rugby_family, practitioner)
    link = consultation_child_add(
        consultation=draft, child=rugby_family["child"], added_by=practitioner
    )
    client = verified_client(practitioner)

    _outcome(client, draft, link, outcome=Outcome.FAMILY_HELP_ASSESSMENT)
    page = client.get(_url("step-outcome", draft)).content.decode()
    assert Team.objects.get(slug="family-help-rugby").name in page
    nuneaton = Team.objects.get(slug="family-help-nuneaton-bedworth")
    missing_reason = _outcome(
        client, draft, link, outcome=Outcome.FAMILY_HELP_ASSESSMENT, team=nuneaton.pk
    ).content.decode()
    assert "Say why the proposed team is not right" in missing_reason
    _outcome(
        client,
        draft,
        link,
        outcome=Outcome.FAMILY_HELP_ASSESSMENT,
        team=nuneaton.pk,
        override_reason="The family are moving to Nuneaton next week",
    )

    link.refresh_from_db()
    assert (link.suggested_team.slug, link.team.slug) == ("family-help-rugby", nuneaton.slug)
    assert RoutingOverride.objects.get().reason == "The family are moving to Nuneaton next week"
    assert link.authorisation == AuthorisationStatus.AWAITING


def test_submitting_lists_what_is_missing_then_sends_referrals_to_a_manager(
    practitioner, rugby_family, draft
):
    _ready_to_refer(rugby_family, practitioner)
    link = consultation_child_add(
        consultation=draft, child=rugby_family["child"], added_by=practitioner
    )
    client = verified_client(practitioner)
    page = client.get(_url("consultation", draft)).content.decode()
    assert "Enter the worries the caller described" in page

    refused = client.post(_url("submit", draft), follow=True).content.decode()
    assert "Choose the type of agency" in refused
    draft.refresh_from_db()
    assert draft.status == ConsultationStatus.DRAFT

    client.post(_url("step-caller", draft), {**CALLER, "version": draft.version})
    draft.refresh_from_db()
    client.post(
        _url("step-concerns", draft),
        {"concerns": "Mia is often hungry", "safe_now": "YES", "version": draft.version},
    )
    _outcome(client, draft, link, outcome=Outcome.FAMILY_HELP_ASSESSMENT)
    page = client.post(_url("submit", draft), follow=True).content.decode()

    draft.refresh_from_db()
    assert draft.status == ConsultationStatus.AWAITING_AUTHORISATION
    assert "sent to a Family Connect manager to authorise" in page
    # Submitted: the steps are read-only now.
    response = client.get(_url("step-caller", draft))
    assert response["Location"] == _url("consultation", draft)


def test_every_consultation_page_writes_one_access_log_row_per_child(practitioner, family, draft):
    for child in (family["child"], family["teenager"]):
        consultation_child_add(consultation=draft, child=child, added_by=practitioner)
    client = verified_client(practitioner)
    before = AccessLog.objects.count()

    client.get(_url("step-concerns", draft))

    rows = AccessLog.objects.order_by("-pk")[: AccessLog.objects.count() - before]
    assert {row.person_id for row in rows} == {family["child"].pk, family["teenager"].pk}
    assert {row.record_id for row in rows} == {str(draft.pk)}


@pytest.mark.parametrize(
    "step",
    [
        "consultation",
        "step-caller",
        "step-children",
        "step-household",
        "step-concerns",
        "step-consent",
        "step-spectrum",
        "step-outcome",
    ],
)
def test_each_step_runs_a_fixed_small_number_of_queries(
    step, practitioner, family, draft, django_assert_max_num_queries
):
    LivesWith.objects.create(person_a=family["mother"], person_b=family["child"])
    for child in (family["child"], family["teenager"]):
        consultation_child_add(consultation=draft, child=child, added_by=practitioner)
    for _ in range(3):  # earlier consultations in the family's history
        earlier = consultation_start(practitioner=practitioner)
        link = consultation_child_add(
            consultation=earlier, child=family["child"], added_by=practitioner
        )
        consultation_child_decide(
            link=link,
            outcome=Outcome.ADVICE,
            services_signposted="Family Information Service",
            decided_by=practitioner,
        )
    client = verified_client(practitioner)

    with django_assert_max_num_queries(15):
        response = client.get(_url(step, draft))

    assert response.status_code == 200


def test_a_child_outcome_page_runs_a_fixed_small_number_of_queries(
    practitioner, family, draft, django_assert_max_num_queries
):
    link = consultation_child_add(consultation=draft, child=family["child"], added_by=practitioner)
    client = verified_client(practitioner)

    with django_assert_max_num_queries(15):
        response = client.get(_url("child-outcome", draft, link_id=link.pk))

    assert response.status_code == 200


def test_your_drafts_are_listed_to_pick_up_again(practitioner, fc_manager, draft):
    consultation_start(practitioner=fc_manager)
    client = verified_client(practitioner)

    page = client.get(reverse("referrals:consultation-new")).content.decode()

    assert page.count('data-testid="drafts"') == 1
    assert draft.reference in page
    assert page.count("FC-") == 1


def test_an_outcome_a_manager_returned_must_be_looked_at_again_before_resubmitting(
    practitioner, fc_manager, rugby_family, draft
):
    from referrals.services import consultation_child_return, consultation_submit

    _ready_to_refer(rugby_family, practitioner)
    link = consultation_child_add(
        consultation=draft, child=rugby_family["child"], added_by=practitioner
    )
    fill_in_the_call(draft, practitioner)
    link = consultation_child_decide(
        link=link,
        outcome=Outcome.EARLY_SUPPORT_REFERRAL,
        decided_by=practitioner,
        spectrum_decision=decision_current_for_person(person=rugby_family["child"]),
    )
    consultation_submit(consultation=draft, submitted_by=practitioner)
    consultation_child_return(link=link, manager=fc_manager, note="Check the postcode")
    client = verified_client(practitioner)

    page = client.get(_url("consultation", draft)).content.decode()
    client.post(_url("submit", draft))

    assert "Review the outcome for Mia Dawson: a manager returned it" in page
    assert "Check the postcode" in page
    draft.refresh_from_db()
    assert draft.status == ConsultationStatus.DRAFT
    _outcome(client, draft, link, outcome=Outcome.EARLY_SUPPORT_REFERRAL)
    client.post(_url("submit", draft))
    draft.refresh_from_db()
    assert draft.status == ConsultationStatus.AWAITING_AUTHORISATION


def test_parents_and_siblings_shown_with_the_household_are_access_logged_too(
    practitioner, family, draft
):
    LivesWith.objects.create(person_a=family["mother"], person_b=family["child"])
    LivesWith.objects.create(person_a=family["mother"], person_b=family["teenager"])
    consultation_child_add(consultation=draft, child=family["child"], added_by=practitioner)
    client = verified_client(practitioner)

    for step in ("step-children", "step-household"):
        before = set(AccessLog.objects.values_list("pk", flat=True))
        client.get(_url(step, draft))
        shown = set(AccessLog.objects.exclude(pk__in=before).values_list("person_id", flat=True))
        assert {family["child"].pk, family["mother"].pk} <= shown, step


def test_the_family_history_shows_a_siblings_open_case_with_its_team(
    practitioner, fc_manager, rugby_family, draft
):
    from referrals.services import consultation_child_authorise, consultation_submit

    LivesWith.objects.create(person_a=rugby_family["teenager"], person_b=rugby_family["child"])
    consent_record_answer(
        child=rugby_family["teenager"],
        purpose=Purpose.REFERRAL,
        status=ConsentStatus.GIVEN,
        recorded_by=practitioner,
        given_by=rugby_family["teenager"],
        capacity=Capacity.YOUNG_PERSON,
        method=Method.VERBAL,
    )
    earlier = consultation_start(practitioner=practitioner)
    fill_in_the_call(earlier, practitioner)
    link = consultation_child_add(
        consultation=earlier, child=rugby_family["teenager"], added_by=practitioner
    )
    link = consultation_child_decide(
        link=link,
        outcome=Outcome.FAMILY_HELP_ASSESSMENT,
        decided_by=practitioner,
        spectrum_decision=level_recorded(rugby_family["teenager"], practitioner),
    )
    consultation_submit(consultation=earlier, submitted_by=practitioner)
    consultation_child_authorise(link=link, manager=fc_manager)
    consultation_child_add(consultation=draft, child=rugby_family["child"], added_by=practitioner)

    page = verified_client(practitioner).get(_url("step-household", draft)).content.decode()

    assert "Open case" in page
    assert "Rugby Family Help team" in page
    assert "New: waiting to be accepted, assessment due" in page
