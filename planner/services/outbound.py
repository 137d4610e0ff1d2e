"""Outbound rows: push and e-mail copies of messages that are not a plan item's reminder
(schedule-change alerts, the evening digest), claimed and marked like reminders.

**Writing.** :func:`outbound_write` takes rendered messages (planner.notifications.Message)
and writes, in one INSERT, one row per message and per push/e-mail channel the attendee
chose. Each row's ``dedupe_key`` is unique per (attendee, channel), so writing the same
messages again is a no-op (``ON CONFLICT DO NOTHING``). The in-app copy is the caller's:
it is a Notification, written at once.

**Quiet hours.** A row whose message arrives inside the attendee's quiet hours (local,
conference zone; may run past midnight) fires at the end of those quiet hours instead of
now: an alert is news worth having in the morning, unlike a reminder (which is skipped).

**Dispatch** (the same state machine as Reminder, planner.services.claims):
:func:`outbound_claim_due`, :func:`outbound_mark`, :func:`outbound_reconcile`, put together
by :func:`outbound_dispatch_due`, which the reminder sweep runs after the reminders (every
≤ 30 s). A row more than EXPIRE_AFTER late (the dispatcher was down half a day) is failed,
not sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings

from planner.enums import Channel, ReminderState
from planner.models import Attendee, Outbound
from planner.notifications import Delivery, Message, Outcome, fanout
from planner.services import claims
from planner.services.reminders import attendee_channels, in_quiet_hours

logger = logging.getLogger(__name__)

EXPIRE_AFTER = dt.timedelta(hours=12)
BATCH = 500
CLAIM_RELATED = ("attendee__conference", "attendee__user")
OUTBOUND_CHANNELS = (Channel.PUSH, Channel.EMAIL)


def quiet_hours_end(attendee: Attendee, instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """``instant`` itself when it is outside the attendee's quiet hours, else the instant
    they end (the next local ``quiet_hours_end`` wall-clock time, DST-aware: a wall-clock
    time that does not exist that day is read as after the jump)."""
    if not in_quiet_hours(attendee, instant, zone):
        return instant
    local = instant.astimezone(zone)
    end = attendee.quiet_hours_end
    day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    wall = dt.datetime.combine(day, end, tzinfo=zone)
    # Round-trip through UTC normalizes a wall time in a DST gap to a real instant.
    return wall.astimezone(dt.UTC)


def outbound_rows(
    *, messages: Iterable[Message], attendees: Mapping[int, Attendee], now: dt.datetime
) -> list[Outbound]:
    """The unsaved rows for ``messages``: one per push/e-mail channel of each message's
    attendee (``attendees`` by id, with their conference), firing now or when their quiet
    hours end."""
    rows = []
    for message in messages:
        attendee = attendees[message.attendee_id]
        channels = [c for c in attendee_channels(attendee) if c in OUTBOUND_CHANNELS]
        if not channels:
            continue
        fire_at = quiet_hours_end(attendee, now, attendee.conference.tz)
        for channel in channels:
            rows.append(
                Outbound(
                    attendee_id=attendee.pk,
                    channel=channel,
                    kind=message.kind,
                    dedupe_key=message.dedupe_key[:200],
                    title=message.title[:200],
                    lines=list(message.lines),
                    url=message.url[:500],
                    tag=message.tag[:100],
                    when=message.when,
                    language=message.language,
                    fire_at=fire_at,
                )
            )
    return rows


def outbound_write(
    *, messages: Iterable[Message], attendees: Mapping[int, Attendee], now: dt.datetime
) -> int:
    """Write the push/e-mail rows of ``messages`` (see :func:`outbound_rows`) in one INSERT
    per BATCH rows; rows that exist (same attendee, channel and dedupe key) are left alone.

    Side effects: inserts Outbound rows. Returns how many rows were offered (not how many
    were new: the caller counts those when it needs to)."""
    rows = outbound_rows(messages=messages, attendees=attendees, now=now)
    Outbound.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


def outbound_cancel(*, attendee: Attendee, keep: Sequence[str]) -> int:
    """Cancel the attendee's pending rows on channels not in ``keep`` (they turned a channel
    off, or unsubscribed). Returns how many were cancelled."""
    return (
        Outbound.objects.filter(attendee=attendee, state=ReminderState.PENDING)
        .exclude(channel__in=list(keep))
        .update(state=ReminderState.CANCELLED)
    )


def outbound_retime(*, attendee: Attendee, now: dt.datetime) -> int:
    """The attendee's quiet hours changed: rows waiting for the end of the old ones (pending,
    due later) now fire when the new ones end, or at once. Returns how many moved."""
    fire_at = quiet_hours_end(attendee, now, attendee.conference.tz)
    return (
        Outbound.objects.filter(attendee=attendee, state=ReminderState.PENDING, fire_at__gt=now)
        .exclude(fire_at=fire_at)
        .update(fire_at=fire_at)
    )


def outbound_message(row: Outbound) -> Message:
    """The message a row carries (needs ``attendee__conference`` selected)."""
    conference = row.attendee.conference
    return Message(
        attendee_id=row.attendee_id,
        user_id=row.attendee.user_id,
        conference_slug=conference.slug,
        conference_name=conference.name,
        kind=row.kind,
        title=row.title,
        lines=tuple(str(line) for line in row.lines or ()),
        url=row.url,
        # The row's key is shared by every attendee of one import or evening: with the
        # attendee it names this one message (a stable identity for e-mail and push).
        dedupe_key=f"{row.dedupe_key}:attendee-{row.attendee_id}",
        tag=row.tag,
        when=row.when,
        # The language title and lines were written in (the attendee may have picked another
        # since): the e-mail's own words (footer, link) and a push's "and N more" follow it.
        language=row.language,
    )


# --- dispatch ---------------------------------------------------------------------------------


def outbound_claim_due(*, now: dt.datetime, limit: int) -> list[Outbound]:
    """Claim due pending rows (planner.services.claims.rows_claim_due), with the attendee,
    conference and user selected."""
    return claims.rows_claim_due(
        Outbound, now=now, limit=limit, expire_after=EXPIRE_AFTER, related=CLAIM_RELATED
    )


def outbound_mark(
    *,
    rows: Sequence[Outbound],
    now: dt.datetime,
    error: str = "",
    transient: bool = False,
    deferred: bool = False,
) -> int:
    """Record a delivery's outcome (planner.services.claims.rows_mark)."""
    return claims.rows_mark(
        Outbound, rows=rows, now=now, error=error, transient=transient, deferred=deferred
    )


def outbound_reconcile(*, now: dt.datetime, stuck_after: dt.timedelta) -> int:
    """Take back stuck rows, expire late ones (planner.services.claims.rows_reconcile)."""
    return claims.rows_reconcile(
        Outbound, now=now, stuck_after=stuck_after, expire_after=EXPIRE_AFTER
    )


def outbound_deliver(rows: Sequence[Outbound], *, now: dt.datetime) -> list[Delivery]:
    """Deliver claimed rows (push or e-mail) and mark each. Returns the outcomes in order;
    never raises for a delivery problem (a row that cannot be rendered fails alone)."""
    if not rows:
        return []
    deliveries: dict[int, Delivery] = {}
    entries = []
    for row in rows:
        try:
            message = outbound_message(row)
        except Exception as error:  # a row we cannot render must not stop the batch
            logger.exception("cannot render outbound message %s", row.pk)
            deliveries[row.pk] = Delivery.permanent(f"cannot render: {error}")
            continue
        entries.append((row.pk, row.channel, message, row.attendee.user.email))
    deliveries.update(fanout.send_all(entries))
    results = [deliveries.get(row.pk) or Delivery.permanent("unknown channel") for row in rows]
    groups: dict[tuple[Outcome, str], list[Outbound]] = {}
    for row, delivery in zip(rows, results, strict=True):
        detail = "" if delivery.outcome == Outcome.SENT else (delivery.detail or "failed")
        groups.setdefault((delivery.outcome, detail), []).append(row)
    for (outcome, detail), group in groups.items():
        outbound_mark(
            rows=group,
            now=now,
            error=detail,
            transient=outcome == Outcome.TRANSIENT,
            deferred=outcome == Outcome.DEFERRED,
        )
    return results


def outbound_dispatch_due(
    *, now: dt.datetime, batch: int, budget: float
) -> tuple[int, int, Counter]:
    """The Outbound half of the reminder sweep (planner.services.reminder_dispatch): take
    back stuck rows, then claim and deliver due rows batch by batch for at most ``budget``
    seconds. Returns (claimed, reconciled, Counter of (kind, channel, outcome))."""
    started = time.monotonic()
    reconciled = outbound_reconcile(
        now=now, stuck_after=dt.timedelta(seconds=settings.REMINDER_STUCK_AFTER_SECONDS)
    )
    claimed = 0
    outcomes: Counter = Counter()
    while time.monotonic() - started < budget:
        rows = outbound_claim_due(now=now, limit=batch)
        if not rows:
            break
        claimed += len(rows)
        for row, delivery in zip(rows, outbound_deliver(rows, now=now), strict=True):
            outcomes[(row.kind, row.channel, delivery.outcome.value)] += 1
        if len(rows) < batch:
            break
    return claimed, reconciled, outcomes
