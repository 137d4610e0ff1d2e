"""E-mail channel: Django's mail framework, a text and an HTML part.

Times are the conference's local times with the zone named; the item's room or board is in
the body. The message comes written in the attendee's language; the mail's own words (the
footer, the link, ``<html lang>``) are rendered in the same one (``Message.language``). Every mail carries a one-click unsubscribe (RFC 8058): ``List-Unsubscribe`` with a
signed link and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. The link's view
(planner.views.email_unsubscribe) turns the attendee's e-mail channel off; the token is a
``django.core.signing`` signature of the attendee id under its own salt, so it cannot be
forged or moved to another attendee, and it never expires (old mails keep working).

SMTP errors decide the outcome: 4xx answers, refused connections and timeouts are
TRANSIENT; 5xx answers (unknown mailbox, refused sender) are PERMANENT.
"""

from __future__ import annotations

import hashlib
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from planner.notifications import Delivery, Message
from planner.notifications.content import attendee_language

UNSUBSCRIBE_SALT = "planner.notifications.email.unsubscribe"
TIMEOUT = 20  # seconds for the SMTP server


def _signer() -> signing.Signer:
    # No timestamp: one stable link per attendee, valid as long as SECRET_KEY is.
    return signing.Signer(salt=UNSUBSCRIBE_SALT, algorithm="sha256")


def unsubscribe_token(attendee_id: int) -> str:
    return _signer().sign_object({"a": attendee_id})


def unsubscribe_attendee_id(token: str) -> int | None:
    """The attendee a token was signed for, or None for a tampered or foreign token."""
    try:
        data = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    value = data.get("a") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def unsubscribe_url(attendee_id: int) -> str:
    return f"{settings.SITE_URL}/unsubscribe/{unsubscribe_token(attendee_id)}"


def message_id(message: Message) -> str:
    """The same Message-ID every time this message is sent: a worker that died after the
    SMTP server took the mail and before the row was marked sends it again, and mail stores
    drop the repeat (planner.services.reminder_dispatch). Without a dedupe key: a fresh one."""
    if not message.dedupe_key:
        return make_msgid(domain="boardwalk")
    site = f"{settings.SITE_URL}|{message.dedupe_key}"  # two sites never share one
    key = hashlib.sha256(site.encode()).hexdigest()[:32]
    return f"<{message.kind}.{key}@boardwalk>"


def build(message: Message, *, to: str) -> EmailMultiAlternatives:
    with attendee_language(message.language):
        return _build(message, to=to)


def _build(message: Message, *, to: str) -> EmailMultiAlternatives:
    link = unsubscribe_url(message.attendee_id)
    context = {
        "message": message,
        "lines": message.lines,
        "item_url": f"{settings.SITE_URL}{message.url}" if message.url else "",
        "unsubscribe_url": link,
    }
    mail = EmailMultiAlternatives(
        # One line: imported titles may hold line breaks, which a header may not.
        subject=" ".join(f"[{message.conference_name}] {message.title}".split())[:250],
        body=render_to_string("planner/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": message_id(message),
        },
    )
    mail.attach_alternative(
        render_to_string("planner/email/notification.html", context), "text/html"
    )
    return mail


def deliver(message: Message, *, to: str, connection=None) -> Delivery:
    """Send one mail to ``to``; ``connection`` lets a batch share one SMTP session."""
    if not to:
        return Delivery.permanent("no e-mail address")
    mail = build(message, to=to)
    mail.connection = connection or get_connection(timeout=TIMEOUT)
    try:
        mail.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            return Delivery.transient(f"recipient deferred: {codes}")
        return Delivery.permanent(f"recipient refused: {codes}")
    except smtplib.SMTPResponseException as error:
        detail = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        if 400 <= error.smtp_code < 500:
            return Delivery.transient(detail)
        return Delivery.permanent(detail)
    except (smtplib.SMTPException, OSError) as error:
        return Delivery.transient(f"{type(error).__name__}: {error}")
    except ValueError as error:  # BadHeaderError: a header (the address) with a line break
        return Delivery.permanent(f"cannot send this mail: {error}")
    return Delivery.sent()
