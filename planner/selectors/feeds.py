"""Reads for the iCalendar feeds: the private per-attendee feed and the public filtered ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from planner.enums import ChangeAction, MeetupSource, SessionKind
from planner.models import (
    Attendee,
    Authorship,
    Conference,
    Meal,
    Meetup,
    PlanItem,
    PosterConversation,
    Room,
    ScheduleChange,
    Session,
    Track,
)
from planner.models.accounts import hash_token
from planner.models.plans import PLAN_TARGETS
from planner.selectors.plans import PLAN_ITEM_RELATED

# The public feeds besides the whole program: by session kind, plus meals.
MEAL_KIND = SessionKind.MEAL.value


def attendee_for_feed_token(raw_token: str) -> Attendee | None:
    """The attendee whose private feed ``raw_token`` opens, or None (unknown or rotated)."""
    return (
        Attendee.objects.select_related("conference")
        .filter(feed_token_hash=hash_token(raw_token))
        .first()
    )


def plan_items_for_feed(*, attendee: Attendee) -> QuerySet[PlanItem]:
    """Every plan item with its target, the target's session and room, and the paper with
    its ordered authors: what an event's LOCATION and DESCRIPTION need, in three queries."""
    authorships = Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related("person").order_by("position"),
    )
    return (
        PlanItem.objects.filter(attendee=attendee)
        .select_related(*PLAN_TARGETS, *PLAN_ITEM_RELATED, "session__track")
        .prefetch_related(
            Prefetch("oral__paper__authorships", queryset=authorships.queryset),
            Prefetch("poster__paper__authorships", queryset=authorships.queryset),
        )
        .order_by("pk")
    )


def revisions_for(*, conference: Conference, items: Iterable[PlanItem]) -> Counter[tuple[str, int]]:
    """How often each planned item (and each enclosing session) changed since it was created:
    (kind, id) → count. A poster's iCal SEQUENCE is its own count plus its session's, so a
    moved poster session raises the SEQUENCE of every poster in it."""
    wanted: dict[str, set[int]] = {kind: set() for kind in PLAN_TARGETS}
    for item in items:
        kind = item.target_kind
        wanted[kind].add(item.target_id)
        if kind in ("oral", "poster"):
            wanted["session"].add(getattr(item, kind).session_id)
    match = Q()
    for kind, ids in wanted.items():
        if ids:
            match |= Q(**{f"{kind}_id__in": ids})
    counts: Counter[tuple[str, int]] = Counter()
    if not match:
        return counts
    rows = (
        ScheduleChange.objects.filter(match, conference=conference)
        .exclude(action=ChangeAction.CREATED)
        .values_list(*[f"{kind}_id" for kind in PLAN_TARGETS])
    )
    for row in rows:
        for kind, target_id in zip(PLAN_TARGETS, row, strict=True):
            if target_id is not None:
                counts[(kind, target_id)] += 1
    return counts


def logbook_stamp(*, attendee: Attendee) -> str:
    """Changes whenever a conversation or meetup of the attendee changes (for the cache key
    of a feed that includes follow-ups or meetups)."""
    newest = [
        PosterConversation.objects.filter(attendee=attendee).aggregate(m=Max("updated_at"))["m"],
        Meetup.objects.filter(attendee=attendee).aggregate(m=Max("updated_at"))["m"],
    ]
    return "-".join(value.isoformat() if value else "0" for value in newest)


def followups_for_feed(*, attendee: Attendee) -> list[PosterConversation | Meetup]:
    """Live conversations and meetups that have a follow-up written down."""
    conversations = (
        PosterConversation.objects.filter(attendee=attendee, deleted_at__isnull=True)
        .exclude(follow_up="")
        .select_related("poster__paper")
        .order_by("talked_at", "pk")
    )
    meetups = (
        Meetup.objects.filter(attendee=attendee, deleted_at__isnull=True)
        .exclude(follow_up="")
        .order_by("met_at", "pk")
    )
    return [*conversations, *meetups]


def meetups_for_feed(*, attendee: Attendee) -> QuerySet[Meetup]:
    return (
        Meetup.objects.filter(attendee=attendee, deleted_at__isnull=True)
        .select_related(
            "session__room",
            "oral__session__room",
            "poster__session__room",
            "booth__room",
            "meal__room",
        )
        .order_by("met_at", "pk")
    )


def _revisions(conference: Conference, field: str) -> dict[int, int]:
    """id → how often that session (or meal) changed since it was created: its SEQUENCE.
    One grouped query over the change log, cheaper than a Count() join over every row."""
    rows = (
        ScheduleChange.objects.filter(conference=conference, **{f"{field}__isnull": False})
        .exclude(action=ChangeAction.CREATED)
        .order_by()
        .values_list(field)
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def public_feed_sessions(
    *,
    conference: Conference,
    track_id: int | None = None,
    room_id: int | None = None,
    kind: str | None = None,
) -> tuple[list[Session], list[Meal]]:
    """Sessions and meals of one public feed (all of them with no filter), in start order,
    each with ``revisions`` (its iCal SEQUENCE); cancelled ones too, as tombstones. A track
    feed has no meals (meals have no track); the ``meal`` kind feed has the meals and the
    sessions of kind meal (some exports type lunch as a session)."""
    sessions = (
        Session.objects.filter(conference=conference).select_related("room").order_by("start", "pk")
    )
    meals = (
        Meal.objects.filter(conference=conference).select_related("room").order_by("start", "pk")
    )
    if track_id is not None:
        sessions = sessions.filter(track_id=track_id)
        meals = meals.none()
    if room_id is not None:
        sessions = sessions.filter(room_id=room_id)
        meals = meals.filter(room_id=room_id)
    if kind == MEAL_KIND:
        sessions = sessions.filter(kind=SessionKind.MEAL)
    elif kind is not None:
        sessions = sessions.filter(kind=kind)
        meals = meals.none()
    found = []
    for rows, field in ((list(sessions), "session"), (list(meals), "meal")):
        counts = _revisions(conference, field) if rows else {}
        for row in rows:
            row.revisions = counts.get(row.pk, 0)
        found.append(rows)
    return found[0], found[1]


def scans_received(*, attendee: Attendee) -> QuerySet[Meetup]:
    """Live badge scans of ``attendee``'s badge by others, newest first, with whether the
    attendee has logged the scanner in return (``shared_back``)."""
    mine = Meetup.objects.filter(
        attendee=attendee, other=OuterRef("attendee"), deleted_at__isnull=True
    )
    return (
        Meetup.objects.filter(
            other=attendee, source=MeetupSource.BADGE_SCAN, deleted_at__isnull=True
        )
        .select_related("attendee__user")
        .annotate(shared_back=Exists(mine))
        .order_by("-met_at", "pk")
    )


def public_feeds(*, conference: Conference) -> list[dict[str, str]]:
    """The public feeds worth subscribing to: the whole program, each track and room, and
    each kind the program has. ``key`` names one in the API; ``path`` is its URL path."""
    base = f"/feeds/conference/{conference.slug}"
    feeds = [{"key": "conference", "name": conference.name, "path": f"{base}.ics"}]
    for track in Track.objects.filter(conference=conference).order_by("name", "pk"):
        feeds.append(
            {
                "key": f"track-{track.pk}",
                "name": f"Track: {track.name}",
                "path": f"{base}/track/{track.pk}.ics",
            }
        )
    for room in Room.objects.filter(conference=conference).order_by("position", "name", "pk"):
        feeds.append(
            {
                "key": f"room-{room.pk}",
                "name": f"Room: {room.name}",
                "path": f"{base}/room/{room.pk}.ics",
            }
        )
    kinds = set(
        Session.objects.filter(conference=conference).values_list("kind", flat=True).distinct()
    )
    if Meal.objects.filter(conference=conference).exists():
        kinds.add(MEAL_KIND)
    for kind, label in SessionKind.choices:
        if kind in kinds:
            name = "Meals" if kind == MEAL_KIND else f"{label}s"
            feeds.append({"key": f"kind-{kind}", "name": name, "path": f"{base}/kind/{kind}.ics"})
    return feeds
