import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.enums import MealKind, SessionKind
from tests.api.program.helpers import url
from tests.factories import (
    DAY1,
    ConferenceFactory,
    MealFactory,
    RoomFactory,
    SessionFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


def now(client, conference, **params):
    return client.get(url("program-now", conference), params)


def titles(body, part, kind="sessions"):
    return [row["title"] for row in body[part][kind]]


def session_at(conference, title, hour, minute=0, minutes=60, **fields):
    start = local(DAY1, hour, minute)
    return SessionFactory(
        conference=conference,
        title=title,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        **fields,
    )


def test_now_lists_running_and_next_sessions_and_meals(client, conference):
    room = RoomFactory(conference=conference, name="Hall A")
    track = TrackFactory(conference=conference, name="Vision", colour="#000000")
    running = session_at(conference, "Running", 9, 30, room=room, track=track)
    session_at(conference, "Soon", 10, 45)
    session_at(conference, "Too late", 11, 30)
    session_at(conference, "Over", 8, 0, minutes=120)  # ends exactly at 10:00
    session_at(conference, "Cancelled", 10, 15, cancelled=True)
    MealFactory(
        conference=conference,
        kind=MealKind.COFFEE,
        title="Coffee",
        start=local(DAY1, 10, 30),
        end=local(DAY1, 11),
        room=None,
    )

    response = now(client, conference, at="2026-10-22T10:00:00+03:00")

    body = response.json()
    assert response.status_code == 200
    assert (body["at"], body["within"], body["timezone"]) == (
        "2026-10-22T07:00:00Z",
        60,
        "Asia/Jerusalem",
    )
    assert body["now"] == {
        "sessions": [
            {
                "id": running.pk,
                "title": "Running",
                "kind": "oral",
                "start": "2026-10-22T06:30:00Z",
                "end": "2026-10-22T07:30:00Z",
                "room": {"id": room.pk, "name": "Hall A"},
                "track": {"id": track.pk, "name": "Vision", "colour": "#000000"},
            }
        ],
        "meals": [],
    }
    assert titles(body, "next") == ["Soon"]
    assert body["next"]["meals"] == [
        {
            "id": body["next"]["meals"][0]["id"],
            "kind": "coffee",
            "title": "Coffee",
            "start": "2026-10-22T07:30:00Z",
            "end": "2026-10-22T08:00:00Z",
            "room": None,
        }
    ]


def test_now_within_widens_next(client, conference):
    session_at(conference, "Soon", 10, 45)
    session_at(conference, "Later", 13, 0)

    narrow = now(client, conference, at="2026-10-22T10:00", within=30).json()
    wide = now(client, conference, at="2026-10-22T10:00", within=180).json()

    assert (titles(narrow, "next"), titles(wide, "next")) == ([], ["Soon", "Later"])


def test_now_defaults_to_current_time(client, conference):
    session_at(conference, "Running", 9, 30)
    session_at(conference, "Next", 10, 30)

    with time_machine.travel(local(DAY1, 10), tick=False):
        body = now(client, conference).json()

    assert (body["at"], titles(body, "now"), titles(body, "next")) == (
        "2026-10-22T07:00:00Z",
        ["Running"],
        ["Next"],
    )


def test_now_naive_at_is_conference_local_across_dst(client, conference):
    # 25 Oct 2026 01:30 happens twice in Jerusalem; the first (IDT, +03:00) is chosen.
    start = dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC)
    SessionFactory(
        conference=conference, title="Night", start=start, end=start + dt.timedelta(hours=1)
    )

    body = now(client, conference, at="2026-10-25T01:30").json()

    assert (body["at"], titles(body, "now")) == ("2026-10-24T22:30:00Z", ["Night"])


def test_now_only_this_conference(client, conference):
    session_at(ConferenceFactory(), "Elsewhere", 9, 30)
    session_at(conference, "Here", 9, 30, kind=SessionKind.KEYNOTE)

    body = now(client, conference, at="2026-10-22T10:00").json()

    assert titles(body, "now") == ["Here"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"at": "nope"}, "at", "Enter an ISO 8601 date-time, e.g. 2026-10-22T10:00:00+03:00."),
        ({"within": "1441"}, "within", "Ensure this value is less than or equal to 1440."),
        ({"within": "-1"}, "within", "Ensure this value is greater than or equal to 0."),
        ({"within": "soon"}, "within", "A valid integer is required."),
    ],
)
def test_now_bad_param_is_400_naming_field(client, conference, params, field, message):
    response = now(client, conference, **params)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {field: [message]}}


def test_now_unknown_conference_is_404(client):
    response = now(client, "nope")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_now_query_count_constant(client, conference):
    path = url("program-now", conference)
    params = {"at": "2026-10-22T10:00", "within": 120}
    counts = []
    for batch in (1, 49):
        for _ in range(batch):
            session_at(conference, "S", 9, 30, track=TrackFactory(conference=conference))
            session_at(conference, "T", 11, 0)
            MealFactory(
                conference=conference,
                start=local(DAY1, 10, 30),
                room=RoomFactory(conference=conference),
            )
        with CaptureQueriesContext(connection) as captured:
            body = client.get(path, params).json()
        counts.append((len(captured.captured_queries), len(body["now"]["sessions"])))

    assert counts == [(3, 1), (3, 50)]  # conference, sessions, meals
