import pytest

from planner.enums import RoomKind
from planner.models import Room
from tests.api.program.helpers import assert_constant_queries, get, results, url
from tests.factories import ConferenceFactory, RoomFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_room_list_in_timetable_order_without_other_conferences(client, conference):
    RoomFactory(conference=ConferenceFactory(), name="Elsewhere")
    hall = RoomFactory(
        conference=conference, name="Hall A", kind=RoomKind.HALL, position=2, capacity=800
    )
    poster = RoomFactory(
        conference=conference,
        name="Poster Hall",
        kind=RoomKind.POSTER_HALL,
        position=1,
        building="Pavilion 2",
        floor="0",
        map_x=0.25,
        map_y=0.5,
    )

    response = get(client, "program-room-list", conference)

    assert results(response) == [
        {
            "id": poster.pk,
            "name": "Poster Hall",
            "kind": "poster_hall",
            "building": "Pavilion 2",
            "floor": "0",
            "capacity": None,
            "map_x": 0.25,
            "map_y": 0.5,
            "position": 1,
        },
        {
            "id": hall.pk,
            "name": "Hall A",
            "kind": "hall",
            "building": "",
            "floor": "",
            "capacity": 800,
            "map_x": None,
            "map_y": None,
            "position": 2,
        },
    ]


def test_track_list_by_name(client, conference):
    vision = TrackFactory(conference=conference, name="Vision", slug="vision", colour="#112233")
    audio = TrackFactory(conference=conference, name="Audio", slug="audio", colour="#445566")

    response = get(client, "program-track-list", conference)

    assert results(response) == [
        {"id": audio.pk, "name": "Audio", "slug": "audio", "colour": "#445566"},
        {"id": vision.pk, "name": "Vision", "slug": "vision", "colour": "#112233"},
    ]


@pytest.mark.parametrize("name", ["program-room-list", "program-track-list"])
def test_program_list_unknown_conference_is_404_in_error_shape(client, name):
    response = get(client, name, "no-such-conference")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_room_list_query_count_constant(client, conference):
    assert_constant_queries(
        client,
        url("program-room-list", conference),
        lambda: RoomFactory(conference=conference),
        expected=3,  # conference, count, page
    )


def test_track_list_query_count_constant(client, conference):
    assert_constant_queries(
        client,
        url("program-track-list", conference),
        lambda: TrackFactory(conference=conference),
        expected=3,
    )


def test_room_list_page_size_param_pages(client, conference):
    RoomFactory.create_batch(3, conference=conference)

    response = get(client, "program-room-list", conference, {"page_size": 2})

    assert (response.json()["count"], len(results(response))) == (3, 2)
    assert response.json()["next"].endswith("page=2&page_size=2")


def test_room_list_page_size_up_to_500(client, conference):
    Room.objects.bulk_create(Room(conference=conference, name=f"R{n}") for n in range(501))

    response = get(client, "program-room-list", conference, {"page_size": 500})

    assert (response.json()["count"], len(results(response))) == (501, 500)
