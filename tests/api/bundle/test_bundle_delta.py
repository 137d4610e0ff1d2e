"""?since=V deltas after real imports: exactly the changed rows, cancelled ones as tombstones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json

import pytest

from planner.importers.base import (
    BoothData,
    MealData,
    MenuItemData,
    OralData,
    PaperData,
    ParsedSchedule,
    PersonData,
    PosterData,
    RoomData,
    SessionData,
    TrackData,
)
from planner.models import Paper, Person, Poster, Session, Track
from planner.services.schedule_upsert import schedule_upsert
from tests import factories as f

pytestmark = pytest.mark.django_db

OCT24 = dt.date(2026, 10, 24)
OCT25 = dt.date(2026, 10, 25)
COVERS = frozenset({"sessions", "orals", "posters", "booths", "meals"})


def url(conference, since=None) -> str:
    base = f"/api/v1/conferences/{conference.slug}/bundle"
    return base if since is None else f"{base}?since={since}"


def get(client, conference, since=None, **headers) -> dict:
    response = client.get(url(conference, since), HTTP_ACCEPT_ENCODING="gzip", **headers)
    assert response.status_code == 200, response.content
    return json.loads(gzip.decompress(response.content))


def version_1() -> ParsedSchedule:
    return ParsedSchedule(
        format="csv",
        rooms=[RoomData(key="Hall A", name="Hall A"), RoomData(key="Hall B", name="Hall B")],
        tracks=[TrackData(name="Vision", colour="#123456")],
        people=[
            PersonData(key="noa", name="Noa Levi", affiliation="TAU"),
            PersonData(key="omer", name="Omer Katz", affiliation="Technion"),
        ],
        papers=[
            PaperData(key="p1", title="Depth from Nothing", authors=["omer", "noa"]),
            PaperData(key="p2", title="Flow from Everything", authors=["noa"]),
            PaperData(key="p3", title="Segment Some Things", authors=["omer"]),
        ],
        sessions=[
            SessionData(
                key="s-orals",
                title="Orals 1",
                kind="oral",
                start=f.local(OCT24, 9),
                end=f.local(OCT24, 10, 30),
                room="Hall A",
                track="Vision",
            ),
            SessionData(
                key="s-posters",
                title="Posters 1",
                kind="poster",
                start=f.local(OCT25, 10, 30),
                end=f.local(OCT25, 12),
                room="Hall B",
            ),
        ],
        orals=[
            OralData(
                key="o1",
                session="s-orals",
                start=f.local(OCT24, 9),
                end=f.local(OCT24, 9, 12),
                order=1,
                paper="p1",
                speakers=["omer"],
            )
        ],
        posters=[
            PosterData(key="b1", session="s-posters", board="001", paper="p2"),
            PosterData(key="b2", session="s-posters", board="002", paper="p3"),
        ],
        booths=[
            BoothData(
                key="acme",
                exhibitor="Acme",
                number="E1",
                room="Hall B",
                hours=[(f.local(OCT24, 9), f.local(OCT24, 17))],
            )
        ],
        meals=[
            MealData(
                key="lunch",
                kind="lunch",
                title="Lunch",
                start=f.local(OCT24, 12, 30),
                end=f.local(OCT24, 13, 45),
                menu=[MenuItemData(name="Falafel", dietary=["vegan"])],
            )
        ],
        covers=COVERS,
    )


def version_2() -> ParsedSchedule:
    """Orals 1 moves an hour later, poster b2 is gone from the file, p2 is retitled."""
    parsed = version_1()
    orals = parsed.sessions[0]
    parsed.sessions[0] = dataclasses.replace(
        orals, start=orals.start + dt.timedelta(hours=1), end=orals.end + dt.timedelta(hours=1)
    )
    parsed.posters = [p for p in parsed.posters if p.key != "b2"]
    parsed.papers[1] = dataclasses.replace(parsed.papers[1], title="Flow from Everything, Revised")
    return parsed


def ids(model, **lookups) -> int:
    return model.objects.get(**lookups).pk


@pytest.fixture
def imported(conference):
    """The program imported as version 1, then the changed file as version 2."""
    assert schedule_upsert(conference=conference, parsed=version_1()).schedule_version == 1
    assert schedule_upsert(conference=conference, parsed=version_2()).schedule_version == 2
    conference.refresh_from_db()
    return conference


def test_delta_holds_exactly_the_changed_rows_and_a_tombstone(client, imported):
    conference = imported
    full = get(client, conference)

    delta = get(client, conference, since=1)

    assert {k: delta[k] for k in ("format", "version", "since", "full")} == {
        "format": 1,
        "version": 2,
        "since": 1,
        "full": False,
    }
    assert delta["rooms"] == full["rooms"]
    assert [r["name"] for r in delta["rooms"]] == ["Hall A", "Hall B"]
    assert delta["tracks"] == [
        {"id": ids(Track, name="Vision"), "name": "Vision", "slug": "vision", "colour": "#123456"}
    ]
    assert delta["sessions"] == [
        {
            "id": ids(Session, external_id="s-orals"),
            "title": "Orals 1",
            "kind": "oral",
            "start": "2026-10-24T07:00:00Z",  # 10:00 IDT, was 09:00
            "end": "2026-10-24T08:30:00Z",
            "room": full["rooms"][0]["id"],
            "track": full["tracks"][0]["id"],
        }
    ]
    assert delta["posters"] == [
        {
            "id": ids(Poster, external_id="b2"),
            "session": ids(Session, external_id="s-posters"),
            "paper": ids(Paper, external_id="p3"),
            "board": "002",
            "cancelled": True,
        }
    ]
    assert delta["papers"] == [
        {
            "id": ids(Paper, external_id="p2"),
            "title": "Flow from Everything, Revised",
            "authors": [ids(Person, external_id="noa")],
        }
    ]
    assert delta["orals"] == delta["people"] == delta["booths"] == delta["meals"] == []


def test_full_bundle_after_the_change_has_the_new_state(client, imported):
    full = get(client, imported)

    assert full["full"] is True
    assert full["since"] is None
    assert full["version"] == 2
    assert [s["start"] for s in full["sessions"]] == [
        "2026-10-24T07:00:00Z",
        "2026-10-25T08:30:00Z",
    ]
    assert [(p["board"], p.get("cancelled", False)) for p in full["posters"]] == [
        ("001", False),
        ("002", True),
    ]
    p1 = next(p for p in full["papers"] if p["title"] == "Depth from Nothing")
    people = {p["id"]: p for p in full["people"]}
    assert [(people[a]["name"], people[a]["affiliation"]) for a in p1["authors"]] == [
        ("Omer Katz", "Technion"),
        ("Noa Levi", "TAU"),
    ]
    (oral,) = full["orals"]
    assert oral["speakers"] == [ids(Person, external_id="omer")]
    assert full["booths"][0]["hours"] == [
        {"start": "2026-10-24T06:00:00Z", "end": "2026-10-24T14:00:00Z"}
    ]
    assert full["meals"][0]["menu"] == [{"name": "Falafel", "dietary": ["vegan"]}]


def test_delta_since_0_is_everything_imported(client, imported):
    full = get(client, imported)

    delta = get(client, imported, since=0)

    for collection in ("people", "papers", "sessions", "orals", "posters", "booths", "meals"):
        assert delta[collection] == full[collection], collection


def test_delta_since_current_version_is_empty_or_304(client, imported):
    delta = client.get(url(imported, 2))
    document = json.loads(delta.content)

    again = client.get(url(imported, 2), HTTP_IF_NONE_MATCH=delta["ETag"])

    assert delta["ETag"] == f'"bundle-{imported.pk}-v2-since2"'
    assert document["full"] is False
    assert (document["since"], document["version"]) == (2, 2)
    for collection in ("people", "papers", "sessions", "orals", "posters", "booths", "meals"):
        assert document[collection] == [], collection
    assert len(document["rooms"]) == 2
    assert again.status_code == 304


def test_delta_etag_differs_from_full_and_other_deltas(client, imported):
    full = client.get(url(imported))
    since_1 = client.get(url(imported, 1))

    assert full["ETag"] == f'"bundle-{imported.pk}-v2"'
    assert since_1["ETag"] == f'"bundle-{imported.pk}-v2-since1"'
    # A full bundle's ETag does not validate a delta, nor one delta another.
    assert client.get(url(imported, 1), HTTP_IF_NONE_MATCH=full["ETag"]).status_code == 200
    assert client.get(url(imported, 0), HTTP_IF_NONE_MATCH=since_1["ETag"]).status_code == 200


def test_relinked_authors_and_new_hours_bring_their_parent_into_the_delta(client, imported):
    parsed = version_2()
    parsed.people.append(PersonData(key="maya", name="Maya Cohen", affiliation="Weizmann"))
    parsed.papers[0] = dataclasses.replace(parsed.papers[0], authors=["noa", "maya"])
    acme = parsed.booths[0]
    parsed.booths[0] = dataclasses.replace(
        acme, hours=[*acme.hours, (f.local(OCT25, 9), f.local(OCT25, 17))]
    )
    assert schedule_upsert(conference=imported, parsed=parsed).schedule_version == 3
    imported.refresh_from_db()

    delta = get(client, imported, since=2)

    maya = ids(Person, external_id="maya")
    assert delta["people"] == [{"id": maya, "name": "Maya Cohen", "affiliation": "Weizmann"}]
    assert [(p["title"], p["authors"]) for p in delta["papers"]] == [
        ("Depth from Nothing", [ids(Person, external_id="noa"), maya])
    ]
    (booth,) = delta["booths"]
    assert len(booth["hours"]) == 2
    assert delta["sessions"] == delta["posters"] == delta["orals"] == delta["meals"] == []


def test_cached_bundle_is_not_served_for_the_next_version(client, conference):
    schedule_upsert(conference=conference, parsed=version_1())
    conference.refresh_from_db()
    before = get(client, conference)  # cached for version 1
    schedule_upsert(conference=conference, parsed=version_2())
    conference.refresh_from_db()

    after = get(client, conference, HTTP_IF_NONE_MATCH=f'"bundle-{conference.pk}-v1"')

    assert (before["version"], after["version"]) == (1, 2)
    assert before["sessions"][0]["start"] == "2026-10-24T06:00:00Z"
    assert after["sessions"][0]["start"] == "2026-10-24T07:00:00Z"
