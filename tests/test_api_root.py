import pytest

from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def test_api_root_lists_endpoints(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json()["conferences"].endswith("/api/v1/conferences/")


def test_conference_list_shows_zone_and_version(client):
    ConferenceFactory(slug="eccv-demo", name="ECCV Demo")

    response = client.get("/api/v1/conferences/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "slug": "eccv-demo",
            "name": "ECCV Demo",
            "timezone": "Asia/Jerusalem",
            "start_date": "2026-10-22",
            "end_date": "2026-10-26",
            "venue": "Expo Tel Aviv",
            "city": "",
            "country": "",
            "website": None,
            "schedule_version": 0,
        }
    ]


def test_unknown_conference_is_404_in_error_shape(client):
    response = client.get("/api/v1/conferences/nope/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_schema_and_docs_served_without_cdn(client):
    schema = client.get("/api/v1/schema/")
    docs = client.get("/api/v1/docs/").content.decode()

    assert schema.status_code == 200
    assert b"openapi" in schema.content
    assert "cdn" not in docs.lower()
    assert "unpkg" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_conference_list_query_count_is_constant(client):
    ConferenceFactory()
    one = _queries(client, "/api/v1/conferences/")
    for _ in range(49):
        ConferenceFactory()

    assert _queries(client, "/api/v1/conferences/") == one


def test_import_run_list_query_count_is_constant(client):
    from tests.factories import ImportRunFactory, UserFactory

    conference = ConferenceFactory()
    organizer = UserFactory(username="org")
    conference.organizers.add(organizer)
    client.force_login(organizer)
    url = f"/api/v1/conferences/{conference.slug}/imports/"
    ImportRunFactory(conference=conference)
    one = _queries(client, url)
    for _ in range(49):
        ImportRunFactory(conference=conference)

    assert _queries(client, url) == one
