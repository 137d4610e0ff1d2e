"""Reminder rows: derived from plan items × channels, then claimed and marked by delivery.

**Deriving rows.** For each plan item and each of its attendee's channels (in-app always,
push and e-mail when chosen) the wanted reminder fires at ``start - lead``, where ``start``
is the item's start (a poster's is its session's; a booth's is the visit time the attendee
chose, none without one) and ``lead`` is the item's ``reminder_minutes`` or else the
attendee's default. :func:`reminders_sync_for_items` makes the rows match:

- none is wanted for a cancelled item (an oral or poster also when its session is), an item
  without a start, or a fire time already past (the item is past or inside its lead): pending
  rows are cancelled;
- a pending row at another fire time is moved; a cancelled row at the wanted time comes back;
  a row already sending, sent or failed is history and is never touched;
- **quiet hours** (local, in the conference zone; may run past midnight): a push or e-mail
  reminder that would fire inside them is *skipped* (no row; a pending one is cancelled),
  not moved earlier: quiet means quiet, and a reminder hours ahead is not a reminder. The
  in-app reminder is still made: it makes no sound and waits in the app.

Each call reads the items and their reminders in two queries and writes in at most four
(create, move, cancel, revive), whatever the number of items and attendees. Every write is
conditional on the state it read (``WHERE state = 'pending'``), so a row the dispatcher
claimed meanwhile is left to the dispatcher.

Who calls it: the plan services (add, change, remove), the preferences service, the admin,
and :func:`reminders_sync_for_changes` after an import commits (only the plan items on the
moved, re-roomed, cancelled or restored program items, in bulk).

**Dispatch contract** (``planner.tasks`` and ``planner/notifications/`` call these; the
signatures are kept). The state machine itself is :mod:`planner.services.claims`, shared
with the Outbound rows of alerts and digests (:mod:`planner.services.outbound`):

- ``reminders_claim_due(*, now, limit) -> list[Reminder]``: claims up to ``limit`` pending
  rows with ``now - EXPIRE_AFTER < fire_at <= now`` (and ``retry_at`` unset or
  ``<= now``), oldest first, in one conditional update: state ``sending``,
  ``claimed_at = now``, ``attempts + 1`` and a fresh ``claim_token`` per call. On
  PostgreSQL the candidates are read with ``SELECT … FOR UPDATE SKIP LOCKED``, so
  concurrent claimers take different rows instead of waiting; on SQLite writes are
  serialized. Returns the claimed rows, with the attendee, conference, user, the plan
  item's target and its room selected.
- ``reminders_mark(*, reminders, now, error="", transient=False) -> int``: the outcome of
  delivering ``reminders`` (rows returned by a claim). ``error == ""``: sent (``sent_at``).
  A transient error (network, 5xx, the broker): back to ``pending`` with
  ``retry_at = now + backoff(attempts)`` (30 s doubling, at most 10 min), or ``failed``
  after MAX_ATTEMPTS attempts. A permanent error: ``failed``. Only rows still ``sending``
  under the caller's claim token change (a row the reconciler took back and someone else
  claimed is not theirs any more). Returns how many rows changed.
- ``reminders_reconcile(*, now, stuck_after) -> int``: rows ``sending`` since before
  ``now - stuck_after`` (their worker died) go back to ``pending`` with their attempt given
  back (a dead claim is not a delivery attempt; the expiry bounds a row that kills every
  worker); pending rows more than EXPIRE_AFTER (1 h) past their
  fire time (which the claim never takes) become ``failed`` ("expired"). Returns how many
  rows changed. Beat should run it every few minutes.

A channel the attendee cannot be reached on (push without a subscription, e-mail without an
address) still has rows: delivery decides (and marks) what to do with them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Case, DateTimeField, Q, QuerySet, Value, When
from django.utils import timezone

from planner.enums import Channel, ReminderState
from planner.models import Attendee, Conference, PlanItem, Reminder
from planner.notifications.content import item_cancelled, item_start
from planner.services import claims
from planner.services.claims import MAX_ATTEMPTS, backoff  # noqa: F401 - part of the contract

# A reminder this late is noise (the item has most likely begun): never claimed, and the
# reconciler fails it. Also keeps a demo seeded in the past from firing all at once.
EXPIRE_AFTER = dt.timedelta(hours=1)
BATCH = 500
# Program changes (ScheduleChange.fields keys) that can change whom to remind when, or what.
# The Attendee fields reminders derive from: changing one re-syncs all their reminders.
REMINDER_PREFERENCES = frozenset(
    {"reminder_minutes", "reminder_channels", "quiet_hours_start", "quiet_hours_end"}
)
TIMING_FIELDS = frozenset({"start", "end", "session", "cancelled", "room"})

_ITEM_RELATED = (
    "attendee__conference",
    "session",
    "oral__session",
    "poster__session",
    "booth",
    "meal",
)


@dataclass(frozen=True)
class SyncCounts:
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    revived: int = 0

    @property
    def writes(self) -> int:
        return self.created + self.moved + self.cancelled + self.revived


def attendee_channels(attendee: Attendee) -> list[str]:
    """The attendee's reminder channels, in-app always among them, in a stable order."""
    chosen = set(attendee.reminder_channels or []) | {Channel.IN_APP}
    return [channel for channel in Channel.values if channel in chosen]


def in_quiet_hours(attendee: Attendee, instant: dt.datetime, zone: dt.tzinfo) -> bool:
    """Whether ``instant`` falls inside the attendee's quiet hours (start inclusive, end
    exclusive, local wall-clock time; a start after the end runs past midnight)."""
    start, end = attendee.quiet_hours_start, attendee.quiet_hours_end
    if start is None or end is None:
        return False
    local = instant.astimezone(zone).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def wanted_fire_times(item: PlanItem) -> dict[str, dt.datetime | None]:
    """For each channel, when this item's reminder should fire (None: no reminder)."""
    attendee = item.attendee
    start = item_start(item)
    channels = attendee_channels(attendee)
    if start is None or item_cancelled(item):
        return dict.fromkeys(channels)
    lead = item.reminder_minutes if item.reminder_minutes is not None else attendee.reminder_minutes
    fire_at = start - dt.timedelta(minutes=lead)
    zone = attendee.conference.tz
    quiet = in_quiet_hours(attendee, fire_at, zone)
    return {
        channel: None if quiet and channel != Channel.IN_APP else fire_at for channel in channels
    }


def reminders_sync_for_items(
    *, plan_items: Iterable[PlanItem] | QuerySet[PlanItem], now: dt.datetime | None = None
) -> SyncCounts:
    """Make the Reminder rows of ``plan_items`` match their items and preferences now (see
    the module docstring). ``plan_items`` is a queryset or instances; either way they are
    read again with what the decision needs, so stale instances are fine.

    Side effects: creates, moves (``fire_at``), cancels and revives Reminder rows of these
    items; rows of channels no longer chosen are cancelled. Sends nothing."""
    now = now or timezone.now()
    if not isinstance(plan_items, QuerySet):
        ids = sorted({item.pk for item in plan_items})
        if not ids:
            return SyncCounts()
        plan_items = PlanItem.objects.filter(pk__in=ids)
    items = list(plan_items.select_related(*_ITEM_RELATED).order_by("pk"))
    if not items:
        return SyncCounts()
    existing: dict[int, dict[str, list[Reminder]]] = defaultdict(lambda: defaultdict(list))
    # A subquery, not a list of ids: an import may touch tens of thousands of plan items.
    stored = Reminder.objects.filter(plan_item__in=plan_items.order_by().values("pk"))
    for row in stored.order_by("pk"):
        existing[row.plan_item_id][row.channel].append(row)

    create: list[Reminder] = []
    moves: dict[int, dt.datetime] = {}
    cancel: list[int] = []
    revive: list[int] = []
    for item in items:
        wanted = wanted_fire_times(item)
        have = existing.get(item.pk, {})
        for channel in sorted(set(wanted) | set(have)):
            rows = have.get(channel, [])
            fire_at = wanted.get(channel)
            pending = [r for r in rows if r.state == ReminderState.PENDING]
            if fire_at is None:
                cancel.extend(r.pk for r in pending)
                continue
            exact = next((r for r in rows if r.fire_at == fire_at), None)
            if exact is not None:
                if exact.state == ReminderState.CANCELLED and fire_at > now:
                    revive.append(exact.pk)
                cancel.extend(r.pk for r in pending if r is not exact)
            elif fire_at <= now:
                cancel.extend(r.pk for r in pending)
            elif pending:
                moves[pending[0].pk] = fire_at
                cancel.extend(r.pk for r in pending[1:])
            else:
                create.append(Reminder(plan_item=item, channel=channel, fire_at=fire_at))

    # ignore_conflicts: a concurrent sync that made the same row first wins, harmlessly.
    Reminder.objects.bulk_create(create, batch_size=BATCH, ignore_conflicts=True)
    moved = _move(moves, now=now)
    if moved < len(moves):
        # A sweep claimed some of them after we read them (the move is ``WHERE state =
        # 'pending'``): they go out at the old time, and the item still gets one at the new
        # time (a row moved and then claimed is the same row: ignore_conflicts).
        late = [
            Reminder(plan_item_id=item_id, channel=channel, fire_at=moves[pk])
            for pk, item_id, channel in Reminder.objects.filter(
                pk__in=sorted(moves),
                state__in=[ReminderState.SENDING, ReminderState.SENT, ReminderState.FAILED],
            ).values_list("pk", "plan_item_id", "channel")
        ]
        Reminder.objects.bulk_create(late, batch_size=BATCH, ignore_conflicts=True)
        create.extend(late)
    cancelled = _set_state(cancel, ReminderState.PENDING, ReminderState.CANCELLED, now=now)
    revived = _set_state(revive, ReminderState.CANCELLED, ReminderState.PENDING, now=now)
    return SyncCounts(created=len(create), moved=moved, cancelled=cancelled, revived=revived)


def _move(moves: dict[int, dt.datetime], *, now: dt.datetime) -> int:
    done = 0
    pks = sorted(moves)
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        done += Reminder.objects.filter(pk__in=chunk, state=ReminderState.PENDING).update(
            fire_at=Case(
                *[When(pk=pk, then=Value(moves[pk])) for pk in chunk],
                output_field=DateTimeField(),
            ),
            retry_at=None,
            updated_at=now,
        )
    return done


def _set_state(pks: Sequence[int], old: str, new: str, *, now: dt.datetime) -> int:
    done = 0
    for start in range(0, len(pks), BATCH):
        chunk = list(pks[start : start + BATCH])
        values: dict[str, object] = {"state": new, "updated_at": now}
        if new == ReminderState.PENDING:
            values.update(attempts=0, last_error="", retry_at=None)
        done += Reminder.objects.filter(pk__in=chunk, state=old).update(**values)
    return done


def reminders_sync_for_attendee(
    *, attendee: Attendee, now: dt.datetime | None = None
) -> SyncCounts:
    """Re-derive every reminder of ``attendee`` (their preferences changed).

    Side effects: those of :func:`reminders_sync_for_items` for all their plan items."""
    return reminders_sync_for_items(plan_items=PlanItem.objects.filter(attendee=attendee), now=now)


def affected_plan_items(*, conference: Conference, changes: Iterable) -> QuerySet[PlanItem]:
    """The plan items on program items that ``changes`` moved, re-roomed, cancelled or
    restored: one queryset, whatever the number of changes and attendees.

    ``changes`` are ``schedule_upsert``'s :class:`~planner.services.schedule_upsert.Change`
    (``kind``, ``pk``, ``fields``). A session's change also reaches the plan items on its
    posters (they start when it starts) and orals (cancelled with it)."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for change in changes:
        if TIMING_FIELDS & set(change.fields):
            by_kind[change.kind].add(change.pk)
    if not by_kind:
        return PlanItem.objects.none()
    sessions = sorted(by_kind.get("session", ()))
    match = Q()
    if sessions:
        match |= (
            Q(session_id__in=sessions)
            | Q(oral__session_id__in=sessions)
            | Q(poster__session_id__in=sessions)
        )
    for kind in ("oral", "poster", "booth", "meal"):
        if by_kind.get(kind):
            match |= Q(**{f"{kind}_id__in": sorted(by_kind[kind])})
    return PlanItem.objects.filter(match, attendee__conference=conference)


def reminders_sync_for_changes(
    *, conference: Conference, changes: Iterable, now: dt.datetime | None = None
) -> SyncCounts:
    """After an import committed: sync the reminders of the plan items its changes touched
    (see :func:`affected_plan_items`), in bulk.

    Side effects: those of :func:`reminders_sync_for_items`."""
    return reminders_sync_for_items(
        plan_items=affected_plan_items(conference=conference, changes=changes), now=now
    )


# --- dispatch -------------------------------------------------------------------------------


REMINDER_CLAIM_RELATED = (
    "plan_item__attendee__conference",
    "plan_item__attendee__user",
    "plan_item__session__room",
    "plan_item__oral__session__room",
    "plan_item__oral__paper",
    "plan_item__poster__session__room",
    "plan_item__poster__paper",
    "plan_item__booth__room",
    "plan_item__meal__room",
)


def reminders_claim_due(*, now: dt.datetime, limit: int) -> list[Reminder]:
    """Claim due pending reminders for delivery (see the module docstring).

    The sync leaves a ``sending`` row alone; when its worker died and the reconciler (or a
    transient failure) put it back to pending, what it reminds of may have changed
    meanwhile. Such a claimed row is cancelled instead of returned when its item is now
    cancelled (or has no start), or, claimed before, when the sync made its replacement (a
    row of the same item and channel at the item's current reminder time)."""
    claimed = claims.rows_claim_due(
        Reminder, now=now, limit=limit, expire_after=EXPIRE_AFTER, related=REMINDER_CLAIM_RELATED
    )
    stale = _superseded(claimed)
    if not stale:
        return claimed
    Reminder.objects.filter(
        pk__in=sorted(stale), claim_token=claimed[0].claim_token, state=ReminderState.SENDING
    ).update(state=ReminderState.CANCELLED, claim_token=None, updated_at=now)
    return [r for r in claimed if r.pk not in stale]


def _superseded(claimed: Sequence[Reminder]) -> set[int]:
    """The claimed rows not to deliver (see :func:`reminders_claim_due`): no query unless a
    row's time differs from its item's current reminder time."""
    stale: set[int] = set()
    moved: dict[int, tuple[int, str, dt.datetime]] = {}
    for row in claimed:
        item = row.plan_item
        start = item_start(item)
        if start is None or item_cancelled(item):
            stale.add(row.pk)
            continue
        lead = item.reminder_minutes
        if lead is None:
            lead = item.attendee.reminder_minutes
        wanted = start - dt.timedelta(minutes=lead)
        # Only a row claimed before (taken back, or retried: both leave last_error) can have
        # been left behind by the sync; a first claim never is (and rows written by hand stay
        # deliverable). Not ``attempts``: the reconciler gives a dead claim's attempt back.
        if wanted != row.fire_at and row.last_error:
            moved[row.pk] = (row.plan_item_id, row.channel, wanted)
    if moved:
        replacements = set(
            Reminder.objects.filter(plan_item_id__in={key[0] for key in moved.values()})
            .exclude(pk__in=list(moved))
            .exclude(state=ReminderState.CANCELLED)
            .values_list("plan_item_id", "channel", "fire_at")
        )
        stale |= {pk for pk, key in moved.items() if key in replacements}
    return stale


def reminders_mark(
    *,
    reminders: Sequence[Reminder],
    now: dt.datetime,
    error: str = "",
    transient: bool = False,
    deferred: bool = False,
) -> int:
    """Record the outcome of delivering ``reminders`` (see the module docstring)."""
    return claims.rows_mark(
        Reminder, rows=reminders, now=now, error=error, transient=transient, deferred=deferred
    )


def reminders_reconcile(*, now: dt.datetime, stuck_after: dt.timedelta) -> int:
    """Take back rows stuck in ``sending``, and expire pending rows too late to send (see
    the module docstring)."""
    return claims.rows_reconcile(
        Reminder, now=now, stuck_after=stuck_after, expire_after=EXPIRE_AFTER
    )
