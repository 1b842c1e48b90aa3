"""A restricted child leaves no trace anywhere a worker who may not see them can look.

The walk resolves every URL pattern Django knows (pages, API endpoints, the admin), fills each
pattern's arguments with every record the planted data offers (the restricted child's and their
unrestricted family's), GETs each as the persona, and reads what comes back (HTML, JSON, or the
text of a PDF) for the child's name, date of birth or the words of the concern about them.
A Family Connect manager, who may see restricted records, walks the same routes as a control:
the detector must find the child there, or the walk proves nothing.
"""

import datetime as dt
import io
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from pypdf import PdfReader

from consent.models import Capacity, ConsentStatus, ExceptionReason, FamilyTold, Method, Purpose
from consent.services import consent_exception_record, consent_record_answer
from letters.services import letter_job_work
from people.models import RelationshipKind, RestrictionCategory
from people.services import (
    PersonDetails,
    person_create,
    person_restrict,
    relationship_with_household_record,
)
from referrals.models import Outcome
from referrals.services import (
    consultation_child_add,
    consultation_child_decide,
    consultation_draft_save,
    consultation_start,
    consultation_submit,
)
from spectrum.selectors import framework_current
from spectrum.services import framework_v1_ensure, spectrum_decision_record

POSTCODE = "CV21 2DX"
CHILD_BORN = dt.date(2014, 7, 19)
CONCERN = "A marmalade-coloured bruise on her wrist that she would not explain"
TRACES = [
    "Zephyrine",
    "Quillfeather",
    "2014-07-19",
    "19 July 2014",
    "19 Jul 2014",
    "19/07/2014",
    "19/7/2014",
    "marmalade-coloured",
]


def _person(manager, given, family, born):
    return person_create(
        details=PersonDetails(given, family, date_of_birth=born, postcode=POSTCODE),
        created_by=manager,
    )


def _consultation(manager, child, concerns):
    """A complete consultation about one child, its letter rendered, through the services."""
    framework_v1_ensure()
    framework = framework_current()
    consultation = consultation_start(practitioner=manager)
    consultation = consultation_draft_save(
        consultation=consultation,
        changes={
            "purpose": "ADVICE",
            "concerns": concerns,
            "safe_now": "YES",
            "caller_name": "Gwen Ashby",
            "caller_role": "Designated safeguarding lead",
            "caller_agency_type": "SCHOOL",
            "caller_organisation": "Hillmorton Primary School",
            "caller_email": "g.ashby@hillmorton.example",
        },
        version=consultation.version,
        saved_by=manager,
    )
    decision = spectrum_decision_record(
        person=child,
        framework=framework,
        indicator_ids=[framework.indicators.filter(level="UNIVERSAL").first().pk],
        decided_level="UNIVERSAL",
        rationale=f"Needs met at universal level: {concerns}",
        decided_by=manager,
        consultation=consultation,
    )
    link = consultation_child_add(consultation=consultation, child=child, added_by=manager)
    consultation_child_decide(
        link=link,
        outcome=Outcome.ADVICE,
        decided_by=manager,
        spectrum_decision=decision,
        services_signposted="Family Information Service",
        outcome_rationale=f"Advice given about {child.given_name}",
    )
    consultation_submit(consultation=consultation, submitted_by=manager)
    letter = consultation.letters.get()
    letter_job_work(letter_id=letter.pk)
    return {"consultation": consultation, "link": link, "letter": letter, "decision": decision}


@pytest.fixture
def planted(fc_manager):
    """Zephyrine Quillfeather, restricted, lives with her unrestricted mother Dawn Hartley and
    her half-brother Toby Hartley; a consultation, a letter, consent records and a decision
    name her; another consultation, about Toby, is one the practitioner may open."""
    mother = _person(fc_manager, "Dawn", "Hartley", dt.date(1985, 2, 3))
    child = _person(fc_manager, "Zephyrine", "Quillfeather", CHILD_BORN)
    brother = _person(fc_manager, "Toby", "Hartley", dt.date(2012, 10, 5))
    for young in (child, brother):
        relationship_with_household_record(
            from_person=mother,
            to_person=young,
            kind=RelationshipKind.PARENT,
            parental_responsibility=True,
            lives_with=True,
            created_by=fc_manager,
        )
    # Stored from Zephyrine's side, so Toby's "who answered" list would reach her.
    relationship_with_household_record(
        from_person=child,
        to_person=brother,
        kind=RelationshipKind.HALF_SIBLING,
        lives_with=True,
        created_by=fc_manager,
    )
    consents = {}
    for young in (child, brother):
        consents[young.pk] = consent_record_answer(
            child=young,
            purpose=Purpose.REFERRAL,
            status=ConsentStatus.GIVEN,
            recorded_by=fc_manager,
            given_by=mother,
            capacity=Capacity.PARENTAL_RESPONSIBILITY,
            method=Method.VERBAL,
        )
    exception = consent_exception_record(
        child=child,
        purpose=Purpose.IMMEDIATE_PROTECTION,
        reason=ExceptionReason.CHILD_PROTECTION,
        rationale=CONCERN,
        decided_by=fc_manager,
        family_told=FamilyTold.NOT_YET,
    )
    hers = _consultation(fc_manager, child, CONCERN)
    his = _consultation(fc_manager, brother, "Toby's attendance has fallen this term")
    person_restrict(person=child, category=RestrictionCategory.SAFETY, set_by=fc_manager)
    return {
        "person_id": [child.pk, mother.pk, brother.pk],
        "consultation_id": [hers["consultation"].pk, his["consultation"].pk],
        "link_id": [hers["link"].pk, his["link"].pk],
        "letter_id": [hers["letter"].pk, his["letter"].pk],
        "decision_id": [hers["decision"].pk, his["decision"].pk],
        "consent_id": [consents[child.pk].pk, consents[brother.pk].pk],
        "exception_id": [exception.pk],
        "postcode": [POSTCODE],
        # The admin's pages about the manager who recorded everything.
        "object_id": [str(fc_manager.pk)],
        "people": (child, mother, brother),
    }


def _patterns(resolver=None, namespace="", kwarg_names=()):
    """(url name, the kwargs its URL takes) for every named pattern, however deeply included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        names = set(kwarg_names) | _kwarg_names(pattern)
        if isinstance(pattern, URLResolver):
            child_namespace = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, child_namespace, names)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", frozenset(names)


def _kwarg_names(pattern) -> set:
    route = pattern.pattern
    if hasattr(route, "converters") and route.converters:
        return set(route.converters)
    return set(route.regex.groupindex)


# Arguments no planted record fills: ids of nothing, and the admin's own.
FILLERS = {
    "merge_id": [uuid.uuid4()],
    "access_id": [uuid.uuid4()],
    # A letter's download link is a secret only the referrer's email holds.
    "token": ["not-a-token-anyone-was-sent"],
    "app_label": ["people"],
    "content_type_id": ["1"],
    "url": ["people/person/"],
}


def _queries(name, planted):
    child, mother, brother = planted["people"]
    people = [{"child": str(p.pk)} for p in planted["people"]]
    return {
        "people:search": [{}, {"name": "Hartley"}, {"postcode": POSTCODE}, {"dob": "7/2014"}],
        "people-api:person-list": [{"limit": 1000}],
        "people-api:person-search": [
            {"name": "Hartley"},
            {"postcode": POSTCODE},
            {"dob": CHILD_BORN.isoformat()},
        ],
        "api-consent-records": people,
        "api-consent-exceptions": people,
        "api-consent-check": [{**p, "purpose": Purpose.REFERRAL} for p in people],
        "consultations-api:consultation-list": [{}, {"status": "COMPLETE"}],
        "referrals:queue": [{}, {"status": "COMPLETE"}],
    }.get(name, [{}])


def _requests(planted):
    for name, kwarg_names in sorted(set(_patterns())):
        combinations = [{}]
        for kwarg in sorted(kwarg_names):
            values = planted.get(kwarg) or FILLERS.get(kwarg) or ["1"]
            combinations = [{**c, kwarg: value} for c in combinations for value in values]
        for kwargs in combinations:
            try:
                url = reverse(name, kwargs=kwargs or None)
            except NoReverseMatch:
                continue
            for query in _queries(name, planted):
                yield name, url, query


def _text(response) -> str:
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


def _walk(client, planted) -> tuple[dict, list, int]:
    """What every route showed; a failure page is read like any other. Failures outside the
    admin are ours and are listed (django-otp's admin fails on a device id that is not one)."""
    client.raise_request_exception = False
    found, errors, count = {}, [], 0
    for name, url, query in _requests(planted):
        response = client.get(url, query)
        count += 1
        if response.status_code >= 500 and not name.startswith("admin:"):
            errors.append(f"{url} {query}: {response.status_code}")
        text = _text(response)
        traces = [trace for trace in TRACES if trace in text]
        if traces:
            found.setdefault(name, []).append(f"{url} {query}: {traces}")
    return found, errors, count


@pytest.mark.parametrize(
    "persona", ["practitioner", "team_manager", "rugby_fhlp", "lcpp", "auditor", "administrator"]
)
def test_no_route_shows_a_restricted_child_to_a_worker_who_may_not_see_them(
    planted, client_for, persona, capsys
):
    found, errors, count = _walk(client_for(persona), planted)

    with capsys.disabled():
        print(f"\n{persona}: {count} requests over {len(set(_patterns()))} URL patterns")
    assert errors == []
    assert found == {}, "\n".join(line for lines in found.values() for line in lines)


@pytest.mark.slow
def test_the_walk_finds_the_child_where_a_manager_may_see_them(planted, client_for):
    found, errors, _count = _walk(client_for("fc_manager"), planted)

    assert errors == []
    assert {
        "referrals:consultation",
        "consultations-api:consultation-detail",
        "letters:preview",
        "people:person-detail",
        "people-api:person-list",
        "consent:answer-create",
    } <= set(found)
