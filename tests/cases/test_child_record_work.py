"""The child's record shows the work (issue 19, point 7): consultations, levels of need and cases
on the person's page and the household page, linked for those who may open them."""

import pytest
from django.urls import reverse

from conftest import verified_client
from referrals.services import consultation_child_add, consultation_start
from tests.referrals.helpers import level_recorded

pytestmark = pytest.mark.django_db


def _page(client, user, url):
    response = verified_client(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_person_page_lists_consultation_level_and_case_with_links(
    client, rugby_case, practitioner, team_manager
):
    child = rugby_case.child
    consultation = rugby_case.opened_by.consultation
    record = reverse("referrals:consultation-record", args=[consultation.pk])
    case_url = reverse("cases:case", args=[rugby_case.pk])
    url = reverse("people:person-detail", args=[child.pk])

    html = _page(client, practitioner, url)
    assert f'href="{record}"' in html
    assert f"Consultation {consultation.reference}: Family Help Assessment" in html
    assert "Level of need decided: " in html
    assert f"{rugby_case.team} case: {rugby_case.get_status_display()}" in html
    # The front door may not open the team's case: the row is there, the link is not.
    assert case_url not in html

    html = _page(client, team_manager, url)
    assert f'href="{case_url}"' in html


def test_household_page_names_whose_work_it_is(client, rugby_case, practitioner, rugby_family):
    child = rugby_case.child
    html = _page(client, practitioner, reverse("people:household", args=[child.pk]))
    consultation = rugby_case.opened_by.consultation
    assert f"Consultation {consultation.reference}" in html
    assert reverse("referrals:consultation-record", args=[consultation.pk]) in html


@pytest.mark.parametrize("count", [1, 30])
def test_the_work_is_read_in_a_constant_number_of_queries(
    client, rugby_case, practitioner, django_assert_max_num_queries, count
):
    child = rugby_case.child
    for _ in range(count - 1):
        consultation = consultation_start(practitioner=practitioner)
        consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
        level_recorded(child, practitioner)
    client = verified_client(practitioner)
    url = reverse("people:person-detail", args=[child.pk])
    # The same number of queries for 1 item of each kind and for 30 (measured: 22).
    with django_assert_max_num_queries(22):
        response = client.get(url)
    assert response.content.decode().count("Level of need decided") == count
    assert response.content.decode().count("Consultation FC-") >= count
