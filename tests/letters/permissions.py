from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from letters.models import EmailStatus, Letter, LetterEmail
from letters.services import token_hash
from people.models import Person
from referrals.models import Consultation, ConsultationChild, Outcome
from tests.matrix import Route, expect


def _consultation():
    decider = User.objects.create(username="letter.decider", role=Role.FC_PRACTITIONER)
    consultation = Consultation.objects.create(
        reference="FC-2026-999998",
        practitioner=decider,
        received_at=timezone.now(),
        decision_due_at=timezone.now(),
        status="COMPLETE",
        completed_at=timezone.now(),
        caller_name="Priya Sharma",
        caller_email="p.sharma@oakfield.example",
    )
    ConsultationChild.objects.create(
        consultation=consultation,
        child=Person.objects.create(given_name="Mia", family_name="Dawson"),
        outcome=Outcome.ADVICE,
        services_signposted="Family Information Service",
        decided_by=decider,
    )
    letter = Letter.objects.create(
        consultation=consultation,
        version=1,
        status="SENT",
        audience="PROFESSIONAL",
        recipient_name="Priya Sharma",
        recipient_email="p.sharma@oakfield.example",
        requested_by=decider,
        reason="Decision recorded",
        queued_at=timezone.now(),
        pdf=b"%PDF-1.7 test",
        pdf_sha256="0" * 64,
        rendered_at=timezone.now(),
    )
    return consultation, letter


def _consultation_kwargs():
    return {"consultation_id": _consultation()[0].pk}


def _letter_kwargs():
    return {"letter_id": _consultation()[1].pk}


def _link_kwargs(*, expired: bool):
    def build():
        _consultation_, letter = _consultation()
        LetterEmail.objects.create(
            letter=letter,
            sequence=1,
            status=EmailStatus.SENT,
            to_email=letter.recipient_email,
            message_id="<matrix@test>",
            idempotency_key=f"{letter.pk}/1/1",
            token_sha256=token_hash("matrix-token-" + "x" * 40),
            link_expires_at=timezone.now() + timedelta(days=-1 if expired else 14),
            requested_by=letter.requested_by,
            queued_at=timezone.now(),
            sent_at=timezone.now(),
        )
        return {"token": "matrix-token-" + "x" * 40}

    return build


FRONT_DOOR = expect(403, practitioner=200, fc_manager=200)
# Case workers read the letters of consultations about their teams' children (docs/cases.md):
# this one is about nobody on their cases, so it is not found.
READERS = expect(
    403,
    practitioner=200,
    fc_manager=200,
    rugby_fhlp=404,
    warwick_fhlp=404,
    team_manager=404,
    lcpp=404,
)
EVERYONE = {key: 200 for key in expect(200)}

ROUTES = [
    Route("letters:consultation", READERS, kwargs=_consultation_kwargs, logs_access=True),
    Route("letters:preview", READERS, kwargs=_letter_kwargs, logs_access=True),
    # Changing state: POST only.
    # Only the front door sends letters; case workers may read them, not send them.
    Route(
        "letters:resend",
        expect(405, anonymous=405),
        kwargs=_letter_kwargs,
        post=expect(403, practitioner=302, fc_manager=302, anonymous=302),
    ),
    Route(
        "letters:regenerate",
        expect(405, anonymous=405),
        kwargs=_consultation_kwargs,
        post=expect(403, practitioner=302, fc_manager=302, anonymous=302),
    ),
    # The referrer's public link: anyone with the token, signed in or not.
    Route("letters:download", EVERYONE, kwargs=_link_kwargs(expired=False)),
    Route(
        "letters:download",
        {key: 410 for key in EVERYONE},
        kwargs=_link_kwargs(expired=True),
        variant="expired",
    ),
]
