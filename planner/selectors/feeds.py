"""Reads for the iCalendar feeds: the private per-attendee feed and the public filtered ones."""

from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, Prefetch, QuerySet

from planner.enums import SessionKind
from planner.models import (
    Attendee,
    Authorship,
    Conference,
    Meal,
    Meetup,
    PlanItem,
    PosterConversation,
    Room,
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
        .filter(feed_token_hash=hash_token(raw_token), user__is_active=True)
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
            "oral__paper",
            "poster__session__room",
            "poster__paper",
            "booth__room",
            "meal__room",
        )
        .order_by("met_at", "pk")
    )


def public_feed_sessions(
    *,
    conference: Conference,
    track_id: int | None = None,
    room_id: int | None = None,
    kind: str | None = None,
) -> tuple[QuerySet[Session], QuerySet[Meal]]:
    """Sessions and meals of one public feed (all of them with no filter), in start order;
    cancelled ones too, as tombstones. A track
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
    return sessions, meals


def scans_received(*, attendee: Attendee) -> QuerySet[Meetup]:
    """Live badge scans of ``attendee``'s badge by others, newest first, with whether the
    attendee has logged the scanner in return (``shared_back``)."""
    mine = Meetup.objects.filter(
        attendee=attendee, other=OuterRef("attendee"), deleted_at__isnull=True
    )
    return (
        # ``scanned`` is set by the scan endpoint alone; ``other`` must still agree, so an
        # entry typed or re-pointed through the logbook API never shows here.
        Meetup.objects.filter(scanned=attendee, other=attendee, deleted_at__isnull=True)
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
