"""The same offline write replayed from many threads at once still makes one row and one
answer. Real row locks and unique-index waits need PostgreSQL; SQLite runs the sequential
replay tests in test_plan.py and test_conversations.py instead."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from planner.models import Attendee, PlanItem, PosterConversation
from tests.api.personal.conftest import conversation_body, url
from tests.factories import AttendeeFactory, ConferenceFactory, SessionFactory, UserFactory

THREADS = 8
REQUESTS = 50

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def fire(requests: list[tuple[Any, Callable[[APIClient], Any]]]) -> list[tuple[int, Any]]:
    """Run ``(user, request)`` pairs on THREADS threads that start together; each thread
    has its own client and database connection. Answers (status, json) in input order."""
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, Any] | None] = [None] * len(requests)

    def worker(lane: int) -> None:
        try:
            clients: dict[int, APIClient] = {}
            barrier.wait()
            for index in range(lane, len(requests), THREADS):
                user, send = requests[index]
                client = clients.setdefault(user.pk, APIClient())
                client.force_authenticate(user)
                response = send(client)
                results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(worker, range(THREADS)))
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def test_concurrent_identical_conversation_puts_make_one_row_and_one_answer():
    attendee = AttendeeFactory()
    entry_id = uuid.uuid4()
    target = url("personal-conversation-detail", attendee.conference, conversation_id=entry_id)

    answers = fire(
        [(attendee.user, lambda c: c.put(target, conversation_body(), format="json"))] * REQUESTS
    )

    assert sorted(status for status, _ in answers) == [200] * (REQUESTS - 1) + [201]
    assert len({str(body) for _, body in answers}) == 1
    assert PosterConversation.objects.filter(pk=entry_id).count() == 1
    assert PosterConversation.objects.get(pk=entry_id).version == 1


def test_concurrent_identical_plan_puts_make_one_item_and_bump_once():
    attendee = AttendeeFactory()
    session = SessionFactory(conference=attendee.conference)
    target = url("personal-plan-item", attendee.conference, kind="session", target_id=session.pk)
    body = {"status": "must_see", "note": "Front row"}

    answers = fire([(attendee.user, lambda c: c.put(target, body, format="json"))] * REQUESTS)

    assert sorted(status for status, _ in answers) == [200] * (REQUESTS - 1) + [201]
    assert len({str(body) for _, body in answers}) == 1
    assert PlanItem.objects.filter(attendee=attendee).count() == 1
    assert Attendee.objects.get(pk=attendee.pk).plan_version == 1


def test_concurrent_creates_of_one_uuid_by_two_users_leave_it_to_one_of_them():
    conference = ConferenceFactory()
    users = [UserFactory(), UserFactory()]
    for user in users:
        AttendeeFactory(user=user, conference=conference)
    entry_id = uuid.uuid4()
    target = url("personal-conversation-detail", conference, conversation_id=entry_id)

    answers = fire(
        [
            (users[i % 2], lambda c: c.put(target, conversation_body(), format="json"))
            for i in range(REQUESTS)
        ]
    )

    owner = PosterConversation.objects.get(pk=entry_id).attendee.user
    mine = [answers[i] for i in range(REQUESTS) if users[i % 2] == owner]
    theirs = [answers[i] for i in range(REQUESTS) if users[i % 2] != owner]
    assert sorted(status for status, _ in mine) == [200] * (len(mine) - 1) + [201]
    assert len({str(body) for _, body in mine}) == 1
    assert {status for status, _ in theirs} == {404}
    assert PosterConversation.objects.filter(pk=entry_id).count() == 1
