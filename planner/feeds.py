"""Feed views: iCalendar over HTTP with ETag / 304.

Public feeds (whole program, per track, per room, per kind) are built once per schedule
version; the private feed ``/feeds/<token>.ics`` once per (plan version, schedule version,
options). A revalidation whose ETag still matches answers 304 without building anything.
"""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from planner.enums import SessionKind
from planner.http import etag_matches
from planner.ical.feeds import conference_feed, private_feed, private_feed_key, public_feed_key
from planner.models import Conference, Room, Track
from planner.selectors.feeds import MEAL_KIND, attendee_for_feed_token

CALENDAR = "text/calendar; charset=utf-8"
FEED_KINDS = SessionKind.values  # includes meal: Meal rows and meal-kind sessions


def _etag(key: str) -> str:
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _ics(request: HttpRequest, etag: str, build, filename: str, cache_control: str):
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(build(), content_type=CALENDAR)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


def _public(request: HttpRequest, conference: Conference, filename: str, name: str, **scope):
    return _ics(
        request,
        _etag(public_feed_key(conference, **scope)),
        lambda: conference_feed(conference, name=name, **scope),
        filename,
        "public, max-age=300",
    )


@require_safe
def conference_ics(request: HttpRequest, slug: str) -> HttpResponse:
    conference = get_object_or_404(Conference, slug=slug)
    return _public(request, conference, f"{slug}.ics", conference.name)


def _part(request: HttpRequest, slug: str, model: type[Track] | type[Room], pk: int, scope: str):
    """The feed of one track or room of the conference ``slug`` (404 for another's)."""
    part = get_object_or_404(
        model.objects.select_related("conference"), pk=pk, conference__slug=slug
    )
    conference = part.conference
    return _public(
        request,
        conference,
        f"{slug}-{scope}-{pk}.ics",
        f"{conference.name}: {part.name}",
        **{f"{scope}_id": part.pk},
    )


@require_safe
def track_ics(request: HttpRequest, slug: str, track_id: int) -> HttpResponse:
    return _part(request, slug, Track, track_id, "track")


@require_safe
def room_ics(request: HttpRequest, slug: str, room_id: int) -> HttpResponse:
    return _part(request, slug, Room, room_id, "room")


@require_safe
def kind_ics(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    if kind not in FEED_KINDS:
        raise Http404(f"No feed for kind {kind!r}; kinds are {', '.join(FEED_KINDS)}.")
    conference = get_object_or_404(Conference, slug=slug)
    label = "Meals" if kind == MEAL_KIND else SessionKind(kind).label + "s"
    return _public(
        request, conference, f"{slug}-{kind}.ics", f"{conference.name}: {label}", kind=kind
    )


@require_safe
def private_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's plan. Unknown and rotated tokens are a plain 404; the token never
    reaches a log (see conf/logging.py)."""
    attendee = attendee_for_feed_token(token)
    if attendee is None:
        raise Http404("No such feed.")
    key = private_feed_key(attendee)
    response = _ics(
        request,
        _etag(key),
        lambda: private_feed(attendee, key=key),
        f"{attendee.conference.slug}-my-plan.ics",
        "private, max-age=300",
    )
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
