"""In-app channel: a Notification row, shown by ``GET …/notifications/``.

``dedupe_key`` is unique per attendee (a partial unique index), so delivering the same
message twice, from a redelivered task or two dispatchers, leaves one row."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DatabaseError

from planner.models import Notification
from planner.notifications import Delivery, Message

TITLE_MAX = 200
URL_MAX = 500


def _row(message: Message) -> Notification:
    return Notification(
        attendee_id=message.attendee_id,
        kind=message.kind,
        title=message.title[:TITLE_MAX],
        body=message.body,
        url=message.url[:URL_MAX],
        dedupe_key=message.dedupe_key[:200],
    )


def deliver(message: Message) -> Delivery:
    """Write the row, or nothing when one with its dedupe key exists (still SENT)."""
    return deliver_many([message])[0]


def deliver_many(messages: Iterable[Message]) -> list[Delivery]:
    """One INSERT … ON CONFLICT DO NOTHING for the batch; one Delivery per message."""
    messages = list(messages)
    if not messages:
        return []
    try:
        Notification.objects.bulk_create([_row(m) for m in messages], ignore_conflicts=True)
    except DatabaseError as error:  # the database is the channel: try again later
        return [Delivery.transient(f"{type(error).__name__}: {error}") for _ in messages]
    return [Delivery.sent() for _ in messages]
