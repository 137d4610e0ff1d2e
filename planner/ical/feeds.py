"""iCalendar feeds. Events carry TZID of the conference zone with a VTIMEZONE that covers
the conference dates (DST changes included), stable UIDs from row ids (rows are never
deleted, so a UID never moves to another item), SEQUENCE = the schedule version in which the
item (or its session or paper) last changed, which never goes down, and STATUS:CANCELLED for
cancelled items so calendar clients remove them. Content lines come from
``planner/ical/writer.py``.

Public feeds (whole program, per track, per kind, per room) are built once per schedule
version and kept in the cache. The private feed of an attendee is their plan (plus, if they
chose, follow-ups as VTODOs and meetups), cached per (plan version, schedule version, options).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from icalendar import Timezone

from planner.ical.writer import IcsWriter
from planner.models import Attendee, Conference, Meetup, PlanItem, PosterConversation
from planner.selectors.feeds import (
    followups_for_feed,
    logbook_stamp,
    meetups_for_feed,
    plan_items_for_feed,
    public_feed_sessions,
)

PRODID = "-//Boardwalk//Conference planner//EN"
FEED_CACHE_SECONDS = 7 * 24 * 3600
FEED_FORMAT = "f2"  # bump when the output changes, so caches and ETags do too
BUILD_WAIT_SECONDS = 10  # well under gunicorn's 30 s worker timeout
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


def _calendar(conference: Conference, name: str) -> IcsWriter:
    """A VCALENDAR opened with its header and the conference zone's VTIMEZONE; the caller
    adds components and ``end("VCALENDAR")``."""
    first, last = _tz_window(conference)
    w = IcsWriter()
    w.begin("VCALENDAR")
    w.raw("VERSION", "2.0")
    w.text("PRODID", PRODID)
    w.raw("CALSCALE", "GREGORIAN")
    w.text("X-WR-CALNAME", name)
    w.text("X-WR-TIMEZONE", conference.timezone)
    w.lines_of(Timezone.from_tzid(conference.timezone, first_date=first, last_date=last).to_ical())
    return w


def _uid(conference: Conference, kind: str, pk: Any) -> str:
    return f"{kind}-{pk}@{conference.slug}.boardwalk"


def _item_url(conference: Conference, kind: str, pk: Any) -> str:
    return f"{settings.SITE_URL}/conferences/{conference.slug}/{kind}s/{pk}"


def built_once(key: str, build: Callable[[], bytes]) -> bytes:
    """The cached body under ``key``, built by one process at a time: when a new schedule
    version makes every calendar app refetch at once, the others wait for the first build
    (bounded by BUILD_WAIT_SECONDS, then they build themselves rather than fail)."""
    body = cache.get(key)
    if body is not None:
        return body
    lock = f"{key}:building"
    if cache.add(lock, 1, timeout=BUILD_WAIT_SECONDS):
        try:
            body = build()
            cache.set(key, body, timeout=FEED_CACHE_SECONDS)
            return body
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        body = cache.get(key)
        if body is not None:
            return body
        if cache.get(lock) is None:  # the builder gave up (an error): build here
            break
    body = build()
    cache.set(key, body, timeout=FEED_CACHE_SECONDS)
    return body


def _event(
    w: IcsWriter,
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
    transparent: bool = False,
    alarm_minutes: int | None = None,
) -> None:
    w.begin("VEVENT")
    w.text("UID", uid)
    w.text("SUMMARY", summary)
    w.utc("DTSTAMP", modified)
    w.utc("LAST-MODIFIED", modified)
    w.raw("SEQUENCE", str(sequence))
    w.instant("DTSTART", _when(conference, start), conference.timezone)
    w.instant("DTEND", _when(conference, end), conference.timezone)
    w.raw("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    w.texts("CATEGORIES", categories)
    if location:
        w.text("LOCATION", location)
    if description:
        w.text("DESCRIPTION", description)
    if url:
        w.raw("URL", url)
    if transparent:
        w.raw("TRANSP", "TRANSPARENT")
    if alarm_minutes is not None:
        w.begin("VALARM")
        w.raw("ACTION", "DISPLAY")
        w.text("DESCRIPTION", summary)
        w.raw("TRIGGER", f"-PT{alarm_minutes}M")
        w.end("VALARM")
    w.end("VEVENT")


# --- public feeds ------------------------------------------------------------------------------


def public_feed_key(
    conference: Conference,
    *,
    track_id: int | None = None,
    room_id: int | None = None,
    kind: str | None = None,
) -> str:
    scope = f"t{track_id or ''}r{room_id or ''}k{kind or ''}"
    # The creation time: a recreated database (tests, a reseeded demo) reuses ids and
    # versions, and the cache may outlive it. FEED_FORMAT: a deploy that changes the output.
    born = int(conference.created_at.timestamp())
    return f"feed:{FEED_FORMAT}:conference:{conference.pk}:{born}:v{conference.schedule_version}:{scope}"


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
    return built_once(
        key,
        lambda: _public_body(conference, track_id=track_id, room_id=room_id, kind=kind, name=name),
    )


def _public_body(
    conference: Conference,
    *,
    track_id: int | None,
    room_id: int | None,
    kind: str | None,
    name: str | None,
) -> bytes:
    w = _calendar(conference, name or conference.name)
    sessions, meals = public_feed_sessions(
        conference=conference, track_id=track_id, room_id=room_id, kind=kind
    )
    items = [("session", s, s.description[:2000]) for s in sessions] + [
        ("meal", m, m.notes) for m in meals
    ]
    for item_kind, item, description in items:
        _event(
            w,
            conference,
            uid=_uid(conference, item_kind, item.pk),
            start=item.start,
            end=item.end,
            summary=item.title,
            sequence=item.changed_in,
            modified=item.updated_at,
            cancelled=item.cancelled,
            categories=[item.get_kind_display()],
            location=item.room.name if item.room else "",
            description=description,
            url=_item_url(conference, item_kind, item.pk),
        )
    w.end("VCALENDAR")
    return w.to_bytes()


# --- the private feed --------------------------------------------------------------------------


def private_feed_key(attendee: Attendee) -> str:
    """What the private feed's body depends on; also its ETag (hashed)."""
    conference = attendee.conference
    parts = [
        FEED_FORMAT,
        f"a{attendee.pk}@{attendee.created_at.timestamp()}",
        f"c{conference.created_at.timestamp()}",
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


def _plan_event(conference: Conference, item: PlanItem, default: int) -> dict[str, Any] | None:
    """What ``_event`` writes for one plan item (None: a booth without a chosen visit)."""
    kind = item.target_kind
    target: Any = getattr(item, kind)
    description: list[str] = []
    categories = [kind]
    # SEQUENCE: the schedule version in which the item, its session or its paper last
    # changed. Versions only grow, so it never goes down (not even when a poster moves to a
    # session that changed less often) and it rises with every change that touches the event.
    sequence = target.changed_in
    modified = max(target.updated_at, item.updated_at)
    room_row = getattr(target, "room", None)
    paper = getattr(target, "paper", None) if kind in ("oral", "poster") else None
    if paper is not None:
        sequence = max(sequence, paper.changed_in)
        modified = max(modified, paper.updated_at)
    if kind in ("oral", "poster"):
        session = target.session
        sequence = max(sequence, session.changed_in)
        modified = max(modified, session.updated_at)
        room_row = session.room
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
        sequence = item.visit_revision + target.changed_in
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
    if room_row is not None:
        modified = max(modified, room_row.updated_at)  # a renamed room changes LOCATION
    if item.note:
        description = [f"My note: {item.note}", "", *description]
    minutes = item.reminder_minutes if item.reminder_minutes is not None else default
    return {
        "uid": uid,
        "start": start,
        "end": end,
        "summary": summary,
        "sequence": sequence,
        "modified": modified,
        "cancelled": cancelled,
        "categories": categories,
        "location": location,
        "description": "\n".join(description).strip(),
        "url": _item_url(conference, kind, target.pk),
        "alarm_minutes": None if cancelled else minutes,
    }


def _followup(w: IcsWriter, conference: Conference, entry: PosterConversation | Meetup) -> None:
    if isinstance(entry, PosterConversation):
        about = entry.poster_title or (entry.poster.display_title if entry.poster_id else "")
        uid = _uid(conference, "followup-conversation", entry.pk)
        when = entry.talked_at
    else:
        about = entry.contact_name or "someone I met"
        uid = _uid(conference, "followup-meetup", entry.pk)
        when = entry.met_at
    w.begin("VTODO")
    w.text("UID", uid)
    w.text("SUMMARY", f"Follow up: {about}")
    w.text("DESCRIPTION", entry.follow_up)
    w.utc("DTSTAMP", entry.updated_at)
    w.utc("LAST-MODIFIED", entry.updated_at)
    w.raw("SEQUENCE", str(entry.version))
    w.instant("DTSTART", _when(conference, when), conference.timezone)
    w.raw("STATUS", "COMPLETED" if entry.follow_up_done else "NEEDS-ACTION")
    w.end("VTODO")


def _meetup_place(meetup: Meetup) -> str:
    """Where it happened, as a LOCATION: the room, and the poster's board or the booth."""
    if meetup.poster_id:
        poster = meetup.poster
        room = poster.session.room.name if poster.session.room_id else ""
        return ", ".join(p for p in (room, f"board {poster.board}", poster.display_title) if p)
    if meetup.oral_id:
        oral = meetup.oral
        room = oral.session.room.name if oral.session.room_id else ""
        return ", ".join(p for p in (room, oral.display_title) if p)
    if meetup.booth_id:
        booth = meetup.booth
        room = booth.room.name if booth.room_id else ""
        return ", ".join(
            p for p in (room, f"booth {booth.number}" if booth.number else "", booth.exhibitor) if p
        )
    for place in (meetup.session, meetup.meal) if (meetup.session_id or meetup.meal_id) else ():
        if place is not None:
            return ", ".join(
                p for p in (place.room.name if place.room_id else "", place.title) if p
            )
    return ""


def _meetup_event(w: IcsWriter, conference: Conference, meetup: Meetup) -> None:
    who = meetup.contact_name or "an attendee"
    _event(
        w,
        conference,
        uid=_uid(conference, "meetup", meetup.pk),
        start=meetup.met_at,
        end=meetup.met_at + dt.timedelta(minutes=MEETUP_MINUTES),
        summary=f"Met {who}",
        sequence=meetup.version,
        modified=meetup.updated_at,
        cancelled=False,
        categories=["Meetup"],
        location=_meetup_place(meetup),
        description=meetup.notes,
        transparent=True,
    )


def private_feed(attendee: Attendee, *, key: str | None = None) -> bytes:
    """The attendee's plan as iCalendar bytes (see the module doc), from the cache when
    nothing it depends on changed. ``key``: ``private_feed_key(attendee)`` when the caller
    computed it already (for the ETag), so its queries do not run twice."""
    return built_once(key or private_feed_key(attendee), lambda: _private_body(attendee))


def _private_body(attendee: Attendee) -> bytes:
    conference = attendee.conference
    w = _calendar(conference, f"{conference.name}: my plan")
    items = list(plan_items_for_feed(attendee=attendee))
    events = [_plan_event(conference, item, attendee.reminder_minutes) for item in items]
    # In time order, so the file reads like the day it describes.
    for spec in sorted((e for e in events if e), key=lambda e: (e["start"], e["uid"])):
        _event(w, conference, **spec)
    if attendee.feed_include_meetups:
        for meetup in meetups_for_feed(attendee=attendee):
            _meetup_event(w, conference, meetup)
    if attendee.feed_include_followups:
        for entry in followups_for_feed(attendee=attendee):
            _followup(w, conference, entry)
    w.end("VCALENDAR")
    return w.to_bytes()
