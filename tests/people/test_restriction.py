"""The restriction rule (people.restriction), its review reminder, and break-glass access."""

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from people.models import BreakGlassAccess, BreakGlassReason, BreakGlassReview, RestrictionCategory
from people.restriction import restriction_allows
from people.selectors import people_visible_to
from people.services import (
    RestrictionRefused,
    break_glass_start,
    person_restrict,
    restriction_grant,
)
from people.tasks import restriction_review_remind_task
from referrals.models import Outcome
from tests.letters.conftest import decide  # noqa: F401 - fixture
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.people.factories import PersonFactory
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

BREAK_GLASS_FORM = {
    "reason": BreakGlassReason.LIVE_CONTACT,
    "reason_detail": "Her school is on the phone about a disclosure; the manager is in court",
}


@pytest.fixture
def restricted(fc_manager):
    child = PersonFactory(given_name="Ottilie", family_name="Brandwood", created_by=fc_manager)
    return person_restrict(person=child, category=RestrictionCategory.SAFETY, set_by=fc_manager)


def _sees(user, person) -> bool:
    return people_visible_to(user=user).filter(pk=person.pk).exists()


def test_a_restriction_records_who_set_it_when_and_its_review_date(restricted, fc_manager):
    assert restricted.restricted_by == fc_manager
    assert timezone.now() - restricted.restricted_at < dt.timedelta(minutes=1)
    assert restricted.restriction_review_date == timezone.localdate() + dt.timedelta(days=90)


def test_the_review_period_is_configurable(fc_manager, settings):
    settings.RESTRICTION_REVIEW_DAYS = 30
    child = PersonFactory(created_by=fc_manager)

    child = person_restrict(person=child, category=RestrictionCategory.ADOPTION, set_by=fc_manager)

    assert child.restriction_review_date == timezone.localdate() + dt.timedelta(days=30)


def test_a_family_connect_manager_sees_restricted_people_and_a_practitioner_does_not(
    restricted, fc_manager, practitioner
):
    assert _sees(fc_manager, restricted)
    assert not _sees(practitioner, restricted)
    assert not restriction_allows(user=practitioner, person=restricted)


def test_a_named_worker_sees_the_restricted_person_they_were_granted(
    restricted, fc_manager, practitioner
):
    restriction_grant(person=restricted, user=practitioner, granted_by=fc_manager)

    assert _sees(practitioner, restricted)
    assert restriction_allows(user=practitioner, person=restricted)


def test_a_worker_cannot_be_named_twice_for_one_record(restricted, fc_manager, practitioner):
    restriction_grant(person=restricted, user=practitioner, granted_by=fc_manager)

    with pytest.raises(RestrictionRefused):
        restriction_grant(person=restricted, user=practitioner, granted_by=fc_manager)


def test_the_team_manager_of_a_team_holding_the_childs_case_passes_the_rule(
    decide,  # noqa: F811
    rugby_family,  # noqa: F811
    fc_manager,
    team_manager,
    practitioner,
):
    decide(Outcome.FAMILY_HELP_ASSESSMENT)
    child = person_restrict(
        person=rugby_family["child"], category=RestrictionCategory.SAFETY, set_by=fc_manager
    )
    brother = person_restrict(
        person=rugby_family["teenager"], category=RestrictionCategory.SAFETY, set_by=fc_manager
    )

    assert child.cases.filter(team__slug="family-help-rugby").exists()
    assert restriction_allows(user=team_manager, person=child)
    assert not restriction_allows(user=team_manager, person=brother)  # no case in her team
    assert not restriction_allows(user=practitioner, person=child)


def test_a_manager_is_reminded_once_when_a_review_is_due(restricted, fc_manager):
    type(restricted).objects.filter(pk=restricted.pk).update(
        restriction_review_date=timezone.localdate()
    )

    first = restriction_review_remind_task.apply().get()
    second = restriction_review_remind_task.apply().get()

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [fc_manager.email]
    assert "due for review" in mail.outbox[0].subject
    assert "Ottilie" not in mail.outbox[0].body  # an email is no place for a restricted name


def test_a_new_review_date_brings_a_new_reminder(restricted, fc_manager):
    today = timezone.localdate()
    type(restricted).objects.filter(pk=restricted.pk).update(restriction_review_date=today)
    restriction_review_remind_task.apply().get()

    type(restricted).objects.filter(pk=restricted.pk).update(
        restriction_review_date=today - dt.timedelta(days=1)
    )
    again = restriction_review_remind_task.apply().get()

    assert again == 1
    assert len(mail.outbox) == 2


def test_no_reminder_before_the_review_is_due(restricted):

    assert restriction_review_remind_task.apply().get() == 0
    assert mail.outbox == []


# --- Break-glass ------------------------------------------------------------------------------


def _break_glass_url(person_id):
    return reverse("people:break-glass", args=[person_id])


def test_a_restricted_records_404_offers_break_glass_to_a_practitioner(restricted, client_for):
    response = client_for("practitioner").get(reverse("people:person-detail", args=[restricted.pk]))

    assert response.status_code == 404
    assert _break_glass_url(restricted.pk) in response.content.decode()


def test_the_404_is_the_same_for_a_restricted_record_and_one_that_does_not_exist(
    restricted, client_for
):
    client, missing = client_for("practitioner"), uuid.uuid4()

    restricted_page = client.get(reverse("people:person-detail", args=[restricted.pk]))
    missing_page = client.get(reverse("people:person-detail", args=[missing]))

    def without_ids(response, person_id):
        # Besides the id asked for, only the per-request tokens (CSRF, CSP nonce, request id).
        text = response.content.decode().replace(str(person_id), "<id>")
        text = re.sub(r'(value|nonce)="[^"]*"', "", text)
        return "\n".join(line for line in text.splitlines() if "request" not in line.lower())

    assert missing_page.status_code == restricted_page.status_code == 404
    assert without_ids(missing_page, missing) == without_ids(restricted_page, restricted.pk)


@pytest.mark.parametrize("persona", ["auditor", "administrator", "stranger"])
def test_the_404_offers_nothing_to_roles_that_may_not_break_glass(restricted, client_for, persona):
    response = client_for(persona).get(reverse("people:person-detail", args=[restricted.pk]))

    assert response.status_code == 404
    assert "break-glass" not in response.content.decode().lower()
    assert client_for(persona).get(_break_glass_url(restricted.pk)).status_code == 403


def test_breaking_glass_opens_the_record_logs_every_read_with_the_reason_and_tells_people(
    restricted, client_for, practitioner, fc_manager, django_capture_on_commit_callbacks
):
    client = client_for("practitioner")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_break_glass_url(restricted.pk), BREAK_GLASS_FORM)
    page = client.get(reverse("people:person-detail", args=[restricted.pk]))
    api = client.get(reverse("people-api:person-detail", args=[restricted.pk]))

    assert response.status_code == 302
    assert (page.status_code, api.status_code) == (200, 200)
    assert "Ottilie" in page.content.decode()
    reads = AccessLog.objects.filter(user=practitioner, person_id=restricted.pk)
    assert reads.count() == 2
    for row in reads:
        assert row.reason.startswith("Break-glass (The family or a professional is on the phone")
        assert "manager is in court" in row.reason
    (email,) = mail.outbox
    # The owner (here the manager who restricted it) and every Family Connect manager.
    assert email.to == [fc_manager.email]
    assert "Break-glass" in email.subject
    assert reverse("people:break-glass-review", args=[BreakGlassAccess.objects.get().pk]) in (
        email.body
    )


def test_break_glass_without_a_reason_shows_the_error_by_the_field_and_keeps_the_text(
    restricted, client_for
):
    response = client_for("practitioner").post(
        _break_glass_url(restricted.pk), {"reason_detail": "On the phone with the school"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Select why you need this record" in body
    assert "On the phone with the school" in body
    assert "Ottilie" not in body
    assert BreakGlassAccess.objects.count() == 0


def test_break_glass_access_ends_after_its_time(restricted, practitioner, settings):
    settings.BREAK_GLASS_HOURS = 4
    started = timezone.now() - dt.timedelta(hours=4, minutes=1)

    break_glass_start(
        user=practitioner,
        person=restricted,
        reason=BreakGlassReason.IMMEDIATE_RISK,
        reason_detail="Police at the door",
        now=started,
    )

    assert not _sees(practitioner, restricted)


def test_break_glass_reaches_a_record_outside_a_case_workers_scope(rugby_fhlp, fc_manager):
    child = PersonFactory(created_by=fc_manager)
    assert not _sees(rugby_fhlp, child)

    break_glass_start(
        user=rugby_fhlp,
        person=child,
        reason=BreakGlassReason.OUT_OF_HOURS,
        reason_detail="Emergency duty: family presented at A&E",
    )

    assert _sees(rugby_fhlp, child)


def test_a_manager_reviews_each_use_once(restricted, practitioner, client_for, fc_manager):
    access = break_glass_start(
        user=practitioner,
        person=restricted,
        reason=BreakGlassReason.IMMEDIATE_RISK,
        reason_detail="Police at the door",
    )
    client = client_for("fc_manager")
    url = reverse("people:break-glass-review", args=[access.pk])

    queue = client.get(reverse("people:break-glass-queue"))
    first = client.post(url, {"review": BreakGlassReview.AGREED})
    second = client.post(url, {"review": BreakGlassReview.REFERRED, "review_note": "Check"})

    assert queue.status_code == 200
    assert url in queue.content.decode()
    assert first.status_code == 302
    access.refresh_from_db()
    assert (access.review, access.reviewed_by) == (BreakGlassReview.AGREED, fc_manager)
    assert second.status_code == 200  # the page now shows the review, with no form to change it
    assert "Agreed: the access was justified" in second.content.decode()


def test_referring_to_information_governance_needs_a_note(restricted, practitioner, client_for):
    access = break_glass_start(
        user=practitioner,
        person=restricted,
        reason=BreakGlassReason.OTHER,
        reason_detail="Curious",
    )

    response = client_for("fc_manager").post(
        reverse("people:break-glass-review", args=[access.pk]),
        {"review": BreakGlassReview.REFERRED},
    )

    assert response.status_code == 200
    assert "Say what information governance should look at" in response.content.decode()
    access.refresh_from_db()
    assert access.review == ""


def test_a_manager_names_a_worker_on_the_restriction_page(restricted, client_for, practitioner):
    url = reverse("people:restriction", args=[restricted.pk])
    client = client_for("fc_manager")

    unknown = client.post(url, {"grant": "1", "username": "no.such.worker"})
    named = client.post(url, {"grant": "1", "username": practitioner.username})
    page = client.get(url)

    assert unknown.status_code == 200
    assert "No active worker has this username" in unknown.content.decode()
    assert named.status_code == 302
    assert "Priya Shah" in page.content.decode()
    assert (
        client_for("practitioner")
        .get(reverse("people:person-detail", args=[restricted.pk]))
        .status_code
        == 200
    )


def test_confirming_a_restriction_at_review_sets_the_next_review_date(restricted, client_for):
    type(restricted).objects.filter(pk=restricted.pk).update(
        restriction_review_date=timezone.localdate()
    )

    response = client_for("fc_manager").post(
        reverse("people:restriction", args=[restricted.pk]), {"reviewed": "1"}
    )

    assert response.status_code == 302
    restricted.refresh_from_db()
    assert restricted.restriction_review_date == timezone.localdate() + dt.timedelta(days=90)


def test_the_consent_panel_does_not_name_a_restricted_person_who_answered(client_for, fc_manager):
    from consent.models import Capacity, ConsentStatus, Method, Purpose
    from consent.services import consent_record_answer
    from people.models import RelationshipKind
    from people.services import relationship_with_household_record

    child = PersonFactory(given_name="Noah", family_name="Pell", created_by=fc_manager)
    mother = PersonFactory(given_name="Imelda", family_name="Vasquez-Thorne", created_by=fc_manager)
    relationship_with_household_record(
        from_person=mother,
        to_person=child,
        kind=RelationshipKind.PARENT,
        parental_responsibility=True,
        created_by=fc_manager,
    )
    consent_record_answer(
        child=child,
        purpose=Purpose.REFERRAL,
        status=ConsentStatus.GIVEN,
        recorded_by=fc_manager,
        given_by=mother,
        capacity=Capacity.PARENTAL_RESPONSIBILITY,
        method=Method.VERBAL,
    )
    person_restrict(
        person=mother, category=RestrictionCategory.STAFF_OR_RELATIVE, set_by=fc_manager
    )
    url = reverse("consent:child-consent", args=[child.pk])

    hidden = client_for("practitioner").get(url)
    shown = client_for("fc_manager").get(url)

    assert (hidden.status_code, shown.status_code) == (200, 200)
    assert "Vasquez-Thorne" not in hidden.content.decode()
    assert "Someone whose record is restricted" in hidden.content.decode()
    assert "given by someone whose record is restricted" in hidden.content.decode()
    assert "Imelda Vasquez-Thorne" in shown.content.decode()

    checked = client_for("practitioner").get(
        reverse("api-consent-check"), {"child": str(child.pk), "purpose": Purpose.REFERRAL}
    )
    assert checked.status_code == 200
    assert "Vasquez-Thorne" not in checked.content.decode()
