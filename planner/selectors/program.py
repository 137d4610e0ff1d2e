"""Reads of a conference's program. Every selector takes the conference explicitly."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

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

# --- the public program API ------------------------------------------------------------------


def room_list(*, conference: Conference) -> QuerySet[Room]:
    return Room.objects.filter(conference=conference).order_by("position", "name", "pk")


def track_list(*, conference: Conference) -> QuerySet[Track]:
    return Track.objects.filter(conference=conference).order_by("name", "pk")


def _live_count(model: type[Oral] | type[Poster]) -> Coalesce:
    """Non-cancelled orals/posters of the outer session, as a correlated subquery: two
    Count() joins would multiply rows (orals × posters) before grouping."""
    per_session = (
        model.objects.filter(session=OuterRef("pk"), cancelled=False)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_session, output_field=IntegerField()), 0)


def _authorships() -> Prefetch:
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related("person").order_by("position"),
    )


def session_list(*, conference: Conference) -> QuerySet[Session]:
    """Sessions by start, cancelled ones included, with ``oral_count`` and ``poster_count``
    (non-cancelled) instead of the orals and posters themselves."""
    return (
        Session.objects.filter(conference=conference)
        .select_related("room", "track")
        .prefetch_related(
            Prefetch("speakers", queryset=Person.objects.order_by("name", "pk")),
            Prefetch("chairs", queryset=Person.objects.order_by("name", "pk")),
        )
        .annotate(oral_count=_live_count(Oral), poster_count=_live_count(Poster))
        .order_by("start", "pk")
    )


def session_detail_list(*, conference: Conference) -> QuerySet[Session]:
    """Sessions with their orals (by order; paper, authors, speakers) and posters (paper
    title only; the caller puts boards in natural order, see ``board_sort_key``)."""
    return session_list(conference=conference).prefetch_related(
        Prefetch(
            "orals",
            queryset=Oral.objects.select_related("paper")
            .prefetch_related(
                Prefetch("paper__authorships", queryset=_authorships().queryset),
                Prefetch("speakers", queryset=Person.objects.order_by("name", "pk")),
            )
            .order_by("order", "pk"),
        ),
        Prefetch(
            "posters",
            queryset=Poster.objects.select_related("paper").only(
                "id",
                "session_id",
                "paper_id",
                "paper__title",
                "title",
                "board",
                "map_x",
                "map_y",
                "cancelled",
            ),
        ),
    )


def paper_list(*, conference: Conference) -> QuerySet[Paper]:
    """Papers by title with their ordered authors."""
    return (
        Paper.objects.filter(conference=conference)
        .prefetch_related(_authorships())
        .order_by("title", "pk")
    )


def paper_detail_list(*, conference: Conference) -> QuerySet[Paper]:
    """Papers with authors and where they are presented (orals and posters, with sessions)."""
    return paper_list(conference=conference).prefetch_related(
        Prefetch(
            "orals",
            queryset=Oral.objects.select_related("session__room").order_by("start", "pk"),
        ),
        Prefetch(
            "posters",
            queryset=Poster.objects.select_related("session__room").order_by(
                "session__start", "pk"
            ),
        ),
    )


_DIGITS = re.compile(r"([0-9]+)")


def board_sort_key(board: str) -> tuple[tuple[str | int, ...], str]:
    """Natural order of board labels: "2" < "10", "A-2" < "A-10" < "B-1", "042" == "42"
    broken by the label itself. re.split with a group alternates text and digits, starting
    with text, so keys compare text with text and numbers with numbers."""
    parts = _DIGITS.split(board.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), board


def poster_list(*, conference: Conference) -> QuerySet[Poster]:
    """Unordered posters of the conference, to be filtered and then put in board order
    with ``poster_ids_in_board_order``."""
    return Poster.objects.filter(conference=conference)


def poster_ids_in_board_order(posters: QuerySet[Poster]) -> list[int]:
    """Ids of ``posters`` by session start, session, then natural board order.

    Natural order cannot be expressed in SQL portably (SQLite has no regexp_replace), and
    "order by length, label" breaks across prefixes ("B-1" before "A-10"). So one narrow
    query reads (id, session start, session, board) of the filtered posters and Python
    sorts them: about 1 ms per 1,000 posters. The caller pages through the ids and loads
    only the page with ``poster_list_by_ids``."""
    rows = posters.order_by().values_list("pk", "session__start", "session_id", "board")
    ordered = sorted(rows, key=lambda r: (r[1], r[2], board_sort_key(r[3]), r[0]))
    return [row[0] for row in ordered]


def poster_list_by_ids(*, conference: Conference, ids: list[int]) -> list[Poster]:
    """The posters ``ids`` in that order, with session, room and paper authors."""
    posters = (
        Poster.objects.filter(conference=conference, pk__in=ids)
        .select_related("session__room", "paper")
        .prefetch_related(Prefetch("paper__authorships", queryset=_authorships().queryset))
    )
    by_id = {poster.pk: poster for poster in posters}
    return [by_id[pk] for pk in ids if pk in by_id]


def booth_list(*, conference: Conference) -> QuerySet[Booth]:
    return (
        Booth.objects.filter(conference=conference)
        .select_related("room")
        .prefetch_related(Prefetch("hours", queryset=BoothHours.objects.order_by("start")))
        .order_by("number", "exhibitor", "pk")
    )


def meal_list(*, conference: Conference) -> QuerySet[Meal]:
    return (
        Meal.objects.filter(conference=conference)
        .select_related("room")
        .prefetch_related(
            Prefetch("menu_items", queryset=MenuItem.objects.order_by("position", "name"))
        )
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class NowAndNext:
    sessions_now: list[Session]
    sessions_next: list[Session]
    meals_now: list[Meal]
    meals_next: list[Meal]


def now_and_next(*, conference: Conference, at: dt.datetime, within: dt.timedelta) -> NowAndNext:
    """Non-cancelled sessions and meals running at ``at`` (start <= at < end) and those
    starting after ``at`` up to ``at + within``; one query for each kind."""
    horizon = at + within
    sessions = list(
        Session.objects.filter(
            conference=conference, cancelled=False, start__lte=horizon, end__gt=at
        )
        .select_related("room", "track")
        .order_by("start", "pk")
    )
    meals = list(
        Meal.objects.filter(conference=conference, cancelled=False, start__lte=horizon, end__gt=at)
        .select_related("room")
        .order_by("start", "pk")
    )
    return NowAndNext(
        sessions_now=[s for s in sessions if s.start <= at],
        sessions_next=[s for s in sessions if s.start > at],
        meals_now=[m for m in meals if m.start <= at],
        meals_next=[m for m in meals if m.start > at],
    )
