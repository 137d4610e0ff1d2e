"""The evening digest on the real stack: the beat task goes through Redis to a real Celery
worker process, which writes the digest; the reminder sweep (also in the worker) pushes it
to a Web Push endpoint on loopback, where it is decrypted with the subscription's keys."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest
from celery import Celery
from django.utils import timezone

from planner.enums import Channel, NotificationKind, ReminderState, SessionKind
from planner.models import Notification, Outbound
from tests import factories as f
from tests.infra import redis_url_for_tests
from tests.live_server import database_url
from tests.notifications.conftest import subscribe
from tests.worker import celery_worker, subprocess_env

# A zone where it is daytime now, so "a minute ago" is still today (runs at any hour).
ZONES = ("Europe/Berlin", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "Pacific/Auckland")


def _daytime_zone(now: dt.datetime) -> zoneinfo.ZoneInfo:
    for name in ZONES:
        zone = zoneinfo.ZoneInfo(name)
        if 6 <= now.astimezone(zone).hour < 21:
            return zone
    raise AssertionError("some zone of ZONES is always in daytime")


def _wait(condition, *, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out; worker log:\n{log.read_text()}")


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_digest_goes_from_beat_task_to_a_decrypted_push(tmp_path, vapid, push_service):
    now = timezone.now()
    zone = _daytime_zone(now)
    local = now.astimezone(zone)
    tomorrow = local.date() + dt.timedelta(days=1)
    conference = f.ConferenceFactory(
        slug="live", timezone=zone.key, start_date=local.date(), end_date=tomorrow
    )
    session = f.SessionFactory(
        conference=conference,
        title="Keynote",
        kind=SessionKind.KEYNOTE,
        start=dt.datetime.combine(tomorrow, dt.time(9, 0), tzinfo=zone),
        room=f.RoomFactory(conference=conference, name="Hall A"),
    )
    attendee = f.AttendeeFactory(
        conference=conference,
        digest_time=(local - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0),
        reminder_channels=[Channel.PUSH, Channel.IN_APP],
    )
    f.PlanItemFactory(attendee=attendee, session=session)
    browser = subscribe(attendee.user, push_service, "/push/live")
    public, private = vapid
    broker = redis_url_for_tests()
    client = Celery("boardwalk-test-client", broker=broker, backend=broker, set_as_current=False)
    client.control.purge()
    env = subprocess_env(
        tmp_path,
        DATABASE_URL=database_url(),
        REDIS_URL=broker,
        VAPID_PUBLIC_KEY=public,
        VAPID_PRIVATE_KEY=private,
        PUSH_ALLOWED_HOSTS="127.0.0.1",
    )
    log = tmp_path / "worker.log"

    with celery_worker(env, log):
        client.send_task("planner.reminders.send_digests")
        _wait(lambda: Outbound.objects.exists(), timeout=90, log=log)
        client.send_task("planner.reminders.dispatch_due")
        _wait(lambda: push_service.to("/push/live"), timeout=60, log=log)
        _wait(
            lambda: Outbound.objects.filter(state=ReminderState.SENT).exists(),
            timeout=30,
            log=log,
        )
        # Beat's next tick: nothing new for today.
        client.send_task("planner.reminders.send_digests")
        client.send_task("planner.reminders.dispatch_due")
        time.sleep(3)

    [request] = push_service.to("/push/live")
    data = browser.decrypt(request.body)
    assert data["kind"] == "digest"
    assert data["title"] == (
        f"Tomorrow, {tomorrow:%a} {tomorrow.day} {tomorrow:%b}: 1 item in your plan"
    )
    assert data["body"] == f"09:00 Keynote · Hall A\nTimes in {zone.key}."
    assert data["conference"] == "live"
    notification = Notification.objects.get(attendee=attendee)
    assert notification.kind == NotificationKind.DIGEST
    assert Outbound.objects.count() == 1
