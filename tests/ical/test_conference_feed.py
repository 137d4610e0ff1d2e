from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.models import Conference
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_feed_places_events_at_true_instants_across_dst(client, conference):
    f.SessionFactory(conference=conference, title="Before", start=f.local(dt.date(2026, 10, 24), 9))
    f.SessionFactory(conference=conference, title="After", start=f.local(dt.date(2026, 10, 25), 9))
    f.MealFactory(
        conference=conference, title="Lunch", start=f.local(dt.date(2026, 10, 25), 12, 30)
    )

    response = client.get(f"/feeds/conference/{conference.slug}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    assert events["Before"].decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2026, 10, 24, 6, tzinfo=dt.UTC
    )
    assert events["After"].decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2026, 10, 25, 7, tzinfo=dt.UTC
    )
    assert events["After"]["dtstart"].params["TZID"] == "Asia/Jerusalem"
    assert events["Lunch"].decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2026, 10, 25, 10, 30, tzinfo=dt.UTC
    )
    assert b"BEGIN:VTIMEZONE" in response.content


def test_feed_marks_cancelled_and_keeps_uid(client, conference):
    session = f.SessionFactory(conference=conference, title="Dropped", cancelled=True)

    events = _events(client.get(f"/feeds/conference/{conference.slug}.ics").content)

    assert str(events["Dropped"]["status"]) == "CANCELLED"
    assert str(events["Dropped"]["uid"]) == f"session-{session.pk}@{conference.slug}.boardwalk"


def test_feed_answers_304_for_current_etag(client, conference):
    f.SessionFactory(conference=conference)
    first = client.get(f"/feeds/conference/{conference.slug}.ics")

    again = client.get(f"/feeds/conference/{conference.slug}.ics", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    Conference.objects.filter(pk=conference.pk).update(schedule_version=1)
    changed = client.get(
        f"/feeds/conference/{conference.slug}.ics", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_feed_is_built_once_per_version(client, conference):
    for _ in range(20):
        f.SessionFactory(conference=conference)
    client.get(f"/feeds/conference/{conference.slug}.ics")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/feeds/conference/{conference.slug}.ics")

    assert response.status_code == 200
    assert len(queries) == 1  # the conference row; the body comes from the cache


def test_feed_of_unknown_conference_is_404(client):
    assert client.get("/feeds/conference/nope.ics").status_code == 404
