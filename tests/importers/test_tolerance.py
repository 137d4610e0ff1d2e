"""The importers tolerate the defects real exports have, each reported as a warning, and a
re-import of the same file is still "no changes" with 0 writes.

Every rule has a small file written here: a guid repeated across days, a UID reused by two
events, entries duplicated exactly, pytz LMT offsets, calendar-level junk, broken events
under and over the share a file may skip, a MiniConf site listing its sessions twice, and a
bare NaN in JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest

from planner.enums import ChangeAction
from planner.importers import parse_schedule
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.models import Session
from planner.services.imports import schedule_import
from tests import factories as f

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Jerusalem")  # the factory conference's zone; it runs 22-26 Oct 2026
DAY1 = f.DAY1
DAY2 = f.DAY1 + dt.timedelta(days=1)


# --- small files ---------------------------------------------------------------------------------


def frab_event(
    guid: str | None,
    ident: str,
    day: dt.date,
    at: str,
    title: str,
    *,
    zone: ZoneInfo = ZONE,
    offset: str | None = None,
    duration: str = "01:00",
    room: str = "Hall A",
) -> str:
    local = dt.datetime.combine(day, dt.time.fromisoformat(at))
    date = local.isoformat() + offset if offset else local.replace(tzinfo=zone).isoformat()
    guid_attr = f' guid="{guid}"' if guid else ""
    return (
        f'<event{guid_attr} id="{ident}">\n'
        f"  <date>{date}</date>\n"
        f"  <start>{at}</start>\n"
        f"  <duration>{duration}</duration>\n"
        f"  <room>{room}</room>\n"
        f"  <title>{title}</title>\n"
        "  <type>talk</type>\n"
        "</event>"
    )


def frab(*events: str, zone: str | None = "Asia/Jerusalem", day: dt.date = DAY1) -> str:
    zone_line = f"<time_zone_name>{zone}</time_zone_name>" if zone else ""
    body = "\n".join(events)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n'
        f"<conference><title>Conference</title>{zone_line}</conference>\n"
        f'<day index="1" date="{day}">\n<room name="Hall A">\n{body}\n</room>\n</day>\n'
        "</schedule>\n"
    )


def vevent(uid: str, day: dt.date, at: str, summary: str, *, extra: str = "") -> str:
    start = dt.datetime.combine(day, dt.time.fromisoformat(at))
    end = start + dt.timedelta(hours=1)
    return (
        "BEGIN:VEVENT\n"
        f"UID:{uid}\n"
        f"DTSTART;TZID=Asia/Jerusalem:{start:%Y%m%dT%H%M%S}\n"
        f"DTEND;TZID=Asia/Jerusalem:{end:%Y%m%dT%H%M%S}\n"
        f"SUMMARY:{summary}\n"
        "LOCATION:Hall A\n"
        f"{extra}"
        "END:VEVENT\n"
    )


def calendar(*parts: str, head: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Boardwalk tests//EN\n"
        f"{head}{''.join(parts)}END:VCALENDAR\n"
    )


def line_of(text: str, needle: str, nth: int = 0) -> int:
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1


def run(conference, text: str | bytes, filename: str):
    data = text.encode() if isinstance(text, str) else text
    return schedule_import(conference=conference, data=data, filename=filename)


def assert_reimport_is_no_change(conference, text: str | bytes, filename: str) -> None:
    version = conference.schedule_version
    outcome = run(conference, text, filename)
    assert outcome.result.writes == 0
    assert outcome.result.changes == []
    assert outcome.result.summary() == "no changes"
    conference.refresh_from_db()
    assert conference.schedule_version == version


def titles(conference) -> list[str]:
    return sorted(Session.objects.filter(conference=conference).values_list("title", flat=True))


# --- repeated identities ---------------------------------------------------------------------------


def test_frab_guid_repeated_across_days_imports_each_keyed_by_guid_and_id(conference):
    text = frab(
        frab_event("ws", "1", DAY1, "10:00", "Daily workshop"),
        frab_event("ws", "2", DAY2, "10:00", "Daily workshop"),
        frab_event("talk", "3", DAY1, "12:00", "A talk"),
    )

    outcome = run(conference, text, "schedule.xml")

    assert titles(conference) == ["A talk", "Daily workshop", "Daily workshop"]
    assert sorted(s.key for s in outcome.parsed.sessions) == ["talk", "ws#1", "ws#2"]
    first, second = line_of(text, 'guid="ws"'), line_of(text, 'guid="ws"', 1)
    (warning,) = [w for w in outcome.parsed.warnings if "guid 'ws'" in w]
    assert f"line {first} (" in warning
    assert f"line {second} (" in warning
    assert_reimport_is_no_change(conference, text, "schedule.xml")

    # A repeat that moves is one change, not a cancellation and a new session.
    moved = text.replace(
        f"{DAY2}T10:00:00+03:00</date>\n  <start>10:00",
        f"{DAY2}T11:00:00+03:00</date>\n  <start>11:00",
    )
    assert moved != text
    outcome = run(conference, moved, "schedule.xml")
    assert [(c.action, c.title) for c in outcome.result.changes] == [
        (ChangeAction.MOVED_TIME, "Daily workshop")
    ]
    assert Session.objects.filter(conference=conference, cancelled=False).count() == 3


def test_frab_guid_repeated_without_ids_is_keyed_by_guid_and_start(conference):
    text = frab(
        frab_event("meetup", "", DAY1, "18:00", "Meetup"),
        frab_event("meetup", "", DAY2, "18:00", "Meetup"),
    )

    outcome = run(conference, text, "schedule.xml")

    assert sorted(s.key for s in outcome.parsed.sessions) == [
        f"meetup@{DAY1:%Y%m%d}T150000Z",
        f"meetup@{DAY2:%Y%m%d}T150000Z",
    ]
    assert any("keyed guid@start" in w for w in outcome.parsed.warnings)
    assert_reimport_is_no_change(conference, text, "schedule.xml")


def test_ical_uid_reused_by_two_events_imports_both_naming_both_places(conference):
    text = calendar(
        vevent("46939", DAY1, "10:00", "Closing ceremony"),
        vevent("46939", DAY2, "14:00", "Digital forensics"),
    )

    outcome = run(conference, text, "schedule.ics")

    assert titles(conference) == ["Closing ceremony", "Digital forensics"]
    assert sorted(s.key for s in outcome.parsed.sessions) == [
        f"46939#{DAY1:%Y%m%d}T070000Z",
        f"46939#{DAY2:%Y%m%d}T110000Z",
    ]
    second = line_of(text, "BEGIN:VEVENT", 1)
    first = line_of(text, "BEGIN:VEVENT")
    assert (
        f"schedule.ics:{second}: VEVENT UID='46939' (SUMMARY 'Digital forensics') reuses the UID "
        f"of the VEVENT at line {first} (SUMMARY 'Closing ceremony'); both were imported"
    ) in " ".join(outcome.parsed.warnings)
    assert_reimport_is_no_change(conference, text, "schedule.ics")


def test_ical_identical_duplicates_are_one_event(conference):
    event = vevent("dup", DAY1, "10:00", "Keynote")
    text = calendar(event, event, vevent("other", DAY1, "11:00", "Talk"))

    outcome = run(conference, text, "schedule.ics")

    assert titles(conference) == ["Keynote", "Talk"]
    second = line_of(text, "BEGIN:VEVENT", 1)
    assert (
        f"schedule.ics:{second}: VEVENT UID='dup' repeats the VEVENT at line "
        f"{line_of(text, 'BEGIN:VEVENT')} exactly; imported once"
    ) in outcome.parsed.warnings
    assert_reimport_is_no_change(conference, text, "schedule.ics")


def test_frab_identical_duplicates_are_one_event(conference):
    event = frab_event("g1", "1", DAY1, "10:00", "Keynote")
    text = frab(event, event, frab_event("g2", "2", DAY1, "11:00", "Talk"))

    outcome = run(conference, text, "schedule.xml")

    assert titles(conference) == ["Keynote", "Talk"]
    assert [s.key for s in outcome.parsed.sessions] == ["g1", "g2"]
    first, second = line_of(text, 'guid="g1"'), line_of(text, 'guid="g1"', 1)
    assert any(
        f"at line {second} repeats the entry at line {first} exactly; imported once" in w
        for w in outcome.parsed.warnings
    )
    assert_reimport_is_no_change(conference, text, "schedule.xml")


# --- pytz LMT offsets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "offset", "lmt"),
    [("Asia/Kolkata", "+05:53", "+05:53"), ("Europe/Rome", "+00:50", "+00:50")],
)
@pytest.mark.parametrize("declared", [True, False], ids=["file-zone", "conference-zone"])
def test_lmt_offset_is_read_as_wall_time_in_the_zone(zone, offset, lmt, declared):
    conference = f.ConferenceFactory(timezone=zone)
    tz = ZoneInfo(zone)
    text = frab(
        frab_event("g1", "1", DAY1, "09:00", "Opening", zone=tz, offset=offset),
        zone=zone if declared else None,
    )

    outcome = run(conference, text, "schedule.xml")

    session = Session.objects.get(conference=conference)
    assert session.start == dt.datetime.combine(DAY1, dt.time(9), tz)
    assert (
        f"schedule.xml: UTC offset {lmt} is the local mean time of {zone}, not an offset the "
        f"zone uses today (the pytz LMT bug); times with it were read as wall-clock times in {zone}"
    ) in outcome.parsed.warnings
    assert_reimport_is_no_change(conference, text, "schedule.xml")


def test_an_offset_that_is_not_the_zones_lmt_is_kept():
    conference = f.ConferenceFactory(timezone="Asia/Kolkata")
    text = frab(
        frab_event("g1", "1", DAY1, "09:00", "Opening", offset="+05:30"),
        frab_event("g2", "2", DAY1, "10:00", "Elsewhere", offset="+05:50"),
        zone="Asia/Kolkata",
    )

    outcome = run(conference, text, "schedule.xml")

    elsewhere = Session.objects.get(conference=conference, title="Elsewhere")
    assert elsewhere.start == dt.datetime(
        DAY1.year, DAY1.month, DAY1.day, 10, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=50))
    )
    assert not any("local mean time" in w for w in outcome.parsed.warnings)


# --- junk outside the events -----------------------------------------------------------------------


def test_calendar_level_junk_is_skipped_with_warnings(conference):
    text = calendar(
        vevent("a", DAY1, "10:00", "Talk A"),
        "BEGIN:VTODO\nUID:todo-1\nSUMMARY:Print badges\nEND:VTODO\n",
        "BEGIN:X-VENUE-MAP\nX-FLOOR:2\nEND:X-VENUE-MAP\n",
        vevent("b", DAY1, "11:00", "Talk B"),
        head=(
            "X-WR-TIMEZONE:Asia/Jerusalem\n"
            "DTSTART:2022-12-04 08:00:00+05:53\n"  # ismir-2022's stray pytz line
            "X-PUBLISHED-TTL;VALUE=DURATION:every hour\n"  # an X- property that does not parse
            'X-APPLE-NOTE;X-QUOTE="a:b\n'  # nor does this line
        ),
    )

    outcome = run(conference, text, "schedule.ics")

    assert titles(conference) == ["Talk A", "Talk B"]
    warnings = outcome.parsed.warnings
    dtstart, ttl = line_of(text, "DTSTART:2022"), line_of(text, "X-PUBLISHED-TTL")
    assert any(
        w.startswith(f"schedule.ics:{dtstart}: ignored the calendar property 'DTSTART:2022-12-04")
        for w in warnings
    )
    assert any(
        w.startswith(f"schedule.ics:{ttl}: ignored the calendar property 'X-PUBLISHED-TTL")
        for w in warnings
    )
    note = line_of(text, "X-APPLE-NOTE")
    assert any(
        w.startswith(f"schedule.ics:{note}: ignored the calendar property 'X-APPLE-NOTE")
        for w in warnings
    )
    assert (
        f"schedule.ics: skipped 1 VTODO component (line {line_of(text, 'BEGIN:VTODO')}); only "
        "VEVENTs are imported"
    ) in warnings
    assert any(w.startswith("schedule.ics: skipped 1 X-VENUE-MAP component") for w in warnings)
    assert_reimport_is_no_change(conference, text, "schedule.ics")


# --- broken events: skipped under the limit, refused over it ---------------------------------------


def _ten_events(broken: set[int]) -> str:
    events = []
    for n in range(10):
        extra = ""
        event = vevent(f"e{n}", DAY1, f"{8 + n:02d}:00", f"Talk {n}")
        if n in broken:
            event = event.replace(f"DTSTART;TZID=Asia/Jerusalem:{DAY1:%Y%m%d}", "DTSTART:soon")
        events.append(event + extra)
    return calendar(*events)


def test_one_broken_event_in_ten_is_skipped_with_a_warning(conference):
    text = _ten_events({4})

    outcome = run(conference, text, "schedule.ics")

    assert len(titles(conference)) == 9
    assert "Talk 4" not in titles(conference)
    line = line_of(text, "DTSTART:soon")
    assert any(
        w.startswith(f"schedule.ics:{line}: VEVENT UID='e4': DTSTART: cannot parse DTSTART")
        and w.endswith("; this event was skipped")
        for w in outcome.parsed.warnings
    )
    assert (
        "schedule.ics: 1 of 10 events could not be read and were skipped (the limit is 10%); what "
        "an earlier import made of them is left as it was"
    ) in outcome.parsed.warnings
    assert_reimport_is_no_change(conference, text, "schedule.ics")


@pytest.mark.parametrize("uid", ["e4", "e4@example.org"])
def test_an_event_that_breaks_in_a_later_version_is_left_as_it_was(conference, uid):
    good = _ten_events(set()).replace("UID:e4\n", f"UID:{uid}\n")
    run(conference, good, "schedule.ics")
    version = conference.schedule_version

    outcome = run(conference, _ten_events({4}).replace("UID:e4\n", f"UID:{uid}\n"), "schedule.ics")

    assert outcome.result.writes == 0
    assert not Session.objects.get(conference=conference, title="Talk 4").cancelled
    conference.refresh_from_db()
    assert conference.schedule_version == version
    # Fixed again: still one session, unchanged.
    assert_reimport_is_no_change(conference, good, "schedule.ics")


def test_more_broken_events_than_the_limit_refuse_the_file_with_the_list(conference):
    text = _ten_events({2, 5, 7})

    with pytest.raises(ScheduleFormatError) as caught:
        run(conference, text, "schedule.ics")

    error = caught.value
    lines = [line_of(text, "DTSTART:soon", n) for n in range(3)]
    assert error.line == lines[0]
    assert "3 of 10 events cannot be read (more than 10%), so the file is refused" in str(error)
    assert f"schedule.ics:{lines[1]}: VEVENT UID='e5'" in str(error)
    assert f"schedule.ics:{lines[2]}: VEVENT UID='e7'" in str(error)
    assert Session.objects.filter(conference=conference).count() == 0


def test_frab_broken_event_under_the_limit_is_skipped(conference):
    events = [frab_event(f"g{n}", str(n), DAY1, f"{8 + n:02d}:00", f"Talk {n}") for n in range(10)]
    events[3] = events[3].replace("<duration>01:00</duration>", "<duration>1h</duration>")
    text = frab(*events)

    outcome = run(conference, text, "schedule.xml")

    assert len(titles(conference)) == 9
    line = line_of(text, 'guid="g3"')
    assert any(
        w.startswith(f'schedule.xml:{line}: <event guid="g3" id="3">: duration:')
        for w in outcome.parsed.warnings
    )
    assert_reimport_is_no_change(conference, text, "schedule.xml")


# --- MiniConf double listing -----------------------------------------------------------------------


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_miniconf_sessions_listed_in_events_csv_and_calendar_json_import_once(conference):
    papers = "UID,title,authors\np1,Paper one,Ada Lovelace|Alan Turing\n"
    events = (
        "uid,title,start_date,start_time,end_time,category\n"
        f"open,Opening,{DAY1},9:00,9:30,plenary\n"
        f"post1,Posters Session 1,{DAY1},10:00,11:30,poster\n"
        f"lunch,Lunch,{DAY1},12:00,13:00,meal\n"
    )

    def at(hh: int, mm: int) -> str:
        return dt.datetime.combine(DAY1, dt.time(hh, mm), ZONE).isoformat()

    calendar_json = json.dumps(
        [
            # The same session by id, with its title cased otherwise:
            {"id": "open", "title": "OPENING", "start": at(9, 0), "end": at(9, 30)},
            # by title (case and spacing aside) and start:
            {"title": "Posters  session 1", "start": at(10, 0), "end": at(11, 30)},
            {"title": "Lunch", "start": at(12, 0), "end": at(13, 0), "location": "Foyer"},
            # and one only the calendar has:
            {"title": "Town hall", "start": at(17, 0), "end": at(18, 0)},
        ]
    )
    data = _zip({"papers.csv": papers, "events.csv": events, "main_calendar.json": calendar_json})

    outcome = run(conference, data, "sitedata.zip")

    assert titles(conference) == ["Lunch", "Opening", "Posters Session 1", "Town hall"]
    assert (
        "sitedata.zip/main_calendar.json: 3 session(s) are also listed in sitedata.zip/events.csv "
        "(same id, or same title and start); each was imported once, as sitedata.zip/events.csv "
        "gives it"
    ) in outcome.parsed.warnings
    assert_reimport_is_no_change(conference, data, "sitedata.zip")


# --- NaN in JSON -----------------------------------------------------------------------------------


def test_bare_nan_in_schedule_json_is_no_value(conference):
    start = dt.datetime.combine(DAY1, dt.time(10), ZONE)
    document = {
        "schedule": {
            "version": "1",
            "conference": {
                "title": "Conference",
                "time_zone_name": "Asia/Jerusalem",
                "days": [
                    {
                        "index": 1,
                        "date": DAY1.isoformat(),
                        "rooms": {
                            "Hall A": [
                                {
                                    "guid": "g1",
                                    "id": 1,
                                    "date": start.isoformat(),
                                    "start": "10:00",
                                    "duration": "01:00",
                                    "room": "Hall A",
                                    "title": "Affinity group meeting",
                                    "subtitle": "__NAN__",
                                    "track": "__NAN__",
                                    "persons": [],
                                }
                            ]
                        },
                    }
                ],
            },
        }
    }
    text = json.dumps(document, indent=2).replace('"__NAN__"', "NaN")

    outcome = run(conference, text, "schedule.json")

    session = Session.objects.get(conference=conference)
    assert session.title == "Affinity group meeting"
    assert session.track is None
    assert (
        f"schedule.json:{line_of(text, 'NaN')}: 2 bare NaN value(s) (not JSON; a pandas "
        "artefact) were read as no value"
    ) in outcome.parsed.warnings
    assert_reimport_is_no_change(conference, text, "schedule.json")


def test_nan_parses_the_same_without_a_conference():
    text = '{"schedule": {"version": "1", "conference": {"title": NaN, "days": []}}}'

    parsed = parse_schedule(text.encode(), ImportOptions(filename="s.json", timezone="UTC"))

    assert parsed.conference.name == ""
    assert parsed.warnings[0].startswith("s.json:1: 1 bare NaN value(s)")


def test_lmt_offset_in_a_miniconf_calendar_is_read_as_wall_time():
    conference = f.ConferenceFactory(timezone="Asia/Kolkata")
    papers = "UID,title,authors\np1,Paper one,Ada Lovelace\n"
    calendar_json = json.dumps(
        [
            {
                "title": "Opening (OPEN)",
                "start": f"{DAY1}T09:00:00+05:53",
                "end": f"{DAY1}T09:30:00+05:53",
            }
        ]
    )
    data = _zip({"papers.csv": papers, "main_calendar.json": calendar_json})

    outcome = run(conference, data, "sitedata.zip")

    session = Session.objects.get(conference=conference)
    assert session.start == dt.datetime.combine(DAY1, dt.time(9), ZoneInfo("Asia/Kolkata"))
    assert any(
        "+05:53 is the local mean time of Asia/Kolkata" in w for w in outcome.parsed.warnings
    )
    assert_reimport_is_no_change(conference, data, "sitedata.zip")
