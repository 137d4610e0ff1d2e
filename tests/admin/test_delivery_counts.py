"""The conference page in the admin shows how its reminders, alerts and digests stand (counts
per state) and when the dispatcher last ran; only to the conference's organizers, read-only.
No admin edits or lists the attendees' Outbound rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from planner import health
from planner.enums import Channel, NotificationKind, ReminderState
from planner.models import Conference, Outbound
from planner.notifications.push import NO_SUBSCRIPTION
from tests import factories as f

pytestmark = pytest.mark.django_db


def _organizer(*conferences):
    organizer = f.UserFactory(username="org", is_staff=True)
    organizer.user_permissions.add(*Permission.objects.filter(content_type__app_label="planner"))
    for conference in conferences:
        conference.organizers.add(organizer)
    return organizer


def _reminders(conference, *states):
    item = f.PlanItemFactory(attendee=f.AttendeeFactory(conference=conference))
    for n, state in enumerate(states):
        f.ReminderFactory(
            plan_item=item,
            channel=Channel.IN_APP,
            fire_at=item.session.start - dt.timedelta(minutes=10 + n),
            state=state,
            sent_at=item.session.start if state == ReminderState.SENT else None,
        )


def _outbound(conference, kind, state):
    attendee = f.AttendeeFactory(conference=conference)
    Outbound.objects.create(
        attendee=attendee,
        channel=Channel.EMAIL,
        kind=kind,
        dedupe_key=f"{kind}:1",
        title="t",
        fire_at=dt.datetime(2026, 10, 22, 8, tzinfo=dt.UTC),
        state=state,
        sent_at=dt.datetime(2026, 10, 22, 8, tzinfo=dt.UTC) if state == "sent" else None,
    )


def _table(html: str) -> dict[str, list[str]]:
    table = re.search(r"<table class='delivery-counts'>.*?</table>", html, re.S).group(0)
    rows = re.findall(r"<tr><th scope='row'>(.*?)</th>(.*?)</tr>", table, re.S)
    return {label: re.findall(r"<td>(\d+)</td>", cells) for label, cells in rows}


def test_organizer_sees_their_conferences_counts_and_last_dispatch(client, own_cache):
    mine = f.ConferenceFactory(slug="mine")
    theirs = f.ConferenceFactory(slug="theirs")
    P, S, F, C = (
        ReminderState.PENDING,
        ReminderState.SENT,
        ReminderState.FAILED,
        ReminderState.CANCELLED,
    )
    _reminders(mine, P, P, S, F, C)
    _reminders(theirs, P, P, P, P, P, P, P)
    _outbound(mine, NotificationKind.SCHEDULE_CHANGE, S)
    _outbound(mine, NotificationKind.DIGEST, P)
    _outbound(theirs, NotificationKind.DIGEST, F)
    # 10:20 UTC is 13:20 in Jerusalem (summer time).
    health.record_reminder_dispatch(dt.datetime(2026, 10, 22, 10, 20, tzinfo=dt.UTC))
    client.force_login(_organizer(mine))

    page = client.get(reverse("admin:planner_conference_change", args=[mine.pk]))
    other = client.get(reverse("admin:planner_conference_change", args=[theirs.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    # Columns: pending, sending (shown even when empty), sent, failed, cancelled, no device.
    assert _table(html) == {
        "Reminders": ["2", "0", "1", "1", "1", "0"],
        "Schedule change": ["0", "0", "1", "0", "0", "0"],
        "Evening digest": ["1", "0", "0", "0", "0", "0"],
    }
    assert "Last dispatch: Thu 22 Oct 13:20" in html
    # Another conference's page (and so its counts) is not theirs to see.
    assert other.status_code == 302
    listing = client.get(reverse("admin:planner_conference_changelist")).content.decode()
    assert "theirs" not in listing


def test_counts_are_read_only_and_outbound_rows_have_no_admin(client, own_cache):
    mine = f.ConferenceFactory(slug="mine")
    client.force_login(_organizer(mine))

    page = client.get(reverse("admin:planner_conference_change", args=[mine.pk]))

    assert "Last dispatch: never" in page.content.decode()
    assert 'name="deliveries"' not in page.content.decode()
    assert Outbound not in admin.site._registry
    assert Conference in admin.site._registry


@pytest.mark.parametrize("who", ["organizer", "superuser"])
def test_a_reminder_row_cannot_be_edited_into_another_state_or_time(client, own_cache, who):
    """Reminder rows are the dispatcher's state machine: a form that sets ``sending`` (no
    claim token: an IntegrityError, a 500) or turns a sent reminder back to pending (sent
    again) or moves its time must not exist; the admin shows them read-only."""
    from planner.models import Reminder
    from tests.admin.forms import form_data

    conference = f.ConferenceFactory(slug="mine")
    _reminders(conference, ReminderState.SENT)
    reminder = Reminder.objects.get()
    if who == "organizer":
        client.force_login(_organizer(conference))
    else:
        client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:planner_reminder_change", args=[reminder.pk])

    page = client.get(url)
    data = form_data(page.content.decode(), "reminder_form")
    for state in (ReminderState.SENDING, ReminderState.PENDING):
        posted = {
            **data,
            "state": [state],
            "channel": [Channel.PUSH],
            "fire_at_0": ["2026-10-30"],
            "fire_at_1": ["09:00:00"],
        }
        response = client.post(url, posted)
        assert response.status_code in (200, 302, 403)

    assert page.status_code == 200
    after = Reminder.objects.get()
    assert (after.state, after.channel, after.fire_at, after.sent_at) == (
        reminder.state,
        reminder.channel,
        reminder.fire_at,
        reminder.sent_at,
    )


def test_an_organizer_cannot_rewrite_an_attendees_notification(client, own_cache):
    """A notification is what the product told the attendee: an organizer who could edit its
    title, body or link could put words in the product's mouth on their phone."""
    from planner.models import Notification
    from tests.admin.forms import form_data

    conference = f.ConferenceFactory(slug="mine")
    attendee = f.AttendeeFactory(conference=conference)
    notification = Notification.objects.create(
        attendee=attendee, kind=NotificationKind.SCHEDULE_CHANGE, title="Keynote moved to 10:00"
    )
    client.force_login(_organizer(conference))
    url = reverse("admin:planner_notification_change", args=[notification.pk])

    page = client.get(url)
    data = form_data(page.content.decode(), "notification_form")
    response = client.post(
        url, {**data, "title": ["Keynote cancelled"], "url": ["https://evil.example/"]}
    )

    assert page.status_code == 200
    assert response.status_code in (200, 302, 403)
    after = Notification.objects.get()
    assert (after.title, after.url) == ("Keynote moved to 10:00", "")


def test_correcting_the_conference_zone_re_derives_reminders_in_quiet_hours(client, own_cache):
    """Quiet hours are local wall-clock times in the conference's zone: when an organizer
    corrects the zone, a push reminder that now falls inside them is cancelled (and one now
    outside them is made), as when the attendee edits their quiet hours."""
    import time_machine

    from planner.models import Reminder
    from planner.services.plans import plan_item_put
    from tests.admin.forms import form_data

    conference = f.ConferenceFactory(slug="mine", timezone="Asia/Jerusalem")
    # 05:30 UTC: 08:30 in Jerusalem (summer time), 05:30 in UTC.
    early = f.SessionFactory(
        conference=conference, start=dt.datetime(2026, 10, 22, 5, 30, tzinfo=dt.UTC)
    )
    # 20:30 UTC: 23:30 in Jerusalem, 20:30 in UTC.
    late = f.SessionFactory(
        conference=conference, start=dt.datetime(2026, 10, 22, 20, 30, tzinfo=dt.UTC)
    )
    attendee = f.AttendeeFactory(
        conference=conference,
        reminder_channels=[Channel.PUSH, Channel.IN_APP],
        quiet_hours_start=dt.time(22, 0),
        quiet_hours_end=dt.time(7, 0),
    )
    client.force_login(_organizer(conference))
    url = reverse("admin:planner_conference_change", args=[conference.pk])

    def push_rows():
        rows = Reminder.objects.filter(channel=Channel.PUSH, state=ReminderState.PENDING)
        return sorted(rows.values_list("plan_item__session__title", flat=True))

    with time_machine.travel(dt.datetime(2026, 10, 21, 12, tzinfo=dt.UTC), tick=False):
        for session in (early, late):
            plan_item_put(
                attendee=attendee,
                kind="session",
                target_id=session.pk,
                status="going",
                note="",
                reminder_minutes=None,
            )
        before = push_rows()
        data = form_data(client.get(url).content.decode(), "conference_form")
        response = client.post(url, {**data, "timezone": ["UTC"]})

    assert response.status_code == 302
    assert Conference.objects.get(pk=conference.pk).timezone == "UTC"
    assert before == [early.title]  # 23:20 in Jerusalem is quiet
    assert push_rows() == [late.title]  # 05:20 in UTC is quiet, 20:20 is not


@pytest.mark.parametrize("model", ["notification", "planitem"])
def test_attendee_row_lists_take_the_same_queries_for_2_or_20_attendees(client, own_cache, model):
    """Each row names its attendee ("Ada @ eccv": the attendee's conference): selected with
    the page, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planner.models import Notification

    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse(f"admin:planner_{model}_changelist")

    def queries(count: int) -> int:
        for _ in range(count):
            attendee = f.AttendeeFactory(conference=f.ConferenceFactory())
            if model == "notification":
                Notification.objects.create(
                    attendee=attendee, kind=NotificationKind.REMINDER, title="Poster 042"
                )
            else:
                f.PlanItemFactory(attendee=attendee)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries(2)
    many = queries(18)
    assert few == many


def test_correcting_the_conference_zone_retimes_alerts_waiting_for_quiet_hours(client, own_cache):
    """An alert that waits for the end of the attendee's quiet hours (07:00 local) waits for
    07:00 in the corrected zone."""
    import time_machine

    from planner.notifications import Message
    from planner.services.outbound import outbound_write
    from tests.admin.forms import form_data

    conference = f.ConferenceFactory(slug="mine", timezone="Asia/Jerusalem")
    attendee = f.AttendeeFactory(
        conference=conference,
        reminder_channels=[Channel.PUSH, Channel.IN_APP],
        quiet_hours_start=dt.time(22, 0),
        quiet_hours_end=dt.time(7, 0),
    )
    client.force_login(_organizer(conference))
    url = reverse("admin:planner_conference_change", args=[conference.pk])
    # 21 Oct, 20:00 UTC: 23:00 in Jerusalem (quiet until 07:00 there, 04:00 UTC), and
    # 20:00 in UTC (not quiet: at once).
    now = dt.datetime(2026, 10, 21, 20, tzinfo=dt.UTC)
    message = Message(
        attendee_id=attendee.pk,
        user_id=attendee.user_id,
        conference_slug="mine",
        conference_name="Mine",
        kind=NotificationKind.SCHEDULE_CHANGE,
        title="Keynote moved to 10:00",
        lines=("Keynote moved to 10:00",),
        url="/conferences/mine/plan",
        dedupe_key="schedule-change:v2",
    )

    with time_machine.travel(now, tick=False):
        outbound_write(messages=[message], attendees={attendee.pk: attendee}, now=now)
        before = Outbound.objects.get().fire_at
        data = form_data(client.get(url).content.decode(), "conference_form")
        assert client.post(url, {**data, "timezone": ["UTC"]}).status_code == 302

    assert before == dt.datetime(2026, 10, 22, 4, tzinfo=dt.UTC)
    assert Outbound.objects.get().fire_at == now


def test_a_push_to_someone_without_a_subscription_is_counted_apart_from_failures(client, own_cache):
    """Attendees who chose push but never allowed it on a device: their reminders fail for
    want of a subscription (the dispatcher's NO_SUBSCRIPTION: tests/notifications/
    test_dispatch.py), which is not the system failing; the admin says "no device"."""
    conference = f.ConferenceFactory(slug="mine")
    item = f.PlanItemFactory(attendee=f.AttendeeFactory(conference=conference))
    fire_at = item.session.start - dt.timedelta(minutes=10)
    for channel, error in ((Channel.PUSH, NO_SUBSCRIPTION), (Channel.EMAIL, "SMTP 554")):
        f.ReminderFactory(
            plan_item=item,
            channel=channel,
            fire_at=fire_at,
            state=ReminderState.FAILED,
            last_error=error,
        )
    _outbound(conference, NotificationKind.SCHEDULE_CHANGE, ReminderState.FAILED)
    Outbound.objects.update(channel=Channel.PUSH, last_error=NO_SUBSCRIPTION)
    client.force_login(_organizer(conference))

    page = client.get(reverse("admin:planner_conference_change", args=[conference.pk]))

    html = page.content.decode()
    assert "<th scope='col'>No device</th>" in html
    # pending, sending, sent, failed, cancelled, no device
    assert _table(html)["Reminders"] == ["0", "0", "0", "1", "0", "1"]
    assert _table(html)["Schedule change"] == ["0", "0", "0", "0", "0", "1"]
