"""A slow SMTP server or push service cannot keep claimed rows past the reconciler's window:
a sweep starts no delivery later than half of REMINDER_STUCK_AFTER_SECONDS after it began
the batch; what it had no time for goes back to pending at once (DEFERRED: no attempt
counted, no backoff, no failure against the push subscription) and a later sweep sends it.
Without this, another sweep's reconciler would take the rows back while this one still
sends, and send them a second time."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from planner.enums import Channel, ReminderState
from planner.models import PushSubscription, Reminder
from planner.services.reminder_dispatch import reminders_dispatch_due
from tests.factories import ReminderFactory
from tests.notifications.conftest import Browser, make_poster_plan

SLOW = 0.4  # seconds the receiver waits before it answers each message
ROWS = 5


def _due_rows(plan, channel, now):
    return [
        ReminderFactory(
            plan_item=plan.item, channel=channel, fire_at=now - dt.timedelta(seconds=5 + i)
        )
        for i in range(ROWS)
    ]


def _check_split(rows, report, channel):
    states = {r.pk: (r.state, r.attempts, r.retry_at) for r in Reminder.objects.all()}
    sent = [pk for pk, (state, *_) in states.items() if state == ReminderState.SENT]
    deferred = [pk for pk, (state, *_) in states.items() if state == ReminderState.PENDING]
    assert sent, states  # some had time…
    assert deferred, states  # …and some did not
    assert len(sent) + len(deferred) == ROWS
    assert {states[pk][1:] for pk in deferred} == {(0, None)}  # no attempt, no backoff
    assert report.outcomes[(channel, "deferred")] == len(deferred)
    return sent, deferred


@pytest.mark.django_db
def test_a_slow_mail_server_defers_what_the_sweep_had_no_time_for(
    reminder_rows, smtp_server, settings, own_cache
):
    settings.REMINDER_STUCK_AFTER_SECONDS = 2  # no delivery starts 1 s after the batch began
    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    rows = _due_rows(plan, Channel.EMAIL, now)
    smtp_server.before_answer = lambda message: time.sleep(SLOW)

    report = reminders_dispatch_due(now=now, batch=ROWS, budget=0.1)

    sent, deferred = _check_split(rows, report, "email")
    assert len(smtp_server.messages) == len(sent)
    smtp_server.before_answer = None
    again = reminders_dispatch_due(now=now + dt.timedelta(seconds=15), batch=ROWS)
    assert again.outcomes[("email", "sent")] == len(deferred)
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.SENT}
    assert len(smtp_server.messages) == ROWS  # each row once: the deferred ones only now


@pytest.mark.django_db
def test_a_slow_push_service_defers_without_counting_against_the_subscription(
    reminder_rows, vapid, push_service, settings, own_cache
):
    settings.REMINDER_STUCK_AFTER_SECONDS = 2
    settings.PUSH_CONCURRENCY = 1
    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    browser = Browser()
    subscription = PushSubscription.objects.create(
        user=plan.attendee.user,
        endpoint=push_service.url("/push/slow"),
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
    )
    rows = _due_rows(plan, Channel.PUSH, now)
    push_service.before_answer = lambda request: time.sleep(SLOW)

    report = reminders_dispatch_due(now=now, batch=ROWS, budget=0.1)

    sent, _ = _check_split(rows, report, "push")
    assert len(push_service.to("/push/slow")) == len(sent)
    subscription.refresh_from_db()
    assert subscription.failures == 0
    push_service.before_answer = None
    reminders_dispatch_due(now=now + dt.timedelta(seconds=15), batch=ROWS)
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.SENT}
    assert len(push_service.to("/push/slow")) == ROWS
