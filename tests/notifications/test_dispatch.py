"""The reminder sweep: claim due rows, deliver on each channel, mark; exactly once when two
sweeps run at the same time; transient failures retried with backoff; stuck rows recovered."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from planner.enums import Channel, NotificationKind, ReminderState
from planner.models import Notification, Reminder
from planner.notifications.push import NO_SUBSCRIPTION
from planner.services.reminder_dispatch import reminders_dispatch_due
from tests.factories import ReminderFactory
from tests.notifications.conftest import Browser, make_poster_plan, subscribe


def _due(plan, channel, *, now):
    return ReminderFactory(
        plan_item=plan.item, channel=channel, fire_at=now - dt.timedelta(seconds=5)
    )


def _subscribe(plan, service, path) -> Browser:
    return subscribe(plan.attendee.user, service, path)


@pytest.mark.django_db
def test_dispatch_delivers_each_channel_and_marks_sent(
    reminder_rows, vapid, push_service, smtp_server, own_cache
):
    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    browser = _subscribe(plan, push_service, "/push/ada")
    pushed = _due(plan, Channel.PUSH, now=now)
    mailed = _due(plan, Channel.EMAIL, now=now)
    in_app = _due(plan, Channel.IN_APP, now=now)
    later = ReminderFactory(
        plan_item=plan.item, channel=Channel.PUSH, fire_at=now + dt.timedelta(minutes=1)
    )

    report = reminders_dispatch_due(now=now)

    assert report.claimed == 3
    assert report.outcomes == {
        ("push", "sent"): 1,
        ("email", "sent"): 1,
        ("in_app", "sent"): 1,
    }
    [request] = push_service.to("/push/ada")
    assert browser.decrypt(request.body)["title"] == "Poster 042"
    [mail] = smtp_server.messages
    assert mail["To"] == "ada@example.org"
    notification = Notification.objects.get(attendee=plan.attendee)
    assert notification.kind == NotificationKind.REMINDER
    assert notification.title == "Poster 042"
    assert notification.body.startswith("Starts at Mon 26 Oct, 14:30 (Asia/Jerusalem)")
    states = dict(Reminder.objects.values_list("pk", "state"))
    assert states == {
        pushed.pk: ReminderState.SENT,
        mailed.pk: ReminderState.SENT,
        in_app.pk: ReminderState.SENT,
        later.pk: ReminderState.PENDING,
    }


@pytest.mark.django_db
def test_dispatch_records_its_time_for_healthz(reminder_rows, client, own_cache):
    now = dt.datetime(2026, 10, 26, 12, 20, tzinfo=dt.UTC)

    reminders_dispatch_due(now=now)
    body = client.get("/healthz").json()

    assert body["reminders"]["last_dispatch"] == "2026-10-26T12:20:00+00:00"


@pytest.mark.django_db
def test_dispatch_task_runs_the_sweep_at_the_current_time(reminder_rows, own_cache):
    from planner.tasks import dispatch_due_reminders

    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    reminder = _due(plan, Channel.IN_APP, now=now)

    with time_machine.travel(now, tick=False):
        result = dispatch_due_reminders()

    assert result["claimed"] == 1
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.SENT
    assert reminder.sent_at == now


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_deliver_every_reminder_exactly_once(
    reminder_rows, vapid, push_service, own_cache
):
    plans = [make_poster_plan(email=f"a{i}@example.org") for i in range(8)]
    now = plans[0].session.start - dt.timedelta(minutes=10)
    for i, plan in enumerate(plans):
        _subscribe(plan, push_service, f"/push/{i}")
        _due(plan, Channel.PUSH, now=now)
        _due(plan, Channel.IN_APP, now=now)
    start = threading.Barrier(2)
    reports = []
    errors = []

    def sweep():
        try:
            start.wait()
            reports.append(reminders_dispatch_due(now=now, batch=3))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(r.claimed for r in reports) == 16
    assert [len(push_service.to(f"/push/{i}")) for i in range(8)] == [1] * 8
    assert Notification.objects.count() == 8
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.SENT}
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
def test_transient_failure_is_retried_with_backoff_then_sent(
    reminder_rows, vapid, push_service, own_cache
):
    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    _subscribe(plan, push_service, "/push/ada")
    reminder = _due(plan, Channel.PUSH, now=now)
    push_service.status["/push/ada"] = 503
    retry = now + reminder_rows.backoff(1)

    failed = reminders_dispatch_due(now=now)
    reminder.refresh_from_db()
    state_after_failure = (reminder.state, reminder.attempts)
    too_early = reminders_dispatch_due(now=retry - dt.timedelta(seconds=1))
    push_service.status["/push/ada"] = 201
    retried = reminders_dispatch_due(now=retry)

    assert failed.outcomes == {("push", "transient"): 1}
    assert state_after_failure == (ReminderState.PENDING, 1)
    assert "HTTP 503" in reminder.last_error
    assert reminder_rows.backoff(1) == dt.timedelta(seconds=30)
    assert too_early.claimed == 0
    assert retried.outcomes == {("push", "sent"): 1}
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (ReminderState.SENT, 2)
    assert len(push_service.to("/push/ada")) == 2


@pytest.mark.django_db
def test_transient_failures_end_failed_after_the_last_attempt(
    reminder_rows, vapid, push_service, own_cache
):
    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    _subscribe(plan, push_service, "/push/ada")
    reminder = _due(plan, Channel.PUSH, now=now)
    Reminder.objects.filter(pk=reminder.pk).update(attempts=reminder_rows.MAX_ATTEMPTS - 1)
    push_service.status["/push/ada"] = 503

    reminders_dispatch_due(now=now)

    reminder.refresh_from_db()
    assert reminder.state == ReminderState.FAILED
    assert reminder.attempts == reminder_rows.MAX_ATTEMPTS


@pytest.mark.django_db
def test_permanent_failure_is_not_retried(reminder_rows, vapid, own_cache):
    plan = make_poster_plan()  # no push subscription
    now = plan.session.start - dt.timedelta(minutes=10)
    reminder = _due(plan, Channel.PUSH, now=now)

    reminders_dispatch_due(now=now)

    reminder.refresh_from_db()
    assert reminder.state == ReminderState.FAILED
    assert reminder.last_error == NO_SUBSCRIPTION


@pytest.mark.django_db
def test_a_sweep_that_died_midway_is_finished_by_a_later_one(reminder_rows, own_cache):
    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    # Claimed 6 minutes ago by a sweep that then died: stuck in sending.
    stuck = ReminderFactory(
        plan_item=plan.item, channel=Channel.IN_APP, fire_at=now - dt.timedelta(minutes=7)
    )
    assert len(reminder_rows.reminders_claim_due(now=now - dt.timedelta(minutes=6), limit=10)) == 1
    # Claimed 20 seconds ago by a sweep that may still be delivering it.
    busy = ReminderFactory(
        plan_item=plan.item, channel=Channel.PUSH, fire_at=now - dt.timedelta(seconds=30)
    )
    assert len(reminder_rows.reminders_claim_due(now=now - dt.timedelta(seconds=20), limit=10)) == 1

    report = reminders_dispatch_due(now=now)

    assert report.reconciled == 1
    assert report.claimed == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.state == ReminderState.SENT
    assert Notification.objects.filter(attendee=plan.attendee).count() == 1
    assert busy.state == ReminderState.SENDING  # left to the sweep that claimed it


def test_beat_sweeps_reminders_at_least_every_30_seconds(settings):
    from conf.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-due-reminders"]

    assert entry["task"] == "planner.reminders.dispatch_due"
    assert entry["schedule"] <= 30
    assert "planner.reminders.dispatch_due" in app.tasks


@pytest.mark.django_db
def test_a_batch_of_in_app_reminders_takes_the_same_queries_for_2_or_20(reminder_rows, own_cache):
    from django.test.utils import CaptureQueriesContext

    def sweep(count: int) -> int:
        plans = [make_poster_plan(email=f"q{count}-{i}@example.org") for i in range(count)]
        now = plans[0].session.start - dt.timedelta(minutes=10)
        for plan in plans:
            _due(plan, Channel.IN_APP, now=now)
        with CaptureQueriesContext(connection) as captured:
            report = reminders_dispatch_due(now=now, batch=50)
        assert report.claimed == count
        return len(captured.captured_queries)

    few = sweep(2)
    Reminder.objects.all().delete()
    many = sweep(20)

    assert few == many
    assert Notification.objects.count() == 22
