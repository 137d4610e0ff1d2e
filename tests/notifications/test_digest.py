"""The evening digest: at the attendee's local digest time, tomorrow's plan (local times,
rooms and boards) in the app and on push / e-mail; once per local day; nothing for an
empty tomorrow or outside the conference's days; right on both sides of a DST change;
deferred past quiet hours; a fixed number of queries whatever the number of attendees."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.enums import Channel, NotificationKind, ReminderState, SessionKind
from planner.models import Attendee, Notification, Outbound
from planner.services.digest import LATE_AFTER, digests_send_due
from planner.services.reminder_dispatch import reminders_dispatch_due
from tests import factories as f
from tests.notifications.conftest import subscribe
from tests.notifications.test_outbound_alerts import _shape, assert_fixed

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Summer time ends in Berlin on Sunday 25 Oct 2026 at 03:00 (UTC+2 → UTC+1).
FIRST, LAST = dt.date(2026, 10, 24), dt.date(2026, 10, 27)


def berlin(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=BERLIN)


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def program():
    conference = f.ConferenceFactory(
        slug="iros", name="IROS 2026", timezone="Europe/Berlin", start_date=FIRST, end_date=LAST
    )
    hall_a = f.RoomFactory(conference=conference, name="Hall A")
    hall_b = f.RoomFactory(conference=conference, name="Hall B")
    keynote = f.SessionFactory(
        conference=conference, title="Keynote", kind=SessionKind.KEYNOTE,
        start=berlin(25, 9), room=hall_a,
    )  # fmt: skip
    posters = f.SessionFactory(
        conference=conference, title="Posters 2", kind=SessionKind.POSTER,
        start=berlin(25, 14, 30), room=hall_b,
    )  # fmt: skip
    poster = f.PosterFactory(session=posters, board="042", paper=None, title="Graphs")
    dropped = f.SessionFactory(
        conference=conference, title="Dropped", start=berlin(25, 11), room=hall_a, cancelled=True
    )
    monday = f.SessionFactory(
        conference=conference, title="Orals 5", start=berlin(26, 10), room=hall_a
    )
    return conference, keynote, poster, dropped, monday


def _attendee(conference, *, digest=dt.time(20, 0), channels=(Channel.IN_APP,), email=""):
    user = f.UserFactory(email=email) if email else f.UserFactory()
    return f.AttendeeFactory(
        conference=conference, user=user, digest_time=digest, reminder_channels=list(channels)
    )


def _plan(attendee, *, sessions=(), posters=()):
    for session in sessions:
        f.PlanItemFactory(attendee=attendee, session=session)
    for poster in posters:
        f.PlanItemFactory(attendee=attendee, session=None, poster=poster)


def _digests(attendee):
    return list(
        Notification.objects.filter(attendee=attendee, kind=NotificationKind.DIGEST)
        .order_by("id")
        .values_list("title", "body", "dedupe_key")
    )


def test_digest_at_local_time_on_both_sides_of_a_dst_change(program):
    conference, keynote, poster, dropped, monday = program
    ada = _attendee(conference)
    _plan(ada, sessions=[keynote, dropped, monday], posters=[poster])

    # Saturday 24 Oct, summer time: 20:00 in Berlin is 18:00 UTC.
    assert digests_send_due(now=utc(24, 17, 59)).sent == 0
    saturday = digests_send_due(now=utc(24, 18, 0))
    again = digests_send_due(now=utc(24, 18, 2))
    # Sunday 25 Oct, winter time: 20:00 in Berlin is 19:00 UTC (18:00 UTC is 19:00 there).
    early = digests_send_due(now=utc(25, 18, 0))
    sunday = digests_send_due(now=utc(25, 19, 0))

    assert (saturday.due, saturday.sent) == (1, 1)
    assert again.due == 0  # once per local day: not even selected again
    assert early.due == 0
    assert (sunday.due, sunday.sent) == (1, 1)
    assert _digests(ada) == [
        (
            "Tomorrow, Sun 25 Oct: 2 items in your plan",
            "09:00 Keynote · Hall A\n14:30 Poster 042 · Hall B, board 042\nTimes in Europe/Berlin.",
            "digest:2026-10-25",
        ),
        (
            "Tomorrow, Mon 26 Oct: 1 item in your plan",
            "10:00 Orals 5 · Hall A\nTimes in Europe/Berlin.",
            "digest:2026-10-26",
        ),
    ]
    ada.refresh_from_db()
    assert ada.digest_last_date == dt.date(2026, 10, 25)


def test_no_digest_for_an_empty_tomorrow_or_outside_the_conference(program):
    conference, keynote, _, dropped, monday = program
    ada = _attendee(conference)
    _plan(ada, sessions=[keynote, monday])
    _attendee(conference)  # nothing planned at all
    only_cancelled = _attendee(conference)
    _plan(only_cancelled, sessions=[dropped])
    never = _attendee(conference, digest=None)
    _plan(never, sessions=[keynote])

    week_before = digests_send_due(now=utc(17, 18, 0))
    saturday = digests_send_due(now=utc(24, 18, 0))
    monday_eve = digests_send_due(now=utc(26, 19, 0))  # Tuesday 27: a conference day, empty
    last_eve = digests_send_due(now=utc(27, 19, 0))  # Wednesday 28: after the conference
    week_after = digests_send_due(now=utc(31, 19, 0))

    assert week_before.due == last_eve.due == week_after.due == 0
    # Three have a digest time and something or nothing on Sunday; only ada gets a message
    # (the cancelled session does not count).
    assert (saturday.due, saturday.sent) == (3, 1)
    # Nobody has anything on Tuesday: no message at all.
    assert (monday_eve.due, monday_eve.sent) == (3, 0)
    assert list(Notification.objects.values_list("attendee", flat=True)) == [ada.pk]
    assert not Outbound.objects.exists()  # in-app only chosen


def test_a_digest_late_by_more_than_two_hours_is_skipped(program):
    conference, keynote, *_ = program
    ada = _attendee(conference)
    _plan(ada, sessions=[keynote])

    late = utc(24, 18, 0) + LATE_AFTER + dt.timedelta(minutes=1)
    assert digests_send_due(now=late).due == 0
    assert digests_send_due(now=utc(24, 19, 30)).sent == 1  # 1 h 30 late: still sent


def test_a_late_digest_is_still_sent_after_local_midnight(program):
    """LATE_AFTER holds across midnight: sweeps two minutes apart (DIGEST_SWEEP_SECONDS)
    may run at 23:58:30 and 00:00:30, and a 23:59 digest must not be lost to the date
    change; nor one at 23:30 whose sweep came half an hour late (a worker restart)."""
    conference, keynote, *_, monday = program
    ada = _attendee(conference, digest=dt.time(23, 59))
    bob = _attendee(conference, digest=dt.time(23, 30))
    cyd = _attendee(conference, digest=dt.time(21, 0))  # 2 h 20 late at 23:20: skipped
    for attendee in (ada, bob, cyd):
        _plan(attendee, sessions=[keynote, monday])

    # Saturday 24 Oct, 23:20 in Berlin (21:20 UTC): nobody is due.
    assert digests_send_due(now=utc(24, 21, 20)).due == 0
    # Sunday 25 Oct, 00:00:30 in Berlin: ada's and bob's Saturday digests (Sunday's plan).
    report = digests_send_due(now=utc(24, 22, 0) + dt.timedelta(seconds=30))
    again = digests_send_due(now=utc(24, 22, 2) + dt.timedelta(seconds=30))

    assert (report.due, report.sent) == (2, 2)
    assert again.due == 0
    for attendee in (ada, bob):
        [(title, body, key)] = _digests(attendee)
        # Written after midnight: it is Sunday already.
        assert (title, key) == ("Today, Sun 25 Oct: 1 item in your plan", "digest:2026-10-25")
        assert body.startswith("09:00 Keynote · Hall A\n")
        attendee.refresh_from_db()
        assert attendee.digest_last_date == dt.date(2026, 10, 24)
    assert _digests(cyd) == []
    # Sunday evening, 23:59 (winter time): ada's and bob's digests of Monday, as usual.
    assert digests_send_due(now=utc(25, 22, 59)).due == 2
    assert [key for *_, key in _digests(ada)][-1] == "digest:2026-10-26"


def test_digest_goes_out_on_push_and_email(program, vapid, push_service, smtp_server):
    conference, keynote, poster, *_ = program
    ada = _attendee(
        conference,
        channels=(Channel.PUSH, Channel.EMAIL, Channel.IN_APP),
        email="ada@example.org",
    )
    _plan(ada, sessions=[keynote], posters=[poster])
    browser = subscribe(ada.user, push_service, "/push/ada")

    digests_send_due(now=utc(24, 18, 0))
    report = reminders_dispatch_due(now=utc(24, 18, 0) + dt.timedelta(seconds=20))
    second = reminders_dispatch_due(now=utc(24, 18, 1))
    digests_send_due(now=utc(24, 18, 2))
    third = reminders_dispatch_due(now=utc(24, 18, 3))

    assert report.outbound_outcomes == {
        ("digest", "email", "sent"): 1,
        ("digest", "push", "sent"): 1,
    }
    assert second.outbound_claimed == third.outbound_claimed == 0
    [request] = push_service.to("/push/ada")
    data = browser.decrypt(request.body)
    assert data == {
        "title": "Tomorrow, Sun 25 Oct: 2 items in your plan",
        "body": "09:00 Keynote · Hall A\n14:30 Poster 042 · Hall B, board 042\n"
        "Times in Europe/Berlin.",
        "url": "/conferences/iros/plan",
        "tag": f"digest-c{conference.pk}-2026-10-25",
        "kind": "digest",
        "conference": "iros",
        "when": "2026-10-24T22:00:00+00:00",  # midnight in Berlin, summer time
    }
    [mail] = smtp_server.messages
    assert mail["Subject"] == "[IROS 2026] Tomorrow, Sun 25 Oct: 2 items in your plan"
    text = mail.get_body(("plain",)).get_content()
    assert "09:00 Keynote · Hall A" in text
    assert "14:30 Poster 042 · Hall B, board 042" in text
    assert set(Outbound.objects.values_list("state", flat=True)) == {ReminderState.SENT}


def test_one_persons_digests_of_two_conferences_do_not_replace_each_other(
    program, vapid, push_service
):
    """A push Topic (the message's tag) lets the push service replace an undelivered older
    message with a newer one of the same topic: the same evening's digests of two
    conferences, to one phone, must carry different topics or the offline phone gets one."""
    conference, keynote, *_ = program
    other = f.ConferenceFactory(
        slug="humanoids", timezone="Europe/Berlin", start_date=FIRST, end_date=LAST
    )
    workshop = f.SessionFactory(conference=other, title="Workshop", start=berlin(25, 11))
    ada = _attendee(conference, channels=(Channel.PUSH, Channel.IN_APP))
    ada_there = f.AttendeeFactory(
        conference=other,
        user=ada.user,
        digest_time=dt.time(20, 0),
        reminder_channels=[Channel.PUSH, Channel.IN_APP],
    )
    _plan(ada, sessions=[keynote])
    _plan(ada_there, sessions=[workshop])
    browser = subscribe(ada.user, push_service, "/push/ada")

    digests_send_due(now=utc(24, 18, 0))
    reminders_dispatch_due(now=utc(24, 18, 1))

    pushes = push_service.to("/push/ada")
    assert len(pushes) == 2
    assert len({push.headers["topic"] for push in pushes}) == 2
    assert len({browser.decrypt(push.body)["tag"] for push in pushes}) == 2


def test_a_digest_in_quiet_hours_waits_for_their_end_on_push_and_email(program):
    conference, keynote, *_ = program
    ada = _attendee(conference, channels=(Channel.PUSH, Channel.IN_APP))
    Attendee.objects.filter(pk=ada.pk).update(
        quiet_hours_start=dt.time(19, 0), quiet_hours_end=dt.time(7, 30)
    )
    _plan(ada, sessions=[keynote])

    digests_send_due(now=utc(24, 18, 0))

    assert len(_digests(ada)) == 1  # in-app at once
    [row] = Outbound.objects.all()
    # 07:30 on Sunday in Berlin, after the clocks went back: 06:30 UTC.
    assert row.fire_at == utc(25, 6, 30)
    assert reminders_dispatch_due(now=utc(25, 6, 29)).outbound_claimed == 0


def _queries(conference, sessions, count: int) -> int:
    for _ in range(count):
        _plan(_attendee(conference, channels=(Channel.PUSH, Channel.EMAIL)), sessions=sessions)
    with CaptureQueriesContext(connection) as queries:
        report = digests_send_due(now=utc(24, 18, 0))
    assert report.sent == count
    return _shape(queries)


def test_digest_queries_do_not_grow_with_attendees(program):
    conference, keynote, *_ = program
    one = _queries(conference, [keynote], 1)
    other = f.ConferenceFactory(
        slug="iros-b", timezone="Europe/Berlin", start_date=FIRST, end_date=LAST
    )
    session = f.SessionFactory(conference=other, start=berlin(25, 9))
    Attendee.objects.update(digest_last_date=dt.date(2026, 10, 24))  # the first one is done
    many = _queries(other, [session], 60)

    print(f"digest sweep: (non-INSERT, all) queries {one} for 1 attendee, {many} for 60")
    assert_fixed(one, many)
    assert Outbound.objects.count() == 2 * 61
    # conferences, who is due, their items, notifications, outbound rows, the date (and the
    # savepoint of the atomic block).
    assert one[1] <= 8


def test_beat_runs_the_digest_sweep_often_enough():
    entry = django_settings.CELERY_BEAT_SCHEDULE["send-evening-digests"]
    assert entry["task"] == "planner.reminders.send_digests"
    assert 10 <= entry["schedule"] <= 300
    from conf.celery import app

    app.loader.import_default_modules()
    assert "planner.reminders.send_digests" in app.tasks
