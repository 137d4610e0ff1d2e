"""The same conference from different exports lands at the same instants; a re-import with a
few events moved yields exactly those changes."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from planner.enums import ChangeAction
from planner.importers import parse_schedule
from planner.importers.base import ImportOptions
from planner.models import ScheduleChange, Session
from planner.services.schedule_upsert import schedule_upsert
from tests import factories as f

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


def _parse(relative: str, zone: str = ""):
    path = REAL / relative
    return parse_schedule(path.read_bytes(), ImportOptions(filename=path.name, timezone=zone))


def _code(url: str) -> str:
    """pretalx talk code from a talk URL (…/talk/CFEMBK/), whatever the slashes."""
    match = re.search(r"/talk/([A-Z0-9]+)/?", url)
    return match.group(1) if match else url


def _slots(parsed) -> dict[str, tuple]:
    rooms = {room.key: room.name for room in parsed.rooms}
    return {
        _code(s.url): (s.start.timestamp(), s.end.timestamp(), rooms.get(s.room, s.room))
        for s in parsed.sessions
    }


def test_good_2025_xml_json_ics_agree():
    xml, json_, ics = (_parse(f"good-2025/schedule.{ext}") for ext in ("xml", "json", "ics"))

    assert len(xml.sessions) == len(json_.sessions) == len(ics.sessions) == 72
    assert _slots(xml) == _slots(json_) == _slots(ics)
    assert {s.title for s in xml.sessions} == {s.title for s in json_.sessions}


def test_39c3_xml_and_json_agree():
    xml, json_ = _parse("39c3/everything.schedule.xml"), _parse("39c3/everything.schedule.json")

    def items(parsed):
        rooms = {room.key: room.name for room in parsed.rooms}
        return {
            (s.key, s.title, s.start, s.end, rooms.get(s.room), s.track) for s in parsed.sessions
        }

    assert len(xml.sessions) == 895
    assert items(xml) == items(json_)


def _move_one_percent(xml: str, seed: int = 7) -> tuple[str, set[str]]:
    """Move 1% of the events of a frab XML 15 minutes later (both <date> and <start>)."""
    event = re.compile(r"<event guid=['\"]([^'\"]+)['\"].*?</event>", re.S)
    events = list(event.finditer(xml))
    early = [m for m in events if int(re.search(r"<start>(\d\d):", m.group(0)).group(1)) < 23]
    chosen = random.Random(seed).sample(early, max(1, len(events) // 100))
    moved = {m.group(1) for m in chosen}

    def shift(match: re.Match) -> str:
        text = match.group(0)
        if match.group(1) not in moved:
            return text

        def later(hhmm: re.Match) -> str:
            hours, minutes = int(hhmm.group(1)), int(hhmm.group(2)) + 15
            hours, minutes = hours + minutes // 60, minutes % 60
            assert hours < 24, "pick events that do not cross midnight"
            return f"{hours:02d}:{minutes:02d}"

        text = re.sub(r"(?<=<start>)(\d\d):(\d\d)(?=</start>)", later, text)
        return re.sub(r"(?<=<date>\d{4}-\d\d-\d\dT)(\d\d):(\d\d)", later, text)

    return event.sub(shift, xml), moved


@pytest.mark.django_db
def test_one_percent_moved_gives_exactly_those_changes():
    conference = f.ConferenceFactory(timezone="America/New_York")
    original = (REAL / "good-2025/schedule.xml").read_text()
    schedule_upsert(
        conference=conference,
        parsed=parse_schedule(original.encode(), ImportOptions(filename="a.xml")),
    )
    changed, moved = _move_one_percent(original)

    result = schedule_upsert(
        conference=conference,
        parsed=parse_schedule(changed.encode(), ImportOptions(filename="b.xml")),
    )

    changes = ScheduleChange.objects.filter(
        conference=conference, schedule_version=result.schedule_version
    )
    assert {c.session.external_id for c in changes} == moved
    assert {c.action for c in changes} == {ChangeAction.MOVED_TIME}
    for change in changes:
        assert list(change.fields) == ["start", "end"] or set(change.fields) == {"start", "end"}
    assert Session.objects.filter(conference=conference).count() == 72


@pytest.mark.django_db
def test_one_percent_moved_on_a_big_real_file():
    conference = f.ConferenceFactory(timezone="Europe/Brussels")
    original = (REAL / "fosdem-2025/schedule.xml").read_text()
    schedule_upsert(
        conference=conference,
        parsed=parse_schedule(original.encode(), ImportOptions(filename="a.xml")),
    )
    changed, moved = _move_one_percent(original, seed=3)

    result = schedule_upsert(
        conference=conference,
        parsed=parse_schedule(changed.encode(), ImportOptions(filename="b.xml")),
    )

    assert len(moved) == 9
    assert {
        c.session.external_id
        for c in ScheduleChange.objects.filter(schedule_version=result.schedule_version)
    } == moved
    assert result.counts["session"]["updated"] == 9
    assert result.counts["session"]["unchanged"] == 943 - 9
