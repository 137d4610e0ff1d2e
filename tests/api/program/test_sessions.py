import datetime as dt

import pytest

from planner.enums import SessionKind
from tests.api.program.helpers import assert_constant_queries, get, ids, paper, results, url
from tests.factories import (
    DAY1,
    ConferenceFactory,
    OralFactory,
    PersonFactory,
    PosterFactory,
    RoomFactory,
    SessionFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db

DST_END = dt.date(2026, 10, 25)  # Israeli summer time ends: 02:00 IDT → 01:00 IST


def test_session_list_shows_counts_not_nested_items(client, conference):
    track = TrackFactory(conference=conference, name="Vision", colour="#123456")
    room = RoomFactory(conference=conference, name="Hall A")
    session = SessionFactory(
        conference=conference,
        title="Posters 1",
        kind=SessionKind.POSTER,
        room=room,
        track=track,
        start=local(DAY1, 10),
        end=local(DAY1, 11, 30),
    )
    session.speakers.add(PersonFactory(conference=conference, name="Ada Speaker"))
    session.chairs.add(PersonFactory(conference=conference, name="Cy Chair"))
    PosterFactory.create_batch(3, session=session)
    PosterFactory(session=session, cancelled=True)
    OralFactory(session=session)

    response = get(client, "program-session-list", conference)

    [row] = results(response)
    assert row == {
        "id": session.pk,
        "title": "Posters 1",
        "kind": "poster",
        "start": "2026-10-22T07:00:00Z",
        "end": "2026-10-22T08:30:00Z",
        "room": {"id": room.pk, "name": "Hall A"},
        "track": {"id": track.pk, "name": "Vision", "colour": "#123456"},
        "speakers": [{"id": session.speakers.get().pk, "name": "Ada Speaker"}],
        "chairs": [{"id": session.chairs.get().pk, "name": "Cy Chair"}],
        "cancelled": False,
        "oral_count": 1,
        "poster_count": 3,
    }


def test_session_list_ordered_by_start_and_only_this_conference(client, conference):
    SessionFactory(conference=ConferenceFactory(), start=local(DAY1, 9))
    late = SessionFactory(conference=conference, start=local(DAY1, 14))
    early = SessionFactory(conference=conference, start=local(DAY1, 9))

    response = get(client, "program-session-list", conference)
    reverse = get(client, "program-session-list", conference, {"ordering": "-start"})

    assert ids(response) == [early.pk, late.pk]
    assert ids(reverse) == [late.pk, early.pk]


def test_session_list_filter_kind(client, conference):
    keynote = SessionFactory(conference=conference, kind=SessionKind.KEYNOTE)
    SessionFactory(conference=conference, kind=SessionKind.ORAL)

    response = get(client, "program-session-list", conference, {"kind": "keynote"})

    assert ids(response) == [keynote.pk]


def test_session_list_filter_day_is_local_date_across_dst_change(client, conference):
    # 00:30 local on the 25th is still the 24th in UTC (IDT, +03:00).
    after_midnight = SessionFactory(conference=conference, start=local(DST_END, 0, 30))
    # 23:30 local on the 25th is after the change (IST, +02:00): 21:30 UTC the same day.
    late_evening = SessionFactory(conference=conference, start=local(DST_END, 23, 30))
    SessionFactory(conference=conference, start=local(DST_END - dt.timedelta(days=1), 23, 30))
    SessionFactory(conference=conference, start=local(DST_END + dt.timedelta(days=1), 0, 0))

    response = get(client, "program-session-list", conference, {"day": "2026-10-25"})

    assert ids(response) == [after_midnight.pk, late_evening.pk]
    assert [row["start"] for row in results(response)] == [
        "2026-10-24T21:30:00Z",
        "2026-10-25T21:30:00Z",
    ]


def test_session_list_filter_room(client, conference):
    room = RoomFactory(conference=conference)
    in_room = SessionFactory(conference=conference, room=room)
    SessionFactory(conference=conference)

    response = get(client, "program-session-list", conference, {"room": room.pk})

    assert ids(response) == [in_room.pk]


def test_session_list_filter_track(client, conference):
    track = TrackFactory(conference=conference)
    on_track = SessionFactory(conference=conference, track=track)
    SessionFactory(conference=conference)

    response = get(client, "program-session-list", conference, {"track": track.pk})

    assert ids(response) == [on_track.pk]


def test_session_list_includes_cancelled_flagged_unless_cancelled_false(client, conference):
    live = SessionFactory(conference=conference, start=local(DAY1, 9))
    gone = SessionFactory(conference=conference, start=local(DAY1, 10), cancelled=True)

    everything = get(client, "program-session-list", conference)
    hidden = get(client, "program-session-list", conference, {"cancelled": "false"})
    only = get(client, "program-session-list", conference, {"cancelled": "true"})

    assert [(r["id"], r["cancelled"]) for r in results(everything)] == [
        (live.pk, False),
        (gone.pk, True),
    ]
    assert ids(hidden) == [live.pk]
    assert ids(only) == [gone.pk]


def test_session_list_filter_starts_after_and_before(client, conference):
    SessionFactory(conference=conference, start=local(DAY1, 9))
    ten = SessionFactory(conference=conference, start=local(DAY1, 10))
    SessionFactory(conference=conference, start=local(DAY1, 11))

    response = get(
        client,
        "program-session-list",
        conference,
        {"starts_after": "2026-10-22T07:00:00Z", "starts_before": "2026-10-22T10:30:00+03:00"},
    )

    assert ids(response) == [ten.pk]


def test_session_list_naive_instant_is_conference_local_time(client, conference):
    SessionFactory(conference=conference, start=local(DAY1, 9))
    ten = SessionFactory(conference=conference, start=local(DAY1, 10))

    response = get(client, "program-session-list", conference, {"starts_after": "2026-10-22T10:00"})

    assert ids(response) == [ten.pk]


def test_session_list_unencoded_plus_in_offset_still_parses(client, conference):
    ten = SessionFactory(conference=conference, start=local(DAY1, 10))

    # "?starts_after=2026-10-22T10:00:00+03:00" typed into a browser: "+" decodes to " ".
    response = client.get(
        url("program-session-list", conference) + "?starts_after=2026-10-22T10:00:00+03:00"
    )

    assert ids(response) == [ten.pk]


def test_session_list_offset_beyond_postgres_range_still_filters(client, conference):
    SessionFactory(conference=conference, start=local(DAY1, 9))
    ten = SessionFactory(conference=conference, start=local(DAY1, 10))

    # +23:00 is valid ISO 8601 but beyond PostgreSQL's ±15:59: 2026-10-22T07:00Z.
    response = get(
        client, "program-session-list", conference, {"starts_after": "2026-10-23T06:00:00+23:00"}
    )

    assert ids(response) == [ten.pk]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"day": "yesterday"}, "day", "Enter a valid date."),
        ({"day": "0001-01-01"}, "day", "Use a year from 2 to 9998."),
        (
            {"kind": "party"},
            "kind",
            "Select a valid choice. party is not one of the available choices.",
        ),
        ({"room": "hall"}, "room", "Enter a whole number."),
        ({"cancelled": "maybe"}, "cancelled", "Use true or false."),
        (
            {"starts_after": "soon"},
            "starts_after",
            "Enter an ISO 8601 date-time, e.g. 2026-10-22T10:00:00+03:00.",
        ),
        (
            {"ordering": "title"},
            "ordering",
            "Select a valid choice. title is not one of the available choices.",
        ),
    ],
)
def test_session_list_bad_filter_is_400_naming_field(client, conference, params, field, message):
    response = get(client, "program-session-list", conference, params)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {field: [message]}}


def test_session_list_unknown_conference_is_404_before_filters(client):
    response = get(client, "program-session-list", "nope", {"day": "yesterday"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_session_list_query_count_constant(client, conference):
    def make_one():
        session = SessionFactory(conference=conference, track=TrackFactory(conference=conference))
        session.speakers.add(PersonFactory(conference=conference))
        session.chairs.add(PersonFactory(conference=conference))
        OralFactory(session=session)
        PosterFactory(session=session)

    assert_constant_queries(
        client,
        url("program-session-list", conference),
        make_one,
        expected=5,  # conference, count, page (rooms, tracks, counts joined), speakers, chairs
    )


def test_session_list_query_count_constant_with_filters(client, conference):
    assert_constant_queries(
        client,
        url("program-session-list", conference),
        lambda: SessionFactory(conference=conference, kind=SessionKind.POSTER),
        expected=5,
        params={"kind": "poster", "day": "2026-10-22", "cancelled": "false"},
    )


def test_session_detail_nests_orals_in_order_and_posters_in_board_order(client, conference):
    session = SessionFactory(conference=conference, title="Orals 1", description="About it.")
    speaker = PersonFactory(conference=conference, name="Sam Speaker")
    second = OralFactory(
        session=session,
        order=2,
        paper=paper(conference, "Second Talk", authors=("Bo", "Al")),
        start=local(DAY1, 10, 15),
    )
    first = OralFactory(session=session, order=1, paper=None, title="Opening remarks")
    first.speakers.add(speaker)
    board_10 = PosterFactory(session=session, board="A-10", paper=paper(conference, "Ten"))
    board_2 = PosterFactory(session=session, board="A-2", paper=None, title="Two")
    board_b1 = PosterFactory(session=session, board="B-1", paper=paper(conference, "B One"))

    response = client.get(url("program-session-detail", conference, pk=session.pk))

    body = response.json()
    assert response.status_code == 200
    assert (body["title"], body["description"], body["oral_count"], body["poster_count"]) == (
        "Orals 1",
        "About it.",
        2,
        3,
    )
    assert body["orals"] == [
        {
            "id": first.pk,
            "order": 1,
            "title": "Opening remarks",
            "start": "2026-10-22T07:00:00Z",
            "end": "2026-10-22T07:12:00Z",
            "paper": None,
            "speakers": [{"id": speaker.pk, "name": "Sam Speaker"}],
            "cancelled": False,
        },
        {
            "id": second.pk,
            "order": 2,
            "title": "Second Talk",
            "start": "2026-10-22T07:15:00Z",
            "end": "2026-10-22T07:27:00Z",
            "paper": {
                "id": second.paper_id,
                "title": "Second Talk",
                "authors": ["Bo", "Al"],
                "keywords": [],
            },
            "speakers": [],
            "cancelled": False,
        },
    ]
    assert [(p["id"], p["board"], p["title"]) for p in body["posters"]] == [
        (board_2.pk, "A-2", "Two"),
        (board_10.pk, "A-10", "Ten"),
        (board_b1.pk, "B-1", "B One"),
    ]


def test_session_detail_of_other_conference_is_404(client, conference):
    elsewhere = SessionFactory(conference=ConferenceFactory())

    response = client.get(url("program-session-detail", conference, pk=elsewhere.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_session_detail_ignores_list_filters(client, conference):
    session = SessionFactory(conference=conference, kind=SessionKind.KEYNOTE)

    response = client.get(
        url("program-session-detail", conference, pk=session.pk), {"kind": "poster"}
    )

    assert response.json()["id"] == session.pk


def test_session_detail_query_count_independent_of_posters(client, conference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = SessionFactory(conference=conference, kind=SessionKind.POSTER)
    path = url("program-session-detail", conference, pk=session.pk)
    counts = []
    for batch in (1, 30):
        PosterFactory.create_batch(batch, session=session)
        OralFactory.create_batch(batch, session=session)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        counts.append(len(captured.captured_queries))

    # conference, session, speakers, chairs, orals, oral authorships, oral speakers, posters
    assert counts == [8, 8]
