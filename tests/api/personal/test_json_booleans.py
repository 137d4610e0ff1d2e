"""JSON bodies: a `type: boolean` field takes true or false only (DRF alone also takes 0, 1,
"yes" and "on"), and /me takes only a JSON object (a form body read as "change nothing")."""

from __future__ import annotations

import json

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _feed(conference) -> str:
    return f"/api/v1/conferences/{conference.slug}/feed/"


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "on"])
def test_feed_options_refuse_a_non_boolean(api, conference, value):
    response = api.patch(_feed(conference), {"include_meetups": value}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"include_meetups": ["Must be true or false."]}


def test_feed_options_take_a_boolean(api, conference):
    api.post(_feed(conference), {}, format="json")

    response = api.patch(_feed(conference), {"include_meetups": True}, format="json")

    assert response.status_code == 200
    assert response.json()["include_meetups"] is True


def test_conversation_refuses_a_numeric_follow_up_done(api, conference):
    url = (
        f"/api/v1/conferences/{conference.slug}/conversations/7fffab2e-0e27-5b2d-866c-b7492a96d357/"
    )

    response = api.put(
        url,
        {"poster_title": "A poster", "talked_at": "2026-10-25T14:25:00Z", "follow_up_done": 0},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"follow_up_done": ["Must be true or false."]}


def test_me_refuses_a_form_body(client):
    user = UserFactory(first_name="Before", last_name="")
    client.force_login(user)

    response = client.patch(
        "/api/v1/me", "display_name=After", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["errors"] == {}
    user.refresh_from_db()
    assert user.get_full_name() == "Before"


def test_me_takes_a_json_body(client):
    user = UserFactory(first_name="Before", last_name="")
    client.force_login(user)

    response = client.patch(
        "/api/v1/me", json.dumps({"display_name": "After"}), content_type="application/json"
    )

    assert response.json()["display_name"] == "After"


@pytest.mark.parametrize("value", [0, False, ["x"]])
def test_conversation_refuses_a_non_string_text(api, conference, value):
    url = (
        f"/api/v1/conferences/{conference.slug}/conversations/7fffab2e-0e27-5b2d-866c-b7492a96d357/"
    )

    response = api.put(
        url,
        {"poster_title": "A poster", "talked_at": "2026-10-25T14:25:00Z", "follow_up": value},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"follow_up": ["Not a valid string."]}


def test_conversation_refuses_non_string_tags(api, conference):
    url = (
        f"/api/v1/conferences/{conference.slug}/conversations/7fffab2e-0e27-5b2d-866c-b7492a96d357/"
    )

    response = api.put(
        url,
        {"poster_title": "A poster", "talked_at": "2026-10-25T14:25:00Z", "tags": ["ok", 0]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"tags": ["Not a valid string."]}
