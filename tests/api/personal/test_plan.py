from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from rest_framework.test import APIClient

from planner.importers.base import (
    BoothData,
    MealData,
    OralData,
    ParsedSchedule,
    PosterData,
    RoomData,
    SessionData,
)
from planner.models import Attendee, Booth, Meal, Oral, PlanItem, Poster, Session
from planner.services.program import program_items_set_cancelled
from planner.services.schedule_upsert import schedule_upsert
from tests.api.personal.conftest import count_queries, url
from tests.factories import (
    DAY1,
    BoothFactory,
    ConferenceFactory,
    MealFactory,
    OralFactory,
    PlanItemFactory,
    PosterFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


def item_url(conference, kind: str, target_id: int) -> str:
    return url("personal-plan-item", conference, kind=kind, target_id=target_id)


def plan_version(attendee) -> int:
    return Attendee.objects.get(pk=attendee.pk).plan_version


def test_plan_put_creates_then_replay_answers_same_body_without_new_row(api, attendee, conference):
    session = SessionFactory(conference=conference)
    body = {"status": "must_see", "note": "Front row", "reminder_minutes": 15}

    first = api.put(item_url(conference, "session", session.pk), body, format="json")
    again = api.put(item_url(conference, "session", session.pk), body, format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["status"] == "must_see"
    assert first.json()["note"] == "Front row"
    assert first.json()["reminder_minutes"] == 15
    assert PlanItem.objects.filter(attendee=attendee).count() == 1
    assert plan_version(attendee) == 1  # the replay changed nothing


def test_plan_put_replayed_50_times_in_a_row_keeps_one_item(api, attendee, conference):
    booth = BoothFactory(conference=conference)
    body = {"status": "going", "note": "Ask about internships"}

    responses = [
        api.put(item_url(conference, "booth", booth.pk), body, format="json") for _ in range(50)
    ]

    assert [r.status_code for r in responses] == [201] + [200] * 49
    assert len({str(r.json()) for r in responses}) == 1
    assert PlanItem.objects.filter(attendee=attendee, booth=booth).count() == 1
    assert plan_version(attendee) == 1


def test_plan_put_with_other_values_updates_and_bumps_plan_version(api, attendee, conference):
    session = SessionFactory(conference=conference)
    api.put(item_url(conference, "session", session.pk), {"status": "going"}, format="json")

    response = api.put(
        item_url(conference, "session", session.pk), {"status": "must_see"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "must_see"
    assert PlanItem.objects.get(attendee=attendee, session=session).status == "must_see"
    assert plan_version(attendee) == 2


def test_plan_put_replaces_fields_left_out_with_defaults(api, attendee, conference):
    session = SessionFactory(conference=conference)
    full = {"status": "going", "note": "Bring questions", "reminder_minutes": 30}
    api.put(item_url(conference, "session", session.pk), full, format="json")

    response = api.put(item_url(conference, "session", session.pk), {}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["note"]) == ("interested", "")
    assert response.json()["reminder_minutes"] is None


def test_plan_put_renders_each_kind_of_target(api, conference):
    hall = RoomFactory(conference=conference, name="Hall A")
    poster_hall = RoomFactory(conference=conference, name="Poster Hall")
    session = SessionFactory(conference=conference, room=hall, title="Opening")
    oral = OralFactory(session=session, title="A Talk", paper=None)
    poster_session = SessionFactory(
        conference=conference,
        room=poster_hall,
        kind="poster",
        start=local(DAY1, 14),
        end=local(DAY1, 15, 30),
    )
    poster = PosterFactory(session=poster_session, board="A-12", title="A Poster", paper=None)
    booth = BoothFactory(conference=conference, exhibitor="Acme Robotics", room=hall)
    meal = MealFactory(conference=conference, room=hall, title="Lunch on the terrace")
    expected = {
        "session": ("Opening", "2026-10-22T07:00:00Z", "2026-10-22T08:30:00Z", "Hall A", None),
        "oral": ("A Talk", "2026-10-22T07:00:00Z", "2026-10-22T07:12:00Z", "Hall A", None),
        "poster": (
            "A Poster",
            "2026-10-22T11:00:00Z",
            "2026-10-22T12:30:00Z",
            "Poster Hall",
            "A-12",
        ),
        "booth": ("Acme Robotics", None, None, "Hall A", None),
        "meal": (
            "Lunch on the terrace",
            "2026-10-22T09:30:00Z",
            "2026-10-22T10:45:00Z",
            "Hall A",
            None,
        ),
    }
    targets = {"session": session, "oral": oral, "poster": poster, "booth": booth, "meal": meal}

    for kind, target in targets.items():
        response = api.put(item_url(conference, kind, target.pk), {}, format="json")
        assert response.status_code == 201, kind
        got = response.json()["target"]
        assert got["kind"] == kind
        assert got["id"] == target.pk
        assert (got["title"], got["start"], got["end"], got["room"], got["board"]) == expected[kind]
    assert [
        i["target"]["kind"]
        for i in api.get(url("personal-plan-list", conference)).json()["results"]
    ] == ["session", "oral", "meal", "poster", "booth"]


def test_plan_put_target_of_another_conference_is_404_and_plans_nothing(api, attendee, conference):
    elsewhere = SessionFactory(conference=ConferenceFactory())

    response = api.put(item_url(conference, "session", elsewhere.pk), {}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such session in this conference.", "errors": {}}
    assert PlanItem.objects.count() == 0
    assert plan_version(attendee) == 0


def test_plan_put_unknown_kind_or_target_is_404(api, conference):
    assert api.put(item_url(conference, "workshop", 1), {}, format="json").status_code == 404
    assert api.put(item_url(conference, "session", 999999), {}, format="json").status_code == 404


def test_plan_put_invalid_values_are_400_by_field(api, conference):
    session = SessionFactory(conference=conference)

    response = api.put(
        item_url(conference, "session", session.pk),
        {"status": "maybe", "reminder_minutes": 5000},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid input."
    assert set(response.json()["errors"]) == {"status", "reminder_minutes"}
    assert PlanItem.objects.count() == 0


def test_plan_patch_changes_only_the_given_fields(api, attendee, conference):
    session = SessionFactory(conference=conference)
    api.put(
        item_url(conference, "session", session.pk),
        {"status": "going", "note": "Keep", "reminder_minutes": 20},
        format="json",
    )

    response = api.patch(
        item_url(conference, "session", session.pk), {"note": "Changed"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["note"], body["reminder_minutes"]) == ("going", "Changed", 20)
    assert plan_version(attendee) == 2


def test_plan_patch_with_same_values_does_not_bump_plan_version(api, attendee, conference):
    session = SessionFactory(conference=conference)
    api.put(item_url(conference, "session", session.pk), {"status": "going"}, format="json")

    response = api.patch(
        item_url(conference, "session", session.pk), {"status": "going"}, format="json"
    )

    assert response.status_code == 200
    assert plan_version(attendee) == 1


def test_plan_patch_of_item_not_planned_is_404(api, conference):
    session = SessionFactory(conference=conference)

    response = api.patch(item_url(conference, "session", session.pk), {"note": "x"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "This session is not in your plan.", "errors": {}}


def test_plan_delete_removes_then_second_delete_is_404(api, attendee, conference):
    meal = MealFactory(conference=conference)
    api.put(item_url(conference, "meal", meal.pk), {}, format="json")

    first = api.delete(item_url(conference, "meal", meal.pk))
    second = api.delete(item_url(conference, "meal", meal.pk))

    assert first.status_code == 204
    assert second.status_code == 404
    assert PlanItem.objects.filter(attendee=attendee).count() == 0
    assert plan_version(attendee) == 2


def test_plan_of_another_user_is_out_of_reach_and_unchanged(api, other_api, attendee, conference):
    session = SessionFactory(conference=conference)
    api.put(item_url(conference, "session", session.pk), {"note": "Mine"}, format="json")

    patched = other_api.patch(
        item_url(conference, "session", session.pk), {"note": "Theirs"}, format="json"
    )
    deleted = other_api.delete(item_url(conference, "session", session.pk))
    listed = other_api.get(url("personal-plan-list", conference))

    assert patched.status_code == 404
    assert deleted.status_code == 404
    assert listed.json()["results"] == []
    assert PlanItem.objects.get(attendee=attendee, session=session).note == "Mine"
    assert plan_version(attendee) == 1


def program_file(*, drop: frozenset[str] = frozenset()) -> ParsedSchedule:
    """A small schedule file (two orals, two posters, a booth, lunch and coffee) without the
    items whose keys are in ``drop``."""
    parsed = ParsedSchedule(
        format="csv",
        rooms=[RoomData(key="hall", name="Hall A"), RoomData(key="expo", name="Expo")],
        sessions=[
            SessionData(
                key="orals",
                title="Orals 1",
                kind="oral",
                start=local(DAY1, 9),
                end=local(DAY1, 10),
                room="hall",
            ),
            SessionData(
                key="posters",
                title="Posters 1",
                kind="poster",
                start=local(DAY1, 14),
                end=local(DAY1, 15),
                room="expo",
            ),
        ],
        orals=[
            OralData(
                key=f"o{order}",
                session="orals",
                start=local(DAY1, 9, 12 * (order - 1)),
                end=local(DAY1, 9, 12 * order),
                order=order,
                title=title,
            )
            for order, title in ((1, "Depth from Nothing"), (2, "Flow from Everything"))
        ],
        posters=[
            PosterData(key=f"b{board}", session="posters", board=f"00{board}", title="Poster")
            for board in (1, 2)
        ],
        booths=[BoothData(key="acme", exhibitor="Acme", room="expo")],
        meals=[
            MealData(
                key=kind,
                kind=kind,
                title=kind.title(),
                start=local(DAY1, hour, 30),
                end=local(DAY1, hour + 1),
                room="expo",
            )
            for kind, hour in (("lunch", 12), ("coffee", 15))
        ],
        covers=frozenset({"sessions", "orals", "posters", "booths", "meals"}),
    )
    for collection in ("orals", "posters", "meals"):
        kept = [row for row in getattr(parsed, collection) if row.key not in drop]
        parsed = dataclasses.replace(parsed, **{collection: kept})
    return parsed


def test_plan_keeps_items_a_reimport_cancelled_and_flags_them(api, attendee, conference):
    schedule_upsert(conference=conference, parsed=program_file())
    targets = {
        "session": Session.objects.get(conference=conference, external_id="orals"),
        "oral": Oral.objects.get(conference=conference, external_id="o1"),
        "poster": Poster.objects.get(conference=conference, external_id="b1"),
        "booth": Booth.objects.get(conference=conference, external_id="acme"),
        "meal": Meal.objects.get(conference=conference, external_id="lunch"),
    }
    for kind, target in targets.items():
        assert api.put(item_url(conference, kind, target.pk), {}, format="json").status_code == 201

    # The next file no longer lists the oral, the poster nor the lunch.
    schedule_upsert(
        conference=conference, parsed=program_file(drop=frozenset({"o1", "b1", "lunch"}))
    )
    listed = api.get(url("personal-plan-list", conference)).json()
    detail = api.get(item_url(conference, "oral", targets["oral"].pk))
    body = api.get(url("personal-plan-conflicts", conference)).json()

    assert listed["count"] == 5
    assert {
        (i["target"]["kind"], i["target"]["id"]): i["target"]["cancelled"]
        for i in listed["results"]
    } == {
        ("session", targets["session"].pk): False,
        ("oral", targets["oral"].pk): True,
        ("poster", targets["poster"].pk): True,
        ("booth", targets["booth"].pk): False,
        ("meal", targets["meal"].pk): True,
    }
    assert detail.status_code == 200
    assert (detail.json()["target"]["title"], detail.json()["target"]["cancelled"]) == (
        "Depth from Nothing",
        True,
    )
    assert [(t["kind"], t["id"]) for t in body["cancelled"]] == [
        ("oral", targets["oral"].pk),
        ("meal", targets["meal"].pk),
        ("poster", targets["poster"].pk),
    ]


def test_plan_oral_and_poster_of_a_cancelled_session_show_as_cancelled(api, attendee, conference):
    session = SessionFactory(conference=conference)
    oral = OralFactory(session=session)
    poster_session = SessionFactory(conference=conference, kind="poster")
    poster = PosterFactory(session=poster_session)
    PlanItemFactory(attendee=attendee, session=None, oral=oral)
    PlanItemFactory(attendee=attendee, session=None, poster=poster)

    program_items_set_cancelled(
        conference=conference, items=[session, poster_session], cancelled=True
    )
    listed = api.get(url("personal-plan-list", conference)).json()["results"]

    assert Oral.objects.get(pk=oral.pk).cancelled is False  # only its session was cancelled
    assert sorted(
        (i["target"]["kind"], i["target"]["id"], i["target"]["cancelled"]) for i in listed
    ) == [("oral", oral.pk, True), ("poster", poster.pk, True)]


def test_plan_list_joins_the_conference_on_first_use(conference):
    newcomer = UserFactory(first_name="Grace", last_name="Hopper")
    client = APIClient()
    client.force_authenticate(newcomer)

    response = client.get(url("personal-plan-list", conference))

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert Attendee.objects.get(user=newcomer, conference=conference).display_name == (
        "Grace Hopper"
    )


def test_plan_needs_a_signed_in_user(conference):
    response = APIClient().get(url("personal-plan-list", conference))

    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}


def test_plan_of_unknown_conference_is_404(api):
    response = api.get("/api/v1/conferences/no-such-conference/plan/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_plan_list_query_count_is_the_same_for_1_and_50_items(api, attendee, conference):
    def add(n: int) -> None:
        for i in range(n):
            start = local(DAY1, 9) + dt.timedelta(minutes=15 * i)
            PlanItemFactory(
                attendee=attendee, session=SessionFactory(conference=conference, start=start)
            )
            poster = PosterFactory(session__conference=conference)
            PlanItemFactory(attendee=attendee, session=None, poster=poster)
            PlanItemFactory(
                attendee=attendee, session=None, oral=OralFactory(session__conference=conference)
            )
            PlanItemFactory(
                attendee=attendee, session=None, booth=BoothFactory(conference=conference)
            )
            PlanItemFactory(
                attendee=attendee, session=None, meal=MealFactory(conference=conference)
            )

    def fetch() -> None:
        response = api.get(url("personal-plan-list", conference), {"page_size": 500})
        assert response.status_code == 200

    add(1)
    one = count_queries(fetch)
    add(49)
    many = count_queries(fetch)

    assert one == many
    assert api.get(url("personal-plan-list", conference), {"page_size": 500}).json()["count"] == 250
