from __future__ import annotations

import base64
import datetime as dt
import uuid

import pytest
import time_machine

from planner.models import ConversationPhoto, Meetup, PosterConversation
from tests.api.personal.conftest import conversation_body, count_queries, meetup_body, url
from tests.factories import MeetupFactory, PosterConversationFactory

pytestmark = pytest.mark.django_db


def changes(client, conference, **params):
    return client.get(url("personal-changes", conference), params)


def put(client, conference, kind: str, entry_id, body, **headers):
    name = "personal-conversation-detail" if kind == "conversation" else "personal-meetup-detail"
    key = "conversation_id" if kind == "conversation" else "meetup_id"
    return client.put(
        url(name, conference, **{key: entry_id}), body, format="json", headers=headers
    )


def drain(client, conference, cursor: str = "", limit: int = 100) -> tuple[list[dict], str]:
    """Follow next_cursor until has_more is false; every change seen, and the last cursor."""
    seen: list[dict] = []
    while True:
        page = changes(client, conference, cursor=cursor, limit=limit).json()
        seen.extend(page["results"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return seen, cursor


def test_changes_lists_both_types_oldest_first_with_tombstones(api, conference):
    conversation_id, meetup_id = uuid.uuid4(), uuid.uuid4()
    put(api, conference, "conversation", conversation_id, conversation_body())
    put(api, conference, "meetup", meetup_id, meetup_body())
    api.delete(url("personal-conversation-detail", conference, conversation_id=conversation_id))

    response = changes(api, conference)

    assert response.status_code == 200
    page = response.json()
    assert [(c["type"], c["id"], c["deleted"], c["version"]) for c in page["results"]] == [
        ("meetup", str(meetup_id), False, 1),
        ("conversation", str(conversation_id), True, 2),
    ]
    assert page["results"][0]["meetup"]["contact_name"] == "Noa Levi"
    assert page["results"][0]["conversation"] is None
    assert page["results"][1]["conversation"]["deleted"] is True
    assert page["has_more"] is False
    assert page["next_cursor"]


def test_changes_second_device_catches_up_from_its_cursor(api, conference):
    first_id, second_id = uuid.uuid4(), uuid.uuid4()
    put(api, conference, "conversation", first_id, conversation_body())
    _, cursor = drain(api, conference)

    put(api, conference, "meetup", second_id, meetup_body())
    put(api, conference, "conversation", first_id, conversation_body(rating=2), **{"If-Match": "1"})
    caught_up, cursor = drain(api, conference, cursor)
    nothing_new = changes(api, conference, cursor=cursor).json()

    assert [(c["type"], c["id"], c["version"]) for c in caught_up] == [
        ("meetup", str(second_id), 1),
        ("conversation", str(first_id), 2),
    ]
    assert nothing_new == {"results": [], "next_cursor": cursor, "has_more": False}


def test_changes_pages_are_stable_under_equal_timestamps(api, attendee, conference):
    conversations = PosterConversationFactory.create_batch(4, attendee=attendee)
    meetups = MeetupFactory.create_batch(4, attendee=attendee)
    same = dt.datetime(2026, 10, 22, 9, 0, tzinfo=dt.UTC)
    PosterConversation.objects.update(updated_at=same)
    Meetup.objects.update(updated_at=same)
    expected = [("conversation", str(c.pk)) for c in sorted(conversations, key=lambda c: c.pk)]
    expected += [("meetup", str(m.pk)) for m in sorted(meetups, key=lambda m: m.pk)]

    seen, _ = drain(api, conference, limit=3)

    assert [(c["type"], c["id"]) for c in seen] == expected


def test_changes_a_bad_cursor_is_400_on_cursor(api, conference):
    forged = base64.urlsafe_b64encode(b"1|2026-10-22T09:00:00+00:00|poster|" + b"0" * 32)
    for cursor in ("not-a-cursor", forged.decode(), "%%%"):
        response = changes(api, conference, cursor=cursor)

        assert response.status_code == 400
        assert response.json()["errors"] == {"cursor": ["Not a cursor from this feed."]}


@pytest.mark.parametrize("limit", ["0", "501", "many"])
def test_changes_limit_outside_1_to_500_is_400(api, conference, limit):
    response = changes(api, conference, limit=limit)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["limit"]


def test_changes_of_another_user_are_not_shown(api, other_api, conference):
    put(other_api, conference, "meetup", uuid.uuid4(), meetup_body())

    assert changes(api, conference).json()["results"] == []


def test_changes_stamps_keep_rising_when_the_clock_goes_back(api, conference):
    first_id, second_id = uuid.uuid4(), uuid.uuid4()
    with time_machine.travel(dt.datetime(2026, 10, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        put(api, conference, "conversation", first_id, conversation_body())
        _, cursor = drain(api, conference)
    # Another web process whose clock is a minute behind handles the next write.
    with time_machine.travel(dt.datetime(2026, 10, 22, 11, 59, tzinfo=dt.UTC), tick=False):
        put(api, conference, "meetup", second_id, meetup_body())

    caught_up, _ = drain(api, conference, cursor)

    assert [c["id"] for c in caught_up] == [str(second_id)]
    assert caught_up[0]["updated_at"] == "2026-10-22T12:00:00.000001Z"


def test_changes_query_count_is_the_same_for_1_and_50_rows(api, attendee, conference):
    def add(n: int) -> None:
        for conversation in PosterConversationFactory.create_batch(n, attendee=attendee):
            ConversationPhoto.objects.create(
                conversation=conversation,
                image="photos/2026/10/x.png",
                content_type="image/png",
                size=1,
            )
        MeetupFactory.create_batch(n, attendee=attendee)

    def fetch() -> None:
        assert changes(api, conference, limit=500).status_code == 200

    add(1)
    one = count_queries(fetch)
    add(49)
    many = count_queries(fetch)

    assert one == many
    assert len(changes(api, conference, limit=500).json()["results"]) == 100
