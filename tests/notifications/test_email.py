"""E-mail: a real SMTP conversation with a server on 127.0.0.1 (aiosmtpd): local time with
the zone named, the place, text and HTML, and the one-click unsubscribe that works only
with a good signature."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.enums import Channel, ReminderState
from planner.models import Attendee, Reminder
from planner.notifications import Outcome, email
from planner.notifications.content import REMINDER_RELATED, reminder_message
from tests.factories import DAY1, ReminderFactory, local
from tests.notifications.conftest import make_poster_plan

pytestmark = pytest.mark.django_db


def _message(plan, channel=Channel.EMAIL):
    reminder = ReminderFactory(
        plan_item=plan.item,
        channel=channel,
        fire_at=plan.session.start - dt.timedelta(minutes=10),
    )
    return reminder, reminder_message(
        Reminder.objects.select_related(*REMINDER_RELATED).get(pk=reminder.pk)
    )


def test_email_reaches_the_smtp_server_with_local_time_place_and_unsubscribe(
    poster_plan, smtp_server, settings
):
    settings.SITE_URL = "https://boardwalk.example.org"
    _, message = _message(poster_plan)

    delivery = email.deliver(message, to="ada@example.org")

    assert delivery.outcome == Outcome.SENT
    [mail] = smtp_server.messages
    assert smtp_server.envelopes[0][1] == ["ada@example.org"]
    assert mail["Subject"] == "[ECCV 2026] Poster 042"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    # 26 Oct is after the end of Israeli summer time: 12:30 UTC is 14:30 local (UTC+2).
    assert "Starts at Mon 26 Oct, 14:30 (Asia/Jerusalem), in 10 min" in text
    assert "Hall B, board 042" in text
    assert "Starts at Mon 26 Oct, 14:30 (Asia/Jerusalem), in 10 min" in html
    assert "<h1>Poster 042</h1>" in html
    link = email.unsubscribe_url(poster_plan.attendee.pk)
    assert link.startswith("https://boardwalk.example.org/unsubscribe/")
    assert mail["List-Unsubscribe"].strip() == f"<{link}>"  # folded: it is long
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in text
    assert link in html


def test_email_time_before_the_dst_change_is_summer_time(db, smtp_server):
    plan = make_poster_plan(when=local(DAY1 + dt.timedelta(days=1), 9, 0))  # Fri 23 Oct, UTC+3
    _, message = _message(plan)

    email.deliver(message, to="ada@example.org")

    text = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert plan.session.start == dt.datetime(2026, 10, 23, 6, 0, tzinfo=dt.UTC)
    assert "Starts at Fri 23 Oct, 09:00 (Asia/Jerusalem)" in text


def test_email_refused_mailbox_is_permanent_and_deferred_one_transient(poster_plan, smtp_server):
    smtp_server.refuse["gone@example.org"] = "550 5.1.1 No such mailbox"
    smtp_server.refuse["full@example.org"] = "452 4.2.2 Mailbox full, try later"
    _, message = _message(poster_plan)

    gone = email.deliver(message, to="gone@example.org")
    full = email.deliver(message, to="full@example.org")

    assert gone.outcome == Outcome.PERMANENT
    assert full.outcome == Outcome.TRANSIENT
    assert smtp_server.messages == []


def test_email_server_down_is_transient(poster_plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens
    _, message = _message(poster_plan)

    assert email.deliver(message, to="ada@example.org").outcome == Outcome.TRANSIENT


def test_email_without_address_is_permanent(poster_plan):
    _, message = _message(poster_plan)

    assert email.deliver(message, to="").outcome == Outcome.PERMANENT


def test_a_title_with_a_line_break_does_not_stop_the_sweep(poster_plan, smtp_server):
    """Titles come from imports (an XML element or a quoted CSV cell may hold a line break)
    and a mail subject may not: the sweep must still send, on one subject line, and the
    other rows of the batch must not be held back (a raise here left the whole batch in
    ``sending`` to be retried and failed)."""
    from planner.services.reminder_dispatch import reminders_dispatch_due

    conference = poster_plan.conference
    conference.name = "ECCV\n2026"
    conference.save(update_fields=["name"])
    now = poster_plan.session.start - dt.timedelta(minutes=10)
    rows = [
        ReminderFactory(plan_item=poster_plan.item, channel=channel, fire_at=now)
        for channel in (Channel.EMAIL, Channel.IN_APP)
    ]

    report = reminders_dispatch_due(now=now)

    assert report.outcomes == {("email", "sent"): 1, ("in_app", "sent"): 1}
    [mail] = smtp_server.messages
    assert mail["Subject"] == "[ECCV 2026] Poster 042"
    assert {r.state for r in Reminder.objects.filter(pk__in=[r.pk for r in rows])} == {
        ReminderState.SENT
    }


def test_an_address_that_cannot_be_a_header_is_a_permanent_failure(poster_plan, smtp_server):
    _, message = _message(poster_plan)

    delivery = email.deliver(message, to="ada@example.org\nBcc: eve@example.org")

    assert delivery.outcome == Outcome.PERMANENT
    assert smtp_server.messages == []


# --- the unsubscribe link --------------------------------------------------------------------


def _path(attendee_id: int) -> str:
    return f"/unsubscribe/{email.unsubscribe_token(attendee_id)}"


def test_unsubscribe_get_asks_and_changes_nothing(client, poster_plan):
    Attendee.objects.filter(pk=poster_plan.attendee.pk).update(
        reminder_channels=[Channel.PUSH, Channel.EMAIL, Channel.IN_APP]
    )

    response = client.get(_path(poster_plan.attendee.pk))

    assert response.status_code == 200
    assert b"Turn e-mail off" in response.content
    poster_plan.attendee.refresh_from_db()
    assert Channel.EMAIL in poster_plan.attendee.reminder_channels


def test_unsubscribe_one_click_post_turns_email_off_and_cancels_pending_mails(client, poster_plan):
    Attendee.objects.filter(pk=poster_plan.attendee.pk).update(
        reminder_channels=[Channel.PUSH, Channel.EMAIL, Channel.IN_APP]
    )
    mail_reminder, _ = _message(poster_plan)
    push_reminder, _ = _message(poster_plan, channel=Channel.PUSH)

    response = client.post(
        _path(poster_plan.attendee.pk),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    again = client.post(_path(poster_plan.attendee.pk))

    assert response.status_code == 200
    assert again.status_code == 200
    assert b"no more e-mail" in response.content
    poster_plan.attendee.refresh_from_db()
    assert poster_plan.attendee.reminder_channels == [Channel.PUSH, Channel.IN_APP]
    mail_reminder.refresh_from_db()
    push_reminder.refresh_from_db()
    assert mail_reminder.state == ReminderState.CANCELLED
    assert push_reminder.state == ReminderState.PENDING


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "eyJhIjo5OTl9" + token[token.index(":") :],  # payload swapped
        lambda token: "not-a-token",
    ],
)
def test_unsubscribe_refuses_a_tampered_token(client, poster_plan, tamper):
    Attendee.objects.filter(pk=poster_plan.attendee.pk).update(
        reminder_channels=[Channel.EMAIL, Channel.IN_APP]
    )
    token = email.unsubscribe_token(poster_plan.attendee.pk)

    response = client.post(f"/unsubscribe/{tamper(token)}")

    assert response.status_code == 400
    assert b"not valid" in response.content
    poster_plan.attendee.refresh_from_db()
    assert poster_plan.attendee.reminder_channels == [Channel.EMAIL, Channel.IN_APP]


def test_unsubscribe_token_signed_with_another_salt_is_refused(poster_plan):
    from django.core import signing

    forged = signing.Signer(salt="planner.other", algorithm="sha256").sign_object(
        {"a": poster_plan.attendee.pk}
    )

    assert email.unsubscribe_attendee_id(forged) is None
    assert email.unsubscribe_attendee_id(email.unsubscribe_token(7)) == 7
