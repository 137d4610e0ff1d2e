"""iCalendar feeds. Events carry TZID of the conference zone with a VTIMEZONE that covers
the conference dates (DST changes included), stable UIDs from row ids (rows are never
deleted, so a UID never moves to another item), SEQUENCE = the item's revision count, and
STATUS:CANCELLED for cancelled items so calendar clients remove them.

Public feeds (whole program, per track, per kind, per room) are built once per schedule
version and kept in the cache. The private feed of an attendee is their plan (plus, if they
chose, follow-ups as VTODOs and meetups), cached per (plan version, schedule version, options).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.cache import cache
from icalendar import Alarm, Calendar, Event, Timezone, Todo

from planner.models import Attendee, Conference, Meetup, PlanItem, PosterConversation
from planner.selectors.feeds import (
    followups_for_feed,
    logbook_stamp,
    meetups_for_feed,
    plan_items_for_feed,
    public_feed_sessions,
    revisions_for,
)

PRODID = "-//Boardwalk//Conference planner//EN"
FEED_CACHE_SECONDS = 7 * 24 * 3600
ABSTRACT_EXCERPT = 400
MEETUP_MINUTES = 15


def _tz_window(conference: Conference) -> tuple[dt.date, dt.date]:
    """The dates the feed's VTIMEZONE covers."""
    return (
        conference.start_date - dt.timedelta(days=7),
        conference.end_date + dt.timedelta(days=7),
    )


def _when(conference: Conference, instant: dt.datetime) -> dt.datetime:
    """``instant`` in the conference zone (TZID), or in UTC where local time would not say
    which instant is meant: in the hour repeated when summer time ends (RFC 5545 picks the
    first occurrence, ical.js the second) and outside the dates the VTIMEZONE covers (each
    reader guesses differently there)."""
    local = instant.astimezone(conference.tz)
    first, last = _tz_window(conference)
    other_fold = local.replace(fold=1 - local.fold)
    if local.utcoffset() != other_fold.utcoffset() or not first <= local.date() <= last:
        return instant.astimezone(dt.UTC)
    return local


def _calendar(conference: Conference, name: str) -> Calendar:
    first, last = _tz_window(conference)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", conference.timezone)
    calendar.add_component(
        Timezone.from_tzid(conference.timezone, first_date=first, last_date=last)
    )
    return calendar


def _uid(conference: Conference, kind: str, pk: Any) -> str:
    return f"{kind}-{pk}@{conference.slug}.boardwalk"


def _item_url(conference: Conference, kind: str, pk: Any) -> str:
    return f"{settings.SITE_URL}/conferences/{conference.slug}/{kind}s/{pk}"


def _event(
    conference: Conference,
    *,
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    summary: str,
    sequence: int,
    modified: dt.datetime,
    cancelled: bool,
    categories: list[str],
    location: str = "",
    description: str = "",
    url: str = "",
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", sequence)
    event.add("dtstart", _when(conference, start))
    event.add("dtend", _when(conference, end))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("categories", categories)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


# --- public feeds ------------------------------------------------------------------------------


def public_feed_key(
    conference: Conference,
    *,
    track_id: int | None = None,
    room_id: int | None = None,
    kind: str | None = None,
) -> str:
    scope = f"t{track_id or ''}r{room_id or ''}k{kind or ''}"
    return f"feed:conference:{conference.pk}:v{conference.schedule_version}:{scope}"


def conference_feed(
    conference: Conference,
    *,
    track_id: int | None = None,
    room_id: int | None = None,
    kind: str | None = None,
    name: str | None = None,
) -> bytes:
    """The program (sessions and meals), or one track, room or kind of it, as iCalendar
    bytes: built once per schedule version and kept in the cache."""
    key = public_feed_key(conference, track_id=track_id, room_id=room_id, kind=kind)
    cached = cache.get(key)
    if cached is not None:
        return cached
    calendar = _calendar(conference, name or conference.name)
    sessions, meals = public_feed_sessions(
        conference=conference, track_id=track_id, room_id=room_id, kind=kind
    )
    items = [("session", s, s.description[:2000]) for s in sessions] + [
        ("meal", m, m.notes) for m in meals
    ]
    for item_kind, item, description in items:
        calendar.add_component(
            _event(
                conference,
                uid=_uid(conference, item_kind, item.pk),
                start=item.start,
                end=item.end,
                summary=item.title,
                sequence=item.revisions,
                modified=item.updated_at,
                cancelled=item.cancelled,
                categories=[item.get_kind_display()],
                location=item.room.name if item.room else "",
                description=description,
                url=_item_url(conference, item_kind, item.pk),
            )
        )
    body = calendar.to_ical()
    cache.set(key, body, timeout=FEED_CACHE_SECONDS)
    return body


# --- the private feed --------------------------------------------------------------------------


def private_feed_key(attendee: Attendee) -> str:
    """What the private feed's body depends on; also its ETag (hashed)."""
    conference = attendee.conference
    parts = [
        f"a{attendee.pk}",
        f"p{attendee.plan_version}",
        f"s{conference.schedule_version}",
        f"r{attendee.reminder_minutes}",
        f"f{int(attendee.feed_include_followups)}m{int(attendee.feed_include_meetups)}",
    ]
    if attendee.feed_include_followups or attendee.feed_include_meetups:
        parts.append(logbook_stamp(attendee=attendee))
    return "feed:private:" + hashlib.sha256(":".join(parts).encode()).hexdigest()


def _authors(paper) -> str:
    return ", ".join(a.person.name for a in paper.authorships.all())


def _paper_lines(paper) -> list[str]:
    lines = []
    authors = _authors(paper)
    if authors:
        lines.append(authors)
    if paper.abstract:
        excerpt = paper.abstract.strip()
        if len(excerpt) > ABSTRACT_EXCERPT:
            excerpt = excerpt[:ABSTRACT_EXCERPT].rsplit(" ", 1)[0] + "…"
        lines += ["", excerpt]
    links = []
    if paper.arxiv_id:
        links.append(f"arXiv: https://arxiv.org/abs/{paper.arxiv_id}")
    if paper.openreview_id:
        links.append(f"OpenReview: https://openreview.net/forum?id={paper.openreview_id}")
    if paper.pdf_url:
        links.append(f"PDF: {paper.pdf_url}")
    if paper.project_url:
        links.append(f"Project: {paper.project_url}")
    if links:
        lines += ["", *links]
    return lines


def _alarm(minutes: int, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", dt.timedelta(minutes=-minutes))
    return alarm


def _plan_event(
    conference: Conference, item: PlanItem, revisions: Counter[tuple[str, int]], default: int
) -> Event | None:
    kind = item.target_kind
    target: Any = getattr(item, kind)
    description: list[str] = []
    categories = [kind]
    sequence = revisions[(kind, target.pk)]
    modified = max(target.updated_at, item.updated_at)
    if kind in ("oral", "poster"):
        session = target.session
        sequence += revisions[("session", session.pk)]
        modified = max(modified, session.updated_at)
        room = session.room.name if session.room_id else ""
        start, end = (target.start, target.end) if kind == "oral" else (session.start, session.end)
        cancelled = target.cancelled or session.cancelled
        summary = target.display_title
        location = f"{room}, board {target.board}" if kind == "poster" and room else room
        if kind == "poster" and not room:
            location = f"Board {target.board}"
        description.append(f"{'Poster' if kind == 'poster' else 'Talk'} in {session.title}")
        if target.paper_id:
            description += ["", *_paper_lines(target.paper)]
        categories = ["Poster" if kind == "poster" else "Oral"]
        uid = _uid(conference, kind, target.pk)
    elif kind == "booth":
        if item.visit_start is None:
            return None  # no chosen visit: nothing to put in a calendar
        start, end = item.visit_start, item.visit_end
        sequence = item.visit_revision + revisions[("booth", target.pk)]
        cancelled = target.cancelled
        summary = f"Visit {target.exhibitor}"
        location = target.room.name if target.room_id else ""
        if target.number:
            location = (
                f"{location}, booth {target.number}" if location else f"Booth {target.number}"
            )
        if target.description:
            description.append(target.description[:ABSTRACT_EXCERPT])
        if target.website:
            description.append(target.website)
        categories = ["Booth"]
        uid = _uid(conference, "boothvisit", item.pk)
    else:  # session or meal
        start, end = target.start, target.end
        cancelled = target.cancelled
        summary = target.title
        location = target.room.name if target.room_id else ""
        text = target.description if kind == "session" else target.notes
        if text:
            description.append(text[:2000])
        categories = [target.get_kind_display()]
        uid = _uid(conference, kind, target.pk)
    if item.note:
        description = [f"My note: {item.note}", "", *description]
    event = _event(
        conference,
        uid=uid,
        start=start,
        end=end,
        summary=summary,
        sequence=sequence,
        modified=modified,
        cancelled=cancelled,
        categories=categories,
        location=location,
        description="\n".join(description).strip(),
        url=_item_url(conference, kind, target.pk),
    )
    minutes = item.reminder_minutes if item.reminder_minutes is not None else default
    if not cancelled:
        event.add_component(_alarm(minutes, summary))
    return event


def _followup(conference: Conference, entry: PosterConversation | Meetup) -> Todo:
    todo = Todo()
    if isinstance(entry, PosterConversation):
        about = entry.poster_title or (entry.poster.display_title if entry.poster_id else "")
        uid = _uid(conference, "followup-conversation", entry.pk)
        when = entry.talked_at
    else:
        about = entry.contact_name or "someone I met"
        uid = _uid(conference, "followup-meetup", entry.pk)
        when = entry.met_at
    todo.add("uid", uid)
    todo.add("summary", f"Follow up: {about}")
    todo.add("description", entry.follow_up)
    todo.add("dtstamp", entry.updated_at)
    todo.add("last-modified", entry.updated_at)
    todo.add("sequence", entry.version)
    todo.add("dtstart", _when(conference, when))
    todo.add("status", "COMPLETED" if entry.follow_up_done else "NEEDS-ACTION")
    return todo


def _meetup_event(conference: Conference, meetup: Meetup) -> Event:
    place = next(
        (
            getattr(meetup, name)
            for name in ("poster", "oral", "session", "booth", "meal")
            if getattr(meetup, f"{name}_id")
        ),
        None,
    )
    location = str(place) if place is not None else ""
    who = meetup.contact_name or "an attendee"
    event = _event(
        conference,
        uid=_uid(conference, "meetup", meetup.pk),
        start=meetup.met_at,
        end=meetup.met_at + dt.timedelta(minutes=MEETUP_MINUTES),
        summary=f"Met {who}",
        sequence=meetup.version,
        modified=meetup.updated_at,
        cancelled=False,
        categories=["Meetup"],
        location=location,
        description=meetup.notes,
    )
    event.add("transp", "TRANSPARENT")
    return event


def private_feed(attendee: Attendee) -> bytes:
    """The attendee's plan as iCalendar bytes (see the module doc), from the cache when
    nothing it depends on changed."""
    key = private_feed_key(attendee)
    cached = cache.get(key)
    if cached is not None:
        return cached
    conference = attendee.conference
    calendar = _calendar(conference, f"{conference.name}: my plan")
    items = list(plan_items_for_feed(attendee=attendee))
    revisions = revisions_for(conference=conference, items=items)
    events = [_plan_event(conference, item, revisions, attendee.reminder_minutes) for item in items]
    # In time order, so the file reads like the day it describes.
    for event in sorted(
        (e for e in events if e is not None), key=lambda e: (e.decoded("dtstart"), str(e["uid"]))
    ):
        calendar.add_component(event)
    if attendee.feed_include_meetups:
        for meetup in meetups_for_feed(attendee=attendee):
            calendar.add_component(_meetup_event(conference, meetup))
    if attendee.feed_include_followups:
        for entry in followups_for_feed(attendee=attendee):
            calendar.add_component(_followup(conference, entry))
    body = calendar.to_ical()
    cache.set(key, body, timeout=FEED_CACHE_SECONDS)
    return body
