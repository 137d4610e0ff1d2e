"""Fetch an object and check the caller may use it, in one step. What the caller may not see
raises NotFound, exactly like what does not exist."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from planner.exceptions import NotFound
from planner.models import Attendee, Conference


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


def conference_public(*, slug: str) -> Conference:
    conference = Conference.objects.filter(slug=slug).first()
    if conference is None:
        raise NotFound("Not found.")
    return conference


def attendee_for(*, user, conference: Conference) -> Attendee:
    """The user's Attendee row at ``conference``, created on first use (joining is implicit).

    Safe under concurrency: two first requests at once make one row."""
    attendee = Attendee.objects.filter(user=user, conference=conference).first()
    if attendee is not None:
        return attendee
    # Never fall back to the username: for signed-up users it is their e-mail address,
    # which other attendees must not see unless the attendee chooses to share it.
    name = user.get_full_name() or "New attendee"
    try:
        with transaction.atomic():
            return Attendee.objects.create(
                user=user, conference=conference, display_name=name[:200]
            )
    except IntegrityError:
        return Attendee.objects.get(user=user, conference=conference)
