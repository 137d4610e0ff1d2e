"""iCalendar importer: real exports from /work/shared/data/real plus small hand-written calendars."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from planner.enums import ImportFormat, SessionKind
from planner.importers import ical
from planner.importers.base import ImportOptions, ScheduleFormatError

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def parse_real(path: str, timezone: str = ""):
    return ical.parse((REAL / path).read_bytes(), ImportOptions(filename=path, timezone=timezone))


def parse_text(text: str, timezone: str = ""):
    data = text.strip().replace("\n", "\r\n").encode()
    return ical.parse(data, ImportOptions(filename="test.ics", timezone=timezone))


def calendar(*events: str, header: str = "") -> str:
    body = "\n".join(e.strip() for e in events)
    head = f"{header.strip()}\n" if header.strip() else ""
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{head}{body}\nEND:VCALENDAR\n"


def vevent(uid: str, *lines: str, summary: str = "Talk") -> str:
    return "\n".join(["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{summary}", *lines, "END:VEVENT"])


# --- sniff ---------------------------------------------------------------------------------------


def test_sniff_recognises_vcalendar_after_bom_and_whitespace():
    assert ical.sniff(b"\xef\xbb\xbf\r\n  BEGIN:VCALENDAR\r\nVERSION:2.0", "x.ics")
    assert ical.sniff(b"begin:vcalendar\r\n", "x.txt")
    assert not ical.sniff(b"<?xml version='1.0'?><schedule/>", "x.ics")
    assert not ical.sniff(b"id,title\n", "x.csv")


# --- real files ----------------------------------------------------------------------------------


def _good_2025_expected() -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """UTC start/end per pretalx code, read straight from the frab XML of the same event."""
    root = ET.parse(REAL / "good-2025" / "schedule.xml").getroot()  # noqa: S314
    expected = {}
    for event in root.iter("event"):
        code = event.findtext("url").rstrip("/").rsplit("/", 1)[-1]
        start = dt.datetime.fromisoformat(event.findtext("date"))
        hours, minutes = (int(part) for part in event.findtext("duration").split(":"))
        end = start + dt.timedelta(hours=hours, minutes=minutes)
        expected[code] = (start.astimezone(UTC), end.astimezone(UTC))
    return expected


def test_good_2025_matches_the_frab_xml_of_the_same_event():
    parsed = parse_real("good-2025/schedule.ics")

    expected = _good_2025_expected()
    assert len(parsed.sessions) == 72
    assert len(expected) == 72
    actual = {
        re.fullmatch(r"pretalx-2025-(\w+)@cfp\.openondemand\.org", s.key).group(1): (
            s.start.astimezone(UTC),
            s.end.astimezone(UTC),
        )
        for s in parsed.sessions
    }
    assert actual == expected


def test_good_2025_maps_the_us_eastern_alias_with_a_warning():
    parsed = parse_real("good-2025/schedule.ics")

    assert parsed.format == ImportFormat.ICAL
    assert parsed.covers == frozenset({"rooms", "sessions"})
    assert parsed.conference.timezone == "America/New_York"
    assert parsed.conference.start_date == dt.date(2025, 3, 17)
    assert parsed.conference.end_date == dt.date(2025, 3, 20)
    assert len(parsed.rooms) == 5
    assert any(
        "'US/Eastern' is a deprecated alias; using America/New_York" in w for w in parsed.warnings
    )
    jam = next(s for s in parsed.sessions if s.key == "pretalx-2025-CFEMBK@cfp.openondemand.org")
    # 13:00 EDT (-04:00) on 17 March 2025, after the US switch on 9 March.
    assert jam.start == utc(2025, 3, 17, 17, 0)
    assert jam.end == utc(2025, 3, 17, 21, 0)
    assert jam.start.tzinfo.key == "America/New_York"
    assert jam.room == "Tsai Auditorium (CGIS S010)"
    assert jam.url == "https://cfp.openondemand.org/2025/talk/CFEMBK/"


def test_iclr_2020_apple_export_uses_utc_and_x_wr_timezone():
    parsed = parse_real("iclr-2020-miniconf/sample_cal.ics")

    assert len(parsed.sessions) == 56
    assert parsed.conference.name == "ICLR 2020"
    assert parsed.conference.timezone == "America/New_York"
    posters = [s for s in parsed.sessions if s.kind == SessionKind.POSTER]
    assert len(posters) == 20
    p1s3 = next(s for s in parsed.sessions if s.title == "Poster Day 1 Session 3 (P1S3)")
    assert (p1s3.start, p1s3.end) == (utc(2020, 4, 27, 12, 0), utc(2020, 4, 27, 14, 0))
    # LOCATION holds links to the virtual site, not rooms.
    assert parsed.rooms == []
    assert p1s3.room is None
    assert p1s3.url.startswith("https://iclr.cc/virtual/papers.html?session=Mon+Session+3")


def test_acm_chil_2020_google_export():
    parsed = parse_real("acm-chil-2020/acm-chil-2020.ics")

    assert len(parsed.sessions) == 21
    assert parsed.conference.name == "ACM CHIL 2020"
    assert parsed.conference.timezone == "America/Toronto"
    assert parsed.rooms == []  # every LOCATION is empty
    closing = next(s for s in parsed.sessions if s.title == "Closing Remarks")
    assert (closing.start, closing.end) == (utc(2020, 7, 23, 21, 20), utc(2020, 7, 23, 21, 30))
    assert parsed.warnings == []


def test_pyconuk_2015_utc_times_rooms_and_meals():
    parsed = parse_real("pyconuk-2015/schedule.ics")

    assert len(parsed.sessions) == 162
    assert len(parsed.rooms) == 11
    assert parsed.conference.name == "PyCon UK 2015 Schedule"
    assert parsed.conference.timezone == ""  # all UTC, no zone declared
    first = parsed.sessions[0]
    assert first.title == "Registration / Breakfast"
    assert first.kind == SessionKind.MEAL
    assert first.room == "Cafeteria"
    # 07:00Z = 08:00 BST on Friday 18 September 2015.
    assert (first.start, first.end) == (utc(2015, 9, 18, 7, 0), utc(2015, 9, 18, 8, 30))
    lunch = next(s for s in parsed.sessions if s.title == "Lunch")
    assert lunch.kind == SessionKind.MEAL
    assert lunch.start == utc(2015, 9, 20, 11, 30)
    # Five events have no DTEND: zero length, shown as one minute, each with a warning.
    social = next(s for s in parsed.sessions if s.title.startswith("The Friday Night Charity"))
    assert social.end - social.start == dt.timedelta(minutes=1)
    assert sum("zero length" in w for w in parsed.warnings) == 5
    # Four events have an empty SUMMARY.
    assert sum(s.title == "(untitled)" for s in parsed.sessions) == 4


def test_ismir_2022_stray_calendar_dtstart_is_skipped_naming_the_line():
    parsed = parse_real("ismir-2022/ISMIR_2022.ics")

    assert len(parsed.sessions) == 36
    assert any(
        w.startswith("ismir-2022/ISMIR_2022.ics:4: ignored the calendar property ")
        and "DTSTART:2022-12-04 08:00:00+05:53" in w
        for w in parsed.warnings
    )


def test_moca_2024_duplicate_uid_imports_every_event_naming_both_places():
    parsed = parse_real("moca-2024/schedule.ics")

    assert len(parsed.sessions) == 88
    assert len({s.key for s in parsed.sessions}) == 88
    assert any(
        w.startswith("moca-2024/schedule.ics:17: VEVENT UID='46939' ")
        and "reuses the UID of the VEVENT at line 5" in w
        for w in parsed.warnings
    )


# --- time zones ----------------------------------------------------------------------------------

JERUSALEM = """
BEGIN:VTIMEZONE
TZID:Asia/Jerusalem
BEGIN:DAYLIGHT
DTSTART:19700327T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1FR
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
TZNAME:IDT
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
TZNAME:IST
END:STANDARD
END:VTIMEZONE
"""


def test_dst_change_between_two_days_in_jerusalem():
    text = calendar(
        vevent(
            "day1",
            "DTSTART;TZID=Asia/Jerusalem:20261024T090000",
            "DTEND;TZID=Asia/Jerusalem:20261024T100000",
        ),
        vevent(
            "day2",
            "DTSTART;TZID=Asia/Jerusalem:20261025T090000",
            "DTEND;TZID=Asia/Jerusalem:20261025T100000",
        ),
        header=JERUSALEM,
    )

    parsed = parse_text(text)

    day1, day2 = parsed.sessions
    assert day1.start == utc(2026, 10, 24, 6, 0)  # IDT, +03:00
    assert day2.start == utc(2026, 10, 25, 7, 0)  # IST, +02:00 after the clocks went back
    assert parsed.conference.timezone == "Asia/Jerusalem"
    assert parsed.warnings == []


def test_custom_vtimezone_name_is_resolved_from_its_rules():
    text = calendar(
        vevent("a", "DTSTART;TZID=Israel Time:20261025T090000", "DURATION:PT1H30M"),
        header=JERUSALEM.replace("TZID:Asia/Jerusalem", "TZID:Israel Time"),
    )

    (session,) = parse_text(text).sessions

    assert (session.start, session.end) == (utc(2026, 10, 25, 7, 0), utc(2026, 10, 25, 8, 30))


def test_tzid_without_vtimezone_uses_zoneinfo():
    text = calendar(
        vevent(
            "a",
            "DTSTART;TZID=Asia/Kolkata:20221205T100000",
            "DTEND;TZID=Asia/Kolkata:20221205T123000",
        )
    )

    (session,) = parse_text(text).sessions

    assert (session.start, session.end) == (utc(2022, 12, 5, 4, 30), utc(2022, 12, 5, 7, 0))


def test_unknown_tzid_fails_naming_line_and_uid():
    text = calendar(vevent("talk-7", "DTSTART;TZID=Mars/Olympus:20261025T090000"))

    with pytest.raises(ScheduleFormatError) as caught:
        parse_text(text)

    assert str(caught.value).startswith(
        "test.ics:7: VEVENT UID='talk-7': TZID: unknown time zone 'Mars/Olympus'"
    )


def test_floating_times_use_x_wr_timezone_with_a_warning():
    text = calendar(
        vevent("a", "DTSTART:20261024T090000", "DTEND:20261024T100000"),
        header="X-WR-TIMEZONE:Asia/Jerusalem\nX-WR-CALNAME:ECCV 2026",
    )

    parsed = parse_text(text, timezone="Europe/Paris")

    assert parsed.sessions[0].start == utc(2026, 10, 24, 6, 0)
    assert parsed.conference.name == "ECCV 2026"
    assert parsed.conference.timezone == "Asia/Jerusalem"
    assert any("local time in Asia/Jerusalem (X-WR-TIMEZONE)" in w for w in parsed.warnings)


def test_floating_times_fall_back_to_the_conference_zone():
    text = calendar(vevent("a", "DTSTART:20261025T090000", "DTEND:20261025T100000"))

    parsed = parse_text(text, timezone="Asia/Jerusalem")

    assert parsed.sessions[0].start == utc(2026, 10, 25, 7, 0)
    assert any("the conference time zone" in w for w in parsed.warnings)


def test_floating_times_without_any_zone_fail():
    text = calendar(vevent("a", "DTSTART:20261025T090000", "DTEND:20261025T100000"))

    with pytest.raises(
        ScheduleFormatError,
        match=r"test\.ics:7: VEVENT UID='a': floating times .* need a time zone",
    ):
        parse_text(text)


def test_all_day_events_run_midnight_to_midnight_with_one_warning():
    text = calendar(
        vevent("one", "DTSTART;VALUE=DATE:20261024"),
        vevent("two", "DTSTART;VALUE=DATE:20261024", "DTEND;VALUE=DATE:20261026"),
        header="X-WR-TIMEZONE:Asia/Jerusalem",
    )

    parsed = parse_text(text)

    one, two = sorted(parsed.sessions, key=lambda s: s.key)
    assert (one.start, one.end) == (utc(2026, 10, 23, 21, 0), utc(2026, 10, 24, 21, 0))
    assert (two.start, two.end) == (utc(2026, 10, 23, 21, 0), utc(2026, 10, 25, 22, 0))
    assert sum("all-day events (VALUE=DATE)" in w for w in parsed.warnings) == 1


# --- event fields --------------------------------------------------------------------------------


def test_fields_categories_cancelled_and_rooms():
    text = calendar(
        vevent(
            "k1",
            "DTSTART:20261024T060000Z",
            "DTEND:20261024T070000Z",
            "LOCATION:Hall A",
            "CATEGORIES:Keynotes,Plenary",
            "DESCRIPTION:Opening keynote\\, with Q&A",
            "URL:https://eccv.example/k1",
            "STATUS:CANCELLED",
            summary="Seeing the world in 3D",
        ),
        vevent("k2", "DTSTART:20261024T080000Z", "DTEND:20261024T090000Z", "LOCATION:Hall A"),
    )

    parsed = parse_text(text)

    k1 = parsed.sessions[0]
    assert k1.key == "k1"
    assert k1.title == "Seeing the world in 3D"
    assert k1.kind == SessionKind.KEYNOTE
    assert k1.track == "Keynotes"
    assert k1.description == "Opening keynote, with Q&A"
    assert k1.url == "https://eccv.example/k1"
    assert k1.cancelled is True
    assert parsed.sessions[1].cancelled is False
    assert [r.key for r in parsed.rooms] == ["Hall A"]
    assert [t.name for t in parsed.tracks] == ["Keynotes"]


def test_recurring_event_is_expanded_and_an_override_replaces_one_instance():
    text = calendar(
        vevent(
            "coffee",
            "DTSTART;TZID=Asia/Jerusalem:20261023T103000",
            "DTEND;TZID=Asia/Jerusalem:20261023T110000",
            "RRULE:FREQ=DAILY;COUNT=3",
            summary="Coffee break",
        ),
        vevent(
            "coffee",
            "RECURRENCE-ID;TZID=Asia/Jerusalem:20261025T103000",
            "DTSTART;TZID=Asia/Jerusalem:20261025T110000",
            "DTEND;TZID=Asia/Jerusalem:20261025T113000",
            summary="Coffee break (late)",
        ),
        header=JERUSALEM,
    )

    parsed = parse_text(text)

    assert [(s.key, s.start, s.title) for s in parsed.sessions] == [
        ("coffee#20261023T073000Z", utc(2026, 10, 23, 7, 30), "Coffee break"),
        ("coffee#20261024T073000Z", utc(2026, 10, 24, 7, 30), "Coffee break"),
        ("coffee#20261025T083000Z", utc(2026, 10, 25, 9, 0), "Coffee break (late)"),
    ]
    assert all(s.ref == "coffee" for s in parsed.sessions)
    assert parsed.sessions[0].kind == SessionKind.BREAK


def test_endless_recurrence_is_refused():
    text = calendar(vevent("c", "DTSTART:20261023T103000Z", "RRULE:FREQ=DAILY"))

    with pytest.raises(ScheduleFormatError, match="COUNT or UNTIL"):
        parse_text(text)


# --- errors --------------------------------------------------------------------------------------


def test_missing_dtstart_fails():
    text = calendar(vevent("nostart", "DTEND:20261024T100000Z"))

    with pytest.raises(ScheduleFormatError) as caught:
        parse_text(text)

    assert caught.value.line == 4
    assert caught.value.field == "DTSTART"
    assert "no DTSTART" in str(caught.value)


def test_end_before_start_fails_naming_the_dtend_line():
    text = calendar(vevent("backwards", "DTSTART:20261024T100000Z", "DTEND:20261024T090000Z"))

    with pytest.raises(ScheduleFormatError) as caught:
        parse_text(text)

    assert caught.value.line == 8
    assert caught.value.field == "end"
    assert "before it starts" in str(caught.value)


def test_broken_dtstart_inside_an_event_fails_naming_the_line():
    text = calendar(vevent("x", "DTSTART:2026-10-24 10:00", "DTEND:20261024T110000Z"))

    with pytest.raises(ScheduleFormatError) as caught:
        parse_text(text)

    assert caught.value.line == 7
    assert caught.value.field == "DTSTART"


def test_missing_uid_fails():
    text = calendar("BEGIN:VEVENT\nSUMMARY:x\nDTSTART:20261024T100000Z\nEND:VEVENT")

    with pytest.raises(ScheduleFormatError, match="no UID"):
        parse_text(text)


def test_unclosed_event_fails_naming_its_begin_line():
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART:20261024T100000Z\nEND:VCALENDAR\n"

    with pytest.raises(ScheduleFormatError) as caught:
        parse_text(text)

    assert caught.value.line == 6
    assert "END:VCALENDAR where END:VEVENT for line 3 was expected" in str(caught.value)


def test_garbage_line_fails_naming_it():
    text = calendar(vevent("a", "DTSTART:20261024T100000Z", "this is not a content line"))

    with pytest.raises(ScheduleFormatError) as caught:
        parse_text(text)

    assert caught.value.line == 8


def test_non_utf8_fails_with_the_line():
    data = "BEGIN:VCALENDAR\r\nX-WR-CALNAME:Caf\xe9\r\nEND:VCALENDAR\r\n".encode("latin-1")

    with pytest.raises(ScheduleFormatError) as caught:
        ical.parse(data, ImportOptions(filename="latin.ics"))

    assert caught.value.line == 2
    assert "not UTF-8" in str(caught.value)
