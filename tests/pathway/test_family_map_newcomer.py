"""Issue 13: a case worker adds a relationship to someone new, recorded in place from the family
map through the relationship picker (people/picker.py), and comes back to the assessment page.
Who may record people, and why: docs/pathway.md."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from audit.models import AccessAction, AccessLog
from people.models import DuplicateDecision, LivesWith, Person, Relationship
from people.services import person_search_names_ensure
from tests.pathway.test_journey_views import _start

pytestmark = pytest.mark.django_db


def _add_url(assessment, **query):
    url = reverse("pathway:relationship-add", args=[assessment.pk])
    return f"{url}?{urlencode(query)}" if query else url


def _search_id(html: str) -> str:
    return html.split('name="new-search" value="')[1].split('"')[0]


def test_a_case_worker_records_someone_new_from_the_family_map_and_returns_to_the_assessment(
    client_for, fhlp_case, rugby_family, rugby_fhlp
):
    fhlp = client_for("rugby_fhlp")
    child = rugby_family["child"]
    assessment = _start(fhlp, fhlp_case, child)
    back = reverse("pathway:assessment", args=[assessment.pk])

    page = fhlp.get(_add_url(assessment, next=back, name="Tomasz Nowak")).content.decode()
    assert "0 possible matches" in page
    assert "None of these: record someone new" in page
    assert 'name="next" value="' + back + '"' in page  # the search keeps where to go back to

    response = fhlp.post(
        _add_url(assessment, next=back),
        {
            "record_new": "1",
            "new-search": _search_id(page),
            "new-given_name": "Tomasz",
            "new-family_name": "Nowak",
            "new-kind": "PARTNER_OF_PARENT",
            "new-child": str(child.pk),
            "new-lives_with": "on",
        },
    )

    assert response.status_code == 302 and response["Location"] == back
    newcomer = Person.objects.get(given_name="Tomasz", family_name="Nowak")
    assert Relationship.objects.filter(
        from_person=newcomer, to_person=child, kind="PARTNER_OF_PARENT"
    ).exists()
    assert LivesWith.objects.filter(person_a=newcomer, person_b=child).exists()
    decision = DuplicateDecision.objects.get(created_person=newcomer)
    assert decision.decided_by == rugby_fhlp and decision.search.user == rugby_fhlp
    assert AccessLog.objects.filter(person_id=newcomer.pk, action=AccessAction.CHANGE).exists()
    family_map = fhlp.get(reverse("pathway:family-map", args=[assessment.pk])).content.decode()
    assert "Tomasz Nowak" in family_map


def test_a_case_workers_search_finds_only_the_people_on_their_cases(
    client_for, fhlp_case, rugby_family
):
    fhlp = client_for("rugby_fhlp")
    assessment = _start(fhlp, fhlp_case, rugby_family["child"])
    stranger = Person.objects.create(given_name="Claire", family_name="Dawson-Hill")
    for person in (rugby_family["mother"], stranger):
        person_search_names_ensure(person=person)

    before = set(AccessLog.objects.values_list("pk", flat=True))
    page = fhlp.get(_add_url(assessment, name="Claire Dawson")).content.decode()

    found = page[page.index('data-testid="picker-found"') :].split("</ul>")[0]
    assert "Claire Dawson" in found and "Dawson-Hill" not in found
    searched = AccessLog.objects.filter(action=AccessAction.SEARCH).exclude(pk__in=before)
    assert [row.person_id for row in searched] == [rugby_family["mother"].pk]


def test_someone_new_must_be_tied_to_a_child_and_nothing_typed_is_lost(
    client_for, fhlp_case, rugby_family
):
    fhlp = client_for("rugby_fhlp")
    assessment = _start(fhlp, fhlp_case, rugby_family["child"])
    page = fhlp.get(_add_url(assessment, name="Tomasz Nowak")).content.decode()
    response = fhlp.post(
        _add_url(assessment),
        {
            "record_new": "1",
            "new-search": _search_id(page),
            "new-given_name": "Tomasz",
            "new-family_name": "Nowak",
            "new-kind": "PARTNER_OF_PARENT",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in html
    assert "Choose the child they are related to" in html
    assert 'value="Tomasz"' in html and 'value="Nowak"' in html
    assert not Person.objects.filter(given_name="Tomasz").exists()


def test_someone_not_in_the_team_cannot_record_people_from_the_family_map(
    client_for, fhlp_case, rugby_family
):
    fhlp = client_for("rugby_fhlp")
    assessment = _start(fhlp, fhlp_case, rugby_family["child"])
    page = fhlp.get(_add_url(assessment, name="Tomasz Nowak")).content.decode()
    response = client_for("warwick_fhlp").post(
        _add_url(assessment),
        {
            "record_new": "1",
            "new-search": _search_id(page),
            "new-given_name": "Tomasz",
            "new-family_name": "Nowak",
            "new-kind": "PARTNER_OF_PARENT",
            "new-child": str(rugby_family["child"].pk),
        },
    )
    assert response.status_code in (403, 404)
    assert not Person.objects.filter(given_name="Tomasz").exists()
