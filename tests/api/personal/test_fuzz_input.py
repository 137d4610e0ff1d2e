"""Hypothesis throws malformed bodies at sync/ and the conversation and meetup PUTs: wrong
types, huge numbers, deep junk, odd Unicode (lone surrogates, NUL), missing and extra
fields, bad UUIDs and dates, non-JSON bytes. Whatever comes in:

- never a 5xx (the test client re-raises a server error, so hypothesis shows it);
- every 4xx is the error shape, ``{"detail": str, "errors": {str: [str]}}`` (plus
  ``current`` on 409/412);
- no partial writes: a refused PUT leaves no new row and the existing entry unchanged; after
  a batch, exactly the writes it reports as applied exist.

Each example runs in a savepoint rolled back afterwards, against the real database, so
examples do not see each other's rows. Bounded and derandomized for CI.
"""

from __future__ import annotations

import json
import string
import uuid
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.models import Meetup, PosterConversation
from tests.api.personal.conftest import conversation_body, meetup_body, url
from tests.factories import (
    AttendeeFactory,
    BoothFactory,
    MeetupFactory,
    PosterConversationFactory,
    PosterFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- strategies ------------------------------------------------------------------------------

# Every code point, lone surrogates and NUL included (hypothesis leaves out Cs by default).
ANY_CHAR = st.characters(exclude_categories=())
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "\udfff",
        "x\udc00y",
        "\U0001f600",
        "\u202e",
        "null",
        "2026-02-30T25:61:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59+14:00",
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "x" * 600,
        "é" * 20001,  # one over the notes limit
    ]
)
TEXT = st.one_of(st.text(ANY_CHAR, max_size=30), ODD_TEXT)
NUMBER = st.one_of(
    st.integers(-5, 10),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**4000]),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JUNK = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
DEEP = st.sampled_from([31, 32, 33, 100, 10_000]).map(lambda n: "[" * n + "1" + "]" * n)


def entry_body(kind: str, refs: dict[str, list[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid body with fields dropped, replaced by junk or added: mostly near misses."""
    base = conversation_body() if kind == "conversation" else meetup_body()
    fields = list(base) + (
        ["poster", "follow_up", "follow_up_done", "base_version"]
        if kind == "conversation"
        else ["other", "source", "contact_details", "session", "booth", "poster", "base_version"]
    )
    fields = list(dict.fromkeys(fields))

    @st.composite
    def build(draw) -> dict[str, Any]:
        body = dict(base)
        # Mostly one or two fields off, so writes that should be accepted come up too.
        for name in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)):
            choice = draw(st.integers(0, 5))
            if choice == 0:
                body.pop(name, None)
            elif choice <= 3 and name in refs:
                ref = refs[name]
                body[name] = draw(
                    ref if isinstance(ref, st.SearchStrategy) else st.sampled_from(ref)
                )
            else:
                body[name] = draw(JUNK)
        if draw(st.integers(0, 3)) == 0:
            body[draw(TEXT)] = draw(JUNK)
        return body

    return build()


def encoded(value: Any) -> str:
    # ensure_ascii: a lone surrogate travels as a \ud800 escape, as a JS client sends it;
    # allow_nan: NaN and Infinity go out as the non-JSON tokens they are.
    return json.dumps(value, ensure_ascii=True)


def raw_bodies(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        valid.map(encoded),
        JUNK.map(encoded),
        DEEP,
        st.binary(max_size=40),
        st.text(string.printable, max_size=40),
    )


# --- checks ------------------------------------------------------------------------------------


def assert_error_shape(response) -> None:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    extra = {"current"} if response.status_code in (409, 412) else set()
    assert set(body) - extra == {"detail", "errors"}, body
    assert isinstance(body["detail"], str)
    assert isinstance(body["errors"], dict)
    for name, messages in body["errors"].items():
        assert isinstance(name, str)
        assert isinstance(messages, list)
        assert messages
        assert all(isinstance(m, str) for m in messages)


def snapshot(model) -> dict[tuple[str, uuid.UUID], tuple]:
    return {
        (model.__name__, row["id"]): tuple(row.values())
        for row in model._default_manager.order_by("pk").values()
    }


class RolledBack(Exception):
    pass


def in_savepoint(check) -> None:
    """Run one example inside a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            check()
            raise RolledBack
    except RolledBack:
        pass


@pytest.fixture
def world(attendee, conference):
    """What valid bodies may point at, and entries of the user that edits may hit."""
    poster = PosterFactory(session__conference=conference)
    other = AttendeeFactory(conference=conference)
    booth = BoothFactory(conference=conference)
    conversation = PosterConversationFactory(attendee=attendee, poster=poster)
    meetup = MeetupFactory(attendee=attendee)
    ids = [poster.pk, 0, -1, 10**18, "1", None]
    return {
        "refs": {
            "poster": ids,
            "other": [other.pk, attendee.pk, 10**18, None],
            "booth": [booth.pk, 10**18],
            "session": [poster.session_id, 2**63],
            "base_version": [1, 2, 0, 2**40, "1"],
            "talked_at": ["2026-10-22T12:05:00+02:00", "2026-10-22", "", 0],
            "met_at": ["2026-10-22T12:05:00Z", "yesterday"],
            # Right types, odd text: keys and values with lone surrogates, NUL, limits.
            "contact_details": st.dictionaries(TEXT, st.text(max_size=5) | ODD_TEXT, max_size=3),
            "qa": st.lists(
                st.fixed_dictionaries({"question": TEXT}, optional={"answer": TEXT}), max_size=3
            ),
            "tags": st.lists(TEXT, max_size=3),
            "notes": TEXT,
            "talked_to": TEXT,
        },
        "conversation": conversation,
        "meetup": meetup,
    }


HEADERS = st.one_of(
    st.just({}),
    st.sampled_from(['"1"', '"2"', 'W/"1"', "*", '"0"', '"99999999999"', "\x00"]).map(
        lambda tag: {"If-Match": tag}
    ),
)

# --- PUTs ----------------------------------------------------------------------------------------


def fuzz_put(api, conference, world, kind: str, data) -> None:
    model = PosterConversation if kind == "conversation" else Meetup
    name = f"personal-{kind}-detail"
    existing = world[kind]
    entry_id = data.draw(st.one_of(st.uuids(), st.just(existing.pk)), label="id")
    body = data.draw(raw_bodies(entry_body(kind, world["refs"])), label="body")
    headers = data.draw(HEADERS, label="headers")

    def check() -> None:
        before = snapshot(model)
        path = url(name, conference, **{f"{kind}_id": entry_id})
        response = api.put(path, body, content_type="application/json", headers=headers)
        after = snapshot(model)
        event(f"status {response.status_code}")

        assert response.status_code < 500
        if response.status_code >= 400:
            assert_error_shape(response)
            assert after == before  # nothing written, the existing entry untouched
        else:
            assert response.status_code in (200, 201)
            assert response.json()["id"] == str(entry_id)
            key = (model.__name__, entry_id)
            assert set(after) == set(before) | {key}
            if response.status_code == 201:
                assert key not in before

    in_savepoint(check)


@FUZZ
@given(data=st.data())
def test_conversation_put_survives_malformed_input(api, conference, world, data):
    fuzz_put(api, conference, world, "conversation", data)


@FUZZ
@given(data=st.data())
def test_meetup_put_survives_malformed_input(api, conference, world, data):
    fuzz_put(api, conference, world, "meetup", data)


# --- sync ----------------------------------------------------------------------------------------


def sync_writes(world) -> st.SearchStrategy[list[Any]]:
    refs = world["refs"]
    known = [world["conversation"].pk, world["meetup"].pk]

    @st.composite
    def write(draw) -> Any:
        shape = draw(st.integers(0, 9))
        if shape == 0:
            return draw(JUNK)  # not even an object
        if shape <= 5:
            # A plausible write: a put or delete of a known type, its data a near miss.
            kind = draw(st.sampled_from(["conversation", "meetup"]))
            op = draw(st.sampled_from(["put", "put", "put", "delete"]))
            return {
                "op": op,
                "type": kind,
                "id": str(draw(st.one_of(st.uuids(), st.sampled_from(known)))),
                "base_version": draw(st.sampled_from([None, None, 1, 2])),
                "data": draw(entry_body(kind, refs)) if op == "put" else {},
            }
        kind = draw(st.sampled_from(["conversation", "meetup", "poster", ""]))
        entry = {
            "op": draw(st.sampled_from(["put", "put", "delete", "patch", None])),
            "type": kind,
            "id": draw(
                st.one_of(st.uuids().map(str), st.sampled_from(known).map(str), TEXT, NUMBER)
            ),
            "base_version": draw(st.sampled_from([None, 1, 2, 0, "x", 10**30])),
            "data": draw(
                entry_body(kind if kind == "meetup" else "conversation", refs)
                if draw(st.booleans())
                else JUNK
            ),
        }
        for name in draw(st.lists(st.sampled_from(list(entry)), max_size=2, unique=True)):
            if draw(st.booleans()):
                del entry[name]
            else:
                entry[name] = draw(JUNK)
        return entry

    return st.lists(write(), max_size=6)


@FUZZ
@given(data=st.data())
def test_sync_survives_malformed_input_and_writes_exactly_what_it_accepts(
    api, conference, world, data
):
    writes = data.draw(sync_writes(world), label="writes")
    body = data.draw(st.one_of(st.just(encoded(writes)), raw_bodies(st.just(writes))), label="body")

    def check() -> None:
        before = {**snapshot(PosterConversation), **snapshot(Meetup)}
        response = api.post(url("personal-sync", conference), body, content_type="application/json")
        after = {**snapshot(PosterConversation), **snapshot(Meetup)}
        event(f"status {response.status_code}")

        assert response.status_code < 500
        if response.status_code != 200:
            assert response.status_code == 400
            assert_error_shape(response)
            assert after == before
            return
        results = response.json()
        sent = json.loads(body)  # 200 means the body was a JSON array
        assert len(results) == len(sent)
        applied = set()
        for result in results:
            assert set(result) >= {"id", "status"}
            if result["status"] >= 400:
                assert {"detail", "errors"} <= set(result)
                assert all(isinstance(m, list) for m in result["errors"].values())
                assert "body" not in result
            else:
                event(f"a write applied ({result['status']})")
                assert result["status"] in (200, 201, 204)
                applied.add(uuid.UUID(result["id"]))
        changed = {
            pk
            for key in set(after) | set(before)
            if after.get(key) != before.get(key)
            for pk in [key[1]]
        }
        # Only applied writes change rows; every applied create or edit is there.
        assert changed <= applied
        assert applied <= {pk for _, pk in after}

    in_savepoint(check)
