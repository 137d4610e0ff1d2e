"""The plan conflict rules against the cases the PWA runs too (frontend/src/views/plan/
conflict-cases.json, read by conflicts.test.ts): My Plan computes conflicts on the device,
offline, and must mark exactly what ``plan/conflicts/`` reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conf.env import BASE_DIR
from planner.selectors.plans import TIMED_KINDS, PlanTarget, _overlaps

CASES = json.loads(
    (BASE_DIR / "frontend" / "src" / "views" / "plan" / "conflict-cases.json").read_text("utf-8")
)["cases"]


def _instant(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _target(row: list) -> PlanTarget:
    kind, target_id, start, end, room, session = row
    return PlanTarget(
        kind=kind,
        id=target_id,
        title=f"{kind} {target_id}",
        start=_instant(start),
        end=_instant(end),
        room_id=room,
        room=None if room is None else f"Room {room}",
        board=None,
        session_id=session,
        cancelled=False,
    )


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_plan_conflicts_match_the_shared_cases(case):
    # plan_conflicts passes only timed kinds to the sweep, as the PWA's overlaps() filters.
    timed = [t for t in map(_target, case["targets"]) if t.kind in TIMED_KINDS]

    found = _overlaps(timed)

    assert [
        [f"{o.first.kind}/{o.first.id}", f"{o.second.kind}/{o.second.id}", o.minutes] for o in found
    ] == case["expected"]
