"""In-app channel: one Notification row per message; the same message again is a no-op."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.enums import Channel, NotificationKind
from planner.models import Notification, Reminder
from planner.notifications import Outcome, inapp
from planner.notifications.content import REMINDER_RELATED, reminder_message
from tests.factories import ReminderFactory

pytestmark = pytest.mark.django_db


def test_inapp_writes_one_row_and_a_repeat_is_a_no_op(poster_plan):
    reminder = ReminderFactory(
        plan_item=poster_plan.item,
        channel=Channel.IN_APP,
        fire_at=poster_plan.session.start - dt.timedelta(minutes=15),
    )
    message = reminder_message(
        Reminder.objects.select_related(*REMINDER_RELATED).get(pk=reminder.pk)
    )

    first = inapp.deliver(message)
    second = inapp.deliver(message)

    assert first.outcome == second.outcome == Outcome.SENT
    [row] = Notification.objects.all()
    assert row.attendee == poster_plan.attendee
    assert row.kind == NotificationKind.REMINDER
    assert row.title == "Poster 042"
    assert row.body == (
        "Starts at Mon 26 Oct, 14:30 (Asia/Jerusalem), in 15 min\n"
        "Hall B, board 042\n"
        "Sparse attention"
    )
    assert row.url == f"/conferences/{poster_plan.conference.slug}/posters/{poster_plan.poster.pk}"
    assert row.read_at is None


def test_inapp_batch_keeps_distinct_messages(poster_plan):
    from planner.notifications import Message

    messages = [
        Message(
            attendee_id=poster_plan.attendee.pk,
            user_id=poster_plan.attendee.user_id,
            conference_slug=poster_plan.conference.slug,
            conference_name=poster_plan.conference.name,
            kind=NotificationKind.SYSTEM,
            title=f"Note {i}",
            lines=(),
            url="",
            dedupe_key=f"note:{i % 2}",
        )
        for i in range(4)
    ]

    deliveries = inapp.deliver_many(messages)

    assert [d.outcome for d in deliveries] == [Outcome.SENT] * 4
    assert sorted(Notification.objects.values_list("title", flat=True)) == ["Note 0", "Note 1"]


@pytest.mark.parametrize(
    ("late", "says"),
    [
        (dt.timedelta(minutes=3), ", in 7 min"),  # retried after a push service's 503s
        (dt.timedelta(minutes=12), ""),  # the dispatcher was down: it has begun
    ],
)
def test_a_reminder_sent_late_counts_down_from_when_it_is_sent(poster_plan, late, says):
    """A transient failure's backoff or a dispatcher outage delays a reminder (up to an hour
    before it expires): its text must not still say "in 10 min"."""
    from planner.services.reminder_dispatch import reminders_dispatch_due

    fire_at = poster_plan.session.start - dt.timedelta(minutes=10)
    ReminderFactory(plan_item=poster_plan.item, channel=Channel.IN_APP, fire_at=fire_at)

    reminders_dispatch_due(now=fire_at + late)

    [row] = Notification.objects.all()
    assert row.body.splitlines()[0] == f"Starts at Mon 26 Oct, 14:30 (Asia/Jerusalem){says}"
