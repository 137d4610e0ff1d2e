"""A backlog is shared: a sweep whose first claim comes back full sends helper sweeps at once
(REMINDER_DISPATCH_HELPERS), which send none themselves; pushes of a batch share one HTTP
session and one write-back of the subscriptions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.enums import Channel, ReminderState
from planner.models import PushSubscription, Reminder
from planner.notifications import push
from planner.services.reminder_dispatch import reminders_dispatch_due
from tests.factories import AttendeeFactory, PlanItemFactory, ReminderFactory
from tests.notifications.conftest import Browser, make_poster_plan


def _due_in_app(n, now):
    plan = make_poster_plan()
    for _ in range(n):
        item = PlanItemFactory(attendee=AttendeeFactory(conference=plan.conference))
        ReminderFactory(
            plan_item=item, channel=Channel.IN_APP, fire_at=now - dt.timedelta(seconds=5)
        )


@pytest.fixture
def sent_tasks(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "planner.taskqueue.task_send", lambda name, **options: sent.append((name, options))
    )
    return sent


@pytest.mark.django_db
def test_a_full_first_batch_sends_the_helpers_once(reminder_rows, own_cache, sent_tasks):
    now = dt.datetime(2026, 10, 26, 12, 20, tzinfo=dt.UTC)
    _due_in_app(7, now)

    report = reminders_dispatch_due(now=now, batch=3, helpers=2)

    assert report.claimed == 7
    assert [name for name, _ in sent_tasks] == ["planner.reminders.dispatch_due"] * 2
    assert all(options["args"] == [0] for _, options in sent_tasks)  # helpers send none
    assert all(options["expires"] <= 30 for _, options in sent_tasks)


@pytest.mark.django_db
def test_no_backlog_or_a_helper_sends_nothing(reminder_rows, own_cache, sent_tasks):
    now = dt.datetime(2026, 10, 26, 12, 20, tzinfo=dt.UTC)
    _due_in_app(2, now)

    reminders_dispatch_due(now=now, batch=3, helpers=2)  # one batch holds it all
    assert sent_tasks == []
    _due_in_app(7, now)
    reminders_dispatch_due(now=now, batch=3, helpers=0)  # a helper
    assert sent_tasks == []
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.SENT}


@pytest.mark.django_db
@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_batch_of_pushes_shares_sessions_and_one_write_back(
    reminder_rows,
    own_cache,
    vapid,
    push_service,
    monkeypatch,
    settings,
    concurrency,
):
    settings.PUSH_CONCURRENCY = concurrency
    now = dt.datetime(2026, 10, 26, 12, 20, tzinfo=dt.UTC)
    plan = make_poster_plan()
    for i in range(6):
        item = PlanItemFactory(attendee=AttendeeFactory(conference=plan.conference))
        browser = Browser()
        PushSubscription.objects.create(
            user=item.attendee.user,
            endpoint=push_service.url(f"/push/{i}"),
            p256dh=browser.p256dh,
            auth=browser.auth_b64,
        )
        ReminderFactory(plan_item=item, channel=Channel.PUSH, fire_at=now - dt.timedelta(seconds=5))
    sessions = []
    real = push.new_session

    def counted():
        session = real()
        sessions.append(session)
        return session

    monkeypatch.setattr(push, "new_session", counted)

    with CaptureQueriesContext(connection) as queries:
        report = reminders_dispatch_due(now=now)

    assert report.outcomes == {("push", "sent"): 6}
    write_backs = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "planner_pushsubscription"')
    ]
    assert len(write_backs) == 1  # one for the batch, not one per push
    assert len(push_service.requests) == 6
    assert 1 <= len(sessions) <= concurrency  # one per thread, kept alive across pushes
    assert all(r.headers["topic"].startswith("reminder-") for r in push_service.requests)
    assert PushSubscription.objects.filter(failures=0, last_success_at__isnull=False).count() == 6
