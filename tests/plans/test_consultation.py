"""The front door's consultation page and the plans app (docs/plans.md): each child's flags
show on the consultation, and Family Connect refers children straight from a consultation to
a Family Network Meeting, passing the consent gate, to the co-ordinators' queue."""

import re

import pytest
from django.urls import reverse

from audit.models import AccessLog
from people.models import ChronologyEvent, FlagKind, LivesWith
from plans.models import FamilyNetworkReferral, NetworkReferralStatus
from referrals.services import consultation_child_add, consultation_start

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def consultation(practitioner, family):
    """A consultation about Mia and her brother Leo, who live with their mother Claire."""
    LivesWith.objects.create(person_a=family["mother"], person_b=family["child"])
    draft = consultation_start(practitioner=practitioner)
    for child in (family["child"], family["teenager"]):
        consultation_child_add(consultation=draft, child=child, added_by=practitioner)
    return draft


def _refer_url(consultation):
    return reverse("plans:fnm-refer-consultation", args=[consultation.pk])


def _consent(family, child, by, status="GIVEN"):
    from consent.models import Capacity, Method, Purpose
    from consent.services import consent_record_answer

    return consent_record_answer(
        child=child,
        purpose=Purpose.FAMILY_NETWORK_MEETING,
        status=status,
        recorded_by=by,
        given_by=family["mother"],
        capacity=Capacity.PARENTAL_RESPONSIBILITY,
        method=Method.VERBAL,
    )


def _new_ids(before) -> list:
    return list(AccessLog.objects.exclude(pk__in=before).values_list("person_id", flat=True))


def test_each_childs_flags_show_on_the_consultation_pages(consultation, family, client_for):
    client = client_for("practitioner")
    mia, leo = family["child"], family["teenager"]
    response = client.post(
        reverse("plans:flags", args=[mia.pk]),
        {"kind": FlagKind.YOUNG_CARER, "start_date": "01/11/2026"},
    )
    assert response.status_code == 302

    for name in ("referrals:consultation", "referrals:consultation-record"):
        before = set(AccessLog.objects.values_list("pk", flat=True))
        html = _text(client.get(reverse(name, args=[consultation.pk])))
        cards = html.split('data-testid="child-outcome"')[1:]
        by_child = {("Mia" if "Mia Dawson" in card else "Leo"): card for card in cards}
        assert 'data-testid="child-flags"' in by_child["Mia"]
        assert "Young carer" in by_child["Mia"]
        assert 'data-testid="child-flags"' not in by_child["Leo"]
        # The children are read through the consultation's one door: one row each.
        assert sorted(map(str, _new_ids(before))) == sorted([str(mia.pk), str(leo.pk)])


def test_an_ended_flag_no_longer_shows_on_the_consultation(consultation, family, client_for):
    client = client_for("practitioner")
    mia = family["child"]
    client.post(
        reverse("plans:flags", args=[mia.pk]),
        {"kind": FlagKind.KINSHIP_CARE, "start_date": "01/10/2026", "kinship_arrangement": "SGO"},
    )
    flag = mia.flags.get()
    html = _text(client.get(reverse("referrals:consultation", args=[consultation.pk])))
    assert "Special guardianship order" in html
    client.post(reverse("plans:flag-end", args=[mia.pk, flag.pk]), {"end_date": "02/11/2026"})
    html = _text(client.get(reverse("referrals:consultation", args=[consultation.pk])))
    assert 'data-testid="child-flags"' not in html


def test_the_consultation_links_to_the_referral_form_prefilled_with_children_and_family(
    consultation, family, client_for
):
    client = client_for("practitioner")
    page = _text(client.get(reverse("referrals:consultation", args=[consultation.pk])))
    assert f'href="{_refer_url(consultation)}"' in page

    before = set(AccessLog.objects.values_list("pk", flat=True))
    html = _text(client.get(_refer_url(consultation)))

    # Both children offered and ticked; the family as the records know them.
    for child in (family["child"], family["teenager"]):
        assert re.search(rf'value="{child.pk}"\s+checked', html)
    assert "Claire Dawson: Parent of Mia Dawson, parental responsibility" in html
    assert "lives with Mia Dawson" in html
    assert "Joan Dawson: Grandparent of Mia Dawson" in html
    # Without consent yet, the gate's own reason for each child.
    assert html.count('data-testid="consent-gate-child"') == 2
    # One row per child (the consultation) and one per family member shown.
    shown = {str(pk) for pk in _new_ids(before)}
    assert shown == {str(family[key].pk) for key in ("child", "teenager", "mother", "grandmother")}
    assert len(_new_ids(before)) == 4


def test_without_consent_the_referral_is_refused_beside_the_children_keeping_the_words(
    consultation, family, client_for, practitioner
):
    _consent(family, family["child"], practitioner)  # Mia yes; nobody has answered for Leo
    response = client_for("practitioner").post(
        _refer_url(consultation),
        {
            "children": [str(family["child"].pk), str(family["teenager"].pk)],
            "reason": "Their grandmother can help with mornings",
            "family_network": "Joan, grandmother",
        },
    )

    assert response.status_code == 200
    html = _text(response)
    assert "govuk-error-summary" in html
    beside = html.split('id="div_id_children"')[1].split('id="div_id_reason"')[0]
    assert "govuk-error-message" in beside and "Leo Dawson:" in beside
    assert "Their grandmother can help with mornings" in html  # nothing typed is lost
    assert FamilyNetworkReferral.objects.count() == 0


def test_a_refused_consent_stops_the_referral(consultation, family, client_for, practitioner):
    _consent(family, family["child"], practitioner, status="REFUSED")
    response = client_for("practitioner").post(
        _refer_url(consultation),
        {"children": [str(family["child"].pk)], "reason": "Wider family"},
    )
    assert response.status_code == 200
    assert FamilyNetworkReferral.objects.count() == 0


def test_a_child_not_on_the_consultation_cannot_be_referred_from_it(
    consultation, family, client_for, practitioner
):
    response = client_for("practitioner").post(
        _refer_url(consultation),
        {"children": [str(family["mother"].pk)], "reason": "Wider family"},
    )
    assert response.status_code == 200
    assert "Choose children from the list shown" in _text(response)
    assert FamilyNetworkReferral.objects.count() == 0


def test_with_consent_the_referral_records_its_consultation_and_reaches_the_coordinator(
    consultation, family, client_for, practitioner
):
    mia = family["child"]
    _consent(family, mia, practitioner)
    response = client_for("practitioner").post(
        _refer_url(consultation),
        {
            "children": [str(mia.pk)],
            "reason": "Their grandmother can help with mornings",
            "family_network": "Claire Dawson, mother\nJoan Dawson, grandmother",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:consultation", args=[consultation.pk])

    referral = FamilyNetworkReferral.objects.get()
    assert referral.child == mia
    assert referral.consultation_id == consultation.pk and referral.case_id is None
    assert referral.status == NetworkReferralStatus.WAITING
    assert "Joan Dawson, grandmother" in referral.family_network
    assert ChronologyEvent.objects.filter(person=mia, kind="FNM_REFERRED").exists()

    coordinator = client_for("fnm_coordinator")
    queue = _text(coordinator.get(reverse("plans:fnm-queue")))
    assert "Mia Dawson" in queue
    assert f"from consultation {consultation.reference}" in queue
    detail = _text(coordinator.get(reverse("plans:fnm-detail", args=[referral.pk])))
    assert "Joan Dawson, grandmother" in detail
    assert f"from consultation {consultation.reference}" in detail

    # A second referral for Mia while she waits is refused, beside the children.
    again = client_for("practitioner").post(
        _refer_url(consultation), {"children": [str(mia.pk)], "reason": "Again"}
    )
    assert again.status_code == 200
    assert "already waiting for a Family Network Meeting" in _text(again)
    assert FamilyNetworkReferral.objects.count() == 1


def test_the_referral_from_a_consultation_is_in_the_api_with_its_source(
    consultation, family, client_for, practitioner
):
    mia = family["child"]
    _consent(family, mia, practitioner)
    client_for("practitioner").post(
        _refer_url(consultation), {"children": [str(mia.pk)], "reason": "Wider family"}
    )
    referral = FamilyNetworkReferral.objects.get()
    body = (
        client_for("fnm_coordinator")
        .get(reverse("plans-api:network-detail", args=[referral.pk]))
        .json()
    )
    assert body["consultation"] == str(consultation.pk) and body["case"] is None
