from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.enums import ChangeAction
from planner.exceptions import ValidationFailed
from planner.importers.base import (
    PaperData,
    ParsedSchedule,
    PersonData,
    PosterData,
    RoomData,
    SessionData,
    TrackData,
)
from planner.models import Paper, PlanItem, Poster, ScheduleChange, Session
from planner.services.schedule_upsert import schedule_upsert
from tests import factories as f

pytestmark = pytest.mark.django_db


def _program(n_sessions: int = 100, n_posters: int = 20) -> ParsedSchedule:
    day = dt.date(2026, 10, 24)
    sessions = [
        SessionData(
            key=f"s{i}",
            title=f"Session {i}",
            kind="oral",
            start=f.local(day + dt.timedelta(days=i % 3), 9) + dt.timedelta(minutes=10 * (i // 3)),
            end=f.local(day + dt.timedelta(days=i % 3), 9)
            + dt.timedelta(minutes=10 * (i // 3) + 30),
            room=f"Room {i % 4}",
            track="Vision",
            speakers=[f"p{i % 7}"],
        )
        for i in range(n_sessions)
    ]
    sessions.append(
        SessionData(
            key="posters-1",
            title="Poster session 1",
            kind="poster",
            start=f.local(day, 16),
            end=f.local(day, 18),
            room="Hall B",
        )
    )
    return ParsedSchedule(
        format="frab_xml",
        rooms=[RoomData(key=f"Room {i}", name=f"Room {i}") for i in range(4)]
        + [RoomData(key="Hall B", name="Hall B")],
        tracks=[TrackData(name="Vision", colour="#112233")],
        people=[PersonData(key=f"p{i}", name=f"Person {i}") for i in range(7)],
        papers=[
            PaperData(key=f"paper{i}", title=f"Paper {i}", authors=[f"p{i % 7}", f"p{(i + 1) % 7}"])
            for i in range(n_posters)
        ],
        sessions=sessions,
        posters=[
            PosterData(key=f"poster{i}", session="posters-1", board=f"{i:03d}", paper=f"paper{i}")
            for i in range(n_posters)
        ],
        covers=frozenset({"rooms", "tracks", "people", "papers", "sessions", "posters"}),
    )


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]


def test_first_import_creates_everything(conference):
    result = schedule_upsert(conference=conference, parsed=_program())

    assert Session.objects.filter(conference=conference).count() == 101
    assert Poster.objects.filter(conference=conference).count() == 20
    assert result.counts["session"]["created"] == 101
    assert result.schedule_version == 1
    conference.refresh_from_db()
    assert conference.schedule_version == 1
    assert (
        ScheduleChange.objects.filter(conference=conference, action=ChangeAction.CREATED).count()
        == 121
    )
    paper = Paper.objects.get(conference=conference, external_id="paper3")
    assert [a.person.name for a in paper.authorships.order_by("position")] == [
        "Person 3",
        "Person 4",
    ]
    session = Session.objects.get(conference=conference, external_id="s8")
    assert [p.name for p in session.speakers.all()] == ["Person 1"]
    assert session.track.colour == "#112233"


def test_reimport_unchanged_writes_nothing(conference):
    schedule_upsert(conference=conference, parsed=_program())

    with CaptureQueriesContext(connection) as queries:
        result = schedule_upsert(conference=conference, parsed=_program())

    assert _writes(queries) == []
    assert not result.changed
    assert result.summary() == "no changes"
    conference.refresh_from_db()
    assert conference.schedule_version == 1


def test_moved_items_become_exactly_those_changes(conference):
    schedule_upsert(conference=conference, parsed=_program(n_sessions=200))
    moved = _program(n_sessions=200)
    for session in moved.sessions[::100]:  # 1% of the 200 talks (and the poster session)
        session.start += dt.timedelta(minutes=15)
        session.end += dt.timedelta(minutes=15)

    result = schedule_upsert(conference=conference, parsed=moved)

    changes = ScheduleChange.objects.filter(conference=conference, schedule_version=2)
    assert sorted(c.session.external_id for c in changes) == ["posters-1", "s0", "s100"]
    assert {c.action for c in changes} == {ChangeAction.MOVED_TIME}
    s0 = changes.get(session__external_id="s0")
    assert s0.fields["start"] == ["2026-10-24T06:00:00Z", "2026-10-24T06:15:00Z"]
    assert result.counts["session"]["updated"] == 3


def test_missing_items_are_cancelled_not_deleted(conference):
    schedule_upsert(conference=conference, parsed=_program())
    dropped = Session.objects.get(conference=conference, external_id="s5")
    attendee = f.AttendeeFactory(conference=conference)
    PlanItem.objects.create(attendee=attendee, session=dropped)
    smaller = _program()
    smaller.sessions = [s for s in smaller.sessions if s.key != "s5"]

    schedule_upsert(conference=conference, parsed=smaller)

    dropped.refresh_from_db()
    assert dropped.cancelled is True
    assert PlanItem.objects.get(attendee=attendee).session == dropped
    change = ScheduleChange.objects.get(session=dropped, schedule_version=2)
    assert change.action == ChangeAction.CANCELLED


def test_reappearing_item_is_restored(conference):
    schedule_upsert(conference=conference, parsed=_program())
    smaller = _program()
    smaller.sessions = [s for s in smaller.sessions if s.key != "s5"]
    schedule_upsert(conference=conference, parsed=smaller)

    result = schedule_upsert(conference=conference, parsed=_program())

    assert Session.objects.get(conference=conference, external_id="s5").cancelled is False
    assert result.counts["session"]["restored"] == 1
    assert (
        ScheduleChange.objects.get(session__external_id="s5", schedule_version=3).action
        == ChangeAction.RESTORED
    )


def test_room_move_and_retitle_are_named(conference):
    schedule_upsert(conference=conference, parsed=_program())
    changed = _program()
    changed.sessions[1].room = "Room 3"
    changed.sessions[2].title = "A better title"

    schedule_upsert(conference=conference, parsed=changed)

    moved = ScheduleChange.objects.get(session__external_id="s1", schedule_version=2)
    retitled = ScheduleChange.objects.get(session__external_id="s2", schedule_version=2)
    assert moved.action == ChangeAction.MOVED_ROOM
    assert moved.fields == {"room": ["Room 1", "Room 3"]}
    assert retitled.action == ChangeAction.RETITLED
    assert retitled.fields == {"title": ["Session 2", "A better title"]}


def test_swapped_boards_are_accepted(conference):
    schedule_upsert(conference=conference, parsed=_program())
    swapped = _program()
    swapped.posters[0].board, swapped.posters[1].board = (
        swapped.posters[1].board,
        swapped.posters[0].board,
    )

    schedule_upsert(conference=conference, parsed=swapped)

    boards = dict(Poster.objects.filter(conference=conference).values_list("external_id", "board"))
    assert (boards["poster0"], boards["poster1"]) == ("001", "000")


def test_uncovered_collections_are_left_alone(conference):
    schedule_upsert(conference=conference, parsed=_program())
    posters_only = ParsedSchedule(
        format="csv",
        posters=[PosterData(key="poster0", session="posters-1", board="000", paper="paper0")],
        covers=frozenset({"posters"}),
    )

    schedule_upsert(conference=conference, parsed=posters_only)

    assert Session.objects.filter(conference=conference, cancelled=True).count() == 0
    assert Poster.objects.filter(conference=conference, cancelled=True).count() == 19


def test_unknown_reference_is_refused_and_nothing_written(conference):
    parsed = _program()
    parsed.posters.append(
        PosterData(key="stray", session="no-such-session", board="999", paper="paper0")
    )

    with pytest.raises(ValidationFailed) as caught:
        schedule_upsert(conference=conference, parsed=parsed)

    assert "poster 'stray' refers to session 'no-such-session'" in caught.value.message
    assert Session.objects.filter(conference=conference).count() == 0
    conference.refresh_from_db()
    assert conference.schedule_version == 0


def test_overlong_title_is_refused_with_the_item(conference):
    parsed = _program()
    parsed.sessions[0] = dataclasses.replace(parsed.sessions[0], title="x" * 501)

    with pytest.raises(ValidationFailed) as caught:
        schedule_upsert(conference=conference, parsed=parsed)

    assert caught.value.message == "session 's0': title is 501 characters; the limit is 500"
    assert Session.objects.count() == 0


def test_author_order_change_is_written(conference):
    schedule_upsert(conference=conference, parsed=_program())
    changed = _program()
    changed.papers[3].authors = ["p4", "p3"]

    result = schedule_upsert(conference=conference, parsed=changed)

    paper = Paper.objects.get(conference=conference, external_id="paper3")
    assert [a.person.name for a in paper.authorships.order_by("position")] == [
        "Person 4",
        "Person 3",
    ]
    assert result.changed


def test_sources_are_separate_namespaces(conference):
    schedule_upsert(conference=conference, parsed=_program(), source="main")
    workshops = _program(n_sessions=3, n_posters=0)
    workshops.sessions = workshops.sessions[:3]

    schedule_upsert(conference=conference, parsed=workshops, source="workshops")

    assert (
        Session.objects.filter(conference=conference, source="main", cancelled=False).count() == 101
    )
    assert Session.objects.filter(conference=conference, source="workshops").count() == 3


def test_empty_file_is_refused_when_it_would_cancel_everything(conference):
    schedule_upsert(conference=conference, parsed=_program())
    empty = ParsedSchedule(
        format="frab_xml", covers=frozenset({"rooms", "tracks", "people", "sessions"})
    )

    with pytest.raises(ValidationFailed) as caught:
        schedule_upsert(conference=conference, parsed=empty)

    assert "would cancel all 101 sessions" in caught.value.message
    assert Session.objects.filter(conference=conference, cancelled=True).count() == 0


def test_empty_file_is_accepted_when_allowed(conference):
    schedule_upsert(conference=conference, parsed=_program())
    empty = ParsedSchedule(
        format="frab_xml", covers=frozenset({"rooms", "tracks", "people", "sessions"})
    )

    result = schedule_upsert(conference=conference, parsed=empty, allow_empty=True)

    assert Session.objects.filter(conference=conference, cancelled=True).count() == 101
    assert result.counts["session"]["cancelled"] == 101


def _changed_in(model, key):
    return model.objects.values_list("changed_in", flat=True).get(external_id=key)


def test_rows_remember_the_version_they_last_changed_in(conference):
    schedule_upsert(conference=conference, parsed=_program())
    changed = _program()
    changed.sessions[1].start += dt.timedelta(minutes=5)
    changed.sessions[1].end += dt.timedelta(minutes=5)
    changed.sessions[2].speakers = ["p6"]
    changed.papers[3].authors = ["p4", "p3"]
    changed.sessions = [s for s in changed.sessions if s.key != "s9"]

    schedule_upsert(conference=conference, parsed=changed)

    assert {key: _changed_in(Session, key) for key in ("s0", "s1", "s2", "s9")} == {
        "s0": 1,
        "s1": 2,
        "s2": 2,
        "s9": 2,
    }
    assert _changed_in(Paper, "paper3") == 2
    assert _changed_in(Paper, "paper4") == 1
    assert set(
        Session.objects.filter(conference=conference, changed_in__gt=1).values_list(
            "external_id", flat=True
        )
    ) == {"s1", "s2", "s9"}
