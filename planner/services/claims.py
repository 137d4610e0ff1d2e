"""Claim, mark and reconcile rows of a :class:`~planner.models.reminders.Deliverable` model
(Reminder, Outbound): the one state machine behind exactly-once delivery.

- :func:`rows_claim_due` claims up to ``limit`` pending rows with
  ``now - expire_after < fire_at <= now`` (and ``retry_at`` unset or ``<= now``), oldest
  first, in one conditional update: state ``sending``, ``claimed_at = now``,
  ``attempts + 1`` and a fresh ``claim_token`` per call. On PostgreSQL the candidates are
  read with ``SELECT … FOR UPDATE SKIP LOCKED``, so concurrent claimers take different rows
  instead of waiting; on SQLite writes are serialized.
- :func:`rows_mark` records a delivery's outcome, only on rows still ``sending`` under the
  caller's claim token: sent; failed (permanent); or back to ``pending`` with
  ``retry_at = now + backoff(attempts)`` (transient), failed after MAX_ATTEMPTS.
- :func:`rows_reconcile` returns rows stuck in ``sending`` (their worker died) to
  ``pending`` and fails pending rows more than ``expire_after`` past their time (which the
  claim never takes). A claim whose worker died is not a delivery attempt: the row gets its
  attempt back, so kills of the workers (a deploy, the OOM killer, a crash) never fail
  reminders, however many rows a batch held. What bounds a row that kills every worker that
  takes it is the expiry: it is returned every ``stuck_after`` until its time is
  ``expire_after`` past, then failed.

planner.services.reminders and planner.services.outbound wrap these for their model.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Greatest

from planner.enums import ReminderState
from planner.models.reminders import Deliverable

MAX_ATTEMPTS = 5
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before retry number ``attempts`` (30 s, 1 min, 2 min, … at most 10 min)."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))


def rows_claim_due(
    model: type[Deliverable],
    *,
    now: dt.datetime,
    limit: int,
    expire_after: dt.timedelta,
    related: Sequence[str] = (),
) -> list:
    """Claim due pending rows of ``model`` (see the module docstring); returns them with
    ``related`` selected."""
    due = (
        model.objects.filter(
            state=ReminderState.PENDING, fire_at__lte=now, fire_at__gt=now - expire_after
        )
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .order_by("fire_at", "pk")
    )
    token = uuid.uuid4()
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        candidates = list(due.values_list("pk", flat=True)[:limit])
        if not candidates:
            return []
        model.objects.filter(pk__in=candidates, state=ReminderState.PENDING).update(
            state=ReminderState.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return list(
        model.objects.filter(claim_token=token, state=ReminderState.SENDING)
        .select_related(*related)
        .order_by("fire_at", "pk")
    )


def rows_mark(
    model: type[Deliverable],
    *,
    rows: Sequence[Deliverable],
    now: dt.datetime,
    error: str = "",
    transient: bool = False,
    deferred: bool = False,
) -> int:
    """Record the outcome of delivering ``rows`` (claimed instances: they carry the claim's
    token). ``deferred``: they were not tried (the sweep ran out of time): back to pending
    at once, the claim not counted as an attempt. Returns how many rows changed."""
    if not rows:
        return 0
    by_token: dict[uuid.UUID | None, list[int]] = defaultdict(list)
    for row in rows:
        by_token[row.claim_token].append(row.pk)
    mine = Q(pk__in=[])
    for token, pks in by_token.items():
        mine |= Q(claim_token=token, pk__in=pks)
    claimed = model.objects.filter(mine, state=ReminderState.SENDING)
    if not error:
        return claimed.update(
            state=ReminderState.SENT, sent_at=now, last_error="", claim_token=None, updated_at=now
        )
    message = error[:2000]
    if deferred:
        return claimed.update(
            state=ReminderState.PENDING,
            attempts=Greatest(F("attempts") - 1, Value(0)),
            retry_at=None,
            last_error=message,
            claim_token=None,
            updated_at=now,
        )
    if not transient:
        return claimed.update(
            state=ReminderState.FAILED, last_error=message, claim_token=None, updated_at=now
        )
    exhausted = claimed.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=ReminderState.FAILED, last_error=message, claim_token=None, updated_at=now
    )
    retry = Case(
        *[
            When(attempts=attempts, then=Value(now + backoff(attempts)))
            for attempts in range(1, MAX_ATTEMPTS)
        ],
        default=Value(now + BACKOFF_CAP),
        output_field=DateTimeField(),
    )
    retried = claimed.filter(attempts__lt=MAX_ATTEMPTS).update(
        state=ReminderState.PENDING,
        retry_at=retry,
        last_error=message,
        claim_token=None,
        updated_at=now,
    )
    return exhausted + retried


def rows_reconcile(
    model: type[Deliverable],
    *,
    now: dt.datetime,
    stuck_after: dt.timedelta,
    expire_after: dt.timedelta,
) -> int:
    """Take back rows stuck in ``sending`` and expire pending rows too late to send (see the
    module docstring). Returns how many rows changed."""
    expired = model.objects.filter(
        state=ReminderState.PENDING, fire_at__lte=now - expire_after
    ).update(
        state=ReminderState.FAILED,
        last_error=f"expired: not sent within {expire_after} of its time",
        claim_token=None,
        updated_at=now,
    )
    returned = model.objects.filter(
        state=ReminderState.SENDING, claimed_at__lt=now - stuck_after
    ).update(
        state=ReminderState.PENDING,
        # The dead claim is not an attempt (the module docstring says why).
        attempts=Greatest(F("attempts") - 1, Value(0)),
        last_error=f"stuck in sending for more than {stuck_after}",
        claim_token=None,
        updated_at=now,
    )
    return expired + returned
