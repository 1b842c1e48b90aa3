"""The letters page, preview, resend, regenerate and the referrer's expiring link."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from letters.models import EmailStatus, LetterOpening, LetterStatus
from letters.services import letter_job_work, letter_regenerate, letter_resend
from referrals.models import Outcome
from tests.letters.test_pipeline import smtp  # noqa: F401 - fixture


@pytest.fixture
def sent_letter(decide, smtp):  # noqa: F811
    letter = decide(Outcome.ADVICE).letters.get()
    letter_job_work(letter_id=letter.pk)
    letter.refresh_from_db()
    link = re.search(r"http://\S+/letters/download/\S+/", smtp.messages()[-1]["raw"]).group(0)
    return letter, link.split("8000", 1)[1]


def test_the_link_serves_the_pdf_and_records_who_opened_it_and_when(client, sent_letter):
    letter, path = sent_letter

    response = client.get(path, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, max-age=0"
    assert response.content == bytes(letter.pdf)
    opening = LetterOpening.objects.get()
    assert opening.ip_address == "203.0.113.9"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.OPENED and letter.opened_at is not None


def test_an_expired_link_says_how_to_ask_for_a_new_one(client, sent_letter):
    letter, path = sent_letter
    letter.emails.update(link_expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(path)

    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert letter.consultation.reference.encode() in response.content
    assert b"01926 414144" in response.content
    assert LetterOpening.objects.count() == 0


def test_a_made_up_token_finds_nothing(client, db):
    response = client.get(reverse("letters:download", kwargs={"token": "x" * 43}))

    assert response.status_code == 404


def test_only_the_token_hash_is_stored(sent_letter):
    letter, path = sent_letter
    token = path.rstrip("/").rsplit("/", 1)[1]

    email = letter.emails.get()

    assert token not in email.token_sha256 and len(email.token_sha256) == 64


def test_the_page_shows_each_version_with_its_status_and_times(client_for, sent_letter):
    letter, _path = sent_letter
    client = client_for("practitioner")

    response = client.get(reverse("letters:consultation", args=[letter.consultation_id]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Version 1" in text and "Sent" in text and "Queued" in text and "Rendered" in text
    assert letter.emails.get().message_id.strip("<>") in text
    assert AccessLog.objects.filter(record_type="consultation-letters").count() == 1


def test_resend_sends_a_new_email_with_a_new_link(client_for, sent_letter, smtp):  # noqa: F811
    letter, old_path = sent_letter
    client = client_for("practitioner")

    response = client.post(reverse("letters:resend", args=[letter.pk]))
    letter_job_work(letter_id=letter.pk)

    assert response.status_code == 302
    assert [email.status for email in letter.emails.all()] == [EmailStatus.SENT] * 2
    keys = [message["key"] for message in smtp.messages()]
    assert keys == [f"{letter.pk}/1/1", f"{letter.pk}/1/2"]
    assert AccessLog.objects.filter(record_type="letter", action="CHANGE").count() == 1


def test_regenerate_makes_a_new_version_and_keeps_the_old_one(client_for, sent_letter, smtp):  # noqa: F811
    letter, _path = sent_letter
    client = client_for("fc_manager")

    client.post(
        reverse("letters:regenerate", args=[letter.consultation_id]),
        {"reason": "Outcome amended after new information"},
    )
    new = letter.consultation.letters.get(version=2)
    letter_job_work(letter_id=new.pk)

    letter.refresh_from_db()
    new.refresh_from_db()
    assert letter.superseded_by == new and letter.pdf_sha256
    assert new.status == LetterStatus.SENT and new.reason == "Outcome amended after new information"
    assert smtp.messages()[-1]["key"] == f"{new.pk}/2/1"


def test_preview_downloads_the_stored_pdf_and_logs_it(client_for, sent_letter):
    letter, _path = sent_letter

    response = client_for("practitioner").get(reverse("letters:preview", args=[letter.pk]))

    assert response.content == bytes(letter.pdf)
    assert AccessLog.objects.get(record_type="letter").action == "EXPORT"


def test_people_outside_family_connect_cannot_resend(client_for, sent_letter):
    letter, _path = sent_letter

    response = client_for("rugby_fhlp").post(reverse("letters:resend", args=[letter.pk]))

    assert response.status_code == 403
    assert letter.emails.count() == 1


def _links(sink):
    return [
        re.search(r"http://\S+/letters/download/\S+/", message["raw"]).group(0).split("8000", 1)[1]
        for message in sink.messages()
    ]


def test_a_resent_letter_s_old_link_says_a_newer_email_was_sent(
    client,
    sent_letter,
    smtp,  # noqa: F811
    fc_manager,
):
    letter, old = sent_letter
    letter_resend(letter=letter, requested_by=fc_manager)
    assert client.get(old).status_code == 200  # until the resend has gone, the old link works
    letter_job_work(letter_id=letter.pk)
    new = _links(smtp)[-1]

    stale = client.get(old)

    assert stale.status_code == 410
    assert b"A newer letter was sent" in stale.content
    assert b"newer email with this letter was emailed on" in stale.content
    assert letter.consultation.reference.encode() in stale.content
    assert client.get(new).status_code == 200


def test_a_regenerated_letter_s_old_link_stops_serving_the_superseded_version(
    client,
    sent_letter,
    smtp,  # noqa: F811
    fc_manager,
):
    letter, old = sent_letter
    newer = letter_regenerate(consultation=letter.consultation, requested_by=fc_manager)
    letter_job_work(letter_id=newer.pk)
    newer.refresh_from_db()
    new = _links(smtp)[-1]

    stale = client.get(old)
    current = client.get(new)

    assert stale.status_code == 410
    assert b"newer version of the letter was emailed on" in stale.content
    assert bytes(letter.pdf) not in stale.content
    assert (current.status_code, current.content) == (200, bytes(newer.pdf))
