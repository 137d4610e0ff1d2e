"""c3voc / pretalx schedule JSON importer (v1 nested and v2 flat), its parity with the XML
importer on the same conference, and the input it refuses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from planner.enums import ImportFormat, RoomKind
from planner.importers import frab_xml, schedule_json
from planner.importers.base import ImportOptions, ParsedSchedule, ScheduleFormatError, SessionData

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def parse_real(path: str, timezone: str = "") -> ParsedSchedule:
    data = (REAL / path).read_bytes()
    return schedule_json.parse(data, ImportOptions(filename=path, timezone=timezone))


def by_title(parsed: ParsedSchedule, title: str) -> SessionData:
    (session,) = [s for s in parsed.sessions if s.title == title]
    return session


def event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "guid": "g-1",
        "id": 1,
        "date": "2025-06-01T10:00:00+02:00",
        "start": "10:00",
        "duration": "00:30",
        "room": "Hall 1",
        "title": "A talk",
        "persons": [],
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not ...}


def document(*events: dict[str, Any], zone: str = "Europe/Berlin") -> dict[str, Any]:
    return {
        "schedule": {
            "version": "1",
            "conference": {
                "title": "Test",
                "acronym": "t",
                "start": "2025-06-01",
                "end": "2025-06-01",
                "time_zone_name": zone,
                "days": [
                    {
                        "index": 1,
                        "date": "2025-06-01",
                        "day_start": "2025-06-01T04:00:00+02:00",
                        "day_end": "2025-06-02T03:59:00+02:00",
                        "rooms": {"Hall 1": list(events)},
                    }
                ],
            },
        }
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)


def refused(text: str | bytes) -> ScheduleFormatError:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ScheduleFormatError) as caught:
        schedule_json.parse(data, ImportOptions(filename="bad.json"))
    return caught.value


def line_of(text: str, needle: str, nth: int = 0) -> int:
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1


# -- real files ---------------------------------------------------------------------------------


def test_parse_39c3_everything_json() -> None:
    parsed = parse_real("39c3/everything.schedule.json")

    assert parsed.format == ImportFormat.SCHEDULE_JSON
    assert len(parsed.sessions) == 895
    assert len(parsed.rooms) == 58
    assert parsed.conference.timezone == "Europe/Berlin"
    assert parsed.covers == frozenset({"rooms", "tracks", "people", "sessions"})
    rooms = {r.name: r for r in parsed.rooms}
    # conference.rooms[] carries guids, capacities and types.
    assert rooms["One"].key == "ba692ba3-421b-5371-8309-60acc34a3c05"
    assert (rooms["One"].capacity, rooms["One"].kind) == (3025, RoomKind.HALL)
    opening = by_title(parsed, "Opening Ceremony")
    assert opening.room == "ba692ba3-421b-5371-8309-60acc34a3c05"
    assert (opening.start, opening.end) == (utc(2025, 12, 27, 9, 30), utc(2025, 12, 27, 10, 0))
    assert by_title(parsed, "Tatendrang.wav").start == utc(2025, 12, 29, 1, 0)
    assert parsed.warnings == []


def test_parse_39c3_himmel3_json_is_empty() -> None:
    parsed = parse_real("39c3/himmel3.schedule.json")

    assert (parsed.sessions, parsed.rooms) == ([], [])
    assert parsed.conference.timezone == "Europe/Berlin"


def test_parse_good_2025_json() -> None:
    parsed = parse_real("good-2025/schedule.json")

    assert len(parsed.sessions) == 72
    assert len(parsed.rooms) == 5
    assert parsed.conference.timezone == "America/New_York"
    assert any("'US/Eastern' is a deprecated alias" in w for w in parsed.warnings)
    jam = by_title(parsed, "Contributor Jam")
    assert (jam.start, jam.end) == (utc(2025, 3, 17, 17, 0), utc(2025, 3, 17, 21, 0))
    assert jam.room == "Tsai Auditorium (CGIS S010)"  # guid null: keyed by name


def test_parse_pretalx_rc3_without_zone() -> None:
    parsed = parse_real("c3voc-examples/pretalx-rc3.json")

    assert len(parsed.sessions) == 48
    assert len(parsed.rooms) == 5
    assert parsed.conference.timezone == ""
    assert any("names no time zone" in w for w in parsed.warnings)
    session = by_title(parsed, "Der faule Admin automatisiert: Gluon auf echter Hardware testen")
    # 2020-12-27T11:30:00+01:00 for 00:40
    assert (session.start, session.end) == (utc(2020, 12, 27, 10, 30), utc(2020, 12, 27, 11, 10))
    assert session.speakers == ["person:20", "person:21"]


def test_parse_frab_camp_2019() -> None:
    parsed = parse_real("c3voc-examples/frab-camp2019.json")

    assert len(parsed.sessions) == 79
    assert [r.name for r in parsed.rooms] == ["Curie", "Meitner"]
    assert parsed.conference.timezone == "Europe/Berlin"
    opening = next(s for s in parsed.sessions if s.key == "a0a0fcfe-b7fb-46e3-84b6-97a5406016b4")
    # 2019-08-21T11:00:00+02:00 for 00:30
    assert (opening.start, opening.end) == (utc(2019, 8, 21, 9, 0), utc(2019, 8, 21, 9, 30))
    assert opening.speakers == ["person:7797", "person:4827"]


def test_parse_hub_schedule_v2() -> None:
    parsed = parse_real("c3voc-examples/hub-schedule2.json")

    assert len(parsed.sessions) == 2
    assert len(parsed.people) == 4
    assert len(parsed.rooms) == 5
    assert parsed.conference.timezone == "Europe/Berlin"
    opening = by_title(parsed, "38C3: Opening Ceremony")
    assert (opening.start, opening.end) == (utc(2024, 12, 27, 9, 30), utc(2024, 12, 27, 10, 0))
    assert opening.room == "ba692ba3-421b-5371-8309-60acc34a3c05"
    # Two SPEAKERs; the CONTRIBUTOR is a known person but not on stage.
    assert opening.speakers == [
        "person:0c16ffaa-709d-599f-959f-9a38b911361a",
        "person:721a267b-b09d-5422-8221-4f9a71cfc727",
    ]
    late = parsed.sessions[1]
    assert late.start == utc(2024, 12, 27, 23, 15)  # 00:15 on the 28th, +01:00
    assert late.track == "Hardware & Making"  # {"slug": "hardware-making"}
    assert late.description.startswith("Most Wanted Using Deep Reinforcement Learning\n\n")
    assert {t.name: t.colour for t in parsed.tracks} == {
        "Hardware & Making": "#685b9d",
        "CCC": "#f2f006",
    }


def test_pyconfr_2025_is_not_schedule_json() -> None:
    # README: PyConFR's own dump of the pretalx API; it has a "schedule" key but no conference.
    data = (REAL / "pyconfr-2025/schedule.json").read_bytes()

    assert schedule_json.sniff(data, "schedule.json") is False
    with pytest.raises(ScheduleFormatError, match="not schedule JSON"):
        schedule_json.parse(data, ImportOptions(filename="schedule.json"))


# -- XML <-> JSON parity ----------------------------------------------------------------------


def _rows(parsed: ParsedSchedule) -> set[tuple[object, ...]]:
    room_names = {r.key: r.name for r in parsed.rooms}
    return {
        (
            s.key,
            s.title,
            s.start.astimezone(UTC),
            s.end.astimezone(UTC),
            room_names[s.room] if s.room else None,
            s.track,
            tuple(s.speakers),
        )
        for s in parsed.sessions
    }


@pytest.mark.parametrize(
    ("xml_path", "json_path"),
    [
        ("39c3/everything.schedule.xml", "39c3/everything.schedule.json"),
        ("good-2025/schedule.xml", "good-2025/schedule.json"),
    ],
)
def test_parse_xml_and_json_of_one_conference_agree(xml_path: str, json_path: str) -> None:
    from_xml = frab_xml.parse((REAL / xml_path).read_bytes(), ImportOptions(filename=xml_path))
    from_json = parse_real(json_path)

    assert len(_rows(from_xml)) == len(from_xml.sessions)
    assert _rows(from_xml) == _rows(from_json)
    assert [(p.key, p.name) for p in from_xml.people] == [(p.key, p.name) for p in from_json.people]
    assert from_xml.tracks == from_json.tracks


# -- sniffing ---------------------------------------------------------------------------------


def test_sniff_accepts_v1_and_v2() -> None:
    assert schedule_json.sniff((REAL / "good-2025/schedule.json").read_bytes(), "x") is True
    assert schedule_json.sniff((REAL / "c3voc-examples/hub-schedule2.json").read_bytes(), "x")


def test_sniff_rejects_other_json_and_xml() -> None:
    assert schedule_json.sniff((REAL / "eacl-2024/conference.json").read_bytes(), "x") is False
    assert schedule_json.sniff((REAL / "good-2025/schedule.xml").read_bytes(), "x") is False
    assert schedule_json.sniff(b'{"schedule": [1, 2]}', "x") is False


# -- refused input ----------------------------------------------------------------------------


def test_parse_malformed_json_names_line_and_column() -> None:
    text = '{\n  "schedule": {\n    "conference": {"title": "x",}\n  }\n}\n'

    error = refused(text)

    assert error.line == 3
    assert str(error) == (
        "bad.json:3: not valid JSON: Expecting property name enclosed in double quotes (column 33)"
    )


def test_parse_reads_bare_nan_as_no_value() -> None:
    # pandas writes NaN for an empty cell (eacl-2024/bof.json); Python's json reads it.
    text = dumps(document(event(subtitle="x"))).replace('"subtitle": "x"', '"subtitle": NaN')

    parsed = schedule_json.parse(text.encode(), ImportOptions(filename="bad.json"))

    assert len(parsed.sessions) == 1
    assert parsed.warnings[0] == (
        f"bad.json:{line_of(text, 'NaN')}: 1 bare NaN value(s) (not JSON; a pandas artefact) "
        "were read as no value"
    )


def test_parse_refuses_infinity() -> None:
    text = dumps(document(event())).replace('"id": 1', '"id": Infinity')

    error = refused(text)

    assert error.line == line_of(text, "Infinity")
    assert "Infinity is not a JSON number" in str(error)
    assert str(error).startswith(f"bad.json:{error.line}: ")


def test_parse_refuses_non_utf8_bytes() -> None:
    text = json.dumps(document(event(title="Caf\xe9")), indent=2, ensure_ascii=False)

    error = refused(text.encode("latin-1"))

    assert str(error).startswith(f"bad.json:{line_of(text, 'Caf')}: not UTF-8 text (byte 0xe9")


def test_parse_refuses_missing_title() -> None:
    text = dumps(document(event(guid="g-7", id=56, title=...)))

    error = refused(text)

    assert str(error) == (
        f'bad.json:{line_of(text, "g-7")}: <event guid="g-7" id="56">: title: missing title'
    )


def test_parse_refuses_missing_duration() -> None:
    text = dumps(document(event(duration=...)))

    error = refused(text)

    assert (error.line, error.field, error.message) == (
        line_of(text, '"guid"'),
        "duration",
        "missing duration",
    )


def test_parse_refuses_bad_duration() -> None:
    error = refused(dumps(document(event(duration="1h30"))))

    assert error.field == "duration"
    assert "'1h30' is not HH:MM" in str(error)


def test_parse_refuses_end_before_start_in_v2() -> None:
    doc = {
        "schedule": {
            "conference": {"title": "T", "time_zone_name": "Europe/Berlin", "days": []},
            "events": [
                {
                    "guid": "v2-1",
                    "title": "Backwards",
                    "start": "2024-12-27T11:00:00+01:00",
                    "end": "2024-12-27T10:00:00+01:00",
                    "room": {"name": "Saal 1"},
                }
            ],
        }
    }
    text = dumps(doc)

    error = refused(text)

    assert (error.line, error.element, error.field) == (
        line_of(text, "v2-1"),
        '<event guid="v2-1">',
        "end",
    )
    assert "before it starts" in error.message


def test_parse_keys_a_repeated_guid_by_guid_and_id() -> None:
    text = dumps(document(event(guid="dup", id=1), event(guid="dup", id=2, title="Again")))

    parsed = schedule_json.parse(text.encode(), ImportOptions(filename="bad.json"))

    first, second = line_of(text, '"dup"'), line_of(text, '"dup"', 1)
    assert sorted(s.key for s in parsed.sessions) == ["dup#1", "dup#2"]
    assert any(
        f"guid 'dup' is used by 2 different events (line {first} (" in w and f"line {second} (" in w
        for w in parsed.warnings
    )


def test_parse_refuses_unknown_time_zone() -> None:
    text = dumps(document(event(), zone="Europe/Atlantis"))

    error = refused(text)

    assert str(error) == (
        f"bad.json:{line_of(text, 'time_zone_name')}: schedule.conference.time_zone_name: "
        "time_zone_name: unknown time zone 'Europe/Atlantis'"
    )


def test_parse_refuses_wrong_field_type() -> None:
    error = refused(dumps(document(event(title=["not", "text"]))))

    assert (error.element, error.field) == ('<event guid="g-1" id="1">', "title")
    assert "expected text, got list" in error.message
