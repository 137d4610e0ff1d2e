"""Delivery channels: push (Web Push, VAPID), email (Django mail), inapp (Notification rows).

One module per channel; each has ``deliver(message) -> Delivery`` and knows nothing of
Celery or of the Reminder state machine: the dispatcher
(:mod:`planner.services.reminder_dispatch`) claims rows, calls a channel, and marks the row
from the outcome. A channel never raises for a delivery problem; it answers

- ``SENT``: handed over (push service accepted it, SMTP server took it, row written);
- ``TRANSIENT``: worth another try later (network, timeouts, 429, 5xx, SMTP 4xx);
- ``PERMANENT``: will not work by retrying (no subscription, no address, 4xx, SMTP 5xx);
- ``DEFERRED``: not tried (the sweep ran out of time): back to pending at once, no attempt
  counted.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class Outcome(enum.StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    DEFERRED = "deferred"


@dataclass(frozen=True, slots=True)
class Delivery:
    outcome: Outcome
    detail: str = ""

    @classmethod
    def sent(cls, detail: str = "") -> Delivery:
        return cls(Outcome.SENT, detail)

    @classmethod
    def transient(cls, detail: str) -> Delivery:
        return cls(Outcome.TRANSIENT, detail)

    @classmethod
    def permanent(cls, detail: str) -> Delivery:
        return cls(Outcome.PERMANENT, detail)

    @classmethod
    def deferred(cls, detail: str) -> Delivery:
        return cls(Outcome.DEFERRED, detail)


@dataclass(frozen=True, slots=True)
class Message:
    """What one attendee is told, already rendered in the conference's zone.

    ``lines`` are the body's lines (plain text); ``url`` is a path in the PWA (made absolute
    with SITE_URL where a link leaves the app: e-mail). ``language`` is the attendee's
    (Attendee.language): what a channel adds (an e-mail's footer, a push's "and 3 more") is
    written in it. ``dedupe_key`` makes the in-app row
    of a repeated delivery a no-op; ``tag`` lets a browser replace an older push of the same
    thing instead of stacking it."""

    attendee_id: int
    user_id: int
    conference_slug: str
    conference_name: str
    kind: str  # planner.enums.NotificationKind
    title: str
    lines: tuple[str, ...]
    url: str
    dedupe_key: str
    tag: str = ""
    when: dt.datetime | None = None  # the item's start (UTC), for e-mail subjects and push
    extra: dict[str, str] = field(default_factory=dict)
    language: str = "en"

    @property
    def body(self) -> str:
        return "\n".join(self.lines)
