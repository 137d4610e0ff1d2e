"""0009 stops storing badge tokens: old plaintext tokens become retired hashes, every
attendee gets a derived badge, and going back restores a column with the current tokens."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from planner.models.attendee import badge_token_for

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("planner", "0008_feeds_and_badges")]
AFTER = [("planner", "0009_badge_token_hash")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _latest():
    """Every app's newest migration: later migrations than 0009 must come back too."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_plaintext_tokens_become_retired_hashes_and_back():
    old = _migrate(BEFORE)
    User = old.get_model("auth", "User")
    conference = old.get_model("planner", "Conference").objects.create(
        slug="c",
        name="C",
        timezone="Asia/Jerusalem",
        start_date="2026-10-22",
        end_date="2026-10-26",
    )
    printed = []
    for n in range(3):
        attendee = old.get_model("planner", "Attendee").objects.create(
            user=User.objects.create(username=f"u{n}"),
            conference=conference,
            display_name=f"A{n}",
            badge_token=f"printed-token-{n}-abcdefghijklmnopqrstuv",
        )
        printed.append(attendee.badge_token)

    try:
        new = _migrate(AFTER)
        rows = list(new.get_model("planner", "Attendee").objects.order_by("pk"))
        retired = set(
            new.get_model("planner", "RetiredBadge").objects.values_list("token_hash", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM planner_attendee")
            dump = repr(cursor.fetchall())

        assert retired == {_sha256(token) for token in printed}
        assert [r.badge_token_hash for r in rows] == [
            _sha256(badge_token_for(r.badge_salt)) for r in rows
        ]
        assert len({r.badge_salt for r in rows}) == 3
        assert not any(token in dump for token in printed)
        assert not any(badge_token_for(r.badge_salt) in dump for r in rows)

        back = _migrate(BEFORE)
        restored = dict(
            back.get_model("planner", "Attendee").objects.values_list("pk", "badge_token")
        )
        assert restored == {r.pk: badge_token_for(r.badge_salt) for r in rows}
    finally:
        _migrate(_latest())  # the schema every other test expects
