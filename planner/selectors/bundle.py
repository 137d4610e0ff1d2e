"""Reads for the offline bundle: one ``.values()`` query per collection, no model instances.

Every selector takes the conference and ``since``: ``None`` for everything, or a schedule
version V for only the rows changed after it (``changed_in > V``; cancelled rows included,
they are the delta's tombstones). Child and link rows (authorships, chairs, speakers, booth
hours, menu items) follow their parent: the import touches a parent's ``changed_in`` whenever
its children change, so a changed parent always comes with all of its children.
Rooms and tracks carry no version and are always read whole.

Rows come ordered by id (children by parent, then their own order) so the same program
always gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from planner.models import (
    Authorship,
    Booth,
    BoothHours,
    Conference,
    Meal,
    MenuItem,
    Oral,
    Paper,
    Person,
    Poster,
    Room,
    Session,
    Track,
)


def _changed(since: int | None, prefix: str = "") -> Q:
    return Q() if since is None else Q(**{f"{prefix}changed_in__gt": since})


def room_rows(*, conference: Conference) -> QuerySet[Room, dict[str, Any]]:
    return (
        Room.objects.filter(conference=conference)
        .order_by("id")
        .values("id", "name", "kind", "building", "floor", "capacity", "map_x", "map_y", "position")
    )


def track_rows(*, conference: Conference) -> QuerySet[Track, dict[str, Any]]:
    return (
        Track.objects.filter(conference=conference)
        .order_by("id")
        .values("id", "name", "slug", "colour")
    )


def person_rows(*, conference: Conference, since: int | None) -> QuerySet[Person, dict[str, Any]]:
    return (
        Person.objects.filter(_changed(since), conference=conference)
        .order_by("id")
        .values("id", "name", "affiliation", "homepage")
    )


def paper_rows(*, conference: Conference, since: int | None) -> QuerySet[Paper, dict[str, Any]]:
    return (
        Paper.objects.filter(_changed(since), conference=conference)
        .order_by("id")
        .values(
            "id",
            "title",
            "abstract",
            "keywords",
            "arxiv_id",
            "openreview_id",
            "pdf_url",
            "project_url",
            "code_url",
            "video_url",
            "site_url",
            "status",
        )
    )


def authorship_rows(
    *, conference: Conference, since: int | None
) -> QuerySet[Authorship, tuple[int, int]]:
    """(paper id, person id) in author order."""
    return (
        Authorship.objects.filter(_changed(since, "paper__"), paper__conference=conference)
        .order_by("paper_id", "position")
        .values_list("paper_id", "person_id")
    )


def session_rows(*, conference: Conference, since: int | None) -> QuerySet[Session, dict[str, Any]]:
    return (
        Session.objects.filter(_changed(since), conference=conference)
        .order_by("id")
        .values(
            "id",
            "title",
            "kind",
            "start",
            "end",
            "room_id",
            "track_id",
            "description",
            "url",
            "cancelled",
        )
    )


def session_people_rows(
    *, conference: Conference, since: int | None, relation: str
) -> QuerySet[Any, tuple[int, int]]:
    """(session id, person id) of ``relation`` ("chairs" or "speakers"), in the order linked."""
    through = getattr(Session, relation).through
    return (
        through.objects.filter(_changed(since, "session__"), session__conference=conference)
        .order_by("session_id", "id")
        .values_list("session_id", "person_id")
    )


def oral_rows(*, conference: Conference, since: int | None) -> QuerySet[Oral, dict[str, Any]]:
    return (
        Oral.objects.filter(_changed(since), conference=conference)
        .order_by("id")
        .values("id", "session_id", "paper_id", "title", "start", "end", "order", "cancelled")
    )


def oral_speaker_rows(
    *, conference: Conference, since: int | None
) -> QuerySet[Any, tuple[int, int]]:
    return (
        Oral.speakers.through.objects.filter(_changed(since, "oral__"), oral__conference=conference)
        .order_by("oral_id", "id")
        .values_list("oral_id", "person_id")
    )


def poster_rows(*, conference: Conference, since: int | None) -> QuerySet[Poster, dict[str, Any]]:
    return (
        Poster.objects.filter(_changed(since), conference=conference)
        .order_by("id")
        .values("id", "session_id", "paper_id", "title", "board", "map_x", "map_y", "cancelled")
    )


def booth_rows(*, conference: Conference, since: int | None) -> QuerySet[Booth, dict[str, Any]]:
    return (
        Booth.objects.filter(_changed(since), conference=conference)
        .order_by("id")
        .values(
            "id",
            "exhibitor",
            "number",
            "room_id",
            "tier",
            "tags",
            "website",
            "description",
            "map_x",
            "map_y",
            "cancelled",
        )
    )


def booth_hours_rows(
    *, conference: Conference, since: int | None
) -> QuerySet[BoothHours, tuple[int, Any, Any]]:
    """(booth id, start, end) by booth, then start."""
    return (
        BoothHours.objects.filter(_changed(since, "booth__"), booth__conference=conference)
        .order_by("booth_id", "start")
        .values_list("booth_id", "start", "end")
    )


def meal_rows(*, conference: Conference, since: int | None) -> QuerySet[Meal, dict[str, Any]]:
    return (
        Meal.objects.filter(_changed(since), conference=conference)
        .order_by("id")
        .values(
            "id",
            "kind",
            "title",
            "start",
            "end",
            "room_id",
            "dietary_options",
            "notes",
            "cancelled",
        )
    )


def menu_item_rows(
    *, conference: Conference, since: int | None
) -> QuerySet[MenuItem, dict[str, Any]]:
    return (
        MenuItem.objects.filter(_changed(since, "meal__"), meal__conference=conference)
        .order_by("meal_id", "position", "name")
        .values("meal_id", "name", "description", "dietary")
    )
