"""Issue 9, defect 9: what the OpenAPI schema promises is what the API does."""

from __future__ import annotations

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from planner.models import Conference, Poster, Session
from tests.factories import BoothFactory, ConferenceFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db

BIGINT = 2**63 - 1


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operation(schema: dict, path: str, method: str = "get") -> dict:
    return schema["paths"][path][method]


def query_parameter(schema: dict, path: str, name: str) -> dict:
    parameters = operation(schema, path)["parameters"]
    return next(p for p in parameters if p["in"] == "query" and p["name"] == name)


def program(name: str, conference: Conference, **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": conference.slug, **kwargs})


# --- URLs that are not set are null, not "" (which is no `format: uri`) --------------------


def test_conference_without_website_says_null(client, schema):
    conference = ConferenceFactory(website="")

    listed = client.get("/api/v1/conferences/").json()["results"]
    detail = client.get(f"/api/v1/conferences/{conference.slug}/").json()

    assert [row["website"] for row in listed] == [None]
    assert detail["website"] is None
    assert schema["components"]["schemas"]["Conference"]["properties"]["website"] == {
        "type": "string",
        "format": "uri",
        "readOnly": True,
        "nullable": True,
    }


def test_conference_with_website_gives_it(client):
    conference = ConferenceFactory(website="https://example.org/c/")

    detail = client.get(f"/api/v1/conferences/{conference.slug}/").json()

    assert detail["website"] == "https://example.org/c/"


def test_booth_and_session_without_url_say_null(client, conference, schema):
    BoothFactory(conference=conference, website="")
    session = SessionFactory(conference=conference, url="")

    booths = client.get(program("program-booth-list", conference)).json()["results"]
    detail = client.get(program("program-session-detail", conference, pk=session.pk)).json()

    assert [booth["website"] for booth in booths] == [None]
    assert detail["url"] is None
    components = schema["components"]["schemas"]
    assert components["Booth"]["properties"]["website"]["nullable"] is True
    assert components["SessionDetail"]["properties"]["url"]["nullable"] is True


# --- public endpoints declare no security ---------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/conferences/{slug}/feeds/",
        "/api/v1/conferences/{slug}/feeds/{key}/",
        "/api/v1/conferences/{slug}/bundle",
    ],
)
def test_public_endpoint_declares_no_security(schema, path):
    assert "security" not in schema  # no global requirement that an operation could inherit
    assert operation(schema, path).get("security", []) == []


def test_public_feeds_ignore_a_bad_token(conference):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token bw_not-a-token")

    listed = client.get(program("program-feed-list", conference))
    detail = client.get(program("program-feed-detail", conference, key="conference"))

    assert listed.status_code == 200
    assert [feed["key"] for feed in listed.json()] == ["conference"]
    assert detail.status_code == 200
    assert detail.json()["key"] == "conference"


def test_every_operation_anonymous_may_call_says_so(schema, client):
    """An operation that answers an anonymous GET with 200 must not require credentials."""
    conference = ConferenceFactory(slug="open")
    for path, operations in schema["paths"].items():
        if "{" in path.replace("{slug}", "") or "get" not in operations:
            continue
        response = client.get(path.replace("{slug}", conference.slug))
        security = operations["get"].get("security", [])
        if response.status_code == 200:
            assert security == [] or {} in security, path
        else:
            assert security, (path, response.status_code)
            assert {} not in security, (path, response.status_code)


def test_a_bad_token_on_a_public_list_is_a_declared_403(schema, conference):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token bw_not-a-token")

    response = client.get("/api/v1/conferences/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid or revoked token.", "errors": {}}
    assert "403" in operation(schema, "/api/v1/conferences/")["responses"]


# --- page_size ----------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", ["abc", "-1", "0", "501", "", "1.5"])
def test_bad_page_size_is_400_on_page_size(client, conference, page_size):
    RoomFactory(conference=conference)

    response = client.get(program("program-room-list", conference), {"page_size": page_size})

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert list(body["errors"]) == ["page_size"]
    assert body["errors"]["page_size"][0]


def test_empty_page_is_400_on_page(client, conference):
    response = client.get(program("program-room-list", conference), {"page": ""})

    assert response.status_code == 400
    assert response.json()["errors"] == {"page": ["Give a value, or leave the parameter out."]}


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "1e3"])
def test_a_page_that_is_not_a_number_from_1_is_400_on_page(client, conference, page):
    response = client.get(program("program-room-list", conference), {"page": page})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]
    assert response.json()["errors"]["page"][0]


def test_a_page_past_the_end_is_404_and_last_is_the_last(client, conference):
    RoomFactory.create_batch(3, conference=conference)
    rooms = program("program-room-list", conference)

    assert client.get(rooms, {"page": "3", "page_size": "2"}).status_code == 404
    assert client.get(rooms, {"page": "9" * 30}).status_code == 404
    last = client.get(rooms, {"page": "last", "page_size": "2"})
    assert (last.status_code, len(last.json()["results"])) == (200, 1)


def test_a_page_number_written_as_a_whole_decimal_is_that_page(client, conference):
    """``page=2.0`` passes the check (an integer, as ``page_size=2.0`` does), so it is page
    2, not a 404 "Invalid page." for a page that exists."""
    RoomFactory.create_batch(3, conference=conference)
    rooms = program("program-room-list", conference)

    second = client.get(rooms, {"page": "2.0", "page_size": "2"})

    expected = client.get(rooms, {"page": "2", "page_size": "2"}).json()["results"]
    assert second.status_code == 200, second.json()
    assert second.json()["results"] == expected


def test_page_size_in_range_is_used(client, conference):
    RoomFactory.create_batch(3, conference=conference)

    response = client.get(program("program-room-list", conference), {"page_size": "2"})

    assert len(response.json()["results"]) == 2
    assert response.json()["count"] == 3


def test_schema_bounds_page_and_page_size(schema):
    path = "/api/v1/conferences/{slug}/rooms/"

    assert query_parameter(schema, path, "page_size")["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 500,
        "default": 50,
    }
    assert query_parameter(schema, path, "page")["schema"] == {"type": "integer", "minimum": 1}


# --- ids in filters: the schema says 1…bigint, as the API does -----------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/conferences/{slug}/sessions/", "room"),
        ("/api/v1/conferences/{slug}/sessions/", "track"),
        ("/api/v1/conferences/{slug}/posters/", "session"),
    ],
)
def test_schema_declares_id_filters_from_1(schema, path, name):
    assert query_parameter(schema, path, name)["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": BIGINT,
    }


@pytest.mark.parametrize(
    ("name", "param"), [("program-session-list", "room"), ("program-poster-list", "session")]
)
@pytest.mark.parametrize("value", ["0", str(BIGINT + 1), ""])
def test_id_filter_outside_the_schema_is_400(client, conference, name, param, value):
    response = client.get(program(name, conference), {param: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [param]


@pytest.mark.parametrize(
    ("name", "param", "model"),
    [("program-session-list", "room", Session), ("program-poster-list", "session", Poster)],
)
def test_id_filter_at_the_schema_bounds_is_answered(client, conference, name, param, model):
    SessionFactory(conference=conference)

    for value in ("1", str(BIGINT)):
        response = client.get(program(name, conference), {param: value})

        assert response.status_code == 200
        # id 1 may exist in a fresh database (SQLite numbers from 1): what matches is listed.
        expected = model.objects.filter(conference=conference, **{f"{param}_id": int(value)})
        assert sorted(r["id"] for r in response.json()["results"]) == sorted(
            expected.values_list("id", flat=True)
        )


# --- empty typed query values are refused, as the schema does not allow them --------------


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("program-session-list", "day"),
        ("program-session-list", "cancelled"),
        ("program-session-list", "kind"),
        ("program-booth-list", "open_at"),
        ("program-now", "at"),
        ("program-now", "within"),
    ],
)
def test_empty_typed_query_value_is_400(client, conference, name, param):
    response = client.get(program(name, conference), {param: ""})

    assert response.status_code == 400
    assert response.json()["errors"] == {param: ["Give a value, or leave the parameter out."]}


def test_empty_text_filter_is_no_filter(client, conference):
    SessionFactory(conference=conference)

    response = client.get(program("program-paper-list", conference), {"q": ""})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/conferences/{slug}/papers/", "program-paper-list"),
        ("/api/v1/conferences/{slug}/posters/", "program-poster-list"),
    ],
)
def test_search_text_length_is_in_the_schema_and_enforced(client, conference, schema, path, name):
    """The server refuses a ``q`` over MAX_QUERY_LENGTH; the schema says so (schemathesis
    generated a 210-character ``q`` as schema-valid, and the 400 was a schema lie)."""
    assert query_parameter(schema, path, "q")["schema"] == {"type": "string", "maxLength": 200}

    assert client.get(program(name, conference), {"q": "ab" * 100}).status_code == 200
    response = client.get(program(name, conference), {"q": "a" * 201})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]


# --- maxLength counts what is sent ----------------------------------------------------------


def test_a_name_over_max_length_with_spaces_around_is_400_not_trimmed_to_fit(client):
    """DRF trims before it measures: 4 spaces and 148 characters (152 > 150) were taken as a
    148-character name; the schema's maxLength (150) says 400 (schemathesis, PATCH /me)."""
    from tests.factories import UserFactory

    user = UserFactory(username="who")
    api = APIClient()
    api.force_authenticate(user)

    response = api.patch("/api/v1/me", {"display_name": "    " + "x" * 148}, format="json")
    fits = api.patch("/api/v1/me", {"display_name": "  " + "y" * 148}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["display_name"]
    assert "150" in response.json()["errors"]["display_name"][0]
    assert fits.status_code == 200
    assert fits.json()["display_name"] == "y" * 148  # within the limit: trimmed as before


def test_a_search_text_over_max_length_with_spaces_around_is_400(client, conference):
    response = client.get(program("program-paper-list", conference), {"q": "     " + "a" * 198})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]
