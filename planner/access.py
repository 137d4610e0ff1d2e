"""Fetch an object and check the caller may use it, in one step. What the caller may not see
raises NotFound, exactly like what does not exist."""

from __future__ import annotations

from planner.exceptions import NotFound
from planner.models import Conference


def conference_for_organizer(*, user, slug: str) -> Conference:
    """The conference ``slug`` if ``user`` organizes it (superusers organize all)."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound("Not found.")
    conferences = Conference.objects.filter(slug=slug)
    if not user.is_superuser:
        conferences = conferences.filter(organizers=user)
    conference = conferences.first()
    if conference is None:
        raise NotFound("Not found.")
    return conference
