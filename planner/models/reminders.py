from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from planner.enums import Channel, Language, NotificationKind, ReminderState
from planner.models.attendee import Attendee
from planner.models.base import TimestampedModel, choices_check
from planner.models.plans import PlanItem


def delivery_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The state machine's invariants, named ``<prefix>_…`` (one set per concrete model)."""
    return [
        choices_check("channel", Channel, f"{prefix}_channel_valid"),
        choices_check("state", ReminderState, f"{prefix}_state_valid"),
        models.CheckConstraint(
            condition=~Q(state=ReminderState.SENT) | Q(sent_at__isnull=False),
            name=f"{prefix}_sent_has_time",
        ),
        models.CheckConstraint(
            condition=~Q(state=ReminderState.SENDING) | Q(claimed_at__isnull=False),
            name=f"{prefix}_sending_is_claimed",
        ),
        models.CheckConstraint(
            condition=~Q(state=ReminderState.SENDING) | Q(claim_token__isnull=False),
            name=f"{prefix}_sending_has_token",
        ),
    ]


class Deliverable(TimestampedModel):
    """A message due at ``fire_at`` on one channel, delivered exactly once in effect.

    State machine: pending → sending → sent | failed; sending → pending (a transient
    failure, with ``retry_at``; or stuck, by the reconciler); pending ↔ cancelled. The
    dispatcher claims due rows with a conditional update (planner.services.claims), so a
    second sweep never sends twice."""

    fire_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(
        max_length=10, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # One claim's mark: only the claimer that set it may mark the row sent or failed.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    # After a transient failure: not claimed again before this (fire_at keeps saying what
    # the row is for, so a re-sync does not mistake a retry for a move).
    retry_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Reminder(Deliverable):
    """One reminder delivery: (plan item, fire time, channel). Rows are written only by
    :mod:`planner.services.reminders`."""

    plan_item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="reminders")

    class Meta:
        ordering = ["fire_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_item", "fire_at", "channel"], name="reminder_unique_delivery"
            ),
            *delivery_constraints("reminder"),
        ]
        indexes = [
            models.Index(
                fields=["fire_at"],
                condition=Q(state=ReminderState.PENDING),
                name="reminder_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} at {self.fire_at:%Y-%m-%d %H:%M} UTC ({self.state})"


class Outbound(Deliverable):
    """A push or e-mail message that is not a plan item's reminder: a schedule-change alert
    (one per attendee and import) or the evening digest (one per attendee and local day).

    The text is rendered when the row is written (times in the conference's zone), so
    delivery needs nothing else. ``dedupe_key`` is unique per (attendee, channel): writing
    the same alert or digest again is a no-op. The in-app copy is a Notification with the
    same ``dedupe_key``. Rows are written only by :mod:`planner.services.outbound`."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="outbound")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    lines = models.JSONField(default=list, blank=True)
    url = models.CharField(max_length=500, blank=True)
    tag = models.CharField(max_length=100, blank=True)
    # What the message is about (a digest: the local day's start), for push payloads.
    when = models.DateTimeField(null=True, blank=True)
    # The language title and lines were written in: what a channel adds when it sends (an
    # e-mail's footer, a push's "and 3 more") follows it, not what the attendee picks later.
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)

    class Meta:
        ordering = ["fire_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["attendee", "channel", "dedupe_key"], name="outbound_unique_delivery"
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.IN_APP), name="outbound_not_in_app"
            ),
            models.CheckConstraint(condition=~Q(dedupe_key=""), name="outbound_dedupe_required"),
            choices_check("kind", NotificationKind, "outbound_kind_valid"),
            choices_check("language", Language, "outbound_language_valid"),
            *delivery_constraints("outbound"),
        ]
        indexes = [
            models.Index(
                fields=["fire_at"],
                condition=Q(state=ReminderState.PENDING),
                name="outbound_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} at {self.fire_at:%Y-%m-%d %H:%M} UTC ({self.state})"


class PushSubscription(TimestampedModel):
    """A browser's Web Push endpoint and keys, per user and device."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["user", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(p256dh="") & ~Q(auth=""), name="pushsubscription_keys_required"
            ),
        ]

    def __str__(self) -> str:
        return self.endpoint[:60]


class Notification(TimestampedModel):
    """An in-app notification. ``dedupe_key`` makes a repeated fan-out a no-op."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attendee", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["attendee", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_unique_dedupe",
            ),
            choices_check("kind", NotificationKind, "notification_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title
