"""Bodies no client should send: nesting far beyond any entry, bodies far beyond any batch,
and text PostgreSQL cannot store (lone surrogates, NUL). Each answers 400 in the error shape,
and a broken write inside a batch is answered on its own while the others are written."""

from __future__ import annotations

import json
import uuid

import pytest

from planner.models import Meetup, PosterConversation
from tests.api.personal.conftest import conversation_body, meetup_body, url

pytestmark = pytest.mark.django_db

DEEP = 10_000
TEN_MB = 10 * 1024 * 1024


def deep_array(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


def raw_json(value) -> str:
    """JSON as a client may send it: non-ASCII as \\u escapes, so a lone surrogate travels
    as the six characters \\ud800 (UTF-8 cannot carry it)."""
    return json.dumps(value, ensure_ascii=True)


def send(client, method: str, path: str, body: str | bytes, content_type="application/json"):
    return getattr(client, method)(path, body, content_type=content_type)


def endpoints(conference) -> list[tuple[str, str]]:
    return [
        ("post", url("personal-sync", conference)),
        (
            "put",
            url("personal-conversation-detail", conference, conversation_id=uuid.uuid4()),
        ),
        ("put", url("personal-meetup-detail", conference, meetup_id=uuid.uuid4())),
    ]


# --- nesting and size -----------------------------------------------------------------------


def test_deeply_nested_json_is_400_in_the_error_shape(api, conference):
    for method, path in endpoints(conference):
        response = send(api, method, path, deep_array())

        assert response.status_code == 400, path
        assert response.json() == {
            "detail": "JSON nested more than 32 levels deep.",
            "errors": {},
        }
    assert PosterConversation.objects.count() == Meetup.objects.count() == 0


def test_deep_nesting_inside_a_field_is_400(api, conference):
    body = raw_json(conversation_body())[:-1] + ', "notes": ' + deep_array() + "}"
    path = url("personal-conversation-detail", conference, conversation_id=uuid.uuid4())

    response = send(api, "put", path, body)

    assert response.status_code == 400
    assert response.json()["detail"] == "JSON nested more than 32 levels deep."
    assert PosterConversation.objects.count() == 0


def test_nesting_up_to_the_limit_parses_and_is_judged_by_the_fields(api, conference):
    # 32 levels: the object itself, then 31 arrays in "notes": a field error, not a parse error.
    body = raw_json(conversation_body())[:-1] + ', "notes": ' + deep_array(31) + "}"
    path = url("personal-conversation-detail", conference, conversation_id=uuid.uuid4())

    response = send(api, "put", path, body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["notes"]


def test_ten_megabyte_json_body_is_refused_in_the_error_shape(api, conference):
    body = raw_json(conversation_body(notes="x" * TEN_MB))
    for method, path in endpoints(conference):
        response = send(api, method, path, body)

        assert response.status_code == 400, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "detail": "The request body is larger than 5,242,880 bytes.",
            "errors": {},
        }
    assert PosterConversation.objects.count() == 0


def test_a_large_but_allowed_body_is_accepted(api, conference):
    # Every text at its longest, non-ASCII sent as \u escapes: ~4.3 MB, more than Django's
    # default 2.5 MB and within the 5 MB cap.
    qa = [{"question": "é" * 2000, "answer": "é" * 5000} for _ in range(100)]
    body = raw_json(conversation_body(qa=qa, notes="é" * 20000, follow_up="é" * 20000))
    assert 4_000_000 < len(body) < 5 * 1024 * 1024
    path = url("personal-conversation-detail", conference, conversation_id=uuid.uuid4())

    response = send(api, "put", path, body)

    assert response.status_code == 201
    assert len(response.json()["qa"]) == 100


# --- text PostgreSQL cannot store ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"\ud800": "x"}, "A key contains an unpaired surrogate (U+D800 to U+DFFF)."),
        ({"x": "\udfff"}, "Contains an unpaired surrogate (U+D800 to U+DFFF)."),
        ({"x\x00": "x"}, "A key contains a NUL character (U+0000)."),
        ({"x": "a\x00b"}, "Contains a NUL character (U+0000)."),
    ],
)
def test_meetup_put_with_unstorable_contact_details_is_a_field_error(
    api, conference, details, message
):
    path = url("personal-meetup-detail", conference, meetup_id=uuid.uuid4())
    body = raw_json(meetup_body(contact_details=details))

    response = send(api, "put", path, body)

    assert response.status_code == 400
    (key,) = details
    where = "contact_details" if message.startswith("A key") else f"contact_details.{key}"
    assert response.json() == {"detail": "Invalid input.", "errors": {where: [message]}}
    assert Meetup.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "where", "message"),
    [
        (
            {"qa": [{"question": "ok", "answer": "fine"}, {"question": "Why \ud83d?"}]},
            "qa.1.question",
            "Contains an unpaired surrogate (U+D800 to U+DFFF).",
        ),
        (
            {"tags": ["ok", "\udc00"]},
            "tags.1",
            "Contains an unpaired surrogate (U+D800 to U+DFFF).",
        ),
        ({"notes": "\ud800"}, "notes", "Contains an unpaired surrogate (U+D800 to U+DFFF)."),
        (
            {"qa": [{"\ud800": "x", "question": "q"}]},
            "qa.0",
            "A key contains an unpaired surrogate (U+D800 to U+DFFF).",
        ),
        (
            {"unknown\ud800": 1},
            "non_field_errors",
            "A key contains an unpaired surrogate (U+D800 to U+DFFF).",
        ),
    ],
)
def test_conversation_put_with_a_lone_surrogate_is_a_field_error(
    api, conference, overrides, where, message
):
    path = url("personal-conversation-detail", conference, conversation_id=uuid.uuid4())

    response = send(api, "put", path, raw_json(conversation_body(**overrides)))

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {where: [message]}}
    assert PosterConversation.objects.count() == 0


def test_a_surrogate_pair_is_ordinary_text(api, conference):
    path = url("personal-meetup-detail", conference, meetup_id=uuid.uuid4())
    body = raw_json(meetup_body(contact_details={"\U0001f600": "\U0001f44b"}))
    assert "\\ud83d\\ude00" in body

    response = send(api, "put", path, body)

    assert response.status_code == 201
    assert response.json()["contact_details"] == {"\U0001f600": "\U0001f44b"}


def _batch(conference):
    good_conversation, broken, good_meetup = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    writes = [
        {
            "op": "put",
            "type": "conversation",
            "id": str(good_conversation),
            "data": conversation_body(),
        },
        {
            "op": "put",
            "type": "meetup",
            "id": str(broken),
            # The audit's case: the key reached PostgreSQL's jsonb and failed the whole batch.
            "data": meetup_body(contact_details={"\ud800": "x"}),
        },
        {"op": "put", "type": "meetup", "id": str(good_meetup), "data": meetup_body()},
    ]
    return writes, (good_conversation, broken, good_meetup)


def test_sync_with_a_surrogate_in_one_write_stores_the_others(api, conference):
    writes, (good_conversation, broken, good_meetup) = _batch(conference)

    response = send(api, "post", url("personal-sync", conference), raw_json(writes))

    assert response.status_code == 200
    results = response.json()
    assert [r["status"] for r in results] == [201, 400, 201]
    assert results[1] == {
        "id": str(broken),
        "status": 400,
        "detail": "Invalid input.",
        "errors": {
            "data.contact_details": ["A key contains an unpaired surrogate (U+D800 to U+DFFF)."]
        },
    }
    assert list(PosterConversation.objects.values_list("pk", flat=True)) == [good_conversation]
    assert list(Meetup.objects.values_list("pk", flat=True)) == [good_meetup]


def test_sync_replaying_a_batch_with_a_broken_write_gives_the_same_result(api, conference):
    writes, (good_conversation, _, good_meetup) = _batch(conference)
    path = url("personal-sync", conference)

    first = send(api, "post", path, raw_json(writes)).json()
    again = send(api, "post", path, raw_json(writes)).json()

    assert [r["status"] for r in again] == [200, 400, 200]
    assert [r.get("body") for r in again] == [r.get("body") for r in first]
    assert again[1] == first[1]
    assert list(PosterConversation.objects.values_list("pk", flat=True)) == [good_conversation]
    assert list(Meetup.objects.values_list("pk", flat=True)) == [good_meetup]


def test_sync_with_an_unpaired_surrogate_in_the_envelope_answers_that_write(api, conference):
    good = uuid.uuid4()
    writes = [
        {
            "op": "put",
            "type": "meetup",
            "id": str(uuid.uuid4()),
            "data": meetup_body(contact_details={"ok": "y\udfff", "\ud800": "x"}),
        },
        {"op": "put\ud800", "type": "meetup", "id": str(uuid.uuid4()), "data": meetup_body()},
        {"op": "put", "type": "meetup", "id": "\udc00", "data": meetup_body()},
        {"op": "put", "type": "meetup", "id": str(good), "data": meetup_body()},
    ]

    results = send(api, "post", url("personal-sync", conference), raw_json(writes)).json()

    assert [r["status"] for r in results] == [400, 400, 400, 201]
    assert results[0]["errors"] == {
        "data.contact_details": ["A key contains an unpaired surrogate (U+D800 to U+DFFF)."],
        "data.contact_details.ok": ["Contains an unpaired surrogate (U+D800 to U+DFFF)."],
    }
    assert results[1]["errors"] == {"op": ["Contains an unpaired surrogate (U+D800 to U+DFFF)."]}
    # The id is not echoed: it cannot be encoded as UTF-8.
    assert (results[2]["id"], results[2]["errors"]) == (
        None,
        {"id": ["Contains an unpaired surrogate (U+D800 to U+DFFF)."]},
    )
    assert list(Meetup.objects.values_list("pk", flat=True)) == [good]


def test_sync_a_write_the_database_refuses_is_reported_alone(api, conference):
    # Validation lets nothing through that PostgreSQL refuses; should something slip by, the
    # write still fails alone. A NUL in a contact detail key was one such gap.
    good = uuid.uuid4()
    writes = [
        {
            "op": "put",
            "type": "meetup",
            "id": str(uuid.uuid4()),
            "data": meetup_body(contact_details={"a\x00": "x"}),
        },
        {"op": "put", "type": "meetup", "id": str(good), "data": meetup_body()},
    ]

    results = send(api, "post", url("personal-sync", conference), raw_json(writes)).json()

    assert [r["status"] for r in results] == [400, 201]
    assert results[0]["errors"] == {
        "data.contact_details": ["A key contains a NUL character (U+0000)."]
    }
    assert list(Meetup.objects.values_list("pk", flat=True)) == [good]
