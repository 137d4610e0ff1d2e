"""A push message must fit what push services take: RFC 8030 services need accept only 4096
bytes of encrypted payload, and FCM answers 413 above that. A schedule-change alert lists
every affected item in a plan, so a day moved by 30 minutes can list dozens."""

from __future__ import annotations

import dataclasses

import pytest

from planner.enums import NotificationKind
from planner.notifications import Outcome, push
from tests.notifications.test_push import _message, _subscribe

pytestmark = pytest.mark.django_db

PUSH_SERVICE_LIMIT = 4096


def test_a_long_alert_is_shortened_to_fit_a_push_message(poster_plan, vapid, push_service):
    browser, _ = _subscribe(poster_plan, push_service)
    lines = tuple(
        f"Oral “Sparse attention for very long documents, part {n}” moved to Hall B, 14:30"
        for n in range(60)
    )
    message = dataclasses.replace(
        _message(poster_plan),
        kind=NotificationKind.SCHEDULE_CHANGE,
        title="60 items in your plan changed",
        lines=lines,
    )

    delivery = push.deliver(message)

    assert delivery.outcome == Outcome.SENT
    [request] = push_service.to("/push/sub-1")
    assert len(request.body) <= PUSH_SERVICE_LIMIT
    body = browser.decrypt(request.body)["body"].splitlines()
    shown = body[:-1]
    assert shown == list(lines[: len(shown)])
    assert len(shown) >= 20
    assert body[-1] == f"… and {60 - len(shown)} more"


def test_a_short_message_is_sent_whole(poster_plan, vapid, push_service):
    browser, _ = _subscribe(poster_plan, push_service)
    message = _message(poster_plan)

    push.deliver(message)

    [request] = push_service.to("/push/sub-1")
    assert browser.decrypt(request.body)["body"] == message.body
