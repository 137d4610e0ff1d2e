from __future__ import annotations

import uuid

import pytest

from planner.models import Meetup, PosterConversation
from tests.api.personal.conftest import conversation_body, meetup_body, url

pytestmark = pytest.mark.django_db


def sync(client, conference, writes):
    return client.post(url("personal-sync", conference), writes, format="json")


def put_write(kind: str, entry_id, data, base_version=None) -> dict:
    return {
        "op": "put",
        "type": kind,
        "id": str(entry_id),
        "base_version": base_version,
        "data": data,
    }


def test_sync_answers_each_write_in_order_and_one_bad_write_spoils_nothing(
    api, other_api, conference
):
    stale_id, gone_id, theirs_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for entry_id in (stale_id, gone_id):
        api.put(
            url("personal-conversation-detail", conference, conversation_id=entry_id),
            conversation_body(),
            format="json",
        )
    api.put(
        url("personal-conversation-detail", conference, conversation_id=stale_id),
        conversation_body(notes="v2", base_version=1),
        format="json",
    )
    other_api.put(
        url("personal-conversation-detail", conference, conversation_id=theirs_id),
        conversation_body(notes="Theirs"),
        format="json",
    )
    new_conversation, new_meetup = uuid.uuid4(), uuid.uuid4()
    writes = [
        put_write("conversation", new_conversation, conversation_body()),
        put_write("meetup", new_meetup, meetup_body()),
        put_write("meetup", uuid.uuid4(), meetup_body(contact_name="", met_at="soon")),
        put_write("conversation", stale_id, conversation_body(notes="v1 edit"), base_version=1),
        {"op": "delete", "type": "conversation", "id": str(gone_id), "base_version": None},
        put_write("conversation", theirs_id, conversation_body()),
        {"op": "archive", "type": "poster", "id": "not-a-uuid"},
        put_write("conversation", new_conversation, conversation_body(rating=5), base_version=1),
    ]

    response = sync(api, conference, writes)

    assert response.status_code == 200
    results = response.json()
    assert [r["status"] for r in results] == [201, 201, 400, 412, 204, 404, 400, 200]
    assert [r["id"] for r in results] == [w["id"] for w in writes]
    assert results[0]["body"]["version"] == 1
    assert results[1]["body"]["contact_name"] == "Noa Levi"
    assert set(results[2]["errors"]) == {"data.met_at"}
    assert (results[3]["current"]["notes"], results[3]["current"]["version"]) == ("v2", 2)
    assert "body" not in results[4]
    assert results[5] == {"id": str(theirs_id), "detail": "Not found.", "errors": {}, "status": 404}
    assert set(results[6]["errors"]) == {"op", "type", "id"}
    assert (results[7]["body"]["rating"], results[7]["body"]["version"]) == (5, 2)
    assert PosterConversation.objects.get(pk=stale_id).notes == "v2"
    assert PosterConversation.objects.get(pk=gone_id).deleted_at is not None
    assert PosterConversation.objects.get(pk=theirs_id).notes == "Theirs"
    assert PosterConversation.objects.get(pk=new_conversation).rating == 5
    assert Meetup.objects.filter(pk=new_meetup).exists()


def test_sync_replayed_batch_answers_200_with_the_same_bodies(api, conference):
    writes = [put_write("conversation", uuid.uuid4(), conversation_body()) for _ in range(3)]
    writes.append(put_write("meetup", uuid.uuid4(), meetup_body()))

    first = sync(api, conference, writes).json()
    again = sync(api, conference, writes).json()

    assert [r["status"] for r in first] == [201] * 4
    assert [r["status"] for r in again] == [200] * 4
    assert [r["body"] for r in again] == [r["body"] for r in first]
    assert PosterConversation.objects.count() == 3


def test_sync_a_failed_database_write_is_rolled_back_alone(api, other_attendee, conference):
    # Two scans of the same attendee: the second breaks a unique constraint and is refused.
    writes = [
        put_write("meetup", uuid.uuid4(), meetup_body(other=other_attendee.pk)),
        put_write("meetup", uuid.uuid4(), meetup_body(other=other_attendee.pk)),
        put_write("conversation", uuid.uuid4(), conversation_body()),
    ]

    results = sync(api, conference, writes).json()

    assert [r["status"] for r in results] == [201, 409, 201]
    assert results[1]["current"]["id"] == writes[0]["id"]
    assert Meetup.objects.count() == 1
    assert PosterConversation.objects.count() == 1


def test_sync_accepts_200_writes(api, conference):
    writes = [put_write("meetup", uuid.uuid4(), meetup_body()) for _ in range(200)]

    response = sync(api, conference, writes)

    assert response.status_code == 200
    assert {r["status"] for r in response.json()} == {201}
    assert Meetup.objects.count() == 200


def test_sync_more_than_200_writes_is_400_and_applies_none(api, conference):
    writes = [put_write("meetup", uuid.uuid4(), meetup_body()) for _ in range(201)]

    response = sync(api, conference, writes)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "At most 200 writes per request; got 201.",
        "errors": {"non_field_errors": ["At most 200 writes per request; got 201."]},
    }
    assert Meetup.objects.count() == 0


def test_sync_body_must_be_a_list(api, conference):
    response = sync(api, conference, {"op": "put"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_sync_empty_batch_answers_an_empty_list(api, conference):
    response = sync(api, conference, [])

    assert (response.status_code, response.json()) == (200, [])
