"""iCalendar feeds. Events carry TZID of the conference zone with a VTIMEZONE that covers
the conference dates (DST changes included), stable UIDs from row ids (rows are never
deleted, so a UID never moves to another item), SEQUENCE = the item's revision count, and
STATUS:CANCELLED for cancelled items so calendar clients remove them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from icalendar import Calendar, Event, Timezone

from planner.models import Conference
from planner.selectors.program import meal_list_for_feed, session_list_for_feed

PRODID = "-//Boardwalk//Conference planner//EN"


def _calendar(conference: Conference, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", conference.timezone)
    calendar.add_component(
        Timezone.from_tzid(
            conference.timezone,
            first_date=conference.start_date - dt.timedelta(days=7),
            last_date=conference.end_date + dt.timedelta(days=7),
        )
    )
    return calendar


def _event(
    conference: Conference,
    *,
    uid: str,
    item,
    summary: str,
    kind: str,
    location: str,
    description: str,
    url: str,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstamp", item.updated_at)
    event.add("last-modified", item.updated_at)
    event.add("sequence", item.revisions)
    event.add("dtstart", item.start.astimezone(conference.tz))
    event.add("dtend", item.end.astimezone(conference.tz))
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("categories", [kind])
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("url", url)
    return event


def conference_feed(conference: Conference) -> bytes:
    """The whole program (sessions and meals) as iCalendar bytes, built once per schedule
    version and kept in the cache."""
    key = f"feed:conference:{conference.pk}:v{conference.schedule_version}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    calendar = _calendar(conference, conference.name)
    base = f"{settings.SITE_URL}/conferences/{conference.slug}"
    domain = f"{conference.slug}.boardwalk"
    items = [
        ("session", session, session.description[:2000])
        for session in session_list_for_feed(conference=conference)
    ] + [("meal", meal, meal.notes) for meal in meal_list_for_feed(conference=conference)]
    for kind, item, description in items:
        calendar.add_component(
            _event(
                conference,
                uid=f"{kind}-{item.pk}@{domain}",
                item=item,
                summary=item.title,
                kind=item.get_kind_display(),
                location=item.room.name if item.room else "",
                description=description,
                url=f"{base}/{kind}s/{item.pk}",
            )
        )
    body = calendar.to_ical()
    cache.set(key, body, timeout=7 * 24 * 3600)
    return body
