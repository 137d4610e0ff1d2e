"""My Plan, the calendar link and a session's Posters in a real browser against gunicorn.

The attendee stars three posters on the Posters screen (natural board order, "show more",
a filter by author, the walking order), and My Plan gets what the schedule's star would have
stored: two workshops that clash, the welcome reception listed as a social session and as a
meal (one event), an oral inside its own session (no clash), a cancelled workshop and a
keynote that later leaves the stored program. The conflicts My Plan marks, computed in the
browser, must be the ones the server's ``plan_conflicts`` finds for the same plan; the walking
order must be the server's. Edits (status, reminder, note) reach the server exactly once; the
calendar link is issued, its QR drawn, its feed served. Offline and reloaded, all of it stays.

Screenshots (360×740, light and dark, English and Korean, online and offline) go to
var/screenshots/plan/ (git-ignored) or $PLAN_SCREENSHOTS.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from planner.demo import DEMO_SLUG
from planner.models import Attendee, Meal, Oral, PlanItem, Session
from planner.selectors.plans import natural_key, plan_conflicts
from planner.services.plans import plan_item_put
from tests.e2e.harness import run_script, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("plan.mjs")
NOTE = "Ask about the 김치 benchmark"


def _key(kind: str, target_id: int) -> str:
    return f"{kind}/{target_id}"


def _clashing_workshops(sessions: list[Session]) -> tuple[Session, Session]:
    """The first two long sessions in different rooms whose times overlap."""
    long = [s for s in sessions if s.kind in ("workshop", "tutorial") and not s.cancelled]
    for a in long:
        for b in long:
            if a.pk < b.pk and a.room_id != b.room_id and a.start < b.end and b.start < a.end:
                return a, b
    raise AssertionError("the demo has no two clashing workshops")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_plan_posters_and_calendar_link_online_then_offline(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    user = get_user_model().objects.get(username=username)
    attendee = Attendee.objects.get(user=user, conference__slug=DEMO_SLUG)
    PlanItem.objects.filter(attendee=attendee).delete()

    sessions = list(Session.objects.filter(conference__slug=DEMO_SLUG).order_by("start", "id"))
    clash = _clashing_workshops(sessions)
    reception = next(s for s in sessions if s.kind == "social" and "reception" in s.title.lower())
    reception_meal = Meal.objects.get(
        conference__slug=DEMO_SLUG, kind="reception", room=reception.room
    )
    oral = (
        Oral.objects.filter(session__conference__slug=DEMO_SLUG, session__cancelled=False)
        .order_by("start", "id")
        .first()
    )
    cancelled = next(s for s in sessions if s.cancelled)
    keynote = next(s for s in sessions if s.kind == "keynote")
    poster_session = next(s for s in sessions if s.kind == "poster" and s.posters.count() > 100)
    posters = sorted(
        poster_session.posters.select_related("paper"), key=lambda p: (natural_key(p.board), p.pk)
    )
    starred = [posters[24], posters[2], posters[9]]  # starred out of board order
    author = posters[30].paper.authorships.select_related("person").first().person.name.split()[-1]

    seed = [
        ("session", clash[0].pk),
        ("session", clash[1].pk),
        ("session", reception.pk),
        ("meal", reception_meal.pk),
        ("session", oral.session_id),
        ("oral", oral.pk),
        ("session", cancelled.pk),
        ("session", keynote.pk),
    ]
    # The same plan on the server (the schedule's star sent it), to ask the server's conflicts.
    for kind, target_id in seed:
        plan_item_put(
            attendee=attendee,
            kind=kind,
            target_id=target_id,
            status="interested",
            note="",
            reminder_minutes=None,
        )
    server = plan_conflicts(attendee=attendee)
    expected_conflicted = sorted(
        {_key(t.kind, t.id) for o in server.overlaps for t in (o.first, o.second)}
    )
    assert {_key("session", clash[0].pk), _key("session", clash[1].pk)} <= set(expected_conflicted)
    assert _key("meal", reception_meal.pk) not in expected_conflicted

    given = {
        "posterSession": poster_session.pk,
        "starPosters": [p.pk for p in starred],
        "authorQuery": author,
        "seed": seed,
        "edit": _key("session", clash[0].pk),
        "editOffline": _key("session", clash[1].pk),
        "note": NOTE,
        "vanish": keynote.pk,
    }
    at = reception.start - dt.timedelta(hours=2)
    report = run_script(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("PLAN_SCREENSHOTS", "plan"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_NOW": at.astimezone(dt.UTC).isoformat(),
            "BOARDWALK_E2E_PLAN": json.dumps(given),
        },
        timeout=120,
    )
    steps = report["steps"]
    boards = [p.board for p in posters]

    # Posters: natural board order, the first 100 then "show more", the filter, the walk.
    assert steps["posters"]["boards"] == boards[:100]
    assert steps["posters"]["more"] == 1
    assert steps["posters"]["afterMore"] == min(200, len(boards))
    assert steps["posters"]["count"].startswith(f"{len(boards)} posters")
    assert posters[30].paper.title in steps["filter"]["titles"]
    assert 0 < len(steps["filter"]["titles"]) < len(boards)
    assert steps["filter"]["count"].startswith(
        f"{len(steps['filter']['titles'])} of {len(boards)} poster"
    )
    walk = [p.pk for p in sorted(starred, key=lambda p: (natural_key(p.board), p.pk))]
    assert steps["walk"] == walk
    # ... which is the server's walking order (60 minutes a poster overloads the session).
    server_walk = plan_conflicts(attendee=attendee, minutes_per_poster=60).poster_sessions
    assert [
        stop.poster_id
        for o in server_walk
        if o.session_id == poster_session.pk
        for stop in o.walking_order
    ] == walk

    # My Plan: every item, the conflicts the server finds and no others, the cancelled one.
    plan = steps["plan"]
    planned = {_key(kind, target_id) for kind, target_id in seed} | {
        _key("poster", p.pk) for p in starred
    }
    assert set(plan["keys"]) == planned
    assert sorted(plan["conflicted"]) == expected_conflicted
    assert plan["cancelled"] == [_key("session", cancelled.pk)]
    assert plan["removed"] == []
    # Edits: on the screen, and on the server exactly once.
    edited = steps["edited"]
    assert (edited["status"], edited["reminder"], edited["note"]) == ("must_see", "15", NOTE)
    # Folded, the item still says what was chosen.
    assert "Must see" in edited["summary"]
    assert "15 minutes before" in edited["summary"]
    item = PlanItem.objects.get(attendee=attendee, session=clash[0])
    assert (item.status, item.reminder_minutes, item.note) == ("must_see", 15, NOTE)
    assert PlanItem.objects.filter(attendee=attendee).count() == len(planned)
    assert PlanItem.objects.filter(attendee=attendee, poster__in=starred).count() == 3

    # The calendar link: webcal and https forms of one URL, its QR, copied, a live feed.
    calendar = steps["calendar"]
    assert calendar["webcal"].startswith("webcal://")
    assert calendar["https"].split("://", 1)[1] == calendar["webcal"].split("://", 1)[1]
    assert calendar["qrModules"].startswith("0 0 ")
    assert calendar["copied"] == "Link copied"
    assert calendar["clipboard"] == calendar["webcal"]
    assert calendar["feedStatus"] == 200
    assert calendar["feedIsCalendar"] is True

    reset = steps["reset"]
    assert reset["webcal"].startswith("webcal://")
    assert reset["webcal"] != calendar["webcal"]
    assert (reset["oldStatus"], reset["newStatus"]) == (404, 200)

    # Offline, reloaded: the plan from IndexedDB, the keynote now "removed" with its title.
    offline = steps["offline"]
    assert offline["fromServiceWorker"] is True
    assert set(offline["keys"]) == planned
    assert sorted(offline["conflicted"]) == expected_conflicted
    assert offline["removed"] == [keynote.title]
    assert offline["webcal"] == reset["webcal"]
    assert offline["resetDisabled"] is True
    assert offline["note"] == NOTE
    assert steps["offlinePosters"]["boards"] == boards[:5]
    assert steps["offlineWalk"] == walk
    assert offline["unsynced"] == "Not synced"
    assert steps["korean"]["title"] == "내 일정"
    # Back online, the offline edit reached the server (once: still one row per item).
    assert steps["backOnline"] == 0
    assert PlanItem.objects.get(attendee=attendee, session=clash[1]).status == "going"
    assert PlanItem.objects.filter(attendee=attendee).count() == len(planned)

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
