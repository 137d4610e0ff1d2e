"""The conference feed read by the parsers calendar apps are built on (ical.js, icalendar,
vobject): every event at the same UTC instant in all of them, across a DST change.

The harness itself is tested on hand-written files, so a feed with a wrong VTIMEZONE, a
floating time or a TZID without its VTIMEZONE is shown to fail it."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
from django.core.cache import cache

from planner.enums import ChangeAction, MealKind
from planner.ical.feeds import conference_feed
from planner.models import Meal, Session
from tests import factories as f
from tests.ical.readers import FeedUnreadable, assert_readers_agree

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC

OCT_24, OCT_25, OCT_26 = dt.date(2026, 10, 24), dt.date(2026, 10, 25), dt.date(2026, 10, 26)

LONG_DESCRIPTION = (
    "Opening keynote; the programme committee's welcome, then the talk.\n"
    "Hebrew: ברוכים הבאים לכנס, אנא הגיעו בזמן. "
    "Chinese: 欢迎参加本次会议，请准时到场。 "
    "Japanese: 会議へようこそ。 "
) * 12


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _expected(conference) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """{uid: (start, end)} straight from the rows, as the feed promises to publish them."""
    domain = f"{conference.slug}.boardwalk"
    rows = [("session", s) for s in Session.objects.filter(conference=conference)]
    rows += [("meal", m) for m in Meal.objects.filter(conference=conference)]
    return {f"{kind}-{row.pk}@{domain}": (row.start, row.end) for kind, row in rows}


@pytest.fixture
def jerusalem_program(conference):
    """Sessions and meals on 24–26 Oct 2026 around the end of Israeli summer time
    (Sun 25 Oct 02:00 IDT → 01:00 IST)."""
    before = f.SessionFactory(conference=conference, title="Before", start=f.local(OCT_24, 9))
    after = f.SessionFactory(conference=conference, title="After", start=f.local(OCT_26, 9))
    # 00:30 IDT → 03:30 IST: three wall-clock hours, four real ones. Both ends exist once.
    night = f.SessionFactory(
        conference=conference,
        title="Night of the change",
        start=dt.datetime(2026, 10, 24, 21, 30, tzinfo=UTC),
        end=dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    )
    f.SessionFactory(
        conference=conference, title="Dropped", start=f.local(OCT_25, 11), cancelled=True
    )
    f.SessionFactory(
        conference=conference,
        title="הרצאת פתיחה · 基调演讲 · 基調講演",
        start=f.local(OCT_25, 14),
        description=LONG_DESCRIPTION,
    )
    f.MealFactory(
        conference=conference,
        kind=MealKind.LUNCH,
        title="Lunch",
        start=f.local(OCT_25, 12, 30),
        notes="Kosher; vegetarian on request.",
    )
    f.MealFactory(conference=conference, title="Dinner", start=f.local(OCT_24, 19))
    # Moved in schedule version 1: its SEQUENCE is the version it last changed in.
    f.ScheduleChangeFactory(conference=conference, session=before, action=ChangeAction.MOVED_TIME)
    Session.objects.filter(pk=before.pk).update(changed_in=1)
    conference.schedule_version = 1
    conference.save(update_fields=["schedule_version"])
    return {"before": before, "after": after, "night": night}


# --- the conference feed ----------------------------------------------------------------------


@pytest.mark.django_db
def test_feed_readers_agree_across_dst_in_jerusalem(conference, jerusalem_program, tmp_path):
    expected = _expected(conference)

    seen = assert_readers_agree(conference_feed(conference), tmp_path, expected)

    domain = f"{conference.slug}.boardwalk"
    before, after, night = (jerusalem_program[k] for k in ("before", "after", "night"))
    # The rows themselves, so a wrong fixture cannot make the check vacuous.
    assert seen[f"session-{before.pk}@{domain}"]["start"] == dt.datetime(
        2026, 10, 24, 6, tzinfo=UTC
    )
    assert seen[f"session-{after.pk}@{domain}"]["start"] == dt.datetime(2026, 10, 26, 7, tzinfo=UTC)
    assert seen[f"session-{night.pk}@{domain}"]["end"] - seen[f"session-{night.pk}@{domain}"][
        "start"
    ] == dt.timedelta(hours=4)
    assert seen[f"session-{before.pk}@{domain}"]["sequence"] == 1
    by_summary = {item["summary"]: item for item in seen.values()}
    assert by_summary["Dropped"]["status"] == "CANCELLED"
    assert by_summary["Lunch"]["status"] == "CONFIRMED"
    assert "הרצאת פתיחה · 基调演讲 · 基調講演" in by_summary


@pytest.mark.django_db
def test_feed_readers_agree_when_served_by_the_view(
    client, conference, jerusalem_program, tmp_path
):
    response = client.get(f"/feeds/conference/{conference.slug}.ics")

    assert response.status_code == 200
    assert_readers_agree(response.content, tmp_path, _expected(conference))


@pytest.mark.django_db
def test_feed_readers_agree_across_dst_in_new_york(tmp_path):
    # DST ends Sun 1 Nov 2026, 02:00 EDT → 01:00 EST.
    conference = f.ConferenceFactory(
        timezone="America/New_York",
        start_date=dt.date(2026, 10, 30),
        end_date=dt.date(2026, 11, 2),
        venue="Javits Center",
    )
    f.SessionFactory(conference=conference, start=f.local(dt.date(2026, 10, 31), 9, tz=NEW_YORK))
    f.SessionFactory(conference=conference, start=f.local(dt.date(2026, 11, 2), 9, tz=NEW_YORK))
    f.SessionFactory(
        conference=conference,
        start=f.local(dt.date(2026, 11, 1), 0, 30, tz=NEW_YORK),
        end=f.local(dt.date(2026, 11, 1), 3, 30, tz=NEW_YORK),
    )
    f.MealFactory(conference=conference, start=f.local(dt.date(2026, 11, 1), 12, tz=NEW_YORK))

    seen = assert_readers_agree(conference_feed(conference), tmp_path, _expected(conference))

    assert sorted(item["start"] for item in seen.values())[:2] == [
        dt.datetime(2026, 10, 31, 13, tzinfo=UTC),
        dt.datetime(2026, 11, 1, 4, 30, tzinfo=UTC),
    ]


@pytest.mark.django_db
def test_feed_readers_agree_on_an_instant_in_the_repeated_hour(conference, tmp_path):
    """Local 01:00–01:59 on 25 Oct happens twice: the feed writes such instants in UTC
    (RFC 5545 readers take the first occurrence, ical.js the second)."""
    f.SessionFactory(
        conference=conference,
        start=dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC),  # 01:30 IST, the second 01:30
        end=dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    )

    assert_readers_agree(conference_feed(conference), tmp_path, _expected(conference))


@pytest.mark.django_db
def test_feed_readers_agree_on_an_item_long_before_the_conference(conference, tmp_path):
    """Outside the dates the VTIMEZONE covers each reader guesses differently: UTC there."""
    f.SessionFactory(conference=conference, start=f.local(dt.date(2026, 10, 1), 9))

    assert_readers_agree(conference_feed(conference), tmp_path, _expected(conference))


# --- the harness, on hand-written files -------------------------------------------------------

JERUSALEM_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:DAYLIGHT
DTSTART:20261015T000000
TZNAME:IDT
TZOFFSETFROM:+0300
TZOFFSETTO:+0300
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20261025T020000
TZNAME:IST
TZOFFSETFROM:+0300
TZOFFSETTO:{standard}
END:STANDARD
END:VTIMEZONE
"""


def _calendar(*parts: str) -> bytes:
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Boardwalk//tests//EN\n"
    text += "".join(parts) + "END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def _event(uid: str, dtstart: str, end: str, *extra: str) -> str:
    lines = [f"UID:{uid}", "DTSTAMP:20261001T000000Z", dtstart, end, *extra]
    return "BEGIN:VEVENT\n" + "\n".join(lines) + "\nEND:VEVENT\n"


def _two_sides_of_the_change(tzid: str, standard: str) -> bytes:
    return _calendar(
        JERUSALEM_VTIMEZONE.format(tzid=tzid, standard=standard),
        _event(
            "before@test",
            f"DTSTART;TZID={tzid}:20261024T090000",
            f"DTEND;TZID={tzid}:20261024T100000",
        ),
        _event(
            "after@test",
            f"DTSTART;TZID={tzid}:20261026T090000",
            f"DTEND;TZID={tzid}:20261026T100000",
        ),
    )


TRUE_INSTANTS = {
    "before@test": (
        dt.datetime(2026, 10, 24, 6, tzinfo=UTC),
        dt.datetime(2026, 10, 24, 7, tzinfo=UTC),
    ),
    "after@test": (
        dt.datetime(2026, 10, 26, 7, tzinfo=UTC),
        dt.datetime(2026, 10, 26, 8, tzinfo=UTC),
    ),
}


def test_harness_accepts_a_correct_vtimezone(tmp_path):
    body = _two_sides_of_the_change("Asia/Jerusalem", "+0200")

    assert_readers_agree(body, tmp_path, TRUE_INSTANTS)


def test_harness_catches_a_wrong_vtimezone_under_a_known_tzid(tmp_path):
    # STANDARD says +01:00, not +02:00. icalendar trusts the tz database for a known name;
    # vobject and ical.js read the file's VTIMEZONE and must land an hour late.
    body = _two_sides_of_the_change("Asia/Jerusalem", "+0100")

    with pytest.raises(AssertionError) as failure:
        assert_readers_agree(body, tmp_path, TRUE_INSTANTS)

    message = str(failure.value)
    assert (
        "vobject: after@test start is 2026-10-26T08:00:00Z, expected 2026-10-26T07:00:00Z"
        in message
    )
    assert (
        "ical.js: after@test start is 2026-10-26T08:00:00Z, expected 2026-10-26T07:00:00Z"
        in message
    )
    assert "icalendar: after@test" not in message
    assert "before@test" not in message  # the DAYLIGHT period is right


def test_harness_catches_a_wrong_vtimezone_under_an_unknown_tzid(tmp_path):
    # A TZID the tz database does not know makes icalendar read the VTIMEZONE too. Unique
    # per run: icalendar and vobject cache zones by TZID for the whole process.
    tzid = f"Boardwalk/Test-{uuid.uuid4().hex}"
    body = _two_sides_of_the_change(tzid, "+0100")

    with pytest.raises(AssertionError) as failure:
        assert_readers_agree(body, tmp_path, TRUE_INSTANTS)

    for reader in ("icalendar", "vobject", "ical.js"):
        assert f"{reader}: after@test start is 2026-10-26T08:00:00Z" in str(failure.value)


def test_harness_reads_each_file_with_its_own_vtimezone(tmp_path):
    # vobject keeps the first zone registered under a TZID; a broken file read after a good
    # one (and the reverse) must still be read with its own definition.
    tzid = f"Boardwalk/Test-{uuid.uuid4().hex}"
    assert_readers_agree(_two_sides_of_the_change(tzid, "+0200"), tmp_path, TRUE_INSTANTS)

    with pytest.raises(AssertionError, match="vobject: after@test start is 2026-10-26T08"):
        assert_readers_agree(_two_sides_of_the_change(tzid, "+0100"), tmp_path, TRUE_INSTANTS)


def test_harness_reads_alarms_todos_and_durations(tmp_path):
    tz = JERUSALEM_VTIMEZONE.format(tzid="Asia/Jerusalem", standard="+0200")
    body = _calendar(
        tz,
        _event(
            "planned@test",
            "DTSTART;TZID=Asia/Jerusalem:20261026T090000",
            "DURATION:PT1H30M",
            "SEQUENCE:3",
            "STATUS:CONFIRMED",
            "SUMMARY:Planned",
            "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Soon\nTRIGGER:-PT10M\nEND:VALARM",
            "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Now\n"
            "TRIGGER;VALUE=DATE-TIME:20261026T070000Z\nEND:VALARM",
        ),
        "BEGIN:VTODO\nUID:visit-poster@test\nDTSTAMP:20261001T000000Z\n"
        "DUE;TZID=Asia/Jerusalem:20261025T180000\nSTATUS:NEEDS-ACTION\nSUMMARY:Poster 42\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Poster\nTRIGGER:-PT1H\nEND:VALARM\n"
        "END:VTODO\n",
    )

    seen = assert_readers_agree(
        body,
        tmp_path,
        {
            "planned@test": (
                dt.datetime(2026, 10, 26, 7, tzinfo=UTC),
                dt.datetime(2026, 10, 26, 8, 30, tzinfo=UTC),
            ),
            "visit-poster@test": (None, dt.datetime(2026, 10, 25, 16, tzinfo=UTC)),
        },
    )

    assert seen["planned@test"]["sequence"] == 3
    assert seen["visit-poster@test"]["component"] == "VTODO"
    assert seen["visit-poster@test"]["status"] == "NEEDS-ACTION"


def test_harness_rejects_a_floating_time(tmp_path):
    body = _calendar(_event("floating@test", "DTSTART:20261024T090000", "DTEND:20261024T100000"))

    with pytest.raises(AssertionError, match="floating@test has a floating time") as failure:
        assert_readers_agree(body, tmp_path)

    for reader in ("icalendar", "vobject", "ical.js"):
        assert f"{reader}: floating@test has a floating time" in str(failure.value)


def test_harness_rejects_a_tzid_without_vtimezone(tmp_path):
    body = _calendar(
        _event(
            "orphan@test",
            "DTSTART;TZID=Asia/Jerusalem:20261024T090000",
            "DTEND;TZID=Asia/Jerusalem:20261024T100000",
        )
    )

    with pytest.raises(FeedUnreadable) as failure:
        assert_readers_agree(body, tmp_path)

    message = str(failure.value)
    assert "vobject: VEVENT orphan@test: DTSTART;TZID=Asia/Jerusalem has no VTIMEZONE" in message
    assert "ical.js: VEVENT orphan@test: DTSTART;TZID=Asia/Jerusalem has no matching" in message


def test_harness_flags_a_duration_across_the_change(tmp_path):
    # PT3H from 00:30 IDT is exact: 21:30Z + 3 h = 00:30Z (RFC 5545 3.3.6). ical.js 2.2.1
    # adds the hours to the wall clock (03:30 IST = 01:30Z); feeds must use DTEND.
    body = _calendar(
        JERUSALEM_VTIMEZONE.format(tzid="Asia/Jerusalem", standard="+0200"),
        _event("long-night@test", "DTSTART;TZID=Asia/Jerusalem:20261025T003000", "DURATION:PT3H"),
    )

    with pytest.raises(AssertionError) as failure:
        assert_readers_agree(body, tmp_path)

    assert (
        "long-night@test: readers disagree on end: icalendar 2026-10-25T00:30:00Z, "
        "vobject 2026-10-25T00:30:00Z, ical.js 2026-10-25T01:30:00Z"
    ) in str(failure.value)
