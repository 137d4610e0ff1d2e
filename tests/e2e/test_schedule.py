"""The Schedule, its offline search and the item pages in a real browser (tests/e2e/schedule.mjs).

Signed in as the demo attendee, on eccv-demo's schedule with the browser's clock inside the
conference: filter by a room (kept over a reload), search a poster by an author's name and by
its board, open a poster, a session, a booth and a meal from the results; then offline and
reloaded, the schedule and the search still answer, and the pages read in Korean. The expected
titles, rooms, authors and boards come from the database here. Screenshots (360×740, light and
dark, English and Korean, online and offline) go to var/screenshots/schedule/ (git-ignored) or
$SCHEDULE_SCREENSHOTS. In CI a missing Chromium, Node or build fails the test
(tests/e2e/conftest.py).

The demo has no Hangul or Hebrew titles, so the Korean part is the interface, not a query
(search/ tests cover Hangul and Hebrew folding).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from planner.demo import DEMO_SLUG
from planner.models import Booth, BoothHours, Conference, Meal, PlanItem, Poster, Session
from tests.e2e.harness import run_script, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("schedule.mjs")


def _on_day(rows, zone, day):
    return [row for row in rows if row.start.astimezone(zone).date() == day]


def _expectations(conference: Conference, at: dt.datetime) -> dict:
    """What the browser should find, chosen from the seeded demo."""
    zone = ZoneInfo(conference.timezone)
    day = at.astimezone(zone).date()
    sessions = _on_day(
        Session.objects.filter(conference=conference).select_related("room"), zone, day
    )
    meals = _on_day(Meal.objects.filter(conference=conference).select_related("room"), zone, day)
    busiest = Counter(row.room for row in [*sessions, *meals] if row.room).most_common(1)[0][0]
    in_room = sorted(row.title for row in [*sessions, *meals] if row.room_id == busiest.id)

    posters = Poster.objects.filter(conference=conference, cancelled=False, paper__isnull=False)
    boards = Counter(posters.values_list("board", flat=True))
    # The poster whose board is the least shared, with a paper that has authors.
    poster = min(
        (
            p
            for p in posters.select_related("paper").prefetch_related("paper__authorships__person")[
                :400
            ]
            if p.paper.authorships.exists()
        ),
        key=lambda p: (boards[p.board], p.id),
    )
    authors = [a.person.name for a in poster.paper.authorships.order_by("position")]
    session = (
        Session.objects.filter(
            conference=conference, kind="oral", cancelled=False, orals__isnull=False
        )
        .distinct()
        .order_by("start", "id")
        .first()
    )
    booth = (
        Booth.objects.filter(conference=conference, cancelled=False, hours__isnull=False)
        .distinct()
        .order_by("id")
        .first()
    )
    meal = (
        Meal.objects.filter(conference=conference, cancelled=False, menu_items__isnull=False)
        .distinct()
        .order_by("start", "id")
        .first()
    )
    # The booths open on the first day any is (the exhibition may open after the workshops).
    first_hours = BoothHours.objects.filter(booth__conference=conference).order_by("start").first()
    booth_day = first_hours.start.astimezone(zone).date()
    day_start = dt.datetime.combine(booth_day, dt.time(), zone)
    open_booths = Booth.objects.filter(
        conference=conference,
        hours__start__lt=day_start + dt.timedelta(days=1),
        hours__end__gt=day_start,
    ).distinct()
    cancelled = (
        Session.objects.filter(conference=conference, cancelled=True)
        .order_by("start", "id")
        .first()
    )
    return {
        "cancelled": cancelled.id,
        "cancelledTitle": cancelled.title,
        "cancelledDay": cancelled.start.astimezone(zone).date().isoformat(),
        "day": day.isoformat(),
        "boothDay": booth_day.isoformat(),
        "boothsOpen": sorted(open_booths.values_list("exhibitor", flat=True)),
        "dayTitles": sorted(row.title for row in [*sessions, *meals]),
        "room": busiest.name,
        "roomId": busiest.id,
        "roomTitles": in_room,
        "poster": poster.id,
        "posterTitle": poster.paper.title,
        "board": poster.board,
        "author": authors[0],
        "authors": authors,
        "session": session.id,
        "sessionTitle": session.title,
        "talks": [
            o.paper.title if o.paper else o.title
            for o in session.orals.select_related("paper").order_by("order", "start", "id")
        ],
        "booth": booth.id,
        "exhibitor": booth.exhibitor,
        "meal": meal.id,
        "mealTitle": meal.title,
        "menu": list(meal.menu_items.order_by("position", "id").values_list("name", flat=True)),
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schedule_filters_search_and_items_offline(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    conference = Conference.objects.get(slug=DEMO_SLUG)
    at = Session.objects.filter(conference=conference).order_by(
        "start", "id"
    ).first().start + dt.timedelta(minutes=10)
    expect = _expectations(conference, at)

    report = run_script(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("SCHEDULE_SCREENSHOTS", "schedule"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_NOW": at.astimezone(dt.UTC).isoformat(),
            "BOARDWALK_E2E_EXPECT": json.dumps(expect),
        },
    )
    # The star on the poster page went through the outbox to the server.
    starred = PlanItem.objects.filter(
        poster_id=expect["poster"], attendee__user__username=username
    ).exists()
    steps = report["steps"]
    poster_href = f"/conferences/{DEMO_SLUG}/posters/{expect['poster']}"

    # "Time to usable schedule" is marked once per page load, not again on a filter change.
    assert steps["marks"] == 1
    # The day of the browser's clock: every session and meal starting on it.
    assert sorted(steps["day"]["titles"]) == expect["dayTitles"]
    assert steps["day"]["days"] == (conference.end_date - conference.start_date).days + 1
    # A room filter: only that room's items, in the URL, kept over a reload; clear brings all back.
    assert sorted(steps["room"]["titles"]) == expect["roomTitles"]
    assert steps["room"]["afterReload"] == steps["room"]["titles"]
    assert all(expect["room"] in meta for meta in steps["room"]["metas"])
    assert steps["room"]["selected"] == expect["room"]
    assert f"room={expect['roomId']}" in steps["room"]["url"]
    assert steps["cleared"] == len(expect["dayTitles"])
    assert sorted(steps["booths"]) == expect["boothsOpen"]
    # A cancelled session stays in its day, marked, and its page says so.
    assert steps["cancelled"]["listed"] == [expect["cancelledTitle"]]
    assert steps["cancelled"]["badge"] == "Cancelled"
    assert steps["cancelled"]["page"] == expect["cancelledTitle"]
    assert steps["cancelled"]["note"].startswith("Cancelled")
    # The poster found by its first author and by its board, and its page.
    assert poster_href in steps["byAuthor"]["hrefs"]
    assert any(kind.startswith("Poster") for kind in steps["byAuthor"]["kinds"])
    assert poster_href in steps["byBoard"]["hrefs"]
    poster = steps["poster"]
    assert poster["title"] == expect["posterTitle"]
    assert poster["board"] == f"Board {expect['board']}"
    assert poster["authors"] == expect["authors"]
    assert poster["log"] == 1
    assert all("noopener" in rel for _href, rel in poster["external"])
    # Back to the schedule as it was left: the search that found the poster.
    assert (
        poster["back"] == f"/conferences/{DEMO_SLUG}/schedule?{urlencode({'q': expect['board']})}"
    )
    assert starred
    assert steps["backToResults"] == expect["board"]
    # A session with its talks in order, a booth with hours, a meal with its menu.
    assert steps["session"]["title"] == expect["sessionTitle"]
    assert steps["session"]["talks"] == expect["talks"]
    assert steps["booth"]["title"] == expect["exhibitor"]
    assert steps["booth"]["hours"]
    assert steps["meal"]["title"] == expect["mealTitle"]
    assert steps["meal"]["menu"] == expect["menu"]
    assert steps["notFound"] == "This item is not in the program stored on this device."
    # Offline: the shell from the worker, the day and the search from IndexedDB.
    offline = steps["offline"]
    assert offline["fromServiceWorker"] is True
    assert offline["banner"].startswith("You are offline.")
    assert sorted(offline["titles"]) == expect["dayTitles"]
    assert poster_href in offline["byAuthor"]["hrefs"]
    assert offline["poster"]["title"] == expect["posterTitle"]
    assert offline["poster"]["starred"] == "true"
    # Korean, offline.
    korean = steps["korean"]
    assert korean["poster"]["kind"] == "포스터"
    assert korean["session"]["title"] == expect["sessionTitle"]
    assert korean["meal"]["title"] == expect["mealTitle"]
    assert korean["schedule"]["title"] == "프로그램"
    assert sorted(korean["schedule"]["titles"]) == expect["roomTitles"]
    assert korean["search"]["status"].startswith("검색 결과")

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
