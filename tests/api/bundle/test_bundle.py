"""GET /api/v1/conferences/{slug}/bundle: content, ETag/304, gzip, errors, query counts."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.api.views import bundle as views
from planner.enums import MealKind, RoomKind, SessionKind
from planner.models import Conference
from tests import factories as f

pytestmark = pytest.mark.django_db

OCT24 = dt.date(2026, 10, 24)  # Israeli summer time (UTC+3)
OCT25 = dt.date(2026, 10, 25)  # winter time from 02:00 (UTC+2)


def url(conference: Conference, **query: object) -> str:
    tail = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/conferences/{conference.slug}/bundle" + (f"?{tail}" if tail else "")


def body(response) -> dict:
    raw = response.content
    if response.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw)


@pytest.fixture
def program(conference):
    """A small program with every optional field filled somewhere, across the DST change."""
    hall = f.RoomFactory(
        conference=conference,
        name="Hall A",
        kind=RoomKind.HALL,
        building="North",
        floor="1",
        capacity=800,
        map_x=0.0,
        map_y=0.5,
        position=1,
    )
    poster_hall = f.RoomFactory(
        conference=conference, name="Poster Hall", kind=RoomKind.POSTER_HALL, position=2
    )
    track = f.TrackFactory(
        conference=conference, name="3D Vision", slug="3d-vision", colour="#112233"
    )
    noa = f.PersonFactory(
        conference=conference,
        name="Noa Levi",
        affiliation="Tel Aviv University",
        homepage="https://noa.example.org/",
    )
    omer = f.PersonFactory(conference=conference, name="Omer Katz", affiliation="")
    paper = f.PaperFactory(
        conference=conference,
        title="Depth from Nothing",
        abstract="We estimate depth from nothing at all.",
        keywords=["3D", "depth"],
        arxiv_id="2601.00001",
        openreview_id="aBcD3",
        pdf_url="https://papers.example.org/1.pdf",
        project_url="https://depth.example.org/",
        code_url="https://github.com/example/depth",
        video_url="https://video.example.org/depth",
        site_url="https://conf.example.org/virtual/poster/1",
        status="Oral",
    )
    # Created second-author first: the bundle must follow `position`, not insertion order.
    f.AuthorshipFactory(paper=paper, person=omer, position=2)
    f.AuthorshipFactory(paper=paper, person=noa, position=1)
    bare = f.PaperFactory(conference=conference, title="A Bare Paper", abstract="")
    orals = f.SessionFactory(
        conference=conference,
        title="Orals 1",
        kind=SessionKind.ORAL,
        start=f.local(OCT24, 9),
        room=hall,
        track=track,
        description="Best papers.",
        url="https://conf.example.org/orals-1",
    )
    orals.chairs.add(omer)
    oral = f.OralFactory(session=orals, paper=paper, order=1)
    oral.speakers.add(noa)
    posters = f.SessionFactory(
        conference=conference,
        title="Posters 1",
        kind=SessionKind.POSTER,
        start=f.local(OCT25, 10, 30),
        room=poster_hall,
    )
    poster = f.PosterFactory(session=posters, paper=bare, board="042", map_x=0.25, map_y=0.75)
    withdrawn = f.PosterFactory(
        session=posters, paper=None, title="Withdrawn work", board="043", cancelled=True
    )
    booth = f.BoothFactory(
        conference=conference,
        exhibitor="Acme Robotics",
        number="B14",
        room=hall,
        tier="Gold",
        tags=["hiring", "demo"],
        website="https://acme.example.com/",
        description="Robots.",
    )
    f.BoothHoursFactory(booth=booth, start=f.local(OCT25, 9, 30))
    f.BoothHoursFactory(booth=booth, start=f.local(OCT24, 9, 30))
    lunch = f.MealFactory(
        conference=conference,
        kind=MealKind.LUNCH,
        title="Lunch",
        start=f.local(OCT24, 12, 30),
        room=hall,
        dietary_options=["vegetarian", "kosher"],
        notes="Bring your badge.",
    )
    f.MenuItemFactory(
        meal=lunch, name="Falafel", description="With tahini.", dietary=["vegan"], position=1
    )
    f.MenuItemFactory(meal=lunch, name="Shakshuka", dietary=["vegetarian"], position=0)
    return {
        "hall": hall,
        "poster_hall": poster_hall,
        "track": track,
        "noa": noa,
        "omer": omer,
        "paper": paper,
        "bare": bare,
        "orals": orals,
        "oral": oral,
        "posters": posters,
        "poster": poster,
        "withdrawn": withdrawn,
        "booth": booth,
        "lunch": lunch,
    }


def test_bundle_full_holds_the_whole_program_compact_and_in_utc(client, conference, program):
    p = program

    response = client.get(url(conference))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body(response) == {
        "format": 1,
        "version": 0,
        "since": None,
        "full": True,
        "conference": {
            "id": conference.pk,
            "slug": conference.slug,
            "name": conference.name,
            "timezone": "Asia/Jerusalem",
            "start_date": "2026-10-22",
            "end_date": "2026-10-26",
            "venue": "Expo Tel Aviv",
            "city": "",
            "country": "",
            "website": "",
            "schedule_version": 0,
        },
        "rooms": [
            {
                "id": p["hall"].pk,
                "name": "Hall A",
                "kind": "hall",
                "building": "North",
                "floor": "1",
                "capacity": 800,
                "x": 0.0,  # a position of 0 is a value, not "empty"
                "y": 0.5,
                "position": 1,
            },
            {
                "id": p["poster_hall"].pk,
                "name": "Poster Hall",
                "kind": "poster_hall",
                "position": 2,
            },
        ],
        "tracks": [
            {"id": p["track"].pk, "name": "3D Vision", "slug": "3d-vision", "colour": "#112233"}
        ],
        "people": [
            {
                "id": p["noa"].pk,
                "name": "Noa Levi",
                "affiliation": "Tel Aviv University",
                "homepage": "https://noa.example.org/",
            },
            {"id": p["omer"].pk, "name": "Omer Katz"},
        ],
        "papers": [
            {
                "id": p["paper"].pk,
                "title": "Depth from Nothing",
                "abstract": "We estimate depth from nothing at all.",
                "keywords": ["3D", "depth"],
                "arxiv": "2601.00001",
                "openreview": "aBcD3",
                "pdf": "https://papers.example.org/1.pdf",
                "project": "https://depth.example.org/",
                "code": "https://github.com/example/depth",
                "video": "https://video.example.org/depth",
                "site": "https://conf.example.org/virtual/poster/1",
                "status": "Oral",
                "authors": [p["noa"].pk, p["omer"].pk],
            },
            {"id": p["bare"].pk, "title": "A Bare Paper"},
        ],
        "sessions": [
            {
                "id": p["orals"].pk,
                "title": "Orals 1",
                "kind": "oral",
                "start": "2026-10-24T06:00:00Z",  # 09:00 IDT
                "end": "2026-10-24T07:30:00Z",
                "room": p["hall"].pk,
                "track": p["track"].pk,
                "description": "Best papers.",
                "url": "https://conf.example.org/orals-1",
                "chairs": [p["omer"].pk],
            },
            {
                "id": p["posters"].pk,
                "title": "Posters 1",
                "kind": "poster",
                "start": "2026-10-25T08:30:00Z",  # 10:30 IST, the day summer time ends
                "end": "2026-10-25T10:00:00Z",
                "room": p["poster_hall"].pk,
            },
        ],
        "orals": [
            {
                "id": p["oral"].pk,
                "session": p["orals"].pk,
                "paper": p["paper"].pk,
                "start": "2026-10-24T06:00:00Z",
                "end": "2026-10-24T06:12:00Z",
                "order": 1,
                "speakers": [p["noa"].pk],
            }
        ],
        "posters": [
            {
                "id": p["poster"].pk,
                "session": p["posters"].pk,
                "paper": p["bare"].pk,
                "board": "042",
                "x": 0.25,
                "y": 0.75,
            },
            {
                "id": p["withdrawn"].pk,
                "session": p["posters"].pk,
                "title": "Withdrawn work",
                "board": "043",
                "cancelled": True,
            },
        ],
        "booths": [
            {
                "id": p["booth"].pk,
                "exhibitor": "Acme Robotics",
                "number": "B14",
                "room": p["hall"].pk,
                "tier": "Gold",
                "tags": ["hiring", "demo"],
                "website": "https://acme.example.com/",
                "description": "Robots.",
                "hours": [
                    {"start": "2026-10-24T06:30:00Z", "end": "2026-10-24T14:30:00Z"},
                    {"start": "2026-10-25T07:30:00Z", "end": "2026-10-25T15:30:00Z"},
                ],
            }
        ],
        "meals": [
            {
                "id": p["lunch"].pk,
                "kind": "lunch",
                "title": "Lunch",
                "start": "2026-10-24T09:30:00Z",
                "end": "2026-10-24T10:45:00Z",
                "room": p["hall"].pk,
                "dietary": ["vegetarian", "kosher"],
                "notes": "Bring your badge.",
                "menu": [
                    {"name": "Shakshuka", "dietary": ["vegetarian"]},
                    {"name": "Falafel", "description": "With tahini.", "dietary": ["vegan"]},
                ],
            }
        ],
    }


SCHEMAS = {
    "rooms": views.BundleRoomSerializer,
    "tracks": views.BundleTrackSerializer,
    "people": views.BundlePersonSerializer,
    "papers": views.BundlePaperSerializer,
    "sessions": views.BundleSessionSerializer,
    "orals": views.BundleOralSerializer,
    "posters": views.BundlePosterSerializer,
    "booths": views.BundleBoothSerializer,
    "meals": views.BundleMealSerializer,
}


def test_bundle_rows_use_exactly_the_documented_fields(client, conference, program):
    """The body is built without serializers: every key it sends must be in the schema's
    serializer, and every field the schema calls required must be sent."""
    document = body(client.get(url(conference)))

    assert set(document) == set(views.BundleSerializer().fields)
    assert set(document["conference"]) == set(views.BundleConferenceSerializer().fields)
    for collection, serializer in SCHEMAS.items():
        fields = serializer().fields
        required = {name for name, field in fields.items() if field.required}
        for row in document[collection]:
            assert required <= set(row) <= set(fields), (collection, row)
    menu_fields = views.BundleMenuItemSerializer().fields
    for item in document["meals"][0]["menu"]:
        assert {"name"} <= set(item) <= set(menu_fields)


def test_bundle_answers_304_from_the_conference_row_alone(
    client, conference, program, bundle_cache
):
    first = client.get(url(conference))
    bundle_cache.reads.clear()

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url(conference), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"] == f'"bundle-{conference.pk}-v0"'
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "no-cache"
    assert len(queries) == 1  # the conference row, nothing else
    assert bundle_cache.reads == []  # the body is neither built nor loaded


def test_bundle_304_also_for_a_weak_or_listed_etag(client, conference):
    etag = f'"bundle-{conference.pk}-v0"'

    weak = client.get(url(conference), HTTP_IF_NONE_MATCH=f"W/{etag}")
    listed = client.get(url(conference), HTTP_IF_NONE_MATCH=f'"other", {etag}')
    stale = client.get(url(conference), HTTP_IF_NONE_MATCH='"bundle-1-v999"')

    assert (weak.status_code, listed.status_code, stale.status_code) == (304, 304, 200)


def test_bundle_new_version_changes_etag_and_body(client, conference, program):
    first = client.get(url(conference))
    Conference.objects.filter(pk=conference.pk).update(schedule_version=1)

    changed = client.get(url(conference), HTTP_IF_NONE_MATCH=first["ETag"])

    assert changed.status_code == 200
    assert changed["ETag"] == f'"bundle-{conference.pk}-v1"'
    assert body(changed)["version"] == 1  # not the body cached for version 0


def test_bundle_is_built_once_per_version_and_kept_compressed(
    client, conference, program, bundle_cache
):
    client.get(url(conference))
    (key,) = bundle_cache.writes
    stored = bundle_cache.get(key)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url(conference), HTTP_ACCEPT_ENCODING="gzip")

    assert len(queries) == 1  # the conference row; the body comes from the cache
    assert bundle_cache.writes == [key]
    assert again.content == stored
    assert json.loads(gzip.decompress(stored))["version"] == 0


def test_bundle_gzip_when_accepted_identity_otherwise(client, conference, program):
    zipped = client.get(url(conference), HTTP_ACCEPT_ENCODING="br, gzip;q=0.8")
    plain = client.get(url(conference))
    refused = client.get(url(conference), HTTP_ACCEPT_ENCODING="gzip;q=0, identity")

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert json.loads(plain.content)["sessions"][0]["title"] == "Orals 1"
    assert not plain.has_header("Content-Encoding")
    assert not refused.has_header("Content-Encoding")
    assert refused.content == plain.content
    assert len(zipped.content) < len(plain.content)
    for response in (zipped, plain, refused):
        assert response["Content-Length"] == str(len(response.content))
        assert "Accept-Encoding" in response["Vary"]
        assert response["Cache-Control"] == "no-cache"
        assert response["ETag"] == f'"bundle-{conference.pk}-v0"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("*;q=0, gzip;q=0.1", True),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("gzip;q=oops", False),
    ],
)
def test_accepts_gzip_reads_qvalues(header, expected):
    assert views.accepts_gzip(header) is expected


def test_no_middleware_compresses_the_bundle_twice():
    # The view serves bytes that are already gzip-compressed; GZipMiddleware would either
    # compress them again or (worse) drop the cached body's Content-Length.
    assert "django.middleware.gzip.GZipMiddleware" not in settings.MIDDLEWARE


@pytest.mark.parametrize("since", ["-1", "abc", "1.5", ""])
def test_bundle_bad_since_is_400_on_since(client, conference, since):
    response = client.get(url(conference, since=since))

    assert response.status_code == 400
    data = response.json()
    assert data["detail"] == "Invalid input."
    assert list(data["errors"]) == ["since"]
    assert data["errors"]["since"]  # one readable message


@pytest.mark.parametrize("ahead", [1, 10**30])
def test_bundle_since_beyond_current_version_is_the_full_bundle(client, conference, program, ahead):
    """A client newer than the server (the database was restored from a backup) cannot
    patch what it holds with a delta: it gets everything, as `full`, with the full ETag."""
    since = conference.schedule_version + ahead
    full = client.get(url(conference))

    response = client.get(url(conference, since=since))

    assert response.status_code == 200
    assert body(response) == body(full)
    assert body(response)["full"] is True
    assert body(response)["since"] is None
    assert body(response)["sessions"]
    assert response["ETag"] == full["ETag"]


def test_bundle_of_unknown_conference_is_404(client, conference):
    response = client.get("/api/v1/conferences/no-such-conference/bundle")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_bundle_never_shows_another_conference(client, conference, program):
    other = f.ConferenceFactory()
    f.SessionFactory(conference=other, title="Elsewhere")
    f.PaperFactory(conference=other, title="Not here")
    f.BoothHoursFactory(booth__conference=other)

    document = body(client.get(url(conference)))

    assert [s["title"] for s in document["sessions"]] == ["Orals 1", "Posters 1"]
    assert [p["title"] for p in document["papers"]] == ["Depth from Nothing", "A Bare Paper"]
    assert len(document["booths"]) == 1
    assert len(document["rooms"]) == 2


def _populate(conference: Conference, sessions: int) -> None:
    """``sessions`` oral sessions, each with a chaired talk (a two-author paper, a speaker) and
    a poster; a booth with hours and a meal with a menu per session."""
    for i in range(sessions):
        session = f.SessionFactory(
            conference=conference, start=f.local(OCT24, 8) + dt.timedelta(hours=i)
        )
        paper = f.PaperFactory(conference=conference, keywords=["x"])
        first, second = f.PersonFactory.create_batch(2, conference=conference)
        f.AuthorshipFactory(paper=paper, person=first, position=1)
        f.AuthorshipFactory(paper=paper, person=second, position=2)
        session.chairs.add(second)
        session.speakers.add(first)
        f.OralFactory(session=session, paper=paper, order=1).speakers.add(first)
        f.PosterFactory(session=session, paper=paper)
        f.BoothHoursFactory(booth__conference=conference)
        f.MenuItemFactory(meal__conference=conference)


def _queries_to_build(client, conference: Conference, **query: object) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(conference, **query))
    assert response.status_code == 200
    return len(queries)


def test_bundle_query_count_is_the_same_for_1_and_50_sessions(client):
    small, large = f.ConferenceFactory(), f.ConferenceFactory()
    _populate(small, 1)
    _populate(large, 50)

    small_full = _queries_to_build(client, small)
    large_full = _queries_to_build(client, large)
    small_delta = _queries_to_build(client, small, since=0)
    large_delta = _queries_to_build(client, large, since=0)

    assert len(body(client.get(url(large)))["orals"]) == 50
    assert small_full == large_full == small_delta == large_delta == 16  # conference + 15 reads


@pytest.mark.redis
def test_bundle_is_cached_in_redis_as_compressed_bytes(client, conference, program, settings):
    import redis

    from tests.infra import redis_url_for_tests

    prefix = f"test-bundle-{conference.pk}-{conference.created_at.timestamp()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url_for_tests(),
            "KEY_PREFIX": prefix,
        }
    }
    try:
        first = client.get(url(conference), HTTP_ACCEPT_ENCODING="gzip")
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url(conference), HTTP_ACCEPT_ENCODING="gzip")
        served_with = len(queries)  # now: the next request resets the query log
        plain = client.get(url(conference))
    finally:
        server = redis.Redis.from_url(redis_url_for_tests())
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)

    assert served_with == 1
    assert again.content == first.content
    assert gzip.decompress(again.content) == plain.content
    assert body(again)["sessions"][1]["start"] == "2026-10-25T08:30:00Z"
