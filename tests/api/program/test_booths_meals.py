import datetime as dt

import pytest
import time_machine

from planner.enums import MealKind
from tests.api.program.helpers import assert_constant_queries, get, ids, results, url
from tests.factories import (
    DAY1,
    BoothFactory,
    BoothHoursFactory,
    ConferenceFactory,
    MealFactory,
    MenuItemFactory,
    RoomFactory,
    local,
)

pytestmark = pytest.mark.django_db

DAY2 = DAY1 + dt.timedelta(days=1)


# --- booths ------------------------------------------------------------------------------


def booth_open(conference, start, end, **fields):
    booth = BoothFactory(conference=conference, **fields)
    BoothHoursFactory(booth=booth, start=start, end=end)
    return booth


def test_booth_list_shows_hours_and_details(client, conference):
    expo = RoomFactory(conference=conference, name="Expo")
    booth = BoothFactory(
        conference=conference,
        exhibitor="Acme Vision",
        number="B07",
        room=expo,
        tier="Gold",
        tags=["hiring", "demo"],
        website="https://acme.example",
    )
    BoothHoursFactory(booth=booth, start=local(DAY2, 9), end=local(DAY2, 17))
    BoothHoursFactory(booth=booth, start=local(DAY1, 9), end=local(DAY1, 17))
    BoothFactory(conference=ConferenceFactory())

    response = get(client, "program-booth-list", conference)

    assert results(response) == [
        {
            "id": booth.pk,
            "exhibitor": "Acme Vision",
            "description": "",
            "number": "B07",
            "room": {"id": expo.pk, "name": "Expo"},
            "tier": "Gold",
            "tags": ["hiring", "demo"],
            "website": "https://acme.example",
            "map_x": None,
            "map_y": None,
            "cancelled": False,
            "hours": [
                {"start": "2026-10-22T06:00:00Z", "end": "2026-10-22T14:00:00Z"},
                {"start": "2026-10-23T06:00:00Z", "end": "2026-10-23T14:00:00Z"},
            ],
        }
    ]


def test_booth_list_filter_tag(client, conference):
    hiring = BoothFactory(conference=conference, tags=["swag", "hiring"])
    BoothFactory(conference=conference, tags=["swag"])

    response = get(client, "program-booth-list", conference, {"tag": "hiring"})

    assert ids(response) == [hiring.pk]


def test_booth_list_filter_tier_ignores_case(client, conference):
    gold = BoothFactory(conference=conference, tier="Gold")
    BoothFactory(conference=conference, tier="Silver")

    response = get(client, "program-booth-list", conference, {"tier": "gold"})

    assert ids(response) == [gold.pk]


def test_booth_list_filter_open_at_instant(client, conference):
    morning = booth_open(conference, local(DAY1, 9), local(DAY1, 12))
    booth_open(conference, local(DAY1, 13), local(DAY1, 17))
    BoothFactory(conference=conference)  # no hours at all

    at_eleven = get(client, "program-booth-list", conference, {"open_at": "2026-10-22T08:00:00Z"})
    at_closing = get(client, "program-booth-list", conference, {"open_at": "2026-10-22T12:00"})

    assert ids(at_eleven) == [morning.pk]
    assert ids(at_closing) == []  # hours are [start, end)


def test_booth_list_filter_open_now(client, conference):
    morning = booth_open(conference, local(DAY1, 9), local(DAY1, 12))
    afternoon = booth_open(conference, local(DAY1, 13), local(DAY1, 17))

    with time_machine.travel(local(DAY1, 10), tick=False):
        open_now = get(client, "program-booth-list", conference, {"open_now": "true"})
        closed_now = get(client, "program-booth-list", conference, {"open_now": "false"})

    assert ids(open_now) == [morning.pk]
    assert ids(closed_now) == [afternoon.pk]


def test_booth_list_filter_cancelled(client, conference):
    live = BoothFactory(conference=conference, number="B01")
    BoothFactory(conference=conference, number="B02", cancelled=True)

    response = get(client, "program-booth-list", conference, {"cancelled": "false"})

    assert ids(response) == [live.pk]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"open_at": "nope"},
            "open_at",
            "Enter an ISO 8601 date-time, e.g. 2026-10-22T10:00:00+03:00.",
        ),
        ({"open_at": "9999-12-31T23:59:59"}, "open_at", "Use a year from 2 to 9998."),
        ({"open_now": "sometimes"}, "open_now", "Use true or false."),
        (
            {"tag": "free-food"},
            "tag",
            "Select a valid choice. free-food is not one of the available choices.",
        ),
    ],
)
def test_booth_list_bad_filter_is_400_naming_field(client, conference, params, field, message):
    response = get(client, "program-booth-list", conference, params)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {field: [message]}}


def test_booth_list_query_count_constant(client, conference):
    def make_one():
        booth = BoothFactory(conference=conference, room=RoomFactory(conference=conference))
        BoothHoursFactory(booth=booth)
        BoothHoursFactory(booth=booth, start=local(DAY2, 9))

    assert_constant_queries(
        client,
        url("program-booth-list", conference),
        make_one,
        expected=4,  # conference, count, page with rooms, hours
        params={"open_at": "2026-10-22T10:00"},
    )


# --- meals -------------------------------------------------------------------------------


def test_meal_list_shows_menu_items_in_order(client, conference):
    foyer = RoomFactory(conference=conference, name="Foyer")
    meal = MealFactory(
        conference=conference,
        kind=MealKind.LUNCH,
        title="Lunch",
        room=foyer,
        dietary_options=["vegetarian", "kosher"],
        notes="Badge required.",
    )
    soup = MenuItemFactory(meal=meal, name="Soup", position=2, dietary=["vegan"])
    salad = MenuItemFactory(meal=meal, name="Salad", position=1, description="Green")

    response = get(client, "program-meal-list", conference)

    assert results(response) == [
        {
            "id": meal.pk,
            "kind": "lunch",
            "title": "Lunch",
            "start": "2026-10-22T09:30:00Z",
            "end": "2026-10-22T10:45:00Z",
            "room": {"id": foyer.pk, "name": "Foyer"},
            "dietary_options": ["vegetarian", "kosher"],
            "notes": "Badge required.",
            "cancelled": False,
            "menu_items": [
                {"id": salad.pk, "name": "Salad", "description": "Green", "dietary": []},
                {"id": soup.pk, "name": "Soup", "description": "", "dietary": ["vegan"]},
            ],
        }
    ]


def test_meal_list_filter_kind(client, conference):
    coffee = MealFactory(conference=conference, kind=MealKind.COFFEE, title="Coffee")
    MealFactory(conference=conference, kind=MealKind.LUNCH)

    response = get(client, "program-meal-list", conference, {"kind": "coffee"})

    assert ids(response) == [coffee.pk]


def test_meal_list_filter_day_is_local_date(client, conference):
    # 00:15 local on day 2 is still day 1 in UTC (21:15Z): the day is the local one.
    late = MealFactory(conference=conference, kind=MealKind.RECEPTION, start=local(DAY2, 0, 15))
    MealFactory(conference=conference, start=local(DAY1, 12))

    response = get(client, "program-meal-list", conference, {"day": DAY2.isoformat()})

    assert ids(response) == [late.pk]
    assert results(response)[0]["start"] == "2026-10-22T21:15:00Z"


def test_meal_list_filter_dietary_overall_or_menu_item(client, conference):
    overall = MealFactory(conference=conference, start=local(DAY1, 8), dietary_options=["vegan"])
    by_item = MealFactory(conference=conference, start=local(DAY1, 12), dietary_options=[])
    MenuItemFactory(meal=by_item, dietary=["gluten_free", "vegan"])
    MealFactory(conference=conference, start=local(DAY1, 18), dietary_options=["kosher"])

    response = get(client, "program-meal-list", conference, {"dietary": "vegan"})

    assert ids(response) == [overall.pk, by_item.pk]


def test_meal_list_filter_cancelled(client, conference):
    live = MealFactory(conference=conference, start=local(DAY1, 8))
    MealFactory(conference=conference, start=local(DAY1, 12), cancelled=True)

    response = get(client, "program-meal-list", conference, {"cancelled": "false"})

    assert ids(response) == [live.pk]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"day": "yesterday"}, "day", "Enter a valid date."),
        (
            {"dietary": "paleo"},
            "dietary",
            "Select a valid choice. paleo is not one of the available choices.",
        ),
    ],
)
def test_meal_list_bad_filter_is_400_naming_field(client, conference, params, field, message):
    response = get(client, "program-meal-list", conference, params)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {field: [message]}}


def test_meal_list_unknown_conference_is_404(client):
    response = get(client, "program-meal-list", "nope")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_meal_list_query_count_constant(client, conference):
    def make_one():
        meal = MealFactory(conference=conference, room=RoomFactory(conference=conference))
        MenuItemFactory.create_batch(2, meal=meal, dietary=["vegan"])

    assert_constant_queries(
        client,
        url("program-meal-list", conference),
        make_one,
        expected=4,  # conference, count, page with rooms, menu items
        params={"dietary": "vegan"},
    )
