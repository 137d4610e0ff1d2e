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
            "website": "",
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
