"""Handing one email (a feedback letter, a family's plan) to the SMTP server so that it is
accepted at most once.

SMTP has no idempotency key a relay will honour, and a worker can die between the server's
"250 accepted" and our database commit. So instead of recording success afterwards, we record
the point of no return: the whole message is written to the server, then ``before_end_of_data``
commits "SUBMITTED", and only then is the end-of-data mark (``.``) sent. A server discards a
transaction whose connection drops before that mark (RFC 5321 §4.1.1.4), so:

- a worker that dies before the commit leaves the email SENDING: the server cannot have accepted
  it and it is safe to send again;
- after the commit the email is never sent again automatically, whatever happens: a reclaimed
  SUBMITTED email is recorded as sent with its receipt unconfirmed.

The one way to lose an email is to die in the microseconds between that commit and writing the
three bytes of the end-of-data mark, or for the server to fail after receiving the mark without
having accepted the message; both show on the letter as "receipt not confirmed", and the
practitioner can resend it.
"""

import re
import smtplib
import ssl

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_LEADING_DOT = re.compile(rb"(?m)^\.")


class DeliveryError(Exception):
    """The server did not accept the message. ``permanent`` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class DeliveryUncertain(Exception):
    """The end-of-data mark was sent but no reply was read: the server may have accepted it."""


def _refused(code: int, reply: bytes, step: str) -> DeliveryError:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return DeliveryError(f"{step}: {code} {text}", permanent=500 <= code < 600)


def deliver(message: EmailMessage, *, before_end_of_data) -> str:
    """Send one message; returns the server's reply. ``before_end_of_data`` may raise to abandon
    the transaction, in which case the server discards it."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        # Development and unit-test backends (files, console, memory) have no transaction.
        before_end_of_data()
        get_connection().send_messages([message])
        return f"Handed to {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]} backend"
    raw = message.message().as_bytes(linesep="\r\n")
    data = _LEADING_DOT.sub(b"..", raw)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    try:
        smtp = smtplib.SMTP(
            settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT
        )
    except OSError as error:
        raise DeliveryError(f"Could not connect to the mail server: {error}") from error
    try:
        try:
            smtp.ehlo_or_helo_if_needed()
            if settings.EMAIL_USE_TLS:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.EMAIL_HOST_USER:
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            code, reply = smtp.mail(message.from_email)
            if code != 250:
                raise _refused(code, reply, "MAIL FROM")
            for recipient in message.recipients():
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    raise _refused(code, reply, f"RCPT TO {recipient}")
            code, reply = smtp.docmd("DATA")
            if code != 354:
                raise _refused(code, reply, "DATA")
            smtp.send(data)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"Mail server error: {error}") from error
        before_end_of_data()
        try:
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryUncertain(f"No reply to the end of the message: {error}") from error
        if code != 250:
            raise _refused(code, reply, "end of data")
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        return f"{code} {reply.decode(errors='replace')}"[:300]
    finally:
        smtp.close()
