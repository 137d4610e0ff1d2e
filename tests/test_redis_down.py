"""With the cache's Redis unreachable the reads that use it (bundle, feeds) are computed,
and the accounts endpoints (throttled through the cache) answer: no 500.

The whole stack with a Redis that goes away and comes back (gunicorn, a worker, the
sweeper) is tests/test_redis_outage.py; this is the same in-process and fast."""

from __future__ import annotations

import gzip
import json
import logging
from urllib.parse import urlsplit

import pytest
from django.core import mail
from rest_framework.test import APIClient

from planner.enums import SessionKind
from planner.services.feeds import feed_token_rotate
from planner.services.plans import plan_item_put
from tests import factories as f
from tests.live_server import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_cache_down(settings):
    """The production cache backend, pointed at a loopback port nothing listens on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "planner.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }


@pytest.fixture
def program(conference):
    track = f.TrackFactory(conference=conference, name="Vision")
    talk = f.SessionFactory(conference=conference, title="Keynote", track=track)
    f.SessionFactory(conference=conference, title="Posters A", kind=SessionKind.POSTER)
    return {"conference": conference, "talk": talk, "track": track}


def test_bundle_is_computed_without_the_cache(client, program):
    conference = program["conference"]

    response = client.get(
        f"/api/v1/conferences/{conference.slug}/bundle", HTTP_ACCEPT_ENCODING="gzip"
    )

    assert response.status_code == 200
    body = json.loads(gzip.decompress(response.content))
    assert body["version"] == conference.schedule_version
    assert sorted(s["title"] for s in body["sessions"]) == ["Keynote", "Posters A"]


def test_public_feeds_are_built_without_the_cache(client, program):
    conference, talk, track = program["conference"], program["talk"], program["track"]
    base = f"/feeds/conference/{conference.slug}"

    whole = client.get(f"{base}.ics")
    by_track = client.get(f"{base}/track/{track.pk}.ics")
    by_room = client.get(f"{base}/room/{talk.room_id}.ics")
    by_kind = client.get(f"{base}/kind/poster.ics")

    assert [r.status_code for r in (whole, by_track, by_room, by_kind)] == [200] * 4
    assert whole.content.count(b"BEGIN:VEVENT") == 2
    assert b"SUMMARY:Keynote" in by_track.content
    assert by_track.content.count(b"BEGIN:VEVENT") == 1
    assert b"SUMMARY:Keynote" in by_room.content
    assert b"SUMMARY:Posters A" in by_kind.content
    assert by_kind.content.count(b"BEGIN:VEVENT") == 1


def private_feed_with(session) -> str:
    """The path of a new attendee's private feed, their plan holding ``session``."""
    attendee = f.AttendeeFactory(conference=session.conference)
    plan_item_put(
        attendee=attendee,
        kind="session",
        target_id=session.pk,
        status="going",
        note="",
        reminder_minutes=None,
    )
    return urlsplit(feed_token_rotate(attendee=attendee).url).path


def test_private_feed_is_built_without_the_cache(client, program):
    url = private_feed_with(program["talk"])

    response = client.get(url)

    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 1
    assert b"SUMMARY:Keynote" in response.content


def test_accounts_answer_with_throttles_failing_open(caplog):
    api = APIClient()
    f.UserFactory(username="ada", email="ada@example.org")

    with caplog.at_level(logging.WARNING, logger="planner.cache"):
        login = api.post(
            "/api/v1/auth/login",
            {"email": "ada@example.org", "password": "correct horse battery staple"},
            format="json",
        )
        signup = APIClient().post(
            "/api/v1/auth/signup",
            {"email": "grace@example.org", "password": "a long enough passphrase"},
            format="json",
        )
        reset = APIClient().post(
            "/api/v1/auth/password-reset", {"email": "ada@example.org"}, format="json"
        )

    assert (login.status_code, login.json()["email"]) == (200, "ada@example.org")
    assert (signup.status_code, signup.json()["email"]) == (201, "grace@example.org")
    assert reset.status_code == 202
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)
