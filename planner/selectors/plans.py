"""Reads of an attendee's plan: the starred items, their targets and the plan's conflicts.

Every selector takes the attendee (and so its conference) explicitly.

- ``plan_item_list`` keeps cancelled items: a plan never loses a star silently; the target
  says ``cancelled`` (an oral or poster also when its session is cancelled).
- ``plan_conflicts`` reports only real clashes: an oral in its own starred session, and two
  items in one room where one's time lies within the other's, are one event (``same_event``
  says why partial overlaps and other rooms still count).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Model, QuerySet
from django.db.models.functions import Coalesce

from planner.exceptions import NotFound
from planner.models import Attendee, Booth, Conference, Meal, Oral, PlanItem, Poster, Session
from planner.models.plans import PLAN_TARGETS

TARGET_MODELS: dict[str, type[Model]] = {
    "session": Session,
    "oral": Oral,
    "poster": Poster,
    "booth": Booth,
    "meal": Meal,
}
# What a plan item's target needs to render without further queries.
_TARGET_RELATED = {
    "session": ["room"],
    "oral": ["paper", "session__room"],
    "poster": ["paper", "session__room"],
    "booth": ["room"],
    "meal": ["room"],
}
PLAN_ITEM_RELATED = [
    f"{kind}__{related}" for kind, relations in _TARGET_RELATED.items() for related in relations
]
TIMED_KINDS = ("session", "oral", "meal")

MIN_MINUTES_PER_POSTER = 1
MAX_MINUTES_PER_POSTER = 60
DEFAULT_MINUTES_PER_POSTER = 5


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTarget:
    """What a plan item points at, flattened across kinds. Times are UTC-aware instants.

    Posters take their poster session's slot and room; orals their session's room; booths
    have opening windows rather than one slot: ``start``/``end`` are the visit the attendee
    chose, or empty."""

    kind: str
    id: int
    title: str
    start: dt.datetime | None
    end: dt.datetime | None
    room_id: int | None
    room: str | None
    board: str | None
    session_id: int | None
    cancelled: bool


def plan_target(item: PlanItem) -> PlanTarget:
    """The target of ``item``; needs ``plan_item_list``'s select_related to stay query-free."""
    kind = item.target_kind
    target: Any = getattr(item, kind)
    if kind == "session":
        return PlanTarget(
            kind=kind,
            id=target.pk,
            title=target.title,
            start=target.start,
            end=target.end,
            room_id=target.room_id,
            room=target.room.name if target.room_id else None,
            board=None,
            session_id=None,
            cancelled=target.cancelled,
        )
    if kind in ("oral", "poster"):
        session = target.session
        return PlanTarget(
            kind=kind,
            id=target.pk,
            title=target.display_title,
            start=target.start if kind == "oral" else session.start,
            end=target.end if kind == "oral" else session.end,
            room_id=session.room_id,
            room=session.room.name if session.room_id else None,
            board=target.board if kind == "poster" else None,
            session_id=session.pk,
            cancelled=target.cancelled or session.cancelled,
        )
    if kind == "booth":
        return PlanTarget(
            kind=kind,
            id=target.pk,
            title=target.exhibitor,
            start=item.visit_start,
            end=item.visit_end,
            room_id=target.room_id,
            room=target.room.name if target.room_id else None,
            board=None,
            session_id=None,
            cancelled=target.cancelled,
        )
    return PlanTarget(
        kind=kind,
        id=target.pk,
        title=target.title,
        start=target.start,
        end=target.end,
        room_id=target.room_id,
        room=target.room.name if target.room_id else None,
        board=None,
        session_id=None,
        cancelled=target.cancelled,
    )


def plan_target_get(*, conference: Conference, kind: str, target_id: int) -> Model:
    """The session/oral/poster/booth/meal ``target_id`` of ``conference``; NotFound otherwise
    (an unknown kind, another conference's item and a missing one are told apart by no one)."""
    model = TARGET_MODELS.get(kind)
    if model is None:
        raise NotFound("Not found.")
    target = model._default_manager.filter(pk=target_id, conference=conference).order_by().first()
    if target is None:
        raise NotFound(f"No such {kind} in this conference.")
    return target


# --- plan items -------------------------------------------------------------------------------


def plan_item_list(*, attendee: Attendee) -> QuerySet[PlanItem]:
    """The attendee's plan, timed items in start order (posters at their session's start),
    booths last; every target with what it renders, in one query."""
    return (
        PlanItem.objects.filter(attendee=attendee)
        .select_related(*PLAN_TARGETS, *PLAN_ITEM_RELATED)
        .annotate(
            target_start=Coalesce(
                "session__start", "oral__start", "poster__session__start", "meal__start"
            )
        )
        .order_by(F("target_start").asc(nulls_last=True), "created_at", "pk")
    )


def plan_item_get(*, attendee: Attendee, kind: str, target_id: int) -> PlanItem:
    if kind not in TARGET_MODELS:
        raise NotFound("Not found.")
    item = plan_item_list(attendee=attendee).filter(**{f"{kind}_id": target_id}).first()
    if item is None:
        raise NotFound(f"This {kind} is not in your plan.")
    return item


# --- conflicts --------------------------------------------------------------------------------


_NUMBER = re.compile(r"(\d+)")


def natural_key(label: str) -> tuple[Any, ...]:
    """Sort key that compares digit runs as numbers: "2" < "10", "A-9" < "A-10" < "B-1".

    ``re.split`` with a capturing group alternates text and digits, always starting with
    text (maybe empty), so equal positions hold equal types and tuples compare safely."""
    parts = _NUMBER.split(label.strip())
    return tuple(
        (int(part), part) if index % 2 else part.casefold() for index, part in enumerate(parts)
    )


@dataclass(frozen=True)
class Overlap:
    first: PlanTarget
    second: PlanTarget
    start: dt.datetime
    end: dt.datetime
    minutes: int


@dataclass(frozen=True)
class PosterStop:
    poster_id: int
    board: str
    title: str
    status: str


@dataclass(frozen=True)
class PosterSessionOverload:
    session_id: int
    title: str
    start: dt.datetime
    end: dt.datetime
    room: str | None
    posters: int
    minutes_per_poster: int
    needed_minutes: int
    available_minutes: int
    walking_order: list[PosterStop] = field(default_factory=list)


@dataclass(frozen=True)
class PlanConflicts:
    minutes_per_poster: int
    overlaps: list[Overlap]
    cancelled: list[PlanTarget]
    poster_sessions: list[PosterSessionOverload]


def _minutes(delta: dt.timedelta) -> int:
    # Any overlap counts, so part of a minute rounds up.
    return math.ceil(delta.total_seconds() / 60)


def _order(target: PlanTarget) -> tuple[Any, ...]:
    return (target.start, target.end, TIMED_KINDS.index(target.kind), target.id)


def same_event(a: PlanTarget, b: PlanTarget) -> bool:
    """Whether two overlapping plan targets are one thing the attendee attends, not a clash.

    The question an attendee asks of a conflict is "do I have to choose?". They do not when:

    - an oral is part of its own session (its slot is a part of the session's, whatever the
      file says about its minutes): sitting in the session is hearing the talk;
    - both are in the **same room** and one's span lies within the other's (equal spans
      included): the welcome reception listed as a social session and as a meal in one
      garden, lunch served in the poster hall during the poster session. A room holds one
      thing at a time, so two listings nested in one room are one gathering seen twice.

    They still have to choose, and the pair stays a conflict, when:

    - the rooms differ, or either room is unknown (nothing says it is the same place);
    - one room, but each item sticks out past the other (09:00–10:30 and 10:00–12:00 in
      Hall A): two consecutive events whose slots disagree, so one is cut short or starts
      late and the attendee cannot see both whole. Telling them costs a glance; hiding it
      could cost a talk.
    """
    if {a.kind, b.kind} == {"session", "oral"}:
        oral, session = (a, b) if a.kind == "oral" else (b, a)
        if oral.session_id == session.id:
            return True
    if a.room_id is None or a.room_id != b.room_id:
        return False
    if a.start is None or a.end is None or b.start is None or b.end is None:
        return False  # untimed: never in an overlap; keeps the types honest
    return (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)


def _overlaps(timed: list[PlanTarget]) -> list[Overlap]:
    """Pairs of timed targets whose slots intersect, by a sweep over start times, less the
    pairs that are one event (see ``same_event``)."""
    slots = sorted(
        ((t.start, t.end, t) for t in timed if t.start is not None and t.end is not None),
        key=lambda slot: _order(slot[2]),
    )
    found: list[Overlap] = []
    active: list[tuple[dt.datetime, dt.datetime, PlanTarget]] = []
    for start, end, target in slots:
        active = [slot for slot in active if slot[1] > start]
        for other_start, other_end, other in active:
            if same_event(other, target):
                continue
            overlap_start, overlap_end = max(other_start, start), min(other_end, end)
            found.append(
                Overlap(
                    first=other,
                    second=target,
                    start=overlap_start,
                    end=overlap_end,
                    minutes=_minutes(overlap_end - overlap_start),
                )
            )
        active.append((start, end, target))
    return sorted(found, key=lambda o: (o.start, _order(o.first), _order(o.second)))


def plan_conflicts(
    *, attendee: Attendee, minutes_per_poster: int = DEFAULT_MINUTES_PER_POSTER
) -> PlanConflicts:
    """What in the attendee's plan cannot all happen: overlapping timed items (sessions,
    orals, meals) that are not one event (``same_event``), starred items that were cancelled
    (listed apart, never as a clash), and poster sessions whose starred posters need more
    visiting time than the session lasts."""
    timed: list[PlanTarget] = []
    cancelled: list[PlanTarget] = []
    starred_by_session: dict[int, list[tuple[PlanItem, PlanTarget]]] = defaultdict(list)
    for item in plan_item_list(attendee=attendee):
        target = plan_target(item)
        if target.cancelled:
            cancelled.append(target)
        elif target.kind in TIMED_KINDS:
            timed.append(target)
        elif target.kind == "poster" and target.session_id is not None:
            starred_by_session[target.session_id].append((item, target))

    overloads: list[PosterSessionOverload] = []
    for session_id, starred in starred_by_session.items():
        item, first = starred[0]
        if item.poster is None or first.start is None or first.end is None:
            continue  # cannot happen for a poster target; keeps the types honest
        available = int((first.end - first.start).total_seconds() // 60)
        needed = len(starred) * minutes_per_poster
        if needed <= available:
            continue
        walk = sorted(starred, key=lambda pair: (natural_key(pair[1].board or ""), pair[1].id))
        overloads.append(
            PosterSessionOverload(
                session_id=session_id,
                title=item.poster.session.title,
                start=first.start,
                end=first.end,
                room=first.room,
                posters=len(starred),
                minutes_per_poster=minutes_per_poster,
                needed_minutes=needed,
                available_minutes=available,
                walking_order=[
                    PosterStop(
                        poster_id=target.id,
                        board=target.board or "",
                        title=target.title,
                        status=starred_item.status,
                    )
                    for starred_item, target in walk
                ],
            )
        )
    overloads.sort(key=lambda o: (o.start, o.session_id))
    return PlanConflicts(
        minutes_per_poster=minutes_per_poster,
        overlaps=_overlaps(timed),
        cancelled=sorted(
            cancelled,
            key=lambda t: (t.start is None, t.start, PLAN_TARGETS.index(t.kind), t.id),
        ),
        poster_sessions=overloads,
    )
