"""A minimal stand-in for ``planner.services.reminders`` (the other half of issue 11, being
written on another branch), used only while that module does not exist here: the three
functions the dispatcher calls, with the documented contract (conditional-update claim,
SKIP LOCKED on PostgreSQL; mark; reconcile). Once the real module is merged, the fixture in
conftest.py uses it instead and these tests run against it."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import F

from planner.enums import ReminderState
from planner.models import Reminder


def reminders_claim_due(*, now: dt.datetime, limit: int) -> list[Reminder]:
    with transaction.atomic():
        due = Reminder.objects.filter(state=ReminderState.PENDING, fire_at__lte=now).order_by(
            "fire_at", "pk"
        )
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        claimed = Reminder.objects.filter(pk__in=ids, state=ReminderState.PENDING).update(
            state=ReminderState.SENDING, claimed_at=now
        )
        assert claimed == len(ids)  # locked (PostgreSQL) or serialized (SQLite IMMEDIATE)
    return list(Reminder.objects.filter(pk__in=ids).order_by("fire_at", "pk"))


def reminders_mark(
    *,
    reminder: Reminder,
    outcome: str,
    now: dt.datetime,
    error: str = "",
    retry_at: dt.datetime | None = None,
) -> None:
    rows = Reminder.objects.filter(pk=reminder.pk, state=ReminderState.SENDING)
    if outcome == "sent":
        rows.update(state=ReminderState.SENT, sent_at=now, attempts=F("attempts") + 1)
    elif outcome == "retry":
        rows.update(
            state=ReminderState.PENDING,
            fire_at=retry_at,
            claimed_at=None,
            attempts=F("attempts") + 1,
            last_error=error,
        )
    else:
        rows.update(state=ReminderState.FAILED, attempts=F("attempts") + 1, last_error=error)


def reminders_reconcile(*, now: dt.datetime, stuck_after: dt.timedelta) -> int:
    return Reminder.objects.filter(
        state=ReminderState.SENDING, claimed_at__lt=now - stuck_after
    ).update(state=ReminderState.PENDING, claimed_at=None)
