"""Deliver due reminders: claim, hand to a channel, mark. Run by beat every ≤ 30 s
(planner.tasks.dispatch_due_reminders → :func:`reminders_dispatch_due`).

**The claim.** planner.services.reminders.reminders_claim_due moves due ``pending`` rows to
``sending`` with a conditional update (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL),
so two sweeps running at once, on two workers, never hold the same row. Only the sweep that
claimed a row delivers it, then marks it ``sent`` or ``failed`` (or back to ``pending`` with
a later retry time for a transient failure: backoff). A sweep that dies between claim and
mark leaves rows in ``sending``; reminders_reconcile returns them to ``pending`` after
REMINDER_STUCK_AFTER_SECONDS (settings, 5 min) and a later sweep delivers them.

**Exactly once, where it can be had.** Handing a message to a push service or an SMTP
server and writing "sent" to our database are two systems: no order of the two survives a
``kill -9`` between them. Marking first loses the reminder when the worker dies before the
send; sending first (what this module does) repeats it when the worker dies after the
receiver took it and before the mark. We choose at-least-once on the wire, with a stable
identity per reminder that the receiving side collapses on, so the user sees it once:

- in-app: the Notification row's ``dedupe_key`` is unique: a second insert is a no-op
  (exactly once in our own database);
- Web Push: the same ``Topic`` header (RFC 8030 §5.4: the push service replaces an
  undelivered message of the same topic) and the same ``tag`` in the payload, for the
  service worker's ``showNotification`` (a shown notification of that tag is replaced):
  a repeat replaces, it does not stack (frontend/src/sw.ts has no push handler yet);
- e-mail: the same ``Message-ID`` (planner.notifications.email.message_id): mail stores
  and clients drop a message whose Message-ID they already hold.

tests/notifications/test_dispatch_faults.py kills the worker (``kill -9``, 20+ times, seeded)
in every window, including the one above, and counts at the loopback receivers: every due
reminder shown exactly once (distinct tags per subscription, distinct Message-IDs, in-app
rows), with the wire-level repeats printed. Without a crash each reminder goes out once.

Delivery per batch of claimed rows (REMINDER_DISPATCH_BATCH): one query loads what the
messages need, in-app rows go in one INSERT, e-mails share one SMTP connection, pushes
go out PUSH_CONCURRENCY at a time over kept-alive connections with one write-back of the
subscriptions' outcomes, and each push is one request.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from planner import health
from planner.models import Reminder
from planner.notifications import Delivery, Outcome, fanout
from planner.notifications.content import REMINDER_RELATED, reminder_message

logger = logging.getLogger(__name__)

DISPATCH_TASK = "planner.reminders.dispatch_due"  # planner.tasks.dispatch_due_reminders
TIME_BUDGET = 25.0  # seconds one sweep keeps claiming; the next beat tick takes the rest


def batch_size() -> int:
    """Rows claimed (and delivered) at a time: REMINDER_DISPATCH_BATCH (200)."""
    return settings.REMINDER_DISPATCH_BATCH


def stuck_after() -> dt.timedelta:
    """A ``sending`` row older than this is returned to pending: REMINDER_STUCK_AFTER_SECONDS."""
    return dt.timedelta(seconds=settings.REMINDER_STUCK_AFTER_SECONDS)


@dataclass(slots=True)
class DispatchReport:
    claimed: int = 0
    reconciled: int = 0
    outcomes: Counter = field(default_factory=Counter)  # (channel, outcome) -> count
    # Alerts and digests (Outbound rows).
    outbound_claimed: int = 0
    outbound_outcomes: Counter = field(default_factory=Counter)  # (kind, channel, outcome)

    def as_dict(self) -> dict[str, object]:
        return {
            "claimed": self.claimed,
            "reconciled": self.reconciled,
            "outcomes": {f"{c}:{o}": n for (c, o), n in sorted(self.outcomes.items())},
            "outbound_claimed": self.outbound_claimed,
            "outbound_outcomes": {
                f"{k}:{c}:{o}": n for (k, c, o), n in sorted(self.outbound_outcomes.items())
            },
        }


# --- the reminder rows (planner.services.reminders, the other half of issue 11) -------------
# Its dispatch contract: reminders_claim_due(*, now, limit) -> claimed rows (state sending,
# attempts + 1, a claim token); reminders_mark(*, reminders, now, error="", transient=False)
# (sent; failed; or back to pending with retry_at = now + backoff, failed after MAX_ATTEMPTS);
# reminders_reconcile(*, now, stuck_after). Imported when called: every use is below.


def _rows():
    from planner.services import reminders

    return reminders


def _claim(*, now: dt.datetime, limit: int) -> list[Reminder]:
    return list(_rows().reminders_claim_due(now=now, limit=limit))


def _reconcile(*, now: dt.datetime) -> int:
    return _rows().reminders_reconcile(now=now, stuck_after=stuck_after()) or 0


def _mark(outcomes: list[tuple[Reminder, Delivery]], *, now: dt.datetime) -> None:
    """One reminders_mark call per (outcome, error text): a handful per batch."""
    groups: dict[tuple[Outcome, str], list[Reminder]] = {}
    for reminder, delivery in outcomes:
        detail = "" if delivery.outcome == Outcome.SENT else (delivery.detail or "failed")
        groups.setdefault((delivery.outcome, detail), []).append(reminder)
    for (outcome, detail), reminders in groups.items():
        _rows().reminders_mark(
            reminders=reminders,
            now=now,
            error=detail,
            transient=outcome == Outcome.TRANSIENT,
            deferred=outcome == Outcome.DEFERRED,
        )


# --- delivery ------------------------------------------------------------------------------


def reminders_deliver(reminders: list[Reminder], *, now: dt.datetime) -> list[Delivery]:
    """Deliver claimed (``sending``) reminders on their channels and mark each. Returns the
    outcomes in order. Never raises for a delivery problem; a bug in one row's message is
    recorded as that row's permanent failure."""
    if not reminders:
        return []
    rows = {
        r.pk: r
        for r in Reminder.objects.filter(pk__in=[r.pk for r in reminders]).select_related(
            *REMINDER_RELATED, "plan_item__attendee__user"
        )
    }
    deliveries: dict[int, Delivery] = {}
    entries = []
    for reminder in reminders:
        row = rows.get(reminder.pk)
        if row is None:  # the plan item went away meanwhile (cascade)
            continue
        try:
            message = reminder_message(row)
        except Exception as error:  # a row we cannot render must not stop the batch
            logger.exception("cannot render reminder %s", reminder.pk)
            deliveries[reminder.pk] = Delivery.permanent(f"cannot render: {error}")
            continue
        entries.append((row.pk, row.channel, message, row.plan_item.attendee.user.email))
    deliveries.update(fanout.send_all(entries))
    results = []
    for reminder in reminders:
        delivery = deliveries.get(reminder.pk)
        if delivery is None:
            delivery = Delivery.permanent(
                "plan item removed" if reminder.pk not in rows else "unknown channel"
            )
        results.append(delivery)
    # Marked with the claimed instances: they carry the claim's token.
    _mark(list(zip(reminders, results, strict=True)), now=now)
    return results


def _ask_for_help(count: int) -> None:
    from planner.taskqueue import task_send

    for _ in range(count):
        try:
            task_send(DISPATCH_TASK, args=[0], ignore_result=True, expires=TIME_BUDGET)
        except Exception:  # the broker is down: this sweep goes on alone
            logger.warning("cannot send a helper reminder sweep", exc_info=True)
            return


def reminders_dispatch_due(
    *,
    now: dt.datetime | None = None,
    batch: int | None = None,
    budget: float = TIME_BUDGET,
    helpers: int = 0,
) -> DispatchReport:
    """One sweep: return stuck rows to pending, then claim and deliver due reminders batch by
    batch until none is due or ``budget`` seconds have passed. Records the time of the sweep
    (shown by /healthz and the admin).

    ``helpers``: when the first claim comes back full (more is due than one batch: everyone's
    reminder for the 09:00 keynote), send that many more sweep tasks at once (no delay), so
    the other worker processes share the backlog through the claim instead of waiting for
    beat's next tick. Helper sweeps are sent with ``helpers=0``: no chain reaction."""
    now = now or timezone.now()
    batch = batch or batch_size()
    started = time.monotonic()
    report = DispatchReport(reconciled=_reconcile(now=now))
    while time.monotonic() - started < budget:
        claimed = _claim(now=now, limit=batch)
        if not claimed:
            break
        if helpers and report.claimed == 0 and len(claimed) >= batch:
            _ask_for_help(helpers)
        report.claimed += len(claimed)
        for reminder, delivery in zip(claimed, reminders_deliver(claimed, now=now), strict=True):
            report.outcomes[(reminder.channel, delivery.outcome.value)] += 1
        if len(claimed) < batch:
            break
    # Then alerts and digests, in what is left of the budget (the next tick takes the rest).
    _dispatch_outbound(report, now=now, batch=batch, budget=budget - (time.monotonic() - started))
    health.record_reminder_dispatch(now)
    if report.claimed or report.reconciled or report.outbound_claimed:
        logger.info("reminders dispatched: %s", report.as_dict())
    return report


def _dispatch_outbound(report: DispatchReport, *, now: dt.datetime, batch: int, budget: float):
    """After the reminders, each sweep delivers due schedule-change alerts and evening digests
    on push and e-mail (Outbound rows: planner.services.outbound.outbound_dispatch_due), with
    the same claim, mark and reconcile (planner.services.claims)."""
    from planner.services.outbound import outbound_dispatch_due

    claimed, reconciled, outcomes = outbound_dispatch_due(now=now, batch=batch, budget=budget)
    report.outbound_claimed += claimed
    report.reconciled += reconciled
    report.outbound_outcomes.update(outcomes)
