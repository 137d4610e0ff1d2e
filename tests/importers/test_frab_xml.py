"""frab / pretalx / Pentabarf XML importer: the real exports in shared/data/real plus small
hand-written schedules for the time rule and for input that must be refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.enums import ImportFormat, RoomKind, SessionKind
from planner.importers import frab_xml
from planner.importers.base import (
    MAX_IMPORT_BYTES,
    ImportOptions,
    ParsedSchedule,
    ScheduleFormatError,
    SessionData,
)

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def parse_real(path: str, timezone: str = "") -> ParsedSchedule:
    data = (REAL / path).read_bytes()
    return frab_xml.parse(data, ImportOptions(filename=path, timezone=timezone))


def parse_text(text: str, timezone: str = "") -> ParsedSchedule:
    return frab_xml.parse(text.encode(), ImportOptions(filename="test.xml", timezone=timezone))


def by_title(parsed: ParsedSchedule, title: str) -> SessionData:
    (session,) = [s for s in parsed.sessions if s.title == title]
    return session


def event(
    *,
    guid: str | None = "g-1",
    ident: str | None = "1",
    title: str | None = "A talk",
    date: str | None = "2025-06-01T10:00:00+02:00",
    start: str | None = "10:00",
    duration: str | None = "00:30",
    room: str | None = "Hall 1",
    extra: str = "",
) -> str:
    attrs = "".join(
        f' {name}="{value}"' for name, value in (("guid", guid), ("id", ident)) if value is not None
    )
    fields = [
        f"<{name}>{value}</{name}>"
        for name, value in (
            ("date", date),
            ("start", start),
            ("duration", duration),
            ("room", room),
            ("title", title),
        )
        if value is not None
    ]
    body = "\n      ".join([*fields, extra] if extra else fields)
    return f"    <event{attrs}>\n      {body}\n    </event>"


def schedule(
    *events: str,
    zone: str = "Europe/Berlin",
    day: str = 'date="2025-06-01" start="2025-06-01T04:00:00+02:00" end="2025-06-02T03:59:00+02:00"',
    room: str = "Hall 1",
) -> str:
    zone_line = f"<time_zone_name>{zone}</time_zone_name>" if zone else ""
    body = "\n".join(events)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<schedule>\n"
        f"<conference><title>Test</title><acronym>t</acronym>{zone_line}</conference>\n"
        f'<day index="1" {day}>\n'
        f'  <room name="{room}">\n'
        f"{body}\n"
        "  </room>\n"
        "</day>\n"
        "</schedule>\n"
    )


def line_of(text: str, needle: str, nth: int = 0) -> int:
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1


# -- real files ---------------------------------------------------------------------------------


def test_parse_fosdem_2025_counts_zone_and_times() -> None:
    parsed = parse_real("fosdem-2025/schedule.xml")

    assert parsed.format == ImportFormat.FRAB_XML
    assert len(parsed.sessions) == 943
    assert len(parsed.rooms) == 40
    assert len(parsed.tracks) == 69
    assert len(parsed.people) == 992
    assert parsed.conference.timezone == "Europe/Brussels"
    assert parsed.conference.start_date == dt.date(2025, 2, 1)
    assert parsed.covers == frozenset({"rooms", "tracks", "people", "sessions"})
    session = by_title(parsed, "A New Approach to Callee-Saved Registers in LLVM")
    assert session.key == "852280ac-61d3-588c-b74c-8d87f9d9d2c6"
    assert session.ref == "6210"
    # <date>2025-02-01T10:35:00+01:00</date>, <duration>00:25</duration>
    assert (session.start, session.end) == (utc(2025, 2, 1, 9, 35), utc(2025, 2, 1, 10, 0))
    assert session.room == "K.3.201"
    assert session.track == "LLVM"
    assert session.speakers == ["person:4744"]
    # Entity-escaped HTML stays text.
    assert session.description.startswith("<p>Currently LLVM saves")
    assert parsed.warnings == []


def test_parse_fosdem_2026_pretalx_export() -> None:
    parsed = parse_real("fosdem-2026/schedule.xml")

    assert len(parsed.sessions) == 883
    assert len(parsed.rooms) == 30
    assert len(parsed.tracks) == 62
    assert parsed.conference.timezone == "Europe/Brussels"
    session = by_title(parsed, "Welcome to FOSDEM 2026")
    assert session.key == "9c3ebb8c-7716-5130-b9fe-ff8544f5636d"
    # 2026-01-31T09:30:00+01:00, 20 minutes
    assert (session.start, session.end) == (utc(2026, 1, 31, 8, 30), utc(2026, 1, 31, 8, 50))
    assert session.room == "Janson"


def test_parse_39c3_everything_keys_on_guid_although_ids_repeat() -> None:
    parsed = parse_real("39c3/everything.schedule.xml")

    assert len(parsed.sessions) == 895
    assert len(parsed.rooms) == 58
    assert parsed.conference.timezone == "Europe/Berlin"
    # <conference><start> is given in UTC (10:00Z = 11:00 in Berlin): still 27 December.
    assert parsed.conference.start_date == dt.date(2025, 12, 27)
    assert len({s.key for s in parsed.sessions}) == 895
    assert len({s.ref for s in parsed.sessions}) == 880  # 10 ids are each used by 2+ events
    colours = {t.name: t.colour for t in parsed.tracks}
    assert len(colours) == 9
    assert colours["CCC & Community"] == "#a4a300"
    assert colours["Entertainment"] == "#4d4d4c"  # written "#4D4D4C"
    assert parsed.warnings == []


def test_parse_39c3_opening_before_its_days_start_keeps_its_instant() -> None:
    parsed = parse_real("39c3/everything.schedule.xml")

    # Day 1 starts 11:00+01:00; the opening is <date>2025-12-27T10:30:00+01:00</date>.
    opening = by_title(parsed, "Opening Ceremony")
    assert opening.key == "0c8b0cb4-6cf9-5ff8-928a-0a0f49558c48"
    assert (opening.start, opening.end) == (utc(2025, 12, 27, 9, 30), utc(2025, 12, 27, 10, 0))
    assert opening.speakers == [
        "person:4f09b480-eebf-54b5-b703-781907c5e048",
        "person:5fe4f13e-449a-5831-b12d-4e6e22a43e75",
    ]


def test_parse_39c3_after_midnight_event_lands_on_next_calendar_date() -> None:
    parsed = parse_real("39c3/everything.schedule.xml")

    # Listed under day 2 (2025-12-28, 06:00–06:00) at 02:00 for 2 hours.
    session = by_title(parsed, "Tatendrang.wav")
    assert session.start == utc(2025, 12, 29, 1, 0)
    assert session.end == utc(2025, 12, 29, 3, 0)
    assert session.start.astimezone(dt.timezone(dt.timedelta(hours=1))).date() == dt.date(
        2025, 12, 29
    )


def test_parse_39c3_himmel3_empty_schedule_is_valid() -> None:
    parsed = parse_real("39c3/himmel3.schedule.xml")

    assert parsed.sessions == []
    assert parsed.rooms == []
    assert parsed.conference.timezone == "Europe/Berlin"
    assert parsed.conference.name == "39C3: Sendezentrum - Himmel3"
    assert parsed.warnings == ["39c3/himmel3.schedule.xml: the schedule contains no events"]


def test_parse_31c3_without_zone_keeps_date_offsets() -> None:
    parsed = parse_real("31c3/schedule.xml")

    assert len(parsed.sessions) == 138
    assert [r.name for r in parsed.rooms] == ["Saal 1", "Saal 2", "Saal G", "Saal 6"]
    assert all(r.kind == RoomKind.HALL for r in parsed.rooms)
    assert len(parsed.tracks) == 8
    assert parsed.conference.timezone == ""
    assert any("names no time zone" in w for w in parsed.warnings)
    opening = by_title(parsed, "31C3 Opening Event")
    assert (opening.start, opening.end) == (utc(2014, 12, 27, 10, 0), utc(2014, 12, 27, 10, 30))
    # Day 1 runs 11:00–04:00; Citizenfour is at 00:00 on the 28th (+01:00).
    assert by_title(parsed, "Citizenfour").start == utc(2014, 12, 27, 23, 0)


def test_parse_good_2025_alias_zone_and_affiliations() -> None:
    parsed = parse_real("good-2025/schedule.xml")

    assert len(parsed.sessions) == 72
    assert len(parsed.rooms) == 5
    assert len(parsed.tracks) == 13
    assert parsed.conference.timezone == "America/New_York"
    assert parsed.warnings == [
        "good-2025/schedule.xml: time zone 'US/Eastern' is a deprecated alias; "
        "using America/New_York"
    ]
    jam = by_title(parsed, "Contributor Jam")
    assert jam.key == "307e1812-4a21-5d33-910b-30543d8c6026"
    # 2025-03-17 13:00 -04:00 for 4 hours
    assert (jam.start, jam.end) == (utc(2025, 3, 17, 17, 0), utc(2025, 3, 17, 21, 0))
    assert jam.room == "Tsai Auditorium (CGIS S010)"
    assert jam.url == "https://cfp.openondemand.org/2025/talk/CFEMBK/"  # "//2025" collapsed
    assert jam.speakers == ["person:73", "person:74"]
    people = {p.key: p for p in parsed.people}
    assert (people["person:73"].name, people["person:73"].affiliation) == (
        "Emily Moffat Sadeghi",
        "Ohio Supercomputer Center",
    )
    rooms = {r.key: r.kind for r in parsed.rooms}
    assert rooms["Tsai Auditorium (CGIS S010)"] == RoomKind.HALL
    assert sum(s.kind == SessionKind.POSTER for s in parsed.sessions) == 4


def test_parse_lswt_2019_z_marked_local_times_with_zone() -> None:
    parsed = parse_real("lswt-2019/schedule.xml", timezone="Europe/Berlin")

    assert len(parsed.sessions) == 31
    assert [r.name for r in parsed.rooms] == [
        "Main Track",
        "Tutorials",
        "Hackathon",
        "Social Event",
    ]
    assert parsed.conference.timezone == ""  # the file names none; the option is not the file's
    welcome = by_title(parsed, "Welcome")
    # <date>2019-05-22T09:00:00Z</date><start>09:00</start>: 09:00 CEST
    assert (welcome.start, welcome.end) == (utc(2019, 5, 22, 7, 0), utc(2019, 5, 22, 7, 10))
    # One <person> holding "Dr. Sebastian Tramp, Andreas Heinecke"; name keys are casefolded.
    assert welcome.speakers == ["name:dr. sebastian tramp", "name:andreas heinecke"]
    people = {p.key: p.name for p in parsed.people}
    assert people["name:dr. sebastian tramp"] == "Dr. Sebastian Tramp"
    assert (
        "lswt-2019/schedule.xml: 31 event times are marked Z (UTC) but equal their <start>; "
        "times marked Z are local wall-clock times in Europe/Berlin, and were read as such "
        '(e.g. <event id="101"> 09:00 local = 07:00 UTC)'
    ) in parsed.warnings


def test_parse_lswt_2019_without_zone_keeps_utc_and_warns() -> None:
    parsed = parse_real("lswt-2019/schedule.xml")

    assert by_title(parsed, "Welcome").start == utc(2019, 5, 22, 9, 0)
    assert any(
        "names no time zone and none was given; 31 times marked Z" in w for w in parsed.warnings
    )


def test_parse_lswt_2019_repeated_ids_are_keyed_by_room() -> None:
    parsed = parse_real("lswt-2019/schedule.xml", timezone="Europe/Berlin")

    keys = [s.key for s in parsed.sessions]
    assert "997@Main Track" in keys
    assert "997@Tutorials" in keys
    assert "101" in keys
    assert len(set(keys)) == 31
    assert any("no event guids" in w for w in parsed.warnings)
    assert any("event ids 997, 998, 999 appear in several rooms" in w for w in parsed.warnings)
    breaks = [s for s in parsed.sessions if s.ref == "997"]
    assert {s.kind for s in breaks} == {SessionKind.BREAK}


def test_parse_lswt_2019_empty_duration_becomes_one_minute() -> None:
    parsed = parse_real("lswt-2019/schedule.xml", timezone="Europe/Berlin")

    hackathon = next(s for s in parsed.sessions if s.key == "300")
    assert hackathon.end - hackathon.start == dt.timedelta(minutes=1)
    assert 'lswt-2019/schedule.xml:424: <event id="300"> has zero length; shown as 1 minute' in (
        parsed.warnings
    )


# -- the time rule on small files ----------------------------------------------------------


def test_parse_without_date_puts_small_hours_on_the_next_day() -> None:
    day = 'date="2025-06-01" start="2025-06-01T06:00:00+02:00" end="2025-06-02T06:00:00+02:00"'
    text = schedule(
        event(guid="late", date=None, start="01:30", duration="01:00"),
        event(guid="early", date=None, start="05:30", duration="00:15"),
        event(guid="day", date=None, start="14:00", duration="00:15"),
        day=day,
    )

    parsed = parse_text(text)

    starts = {s.key: s.start for s in parsed.sessions}
    assert starts["late"] == utc(2025, 6, 1, 23, 30)  # 01:30 on 2 June, CEST
    assert starts["early"] == utc(2025, 6, 2, 3, 30)
    assert starts["day"] == utc(2025, 6, 1, 12, 0)


def test_parse_without_date_before_a_short_days_start_stays_on_that_day() -> None:
    # 39c3's day 1 runs 11:00–06:00: a 10:30 event cannot belong to the next day's 10:30.
    day = 'date="2025-12-27" start="2025-12-27T11:00:00+01:00" end="2025-12-28T06:00:00+01:00"'
    text = schedule(event(guid="open", date=None, start="10:30"), day=day)

    parsed = parse_text(text)

    assert parsed.sessions[0].start == utc(2025, 12, 27, 9, 30)


def test_parse_date_disagreeing_with_start_keeps_date_and_warns() -> None:
    text = schedule(event(date="2025-06-01T10:00:00+02:00", start="11:00"))

    parsed = parse_text(text)

    assert parsed.sessions[0].start == utc(2025, 6, 1, 8, 0)
    assert any("disagrees with their <start>" in w for w in parsed.warnings)


def test_parse_subtitle_opens_the_description() -> None:
    extra = (
        "<subtitle>The sequel</subtitle><abstract>Short.</abstract>"
        "<description>Long &amp; detailed.</description>"
        '<persons><person id="7">Ada [Analytical Engines]</person></persons>'
    )
    parsed = parse_text(schedule(event(extra=extra)))

    session = parsed.sessions[0]
    assert session.title == "A talk"
    assert session.description == "The sequel\n\nShort.\n\nLong & detailed."
    assert session.speakers == ["person:7"]
    assert (parsed.people[0].name, parsed.people[0].affiliation) == ("Ada", "Analytical Engines")


# -- sniffing ---------------------------------------------------------------------------------


def test_sniff_accepts_schedule_roots_after_prologue() -> None:
    data = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- Made with love by pretalx -->\n  <schedule>'

    assert frab_xml.sniff(data, "x.xml") is True
    assert frab_xml.sniff((REAL / "31c3/schedule.xml").read_bytes(), "schedule.xml") is True


def test_sniff_rejects_other_formats() -> None:
    assert frab_xml.sniff((REAL / "good-2025/schedule.xcal").read_bytes(), "x.xcal") is False
    assert frab_xml.sniff((REAL / "good-2025/schedule.json").read_bytes(), "x.json") is False
    assert frab_xml.sniff(b"<schedules/>", "x.xml") is False


# -- refused input ----------------------------------------------------------------------------


def refused(text: str | bytes, timezone: str = "") -> ScheduleFormatError:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ScheduleFormatError) as caught:
        frab_xml.parse(data, ImportOptions(filename="bad.xml", timezone=timezone))
    return caught.value


def test_parse_malformed_xml_names_the_line() -> None:
    text = schedule(event()).replace("<title>A talk</title>", "<title>A talk</titel>")

    error = refused(text)

    assert error.line == line_of(text, "</titel>")
    assert str(error).startswith(f"bad.xml:{error.line}: not well-formed XML (mismatched tag")


def test_parse_refuses_external_entities() -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        "<schedule><conference><title>&e;</title></conference></schedule>"
    )

    error = refused(text)

    assert "/etc/passwd" not in error.message
    assert str(error).startswith("bad.xml: <!DOCTYPE>: a <!DOCTYPE> declaration is not accepted")


def test_parse_refuses_entity_expansion_bomb() -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    text = (
        f'<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY l0 "lol">{lol}]>\n<schedule>&l9;</schedule>'
    )

    error = refused(text)

    assert error.element == "<!DOCTYPE>"
    assert "entities that expand without bound" in str(error)


def test_parse_refuses_external_dtd() -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE schedule SYSTEM "http://example.invalid/x.dtd">\n<schedule/>'

    assert refused(text).element == "<!DOCTYPE>"


def test_parse_refuses_non_utf8_bytes() -> None:
    text = schedule(event(title="Caf\xe9"))
    data = text.encode("latin-1")

    error = refused(data)

    assert error.line == line_of(text, "Caf")
    assert str(error).startswith(f"bad.xml:{error.line}: not UTF-8 text (byte 0xe9")


def test_parse_refuses_oversize_file() -> None:
    data = b"<schedule>" + b" " * MAX_IMPORT_BYTES + b"</schedule>"

    error = refused(data)

    assert str(error).startswith("bad.xml: file is 52,428,821 bytes; the limit is 52,428,800")


def test_parse_refuses_missing_title() -> None:
    text = schedule(event(guid="g-7", ident="56", title=None))

    error = refused(text)

    assert str(error) == (
        f'bad.xml:{line_of(text, "<event")}: <event guid="g-7" id="56">: title: missing title'
    )


def test_parse_refuses_missing_duration() -> None:
    text = schedule(event(), event(guid="g-2", ident="2", duration=None))

    error = refused(text)

    # One of two events is broken: more than the share a file may skip, so it is refused.
    assert str(error).startswith(
        f'bad.xml:{line_of(text, "g-2")}: <event guid="g-2" id="2">: duration: missing duration'
        " — 1 of 2 events cannot be read (more than 10%), so the file is refused"
    )


def test_parse_refuses_bad_duration() -> None:
    text = schedule(event(duration="1h30"))

    error = refused(text)

    assert (error.line, error.element, error.field) == (
        line_of(text, "<event"),
        '<event guid="g-1" id="1">',
        "duration",
    )
    assert "'1h30' is not HH:MM" in str(error)


def test_parse_refuses_negative_duration() -> None:
    text = schedule(event(duration="-01:00"))

    error = refused(text)

    assert str(error) == (
        f'bad.xml:{line_of(text, "<event")}: <event guid="g-1" id="1">: duration: '
        "'-01:00' is negative: the event would end before it starts"
    )


def test_parse_refuses_malformed_start() -> None:
    text = schedule(event(date=None, start="25:00"))

    error = refused(text)

    assert str(error).startswith(
        f'bad.xml:{line_of(text, "<event")}: <event guid="g-1" id="1">: start:'
    )


def test_parse_refuses_missing_date_and_start() -> None:
    error = refused(schedule(event(date=None, start=None)))

    assert (error.field, error.message) == ("date", "missing date and start")


def test_parse_refuses_missing_room() -> None:
    text = schedule(event(room=None), room="")

    assert refused(text).field == "room"


def test_parse_keys_a_repeated_guid_by_guid_and_id() -> None:
    # Official frab/c3voc exports reuse a guid for a session held on several days.
    text = schedule(event(guid="dup", ident="1"), event(guid="dup", ident="2", title="Again"))

    parsed = parse_text(text)

    first, second = line_of(text, 'guid="dup"'), line_of(text, 'guid="dup"', 1)
    assert [s.key for s in parsed.sessions] == ["dup#1", "dup#2"]
    assert any(
        f"guid 'dup' is used by 2 different events (line {first} (" in w
        and f"line {second} (" in w
        and "keyed guid#id" in w
        for w in parsed.warnings
    )


def test_parse_refuses_same_id_twice_in_one_room_without_guids() -> None:
    text = schedule(event(guid=None, ident="9"), event(guid=None, ident="9", title="Again"))

    error = refused(text)

    assert error.line == line_of(text, 'id="9"', 1)
    assert "id '9' appears twice in room 'Hall 1'" in str(error)


def test_parse_refuses_unknown_time_zone() -> None:
    text = schedule(event(), zone="Mars/Olympus_Mons")

    error = refused(text)

    assert str(error) == (
        f"bad.xml:{line_of(text, '<time_zone_name>')}: <time_zone_name>: time_zone_name: "
        "unknown time zone 'Mars/Olympus_Mons'"
    )


def test_parse_refuses_other_root_element() -> None:
    error = refused('<?xml version="1.0"?><iCalendar/>')

    assert "the root element is <iCalendar>" in str(error)


def test_parse_refuses_wall_clock_time_skipped_by_dst() -> None:
    # No <date>; 02:30 on 30 March 2025 does not exist in Europe/Berlin.
    day = 'date="2025-03-30" start="2025-03-30" end="2025-03-30"'
    text = schedule(event(date=None, start="02:30"), day=day)

    error = refused(text)

    assert (error.line, error.element, error.field) == (
        line_of(text, "<event"),
        '<event guid="g-1" id="1">',
        "start",
    )
    assert "does not exist in Europe/Berlin" in error.message
