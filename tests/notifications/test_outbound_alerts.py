"""Schedule-change alerts over push and e-mail: a real `import_schedule` moves a planned
poster; the attendee's alert reaches the loopback push service (decrypted with the
subscription's keys) and the loopback SMTP server once, with local times; quiet hours defer
push and e-mail (never in-app); writing or dispatching again sends nothing more; the
number of queries does not grow with the number of attendees."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planner.enums import Channel, NotificationKind, ReminderState
from planner.models import (
    Attendee,
    Conference,
    Notification,
    Outbound,
    PlanItem,
    Poster,
)
from planner.services.notifications import email_unsubscribe, schedule_change_alerts
from planner.services.outbound import outbound_dispatch_due, quiet_hours_end
from planner.services.preferences import preferences_update
from planner.services.reminder_dispatch import reminders_dispatch_due
from tests import factories as f
from tests.factories import AttendeeFactory, UserFactory
from tests.notifications.conftest import Browser, subscribe
from tests.notifications.test_change_alerts import _import, _program

pytestmark = pytest.mark.django_db

# 08:00 UTC = 10:00 in Jerusalem (summer time): outside the quiet hours used below.
DAYTIME = dt.datetime(2026, 10, 20, 8, 0, tzinfo=dt.UTC)
# 21:00 UTC = 23:00 in Jerusalem: inside 22:00–07:00.
NIGHT = dt.datetime(2026, 10, 20, 21, 0, tzinfo=dt.UTC)
PAYLOAD_KEYS = {"title", "body", "url", "tag", "kind", "conference", "when"}


def _attendee(conference, *, email="ada@example.org", channels=None) -> Attendee:
    user = UserFactory(email=email)
    return AttendeeFactory(
        conference=conference,
        user=user,
        reminder_channels=channels or [Channel.PUSH, Channel.EMAIL, Channel.IN_APP],
    )


def _subscribe(attendee, push_service, path) -> Browser:
    return subscribe(attendee.user, push_service, path)


def _planned_poster(tmp_path, capture, settings, **attendee) -> tuple[Conference, Attendee]:
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(_program(tmp_path / "v1"), capture)
    conference = Conference.objects.get(slug="eccv")
    ada = _attendee(conference, **attendee)
    PlanItem.objects.create(attendee=ada, poster=Poster.objects.get(board="042"))
    return conference, ada


def test_an_import_alert_reaches_push_and_email_once(
    tmp_path, settings, django_capture_on_commit_callbacks, vapid, push_service, smtp_server
):
    with time_machine.travel(DAYTIME, tick=False):
        conference, ada = _planned_poster(tmp_path, django_capture_on_commit_callbacks, settings)
        browser = _subscribe(ada, push_service, "/push/ada")
        _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)

        rows = Outbound.objects.filter(attendee=ada).order_by("channel")
        assert [(r.channel, r.kind, r.state) for r in rows] == [
            (Channel.EMAIL, NotificationKind.SCHEDULE_CHANGE, ReminderState.PENDING),
            (Channel.PUSH, NotificationKind.SCHEDULE_CHANGE, ReminderState.PENDING),
        ]
        assert {r.fire_at for r in rows} == {DAYTIME}  # not in quiet hours: now

        report = reminders_dispatch_due(now=DAYTIME + dt.timedelta(seconds=5))
        again = reminders_dispatch_due(now=DAYTIME + dt.timedelta(minutes=10))

    assert report.outbound_claimed == 2
    assert report.outbound_outcomes == {
        ("schedule_change", "email", "sent"): 1,
        ("schedule_change", "push", "sent"): 1,
    }
    assert again.outbound_claimed == 0
    [request] = push_service.to("/push/ada")
    data = browser.decrypt(request.body)
    assert set(data) == PAYLOAD_KEYS  # the same shape as a reminder's
    assert data["kind"] == "schedule_change"
    assert data["title"] == "Poster 042 moved to Hall B, 14:30"
    assert data["body"] == "Poster 042 moved to Hall B, 14:30"
    assert data["url"] == "/conferences/eccv/plan"
    assert data["conference"] == "eccv"
    assert data["tag"] == f"schedule-c{conference.pk}-v{conference.schedule_version + 1}"
    assert request.headers["topic"] == data["tag"]
    assert request.headers["content-encoding"] == "aes128gcm"
    [mail] = smtp_server.messages
    assert mail["To"] == "ada@example.org"
    assert mail["Subject"] == "[eccv] Poster 042 moved to Hall B, 14:30"
    text = mail.get_body(("plain",)).get_content()
    assert "Poster 042 moved to Hall B, 14:30" in text  # 14:30 in Jerusalem, not UTC
    assert "/unsubscribe/" in mail["List-Unsubscribe"]
    assert set(Outbound.objects.values_list("state", flat=True)) == {ReminderState.SENT}
    # In-app: the one Notification with the same key.
    assert Notification.objects.filter(
        attendee=ada, kind=NotificationKind.SCHEDULE_CHANGE
    ).count() == (1)


def test_alert_writes_are_idempotent_per_attendee_and_import(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAYTIME, tick=False):
        conference, _ = _planned_poster(tmp_path, django_capture_on_commit_callbacks, settings)
        _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
        conference.refresh_from_db()
        before = list(Outbound.objects.values_list("pk", "channel", "dedupe_key"))

        again = schedule_change_alerts(
            conference_id=conference.pk, schedule_version=conference.schedule_version
        )

    assert again.created == 0
    assert list(Outbound.objects.values_list("pk", "channel", "dedupe_key")) == before
    assert len(before) == 2
    assert {key for _, _, key in before} == {f"schedule-change:v{conference.schedule_version}"}


def test_only_the_chosen_channels_get_rows(tmp_path, settings, django_capture_on_commit_callbacks):
    with time_machine.travel(DAYTIME, tick=False):
        conference, ada = _planned_poster(
            tmp_path, django_capture_on_commit_callbacks, settings, channels=[Channel.IN_APP]
        )
        bob = _attendee(conference, email="bob@example.org", channels=[Channel.EMAIL])
        PlanItem.objects.create(attendee=bob, poster=Poster.objects.get(board="042"))
        _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)

    assert not Outbound.objects.filter(attendee=ada).exists()
    assert list(Outbound.objects.filter(attendee=bob).values_list("channel", flat=True)) == [
        Channel.EMAIL
    ]
    assert Notification.objects.filter(kind=NotificationKind.SCHEDULE_CHANGE).count() == 2


def test_an_alert_in_quiet_hours_waits_for_their_end_on_push_and_email(
    tmp_path, settings, django_capture_on_commit_callbacks, vapid, push_service, smtp_server
):
    with time_machine.travel(NIGHT, tick=False):
        _, ada = _planned_poster(tmp_path, django_capture_on_commit_callbacks, settings)
        Attendee.objects.filter(pk=ada.pk).update(
            quiet_hours_start=dt.time(22, 0), quiet_hours_end=dt.time(7, 0)
        )
        browser = _subscribe(ada, push_service, "/push/ada")
        _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)

        # In-app at once: it makes no sound.
        assert Notification.objects.filter(attendee=ada).count() == 1
        # 07:00 the next morning in Jerusalem (UTC+3 until 25 Oct) is 04:00 UTC.
        morning = dt.datetime(2026, 10, 21, 4, 0, tzinfo=dt.UTC)
        assert set(Outbound.objects.values_list("fire_at", flat=True)) == {morning}

        night = reminders_dispatch_due(now=NIGHT + dt.timedelta(minutes=1))
        before_end = reminders_dispatch_due(now=morning - dt.timedelta(seconds=1))
    assert night.outbound_claimed == before_end.outbound_claimed == 0
    assert push_service.requests == []
    assert smtp_server.messages == []

    at_end = reminders_dispatch_due(now=morning + dt.timedelta(seconds=10))

    assert at_end.outbound_claimed == 2
    [request] = push_service.to("/push/ada")
    assert browser.decrypt(request.body)["title"] == "Poster 042 moved to Hall B, 14:30"
    assert len(smtp_server.messages) == 1


def test_turning_a_channel_off_or_unsubscribing_cancels_waiting_alerts(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(NIGHT, tick=False):
        _, ada = _planned_poster(tmp_path, django_capture_on_commit_callbacks, settings)
        Attendee.objects.filter(pk=ada.pk).update(
            quiet_hours_start=dt.time(22, 0), quiet_hours_end=dt.time(7, 0)
        )
        _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
        ada.refresh_from_db()

        preferences_update(attendee=ada, changes={"push": False})
        states = dict(Outbound.objects.values_list("channel", "state"))
        assert states == {Channel.PUSH: ReminderState.CANCELLED, Channel.EMAIL: "pending"}

        email_unsubscribe(attendee_id=ada.pk)
    assert set(Outbound.objects.values_list("state", flat=True)) == {ReminderState.CANCELLED}


def test_new_quiet_hours_retime_waiting_alerts(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(NIGHT, tick=False):
        _, ada = _planned_poster(tmp_path, django_capture_on_commit_callbacks, settings)
        Attendee.objects.filter(pk=ada.pk).update(
            quiet_hours_start=dt.time(22, 0), quiet_hours_end=dt.time(7, 0)
        )
        _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
        ada.refresh_from_db()

        # Quiet until 06:00 instead (03:00 UTC): the alert waits less.
        preferences_update(attendee=ada, changes={"quiet_hours_end": dt.time(6, 0)})
        assert set(Outbound.objects.values_list("fire_at", flat=True)) == {
            dt.datetime(2026, 10, 21, 3, 0, tzinfo=dt.UTC)
        }
        # No quiet hours any more: due now.
        preferences_update(
            attendee=ada, changes={"quiet_hours_start": None, "quiet_hours_end": None}
        )
        assert set(Outbound.objects.values_list("fire_at", flat=True)) == {NIGHT}
        assert reminders_dispatch_due(now=NIGHT).outbound_claimed == 2


def _alert_queries(tmp_path, capture, settings, attendees: int) -> tuple[int, int]:
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / f"n{attendees}"
    _import(_program(folder / "v1"), capture)
    conference = Conference.objects.get(slug="eccv")
    poster = Poster.objects.get(conference=conference, board="042")
    for n in range(attendees):
        who = _attendee(conference, email=f"a{attendees}-{n}@example.org")
        PlanItem.objects.create(attendee=who, poster=poster)
    with capture(execute=False):  # the alerts are measured below, not run on commit
        call_command(
            "import_schedule",
            "eccv",
            str(_program(folder / "v2", shift=30)),
            "--timezone",
            "Asia/Jerusalem",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    conference.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        schedule_change_alerts(
            conference_id=conference.pk, schedule_version=conference.schedule_version
        )
    rows = Outbound.objects.filter(attendee__conference=conference).count()
    Conference.objects.filter(pk=conference.pk).delete()
    return _shape(queries), rows


def _shape(queries) -> tuple[int, int]:
    """(queries other than INSERT, all queries)."""
    sqls = [q["sql"] for q in queries.captured_queries]
    return sum(not sql.lstrip().upper().startswith("INSERT") for sql in sqls), len(sqls)


def assert_fixed(one: tuple[int, int], many: tuple[int, int]) -> None:
    """Reads and updates do not grow with the attendees; on PostgreSQL nothing does. SQLite
    splits a bulk INSERT by its limit on bound parameters, so only its INSERTs may."""
    assert one[0] == many[0]
    if connection.vendor == "postgresql":
        assert one[1] == many[1]


def test_alert_queries_do_not_grow_with_attendees(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    one, one_rows = _alert_queries(tmp_path, django_capture_on_commit_callbacks, settings, 1)
    many, many_rows = _alert_queries(tmp_path, django_capture_on_commit_callbacks, settings, 40)

    assert (one_rows, many_rows) == (2, 80)  # push and e-mail each
    assert_fixed(one, many)
    assert one[1] <= 6


@pytest.mark.parametrize(
    ("now_local", "expected_local"),
    [
        # Before midnight: the end is tomorrow morning.
        ((2026, 10, 20, 23, 0), (2026, 10, 21, 7, 0)),
        # After midnight: this morning.
        ((2026, 10, 21, 3, 0), (2026, 10, 21, 7, 0)),
        # Outside: at once.
        ((2026, 10, 21, 12, 0), (2026, 10, 21, 12, 0)),
        # Across the end of summer time (Europe/Berlin, 25 Oct 03:00 → 02:00): still 07:00.
        ((2026, 10, 24, 23, 30), (2026, 10, 25, 7, 0)),
    ],
)
def test_quiet_hours_end_is_local_and_dst_aware(now_local, expected_local):
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    attendee = Attendee(quiet_hours_start=dt.time(22, 0), quiet_hours_end=dt.time(7, 0))
    now = dt.datetime(*now_local, tzinfo=zone)

    end = quiet_hours_end(attendee, now, zone)

    assert end == dt.datetime(*expected_local, tzinfo=zone)
    assert end.astimezone(zone).timetuple()[:5] == expected_local


def test_outbound_rows_are_claimed_once_by_two_sweeps(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    """The Reminder state machine, on Outbound rows: a second claim gets nothing."""
    from planner.services.outbound import outbound_claim_due, outbound_mark

    with time_machine.travel(DAYTIME, tick=False):
        _planned_poster(tmp_path, django_capture_on_commit_callbacks, settings)
        _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
    now = DAYTIME + dt.timedelta(seconds=1)

    first = outbound_claim_due(now=now, limit=10)
    second = outbound_claim_due(now=now, limit=10)

    assert len(first) == 2
    assert second == []
    assert outbound_mark(rows=first, now=now, error="HTTP 503", transient=True) == 2
    rows = list(Outbound.objects.all())
    assert {r.state for r in rows} == {ReminderState.PENDING}
    assert {r.retry_at for r in rows} == {now + dt.timedelta(seconds=30)}
    assert outbound_claim_due(now=now + dt.timedelta(seconds=10), limit=10) == []
    assert len(outbound_claim_due(now=now + dt.timedelta(seconds=31), limit=10)) == 2
    assert timezone.is_aware(rows[0].fire_at)


def _dispatch_queries(count: int) -> tuple[int, int]:
    conference = f.ConferenceFactory()
    for n in range(count):
        who = _attendee(conference, email=f"d{count}-{n}@example.org")
        Outbound.objects.create(
            attendee=who,
            channel=Channel.EMAIL,
            kind=NotificationKind.SCHEDULE_CHANGE,
            dedupe_key="schedule-change:v2",
            title="Poster 042 moved to Hall B, 14:30",
            lines=["Poster 042 moved to Hall B, 14:30"],
            fire_at=DAYTIME,
        )
    with CaptureQueriesContext(connection) as queries:
        claimed, _, outcomes = outbound_dispatch_due(
            now=DAYTIME + dt.timedelta(seconds=1), batch=200, budget=30
        )
    assert claimed == count
    assert outcomes == {("schedule_change", "email", "sent"): count}
    return _shape(queries)


def test_outbound_dispatch_queries_do_not_grow_with_attendees(mailoutbox):
    one = _dispatch_queries(1)
    many = _dispatch_queries(50)

    assert one == many
    assert len(mailoutbox) == 51
    assert len({mail.extra_headers["Message-ID"] for mail in mailoutbox}) == 51
