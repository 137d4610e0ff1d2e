from __future__ import annotations

import uuid

import pytest

from planner.models import ConversationPhoto, PosterConversation
from tests.api.personal.conftest import conversation_body, count_queries, url
from tests.factories import (
    AttendeeFactory,
    ConferenceFactory,
    PosterConversationFactory,
    PosterFactory,
)

pytestmark = pytest.mark.django_db


def detail(conference, conversation_id) -> str:
    return url("personal-conversation-detail", conference, conversation_id=conversation_id)


def put(client, conference, conversation_id, body, **headers):
    return client.put(detail(conference, conversation_id), body, format="json", headers=headers)


def stored(conversation_id) -> PosterConversation:
    return PosterConversation.objects.get(pk=conversation_id)


def test_conversation_put_creates_with_version_1(api, attendee, conference):
    poster = PosterFactory(session__conference=conference)
    entry_id = uuid.uuid4()

    response = put(api, conference, entry_id, conversation_body(poster=poster.pk))

    assert response.status_code == 201
    body = response.json()
    assert body["id"] == str(entry_id)
    assert body["version"] == 1
    assert body["poster"] == poster.pk
    assert body["talked_at"] == "2026-10-22T12:05:00Z"
    assert body["qa"] == [{"question": "Which dataset?", "answer": "Their own, 3k plans."}]
    assert (body["deleted"], body["deleted_at"], body["photos"]) == (False, None, [])
    assert response.headers["ETag"] == '"1"'
    assert stored(entry_id).attendee == attendee


def test_conversation_put_replayed_answers_200_with_the_same_body_and_one_row(api, conference):
    entry_id = uuid.uuid4()

    first = put(api, conference, entry_id, conversation_body())
    again = put(api, conference, entry_id, conversation_body())

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert PosterConversation.objects.filter(pk=entry_id).count() == 1


def test_conversation_put_replayed_50_times_in_a_row_keeps_one_row(api, conference):
    entry_id = uuid.uuid4()

    responses = [put(api, conference, entry_id, conversation_body()) for _ in range(50)]

    assert [r.status_code for r in responses] == [201] + [200] * 49
    assert len({str(r.json()) for r in responses}) == 1
    assert PosterConversation.objects.filter(pk=entry_id).count() == 1
    assert stored(entry_id).version == 1


def test_conversation_edit_with_if_match_bumps_the_version(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())

    response = put(
        api, conference, entry_id, conversation_body(notes="Code is out."), **{"If-Match": '"1"'}
    )

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["notes"]) == (2, "Code is out.")
    assert response.headers["ETag"] == '"2"'
    assert stored(entry_id).notes == "Code is out."


def test_conversation_edit_with_base_version_in_the_body(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())

    response = put(api, conference, entry_id, conversation_body(rating=5, base_version=1))

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["rating"]) == (2, 5)


def test_conversation_edit_replayed_after_it_was_applied_answers_200_unchanged(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())
    edit = conversation_body(notes="Second thoughts", base_version=1)
    applied = put(api, conference, entry_id, edit)

    replayed = put(api, conference, entry_id, edit)

    assert replayed.status_code == 200
    assert replayed.json() == applied.json()
    assert stored(entry_id).version == 2


def test_conversation_stale_edit_is_412_with_the_current_copy_and_no_overwrite(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())
    current = put(api, conference, entry_id, conversation_body(notes="Phone", base_version=1))

    response = put(
        api, conference, entry_id, conversation_body(notes="Laptop"), **{"If-Match": '"1"'}
    )

    assert response.status_code == 412
    assert response.json() == {
        "detail": "Edited from version 1, but the entry is at version 2.",
        "errors": {},
        "current": current.json(),
    }
    assert (stored(entry_id).notes, stored(entry_id).version) == ("Phone", 2)


def test_conversation_edit_without_a_version_is_409_with_the_current_copy(api, conference):
    entry_id = uuid.uuid4()
    created = put(api, conference, entry_id, conversation_body())

    response = put(api, conference, entry_id, conversation_body(notes="Overwrite?"))

    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["base_version"]
    assert response.json()["current"] == created.json()
    assert stored(entry_id).notes == "Ask for the code release."


def test_conversation_if_match_and_base_version_must_agree(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())

    response = put(
        api, conference, entry_id, conversation_body(base_version=2), **{"If-Match": '"1"'}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["base_version"]


def test_conversation_unreadable_if_match_is_400(api, conference):
    response = put(api, conference, uuid.uuid4(), conversation_body(), **{"If-Match": '"1", "2"'})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["If-Match"]


def test_conversation_of_another_user_is_404_everywhere_and_unchanged(api, other_api, conference):
    entry_id = uuid.uuid4()
    created = put(api, conference, entry_id, conversation_body())

    took_over = put(other_api, conference, entry_id, conversation_body(notes="Mine now"))
    edited = put(
        other_api, conference, entry_id, conversation_body(notes="x"), **{"If-Match": '"1"'}
    )
    read = other_api.get(detail(conference, entry_id))
    deleted = other_api.delete(detail(conference, entry_id))

    assert [r.status_code for r in (took_over, edited, read, deleted)] == [404] * 4
    assert took_over.json() == {"detail": "Not found.", "errors": {}}
    assert api.get(detail(conference, entry_id)).json() == created.json()
    assert other_api.get(url("personal-conversation-list", conference)).json()["results"] == []


def test_conversation_of_the_same_user_at_another_conference_is_404(api, user, conference):
    elsewhere = PosterConversationFactory(
        attendee=AttendeeFactory(user=user, conference=ConferenceFactory())
    )

    response = put(api, conference, elsewhere.pk, conversation_body())

    assert response.status_code == 404
    assert stored(elsewhere.pk).poster_title == ""


def test_conversation_poster_of_another_conference_is_400(api, conference):
    foreign = PosterFactory()
    entry_id = uuid.uuid4()

    response = put(api, conference, entry_id, conversation_body(poster=foreign.pk))

    assert response.status_code == 400
    assert response.json()["errors"] == {"poster": ["No such poster in this conference."]}
    assert not PosterConversation.objects.filter(pk=entry_id).exists()


def test_conversation_needs_a_poster_or_a_title(api, conference):
    response = put(api, conference, uuid.uuid4(), conversation_body(poster_title=""))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["poster"]


def test_conversation_invalid_fields_are_400_by_field(api, conference):
    response = put(
        api,
        conference,
        uuid.uuid4(),
        conversation_body(rating=6, talked_at="yesterday", qa=[{"answer": "no question"}]),
    )

    assert response.status_code == 400
    # Nested fields are named by their path, not by a printed dict of the nested errors.
    assert response.json()["errors"]["qa.0.question"] == ["This field is required."]
    assert set(response.json()["errors"]) == {"rating", "talked_at", "qa.0.question"}


@pytest.mark.parametrize(
    "body",
    [
        conversation_body(rating=6, talked_at="yesterday", qa=[{"answer": "no question"}]),
        conversation_body(poster_title="", qa="not a list", tags=[1] * 31),
        ["not", "an", "object"],
        "a string",
        {},
    ],
)
def test_conversation_put_errors_equal_a_fresh_serializers_and_leave_nothing_behind(
    api, conference, body
):
    """The PUT validates with a serializer built once per thread (validated()): its errors
    are those of a new serializer's is_valid, and a good write right after still passes."""
    from rest_framework.exceptions import ValidationError

    from planner.api.exceptions import exception_handler
    from planner.api.serializers.logbook import ConversationPutSerializer

    fresh = ConversationPutSerializer(data=body)
    assert not fresh.is_valid()
    expected = exception_handler(ValidationError(fresh.errors), {}).data

    response = put(api, conference, uuid.uuid4(), body)

    assert response.status_code == 400
    assert response.json() == expected
    good = put(api, conference, uuid.uuid4(), conversation_body(qa=[{"question": "Q?"}]))
    assert good.status_code == 201
    assert good.json()["qa"] == [{"question": "Q?", "answer": ""}]


def test_conversation_delete_leaves_a_tombstone(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())

    response = api.delete(detail(conference, entry_id))

    assert response.status_code == 204
    entry = stored(entry_id)
    assert entry.deleted_at is not None
    assert entry.version == 2
    got = api.get(detail(conference, entry_id)).json()
    assert (got["deleted"], got["version"]) == (True, 2)


def test_conversation_delete_replayed_is_204_without_another_version(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())
    api.delete(detail(conference, entry_id))

    response = api.delete(detail(conference, entry_id), headers={"If-Match": '"1"'})

    assert response.status_code == 204
    assert stored(entry_id).version == 2


def test_conversation_delete_with_stale_if_match_is_412(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())
    put(api, conference, entry_id, conversation_body(notes="v2", base_version=1))

    response = api.delete(detail(conference, entry_id), headers={"If-Match": '"1"'})

    assert response.status_code == 412
    assert response.json()["current"]["version"] == 2
    assert stored(entry_id).deleted_at is None


def test_conversation_delete_of_unknown_id_is_404(api, conference):
    assert api.delete(detail(conference, uuid.uuid4())).status_code == 404


def test_conversation_list_hides_tombstones_unless_asked(api, conference):
    kept, gone = uuid.uuid4(), uuid.uuid4()
    put(api, conference, kept, conversation_body(talked_at="2026-10-22T10:00:00Z"))
    put(api, conference, gone, conversation_body(talked_at="2026-10-22T11:00:00Z"))
    api.delete(detail(conference, gone))

    live = api.get(url("personal-conversation-list", conference)).json()["results"]
    everything = api.get(
        url("personal-conversation-list", conference), {"include_deleted": "true"}
    ).json()["results"]

    assert [c["id"] for c in live] == [str(kept)]
    assert [(c["id"], c["deleted"]) for c in everything] == [(str(gone), True), (str(kept), False)]


def test_conversation_put_on_a_tombstone_replaying_the_create_does_not_restore_it(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())
    api.delete(detail(conference, entry_id))

    response = put(api, conference, entry_id, conversation_body())

    assert response.status_code == 409
    assert response.json()["current"]["deleted"] is True
    assert stored(entry_id).deleted_at is not None


def test_conversation_edit_of_a_tombstone_at_its_version_restores_it(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, conversation_body())
    api.delete(detail(conference, entry_id))

    response = put(api, conference, entry_id, conversation_body(), **{"If-Match": '"2"'})

    assert response.status_code == 200
    assert (response.json()["deleted"], response.json()["version"]) == (False, 3)


def test_conversation_list_query_count_is_the_same_for_1_and_50_rows(api, attendee, conference):
    def fetch() -> None:
        response = api.get(url("personal-conversation-list", conference), {"page_size": 100})
        assert response.status_code == 200

    def add(n: int) -> None:
        for conversation in PosterConversationFactory.create_batch(n, attendee=attendee):
            ConversationPhoto.objects.create(
                conversation=conversation,
                image="photos/2026/10/x.png",
                content_type="image/png",
                size=1,
            )

    add(1)
    one = count_queries(fetch)
    add(49)
    many = count_queries(fetch)

    assert one == many
    assert api.get(url("personal-conversation-list", conference)).json()["count"] == 50


# --- the fast rendering equals the declared fields' ---------------------------------------------


def _both(entry: PosterConversation, slug: str) -> tuple[dict, dict]:
    from planner.api.serializers.logbook import ConversationSerializer

    serializer = ConversationSerializer(context={"slug": slug})
    return serializer.to_representation(entry), serializer.declared_representation(entry)


def test_conversation_rendering_equals_the_declared_fields_for_a_full_entry(attendee, conference):
    entry = PosterConversationFactory(
        attendee=attendee,
        poster_title="Title",
        talked_to="Author",
        qa=[{"question": "Q?", "answer": "A."}, {"question": "Only a question"}],
        rating=5,
        tags=["a", "b"],
        notes="n",
        follow_up="f",
        follow_up_done=True,
        version=4,
    )
    for _ in range(2):
        ConversationPhoto.objects.create(
            conversation=entry, image="photos/2026/10/x.png", content_type="image/png", size=7
        )
    entry = PosterConversation.objects.prefetch_related("photos").get(pk=entry.pk)

    fast, declared = _both(entry, conference.slug)

    assert fast == declared
    assert list(fast) == list(declared)  # same key order, so the same JSON bytes
    assert len(fast["photos"]) == 2
    assert fast["qa"][1] == {"question": "Only a question", "answer": ""}


def test_conversation_rendering_equals_the_declared_fields_for_odd_values(attendee, conference):
    entry = PosterConversationFactory(attendee=attendee, poster=None, poster_title="T")
    entry.deleted_at = entry.updated_at
    cases = [
        {},
        {"rating": None, "talked_to": "", "tags": [None, 3, "x"]},
        {"qa": [{"question": None, "answer": None}, {"question": 1, "answer": 2, "x": 3}]},
        {"talked_at": None, "deleted_at": None},
        # Shapes only the declared fields handle: the fast path hands over to them.
        {"qa": ({"question": "tuple", "answer": ""},)},
        {"tags": ("a",)},
        {"follow_up_done": 1},
    ]
    for changes in cases:
        for name, value in changes.items():
            setattr(entry, name, value)
        fast, declared = _both(entry, conference.slug)
        assert fast == declared, changes
        assert list(fast) == list(declared)
    entry.qa = {"question": "not a list of pairs"}  # unrenderable either way: the same error
    with pytest.raises(AttributeError, match="QAPairSerializer"):
        _both(entry, conference.slug)


def test_conversation_put_by_token_is_one_insert_without_a_savepoint(user, attendee, conference):
    """The offline-write hot path (bench/api): token and attendee in one statement each, the
    attendee lock, then INSERT … ON CONFLICT DO NOTHING; a replay finds the row after it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from planner.services.accounts import api_token_create

    _, raw = api_token_create(user=user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert put(client, conference, uuid.uuid4(), conversation_body()).status_code == 201
    entry_id = uuid.uuid4()

    with CaptureQueriesContext(connection) as created:
        first = put(client, conference, entry_id, conversation_body())
    with CaptureQueriesContext(connection) as replayed:
        again = put(client, conference, entry_id, conversation_body())

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert first["ETag"] == again["ETag"] == '"1"'
    assert PosterConversation.objects.filter(pk=entry_id).count() == 1
    verbs = [query["sql"].split()[0] for query in created.captured_queries]
    # SAVEPOINT/RELEASE: the service's atomic inside the test's transaction.
    assert verbs == ["SELECT", "SELECT", "SAVEPOINT", "SELECT", "INSERT", "RELEASE"]
    assert "ON CONFLICT" in created.captured_queries[4]["sql"]
    verbs = [query["sql"].split()[0] for query in replayed.captured_queries]
    # … and after RELEASE its photos, for the body.
    assert verbs == [
        "SELECT",
        "SELECT",
        "SAVEPOINT",
        "SELECT",
        "INSERT",
        "SELECT",
        "RELEASE",
        "SELECT",
    ]
