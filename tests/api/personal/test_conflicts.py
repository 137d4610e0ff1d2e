from __future__ import annotations

import datetime as dt

import pytest

from planner.selectors.plans import natural_key
from tests.api.personal.conftest import count_queries, url
from tests.factories import (
    DAY1,
    MealFactory,
    OralFactory,
    PlanItemFactory,
    PosterFactory,
    RoomFactory,
    SessionFactory,
    local,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def conflicts(api, conference, **params):
    return api.get(url("personal-plan-conflicts", conference), params)


def plan(attendee, **target):
    """Star one target (session=..., oral=..., poster=..., meal=...)."""
    return PlanItemFactory(attendee=attendee, **{"session": None, **target})


def test_natural_key_orders_boards_as_people_read_them():
    boards = ["10", "B-1", "A-10", "2", "A-9", "a-11", "001"]

    assert sorted(boards, key=natural_key) == ["001", "2", "10", "A-9", "A-10", "a-11", "B-1"]


def test_conflicts_overlapping_session_and_meal_with_overlap_minutes(api, attendee, conference):
    session = SessionFactory(
        conference=conference, title="Keynote", start=local(DAY1, 12), end=local(DAY1, 13)
    )
    meal = MealFactory(conference=conference, start=local(DAY1, 12, 30), end=local(DAY1, 14))
    SessionFactory(conference=conference, start=local(DAY1, 15), end=local(DAY1, 16))
    plan(attendee, session=session)
    plan(attendee, meal=meal)

    response = conflicts(api, conference)

    assert response.status_code == 200
    body = response.json()
    assert body["minutes_per_poster"] == 5
    assert len(body["overlaps"]) == 1
    overlap = body["overlaps"][0]
    assert (overlap["first"]["kind"], overlap["first"]["id"]) == ("session", session.pk)
    assert (overlap["second"]["kind"], overlap["second"]["id"]) == ("meal", meal.pk)
    assert (overlap["start"], overlap["end"]) == ("2026-10-22T09:30:00Z", "2026-10-22T10:00:00Z")
    assert overlap["minutes"] == 30
    assert body["cancelled"] == []
    assert body["poster_sessions"] == []


def test_conflicts_touching_items_do_not_overlap(api, attendee, conference):
    plan(
        attendee,
        session=SessionFactory(conference=conference, start=local(DAY1, 9), end=local(DAY1, 10)),
    )
    plan(
        attendee,
        session=SessionFactory(conference=conference, start=local(DAY1, 10), end=local(DAY1, 11)),
    )

    assert conflicts(api, conference).json()["overlaps"] == []


def test_conflicts_oral_inside_its_own_planned_session_is_not_a_conflict(api, attendee, conference):
    session = SessionFactory(conference=conference, start=local(DAY1, 10), end=local(DAY1, 11))
    own_oral = OralFactory(session=session, start=local(DAY1, 10, 15), end=local(DAY1, 10, 30))
    parallel = SessionFactory(conference=conference, start=local(DAY1, 10), end=local(DAY1, 11))
    foreign_oral = OralFactory(session=parallel, start=local(DAY1, 10, 20), end=local(DAY1, 10, 40))
    plan(attendee, session=session)
    plan(attendee, oral=own_oral)
    plan(attendee, oral=foreign_oral)

    overlaps = conflicts(api, conference).json()["overlaps"]

    pairs = {
        frozenset(
            {(o["first"]["kind"], o["first"]["id"]), (o["second"]["kind"], o["second"]["id"])}
        ): o["minutes"]
        for o in overlaps
    }
    assert pairs == {
        frozenset({("session", session.pk), ("oral", foreign_oral.pk)}): 20,
        frozenset({("oral", own_oral.pk), ("oral", foreign_oral.pk)}): 10,
    }


def pairs(overlaps: list[dict]) -> dict[frozenset, int]:
    """Each overlap as {{(kind, id), (kind, id)}: minutes}, whichever of the two is first."""
    return {
        frozenset(
            {(o["first"]["kind"], o["first"]["id"]), (o["second"]["kind"], o["second"]["id"])}
        ): o["minutes"]
        for o in overlaps
    }


def test_conflicts_social_session_and_meal_in_same_room_same_time_are_one_event(
    api, attendee, conference
):
    # The demo's welcome reception: listed as a social session and as a meal, one garden.
    garden = RoomFactory(conference=conference, name="Garden")
    social = SessionFactory(
        conference=conference,
        kind="social",
        title="Welcome reception",
        room=garden,
        start=local(DAY1, 19),
        end=local(DAY1, 22),
    )
    reception = MealFactory(
        conference=conference,
        kind="reception",
        title="Welcome reception",
        room=garden,
        start=local(DAY1, 19),
        end=local(DAY1, 22),
    )
    plan(attendee, session=social)
    plan(attendee, meal=reception)

    body = conflicts(api, conference).json()

    assert body["overlaps"] == []
    assert body["cancelled"] == []


def test_conflicts_item_nested_in_another_in_the_same_room_is_one_event(api, attendee, conference):
    # Lunch served in the poster hall during the poster session: one place, one visit.
    hall = RoomFactory(conference=conference, name="Poster Hall")
    posters = SessionFactory(
        conference=conference, kind="poster", room=hall, start=local(DAY1, 12), end=local(DAY1, 14)
    )
    lunch = MealFactory(
        conference=conference, room=hall, start=local(DAY1, 12, 30), end=local(DAY1, 13, 30)
    )
    plan(attendee, session=posters)
    plan(attendee, meal=lunch)

    assert conflicts(api, conference).json()["overlaps"] == []


def test_conflicts_same_time_in_two_rooms_is_a_conflict(api, attendee, conference):
    social = SessionFactory(
        conference=conference,
        kind="social",
        room=RoomFactory(conference=conference, name="Garden"),
        start=local(DAY1, 19),
        end=local(DAY1, 22),
    )
    dinner = MealFactory(
        conference=conference,
        kind="dinner",
        room=RoomFactory(conference=conference, name="Terrace"),
        start=local(DAY1, 19),
        end=local(DAY1, 22),
    )
    plan(attendee, session=social)
    plan(attendee, meal=dinner)

    overlaps = conflicts(api, conference).json()["overlaps"]

    assert pairs(overlaps) == {frozenset({("session", social.pk), ("meal", dinner.pk)}): 180}
    assert (overlaps[0]["first"]["room"], overlaps[0]["second"]["room"]) == ("Garden", "Terrace")


def test_conflicts_same_time_with_no_room_known_is_a_conflict(api, attendee, conference):
    # Without a room nothing says the two are one event: the attendee is told.
    social = SessionFactory(
        conference=conference, kind="social", room=None, start=local(DAY1, 19), end=local(DAY1, 22)
    )
    reception = MealFactory(
        conference=conference, kind="reception", start=local(DAY1, 19), end=local(DAY1, 22)
    )
    plan(attendee, session=social)
    plan(attendee, meal=reception)

    assert pairs(conflicts(api, conference).json()["overlaps"]) == {
        frozenset({("session", social.pk), ("meal", reception.pk)}): 180
    }


def test_conflicts_same_room_partial_overlap_is_still_a_conflict(api, attendee, conference):
    # Each sticks out past the other: one room holds one thing at a time, so one of them is
    # cut short or starts late, and the attendee cannot see both whole.
    hall = RoomFactory(conference=conference, name="Hall A")
    morning = SessionFactory(
        conference=conference, room=hall, start=local(DAY1, 9), end=local(DAY1, 10, 30)
    )
    workshop = SessionFactory(
        conference=conference,
        kind="workshop",
        room=hall,
        start=local(DAY1, 10),
        end=local(DAY1, 12),
    )
    plan(attendee, session=morning)
    plan(attendee, session=workshop)

    overlaps = conflicts(api, conference).json()["overlaps"]

    assert pairs(overlaps) == {frozenset({("session", morning.pk), ("session", workshop.pk)}): 30}
    assert (overlaps[0]["first"]["id"], overlaps[0]["second"]["id"]) == (morning.pk, workshop.pk)


def test_conflicts_session_with_its_own_orals_and_a_parallel_oral_flags_only_the_parallel(
    api, attendee, conference
):
    session = SessionFactory(conference=conference, start=local(DAY1, 10), end=local(DAY1, 11))
    first = OralFactory(session=session, start=local(DAY1, 10), end=local(DAY1, 10, 12))
    last = OralFactory(session=session, start=local(DAY1, 10, 48), end=local(DAY1, 11))
    parallel = OralFactory(
        session=SessionFactory(conference=conference, start=local(DAY1, 10), end=local(DAY1, 11)),
        start=local(DAY1, 10, 48),
        end=local(DAY1, 11),
    )
    for oral in (first, last, parallel):
        plan(attendee, oral=oral)
    plan(attendee, session=session)

    assert pairs(conflicts(api, conference).json()["overlaps"]) == {
        frozenset({("session", session.pk), ("oral", parallel.pk)}): 12,
        frozenset({("oral", last.pk), ("oral", parallel.pk)}): 12,
    }


def test_conflicts_cancelled_items_are_listed_apart_not_as_conflicts(api, attendee, conference):
    live = SessionFactory(conference=conference, start=local(DAY1, 10), end=local(DAY1, 11))
    cancelled = SessionFactory(
        conference=conference, start=local(DAY1, 10), end=local(DAY1, 11), cancelled=True
    )
    cancelled_meal = MealFactory(conference=conference, start=local(DAY1, 10), cancelled=True)
    plan(attendee, session=live)
    plan(attendee, session=cancelled)
    plan(attendee, meal=cancelled_meal)

    body = conflicts(api, conference).json()

    assert body["overlaps"] == []
    assert [(t["kind"], t["id"], t["cancelled"]) for t in body["cancelled"]] == [
        ("session", cancelled.pk, True),
        ("meal", cancelled_meal.pk, True),
    ]


def test_conflicts_poster_session_too_short_for_starred_posters_with_walking_order(
    api, attendee, conference
):
    poster_session = SessionFactory(
        conference=conference,
        kind="poster",
        title="Poster Session 1",
        start=local(DAY1, 14),
        end=local(DAY1, 14, 20),
    )
    boards = ["B-1", "A-10", "10", "A-9", "2"]
    posters = {b: PosterFactory(session=poster_session, board=b) for b in boards}
    for board, poster in posters.items():
        plan(attendee, poster=poster, status="must_see" if board == "A-9" else "interested")

    body = conflicts(api, conference).json()

    assert len(body["poster_sessions"]) == 1
    overload = body["poster_sessions"][0]
    assert overload["session_id"] == poster_session.pk
    assert overload["title"] == "Poster Session 1"
    assert (overload["posters"], overload["minutes_per_poster"]) == (5, 5)
    assert (overload["needed_minutes"], overload["available_minutes"]) == (25, 20)
    assert [stop["board"] for stop in overload["walking_order"]] == [
        "2",
        "10",
        "A-9",
        "A-10",
        "B-1",
    ]
    assert overload["walking_order"][2] == {
        "poster_id": posters["A-9"].pk,
        "board": "A-9",
        "title": posters["A-9"].paper.title,
        "status": "must_see",
    }
    assert body["overlaps"] == []


def test_conflicts_minutes_per_poster_decides_whether_posters_fit(api, attendee, conference):
    poster_session = SessionFactory(
        conference=conference, kind="poster", start=local(DAY1, 14), end=local(DAY1, 14, 30)
    )
    for board in ("1", "2", "3"):
        plan(attendee, poster=PosterFactory(session=poster_session, board=board))

    fits = conflicts(api, conference, minutes_per_poster=10).json()
    too_many = conflicts(api, conference, minutes_per_poster=11).json()

    assert fits["poster_sessions"] == []
    assert too_many["minutes_per_poster"] == 11
    assert [(o["needed_minutes"], o["available_minutes"]) for o in too_many["poster_sessions"]] == [
        (33, 30)
    ]


@pytest.mark.parametrize("value", ["0", "61", "five"])
def test_conflicts_minutes_per_poster_outside_1_to_60_is_400(api, conference, attendee, value):
    response = conflicts(api, conference, minutes_per_poster=value)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["minutes_per_poster"]


def test_conflicts_overlap_across_the_dst_change_counts_real_minutes(api, attendee, conference):
    # Sun 25 Oct 2026 02:00 IDT → 01:00 IST: 00:30 IDT to 01:30 IST is two real hours.
    night = SessionFactory(
        conference=conference,
        start=dt.datetime(2026, 10, 24, 21, 30, tzinfo=UTC),
        end=dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
    )
    late = MealFactory(
        conference=conference,
        start=dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
        end=dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
    )
    plan(attendee, session=night)
    plan(attendee, meal=late)

    overlap = conflicts(api, conference).json()["overlaps"][0]

    assert overlap["minutes"] == 90
    assert (overlap["start"], overlap["end"]) == ("2026-10-24T22:00:00Z", "2026-10-24T23:30:00Z")


def test_conflicts_query_count_is_the_same_for_1_and_50_items(api, attendee, conference):
    poster_session = SessionFactory(
        conference=conference, kind="poster", start=local(DAY1, 14), end=local(DAY1, 15)
    )

    def add(n: int) -> None:
        for _ in range(n):
            plan(attendee, session=SessionFactory(conference=conference))
            plan(attendee, poster=PosterFactory(session=poster_session))
            plan(attendee, oral=OralFactory(session__conference=conference))
            plan(attendee, meal=MealFactory(conference=conference))

    def fetch() -> None:
        assert conflicts(api, conference).status_code == 200

    add(1)
    one = count_queries(fetch)
    add(49)
    many = count_queries(fetch)

    assert one == many
    body = conflicts(api, conference).json()
    assert body["poster_sessions"][0]["needed_minutes"] == 250
