"""Pentabarf xCal (GOOD 2025) and the pretalx REST API dump (PyConFR 2025): real files, plus
small files written here for the rules."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from planner.enums import ImportFormat, SessionKind
from planner.importers import detect_format, parse_schedule, pretalx_api, xcal
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.models import Session
from planner.services.schedule_upsert import schedule_upsert
from tests import factories as f
from tests.infra import REAL_DATA

GOOD = REAL_DATA / "good-2025"
PYCONFR = REAL_DATA / "pyconfr-2025" / "schedule.json"


def _xcal(events: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8' ?>\n"
        "<iCalendar xmlns:pentabarf='http://pentabarf.org'><vcalendar>"
        f"<version>2.0</version>{events}</vcalendar></iCalendar>"
    ).encode()


def _vevent(uid: str, start: str, end: str, title: str = "Talk", **extra: str) -> str:
    children = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    return (
        f"<vevent><uid>{uid}</uid><summary>{title}</summary><dtstart>{start}</dtstart>"
        f"<dtend>{end}</dtend>{children}</vevent>"
    )


# --- xCal -----------------------------------------------------------------------------------------


def test_good_2025_xcal_agrees_with_the_frab_xml():
    data = (GOOD / "schedule.xcal").read_bytes()
    assert detect_format(data, "schedule.xcal") == ImportFormat.XCAL
    parsed = parse_schedule(
        data, ImportOptions(filename="schedule.xcal", timezone="America/New_York")
    )
    xml = parse_schedule(
        (GOOD / "schedule.xml").read_bytes(), ImportOptions(filename="schedule.xml")
    )

    assert len(parsed.sessions) == 72
    assert len(parsed.rooms) == 5

    def slots(p):
        return Counter((s.title.split()[0], s.start, s.end, s.room) for s in p.sessions)

    assert slots(parsed) == slots(xml)
    jam = next(s for s in parsed.sessions if s.key == "CFEMBK@@cfp.openondemand.org")
    assert jam.start == dt.datetime(2025, 3, 17, 17, 0, tzinfo=dt.UTC)  # 13:00 EDT
    assert jam.url == "https://cfp.openondemand.org/2025/talk/CFEMBK/"
    talk = next(s for s in parsed.sessions if s.key == "FK7R3E@@cfp.openondemand.org")
    alan = next(p for p in parsed.people if p.key == talk.speakers[0])
    assert (alan.name, alan.affiliation) == ("Alan Chalker", "Ohio Supercomputer Center")
    assert Counter(s.kind for s in parsed.sessions)[SessionKind.POSTER] == 4


def test_xcal_without_a_zone_is_refused_naming_the_event():
    with pytest.raises(ScheduleFormatError) as caught:
        xcal.parse((GOOD / "schedule.xcal").read_bytes(), ImportOptions(filename="schedule.xcal"))
    assert str(caught.value).startswith(
        "schedule.xcal: <vevent> 1 (uid 'CFEMBK@@cfp.openondemand.org'): dtstart:"
    )
    assert "pass --timezone" in caught.value.message


def test_xcal_repeated_uid_and_identical_duplicate():
    data = _xcal(
        _vevent("a", "20250317T090000Z", "20250317T100000Z")
        + _vevent("a", "20250318T090000Z", "20250318T100000Z")
        + _vevent("a", "20250318T090000Z", "20250318T100000Z")
    )
    parsed = xcal.parse(data, ImportOptions(filename="x.xcal"))
    assert [s.key for s in parsed.sessions] == ["a", "a@20250318T090000Z"]
    assert any("<vevent> 2 (uid 'a') reuses the uid of <vevent> 1" in w for w in parsed.warnings)
    assert any("<vevent> 3 (uid 'a') repeats" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (_vevent("a", "tomorrow", "20250317T100000Z"), "'tomorrow' is not a date-time"),
        (_vevent("a", "20250317T100000Z", "20250317T090000Z"), "before it starts"),
        (_vevent("", "20250317T090000Z", "20250317T100000Z"), "event has no uid"),
    ],
)
def test_xcal_bad_values(event, message):
    with pytest.raises(ScheduleFormatError, match=message) as caught:
        xcal.parse(_xcal(event), ImportOptions(filename="x.xcal"))
    assert str(caught.value).startswith("x.xcal: <vevent> 1")


def test_xcal_refuses_a_doctype():
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><iCalendar><vcalendar/></iCalendar>'
    with pytest.raises(ScheduleFormatError, match=r"DOCTYPE|entity"):
        xcal.parse(data, ImportOptions(filename="x.xcal"))


@pytest.mark.django_db
def test_xcal_reimport_no_changes():
    conference = f.ConferenceFactory(timezone="America/New_York")
    options = ImportOptions(filename="schedule.xcal", timezone="America/New_York")
    data = (GOOD / "schedule.xcal").read_bytes()
    schedule_upsert(conference=conference, parsed=xcal.parse(data, options))
    assert Session.objects.filter(conference=conference).count() == 72
    assert schedule_upsert(conference=conference, parsed=xcal.parse(data, options)).writes == 0


# --- pretalx REST API dump --------------------------------------------------------------------------


def test_pyconfr_2025_dump():
    data = PYCONFR.read_bytes()
    assert detect_format(data, "schedule.json") == ImportFormat.PRETALX_API
    parsed = parse_schedule(data, ImportOptions(filename="schedule.json"))

    assert len(parsed.sessions) == 75 + 18  # talks + sprints
    assert len({s.room for s in parsed.sessions if s.start.date() >= dt.date(2025, 11, 1)}) == 8
    welcome = next(s for s in parsed.sessions if s.key == "38LRHE")
    assert welcome.start == dt.datetime(2025, 11, 1, 7, 50, tzinfo=dt.UTC)
    assert welcome.room == "B003"
    assert welcome.kind == SessionKind.KEYNOTE  # "Short plenary"
    assert [p.name for p in parsed.people if p.key in welcome.speakers] == ["Lucie Anglade"]
    assert any("5 entries of 'extra'" in w for w in parsed.warnings)
    assert (parsed.conference.start_date, parsed.conference.end_date) == (
        dt.date(2025, 10, 30),
        dt.date(2025, 11, 2),
    )


def _dump(cells: dict) -> bytes:
    room = {"id": 1, "name": {"en": "Hall", "fr": "Salle"}, "capacity": 100}
    return json.dumps(
        {"schedule": {"2025-11-01": cells}, "rooms": [room], "extra": {}, "speakers": {}}
    ).encode()


def _submission(code: str, *starts: str) -> dict:
    return {
        "code": code,
        "title": f"Talk {code}",
        "speakers": [{"code": "S1", "name": "Ann"}],
        "submission_type": {"name": {"en": "Talk"}},
        "state": "confirmed",
        "slots": [
            {
                "room": {"id": 1, "name": {"en": "Hall"}},
                "start": s,
                "end": s[:11] + "23:00:00+01:00",
            }
            for s in starts
        ],
    }


def test_pretalx_dump_picks_the_cells_slot_and_keys_repeats():
    twice = _submission("AB", "2025-11-01T09:00:00+01:00", "2025-11-01T14:00:00+01:00")
    parsed = pretalx_api.parse(
        _dump({"540": {"1": twice}, "840": {"1": twice}, "600": {"1": {}}}),
        ImportOptions(filename="s.json"),
    )
    assert [(s.key, s.start.astimezone(dt.UTC).hour) for s in parsed.sessions] == [
        ("AB", 8),
        ("AB@20251101T1300Z", 13),
    ]
    assert parsed.sessions[0].room == "Hall"
    assert parsed.rooms[0].capacity == 100


def test_pretalx_dump_cell_without_its_slot_is_refused():
    with pytest.raises(ScheduleFormatError, match="none of its 2 slots") as caught:
        pretalx_api.parse(
            _dump(
                {
                    "600": {
                        "1": _submission(
                            "AB", "2025-11-01T09:00:00+01:00", "2025-11-01T14:00:00+01:00"
                        )
                    }
                }
            ),
            ImportOptions(filename="s.json"),
        )
    assert caught.value.element == "schedule 2025-11-01 600 room 1 (AB)"


@pytest.mark.django_db
def test_pretalx_dump_reimport_no_changes():
    conference = f.ConferenceFactory(timezone="Europe/Paris")
    data = PYCONFR.read_bytes()
    options = ImportOptions(filename="schedule.json")
    schedule_upsert(conference=conference, parsed=pretalx_api.parse(data, options))
    assert (
        schedule_upsert(conference=conference, parsed=pretalx_api.parse(data, options)).writes == 0
    )


def test_c3voc_json_is_still_schedule_json():
    data = (GOOD / "schedule.json").read_bytes()
    assert not pretalx_api.sniff(data, "schedule.json")
    assert detect_format(data, "schedule.json") == ImportFormat.SCHEDULE_JSON


# --- the tolerance rules, in these formats too ----------------------------------------------------


def _xcal_day(bad: dict[int, str]) -> bytes:
    """Twelve talks, an hour each; ``bad`` replaces the dtstart of some."""
    return _xcal(
        "".join(
            _vevent(f"u{n}", bad.get(n, f"20250317T{8 + n:02d}0000"), f"20250317T{8 + n:02d}3000")
            for n in range(12)
        )
    )


@pytest.mark.django_db
def test_xcal_one_malformed_event_is_skipped_with_a_warning():
    options = ImportOptions(filename="s.xcal", timezone="America/New_York")
    parsed = xcal.parse(_xcal_day({3: "tomorrow"}), options)

    assert len(parsed.sessions) == 11
    assert "u3" not in {s.key for s in parsed.sessions}
    assert any("<vevent> 4 (uid 'u3')" in w and "was skipped" in w for w in parsed.warnings)
    assert any("1 of 12 events could not be read" in w for w in parsed.warnings)
    # Imported whole before, then with the broken event: it is left as it was (not
    # cancelled), and nothing else changes.
    conference = f.ConferenceFactory(timezone="America/New_York")
    schedule_upsert(conference=conference, parsed=xcal.parse(_xcal_day({}), options))
    again = schedule_upsert(conference=conference, parsed=parsed)
    assert again.writes == 0
    assert not Session.objects.get(conference=conference, external_id="u3").cancelled
    assert (
        schedule_upsert(
            conference=conference, parsed=xcal.parse(_xcal_day({3: "x"}), options)
        ).writes
        == 0
    )


def test_xcal_more_than_a_tenth_broken_is_refused_with_the_list():
    with pytest.raises(ScheduleFormatError) as caught:
        xcal.parse(
            _xcal_day({3: "tomorrow", 7: "soon"}),
            ImportOptions(filename="s.xcal", timezone="America/New_York"),
        )
    message = str(caught.value)
    assert "2 of 12 events cannot be read (more than 10%), so the file is refused" in message
    assert "'soon'" in message  # the other one, listed


def test_pretalx_dump_repeated_code_warns_naming_both():
    twice = _submission("AB", "2025-11-01T09:00:00+01:00", "2025-11-01T14:00:00+01:00")
    parsed = pretalx_api.parse(
        _dump({"540": {"1": twice}, "840": {"1": twice}}), ImportOptions(filename="s.json")
    )
    assert (
        "s.json: schedule 2025-11-01 840 room 1 (AB) repeats talk AB (first at "
        "2025-11-01T09:00:00+01:00 in Hall); kept as a repeat at its own start"
    ) in parsed.warnings


def test_pretalx_dump_one_broken_talk_is_skipped():
    cells = {
        str(540 + 30 * n): {
            "1": _submission(f"T{n}", f"2025-11-01T{9 + n // 2:02d}:{30 * (n % 2):02d}:00+01:00")
        }
        for n in range(12)
    }
    cells["900"] = {"1": {"code": "", "title": "no code"}}
    parsed = pretalx_api.parse(_dump(cells), ImportOptions(filename="s.json"))

    assert len(parsed.sessions) == 12
    assert any("1 of 13 talks could not be read and were skipped" in w for w in parsed.warnings)


def test_pretalx_dump_lmt_offset_is_read_as_wall_time_in_the_zone():
    """+00:09 is Europe/Paris's local mean time (+00:09:21): datetime(..., tzinfo=pytz...)."""
    talk = _submission("AB", "2025-11-01T09:00:00+00:09")
    talk["slots"][0]["end"] = "2025-11-01T10:00:00+00:09"
    parsed = pretalx_api.parse(
        _dump({"540": {"1": talk}}), ImportOptions(filename="s.json", timezone="Europe/Paris")
    )

    assert parsed.sessions[0].start == dt.datetime(2025, 11, 1, 8, tzinfo=dt.UTC)
    assert any("the pytz LMT bug" in w for w in parsed.warnings)
