"""How reminders, schedule-change alerts and digests of a conference stand (the admin's
conference page): counts per state, two GROUP BY queries whatever the numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Value, When

from planner.enums import NotificationKind, ReminderState
from planner.models import Conference, Outbound, Reminder
from planner.notifications.push import NO_SUBSCRIPTION

STATES = (
    ReminderState.PENDING,
    ReminderState.SENDING,
    ReminderState.SENT,
    ReminderState.FAILED,
    ReminderState.CANCELLED,
)

# Failed pushes to attendees who chose push but have no subscription (never allowed it on a
# device, or it expired): counted apart, so "failed" means the system failed.
NO_DEVICE = "no_device"
# (key, column heading) in the admin's order.
COLUMNS = (*((state.value, state.label) for state in STATES), (NO_DEVICE, "No device"))


def _bucket() -> Case:
    return Case(
        When(state=ReminderState.FAILED, last_error=NO_SUBSCRIPTION, then=Value(NO_DEVICE)),
        default=F("state"),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class DeliveryCounts:
    """``rows``: label → {state: count}, for reminders and each kind of outbound message."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def get(self, label: str, state: str) -> int:
        return self.rows.get(label, {}).get(state, 0)


def delivery_counts(*, conference: Conference) -> DeliveryCounts:
    """Reminders (all channels) and push/e-mail alerts and digests of ``conference``, by
    state (COLUMNS: a failed push for want of a subscription is ``no_device``). Labels: ``Reminders``, then NotificationKind labels (``Schedule change``,
    ``Evening digest``)."""
    rows: dict[str, dict[str, int]] = {"Reminders": {}}
    reminders = (
        Reminder.objects.filter(plan_item__attendee__conference=conference)
        .order_by()
        .annotate(bucket=_bucket())
        .values_list("bucket")
        .annotate(n=Count("pk"))
    )
    for state, n in reminders:
        rows["Reminders"][state] = n
    for kind in (NotificationKind.SCHEDULE_CHANGE, NotificationKind.DIGEST):
        rows[kind.label] = {}
    outbound = (
        Outbound.objects.filter(attendee__conference=conference)
        .order_by()
        .annotate(bucket=_bucket())
        .values_list("kind", "bucket")
        .annotate(n=Count("pk"))
    )
    for kind, state, n in outbound:
        rows.setdefault(NotificationKind(kind).label, {})[state] = n
    return DeliveryCounts(rows=rows)
