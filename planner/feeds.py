"""Feed views: iCalendar over HTTP with ETag / 304."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from planner.ical.feeds import conference_feed
from planner.models import Conference


@require_safe
def conference_ics(request: HttpRequest, slug: str) -> HttpResponse:
    conference = get_object_or_404(Conference, slug=slug)
    etag = f'"conference-{conference.pk}-v{conference.schedule_version}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(
            conference_feed(conference), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{conference.slug}.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response
