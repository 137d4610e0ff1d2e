"""Hand rendered messages to their channels in bulk: what a dispatcher does with a batch of
claimed rows (planner.services.reminder_dispatch for reminders, planner.services.outbound for
alerts and digests)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.mail import get_connection

from planner.enums import Channel
from planner.models import PushSubscription
from planner.notifications import Delivery, Message, email, inapp, push

logger = logging.getLogger(__name__)

OUT_OF_TIME = "not sent: the sweep ran out of time (slow mail server); a later sweep retries"


def send_all(
    entries: list[tuple[int, str, Message, str]], *, deadline: float | None = None
) -> dict[int, Delivery]:
    """Hand ``(key, channel, message, e-mail address)`` entries to their channels: in-app in
    one INSERT, e-mails over one SMTP connection, pushes one request per subscription (the
    subscriptions read in one query; PUSH_CONCURRENCY requests in flight over kept-alive
    connections, one write-back: planner.notifications.push.deliver_many). Returns each key's Delivery.

    Nothing is started after ``deadline`` (``time.monotonic()``; by default half the
    reconciler's window from now): an e-mail or push not yet sent then is DEFERRED (back to
    pending, no attempt counted), so a hanging SMTP server or
    push service cannot keep claimed rows past the reconciler's window (another sweep would
    take them back and send what this one already sent)."""
    if deadline is None:
        deadline = time.monotonic() + settings.REMINDER_STUCK_AFTER_SECONDS / 2
    deliveries: dict[int, Delivery] = {}
    in_app = [(key, message) for key, channel, message, _ in entries if channel == Channel.IN_APP]
    for (key, _), delivery in zip(
        in_app, inapp.deliver_many([message for _, message in in_app]), strict=True
    ):
        deliveries[key] = delivery
    mails = [
        (key, message, to) for key, channel, message, to in entries if channel == Channel.EMAIL
    ]
    if mails:
        connection = get_connection(timeout=email.TIMEOUT)
        try:
            for key, message, to in mails:
                if deadline is not None and time.monotonic() > deadline:
                    deliveries[key] = Delivery.deferred(OUT_OF_TIME)
                    continue
                deliveries[key] = email.deliver(message, to=to, connection=connection)
        finally:
            try:
                connection.close()
            except Exception:  # closing a broken SMTP session: nothing left to save
                logger.debug("closing the SMTP connection failed", exc_info=True)
    pushes = [(key, message) for key, channel, message, _ in entries if channel == Channel.PUSH]
    if pushes:
        by_user: dict[int, list[PushSubscription]] = {}
        for subscription in PushSubscription.objects.filter(
            user_id__in={message.user_id for _, message in pushes}
        ):
            by_user.setdefault(subscription.user_id, []).append(subscription)
        batch = [(message, by_user.get(message.user_id, [])) for _, message in pushes]
        for (key, _), delivery in zip(
            pushes, push.deliver_many(batch, deadline=deadline), strict=True
        ):
            deliveries[key] = delivery
    return deliveries
