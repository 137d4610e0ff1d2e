"""A stand-in for ``planner.services.reminders`` (the other half of issue 11, written on
branch rem-remcore), used only while that module is not in this branch: its dispatch
contract as documented there, on this branch's Reminder model (which has no ``retry_at`` or
``claim_token`` yet: a retry moves ``fire_at`` here). Once the real module is merged, the
``reminder_rows`` fixture uses it and these tests run against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import F

from planner.enums import ReminderState
from planner.models import Reminder

MAX_ATTEMPTS = 5


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=10), dt.timedelta(seconds=30) * 2 ** max(0, attempts - 1))


def reminders_claim_due(*, now: dt.datetime, limit: int) -> list[Reminder]:
    with transaction.atomic():
        due = Reminder.objects.filter(state=ReminderState.PENDING, fire_at__lte=now).order_by(
            "fire_at", "pk"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        Reminder.objects.filter(pk__in=ids, state=ReminderState.PENDING).update(
            state=ReminderState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Reminder.objects.filter(pk__in=ids).order_by("fire_at", "pk"))


def reminders_mark(
    *, reminders: Sequence[Reminder], now: dt.datetime, error: str = "", transient: bool = False
) -> int:
    rows = Reminder.objects.filter(pk__in=[r.pk for r in reminders], state=ReminderState.SENDING)
    if not error:
        return rows.update(state=ReminderState.SENT, sent_at=now, last_error="")
    if not transient:
        return rows.update(state=ReminderState.FAILED, last_error=error)
    changed = rows.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=ReminderState.FAILED, last_error=error
    )
    for row in rows.filter(attempts__lt=MAX_ATTEMPTS):
        Reminder.objects.filter(pk=row.pk).update(
            state=ReminderState.PENDING, fire_at=now + backoff(row.attempts), last_error=error
        )
        changed += 1
    return changed


def reminders_reconcile(*, now: dt.datetime, stuck_after: dt.timedelta) -> int:
    return Reminder.objects.filter(
        state=ReminderState.SENDING, claimed_at__lt=now - stuck_after
    ).update(state=ReminderState.PENDING)
