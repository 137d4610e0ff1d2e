"""After a big import on PostgreSQL the program tables are analyzed at once, so the planner
does not keep estimating them at their old size (sequential scans and whole-table hash joins
for a single attendee's plan until autovacuum comes round)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.services.imports import BIG_IMPORT_WRITES, _refresh_statistics
from planner.services.schedule_upsert import UpsertResult

pytestmark = pytest.mark.django_db


def _analyzes(result: UpsertResult) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        _refresh_statistics(result)
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]


@pytest.mark.postgres
def test_big_import_analyzes_the_program_tables():
    (statement,) = _analyzes(UpsertResult(writes=BIG_IMPORT_WRITES))

    for table in ("planner_paper", "planner_person", "planner_authorship", "planner_session"):
        assert f'"{table}"' in statement


@pytest.mark.postgres  # on SQLite nothing is ever analyzed: the test would prove nothing
def test_small_import_analyzes_nothing():
    assert _analyzes(UpsertResult(writes=BIG_IMPORT_WRITES - 1)) == []
