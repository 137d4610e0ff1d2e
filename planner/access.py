"""Fetch an object and check the caller may use it, in one step. What the caller may not see
raises NotFound, exactly like what does not exist."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from planner import rows
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


_ATTENDEE_SQL: dict[str, str] = {}


def attendee_with_conference(*, user, slug: str) -> Attendee | None:
    """The user's Attendee row at the conference ``slug`` with its conference, or None (not
    joined yet, or no such conference). ``Attendee.objects.select_related("conference")
    .filter(user=user, conference__slug=slug).first()`` as one hand-written statement: it
    runs on every personal API request (see planner/rows.py)."""
    attendee_shape = rows.shape(Attendee, "a", connection.alias)
    conference_shape = rows.shape(Conference, "c", connection.alias)
    sql = _ATTENDEE_SQL.get(connection.alias)
    if sql is None:
        sql = _ATTENDEE_SQL[connection.alias] = (
            f"SELECT {attendee_shape.columns}, {conference_shape.columns} "  # noqa: S608 - names from models
            f"FROM {rows.table(Attendee)} a INNER JOIN {rows.table(Conference)} c "
            f"ON c.{rows.column(Conference, 'id')} = a.{rows.column(Attendee, 'conference_id')} "
            f"WHERE a.{rows.column(Attendee, 'user_id')} = %s "
            f"AND c.{rows.column(Conference, 'slug')} = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, slug])
        row = cursor.fetchone()  # one at most: (user, conference) is unique
    if row is None:
        return None
    attendee = attendee_shape.build(row, 0, connection.alias)
    Attendee.conference.field.set_cached_value(
        attendee, conference_shape.build(row, attendee_shape.width, connection.alias)
    )
    return attendee
