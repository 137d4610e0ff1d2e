"""The hall map and the in-app notifications in a real browser against gunicorn.

The attendee has four posters of one poster session starred on the server (one of them
without a floor position); the pull brings them. The map must highlight the three placed
boards, draw the route through them in the walking order the server computes (natural board
order), list the unplaced one under the map, zoom (buttons, keyboard, a pinch, a drag that
opens nothing), open a tapped board's poster, and mark the booths open at the page's clock.
Offline and reloaded it draws the same from IndexedDB.

Notifications: the bell counts the unread ones; opening one marks it read on the server; a new
one appears when the page becomes visible; offline the last list shows with a note, and
"mark all read" made offline reaches the server once online. Sign-out forgets the stored list.

Screenshots (360×740, light and dark, English and Korean, online and offline) go to
var/screenshots/map/ (git-ignored) or $MAP_SCREENSHOTS.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from planner.demo import DEMO_SLUG
from planner.enums import NotificationKind
from planner.models import Attendee, Booth, Notification, PlanItem, Poster, Room, Session
from planner.selectors.plans import natural_key, plan_conflicts
from planner.services.plans import plan_item_put
from tests.e2e.harness import run_conversation, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("map.mjs")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_hall_map_and_notifications_online_then_offline(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    user = get_user_model().objects.get(username=username)
    attendee = Attendee.objects.get(user=user, conference__slug=DEMO_SLUG)
    session = (
        Session.objects.filter(conference__slug=DEMO_SLUG, kind="poster", cancelled=False)
        .order_by("start", "id")
        .first()
    )
    posters = sorted(
        session.posters.filter(cancelled=False), key=lambda p: (natural_key(p.board), p.pk)
    )
    assert len(posters) > 80
    # Starred out of board order; the last one loses its floor position.
    starred = [posters[40], posters[3], posters[77], posters[12]]
    unplaced = starred[-1]
    Poster.objects.filter(pk=unplaced.pk).update(map_x=None, map_y=None)
    PlanItem.objects.filter(attendee=attendee, poster__isnull=False).delete()
    for poster in starred:
        plan_item_put(
            attendee=attendee,
            kind="poster",
            target_id=poster.pk,
            status="interested",
            note="",
            reminder_minutes=None,
        )
    walk = [p.pk for p in sorted(starred, key=lambda p: (natural_key(p.board), p.pk))]
    # ... the server's walking order for the same stars (60 minutes a poster overloads it).
    server_walk = plan_conflicts(attendee=attendee, minutes_per_poster=60).poster_sessions
    assert [
        stop.poster_id
        for o in server_walk
        if o.session_id == session.pk
        for stop in o.walking_order
    ] == walk

    at = session.start + dt.timedelta(minutes=45)
    expo = Room.objects.get(conference__slug=DEMO_SLUG, kind="expo")
    expo_booths = Booth.objects.filter(room=expo, cancelled=False, map_x__isnull=False)
    open_now = sorted(
        b.pk for b in expo_booths if b.hours.filter(start__lte=at, end__gt=at).exists()
    )
    assert open_now, "the clock must fall in the expo's opening hours"
    placed_rooms = Room.objects.filter(conference__slug=DEMO_SLUG, map_x__isnull=False).count()

    mine = Notification.objects.filter(attendee=attendee)
    unread_before = mine.filter(read_at__isnull=True).count()
    assert unread_before >= 2
    unread_ids = set(mine.filter(read_at__isnull=True).values_list("pk", flat=True))
    openable = list(mine.filter(read_at__isnull=True).exclude(url="").values_list("pk", flat=True))
    fresh: list[int] = []

    def notify() -> None:
        fresh.append(
            Notification.objects.create(
                attendee=attendee,
                kind=NotificationKind.SYSTEM,
                title=f"Poster Hall A opens early ({len(fresh) + 1})",
                body="Boards are up from 11:30.",
                url=f"/conferences/{DEMO_SLUG}/map?session={session.pk}",
                dedupe_key=f"e2e:map:fresh:{len(fresh)}",
            ).pk
        )

    # The id the next notification gets: the script waits for it in the list.
    next_id = (Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    given = {
        "session": session.pk,
        "starred": [p.pk for p in starred],
        "walk": walk,
        "tapOffline": [pk for pk in walk if pk != unplaced.pk][1],
        "expo": expo.pk,
        "openable": openable,
        "fresh": next_id,
    }
    report = run_conversation(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("MAP_SCREENSHOTS", "map"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_NOW": at.astimezone(dt.UTC).isoformat(),
            "BOARDWALK_E2E_MAP": json.dumps(given),
        },
        answers={"notify": notify, "notify-again": notify},
        line_timeout=120,
        end_timeout=120,
    )
    steps = report["steps"]
    assert fresh == [next_id, next_id + 1]
    assert steps["nowLink"] == f"/conferences/{DEMO_SLUG}/map"

    # The poster session's map: every placed board, my starred ones highlighted, the route.
    placed_walk = [pk for pk in walk if pk != unplaced.pk]
    for state in (steps["posters"], steps["offlineMap"]):
        assert state["boards"] == len(posters) - 1
        assert sorted(state["starred"]) == sorted(placed_walk)
        assert [pk for _, pk in state["stops"]] == placed_walk
        assert [n for n, _ in state["stops"]] == [walk.index(pk) + 1 for pk in placed_walk]
        assert state["routePoints"] == len(placed_walk)
        assert state["walk"] == walk
        assert any(unplaced.board in line for line in state["unplaced"])
        assert len(state["unplaced"]) == 1
        assert state["svgRole"] == "group"
        assert state["svgLabel"] == "Map of Poster Hall A"
    assert steps["offlineMap"]["fromServiceWorker"] is True

    zoom = steps["zoom"]
    assert zoom["first"] > 1  # opened on my route, closer than the whole hall
    assert zoom["whole"] == 1
    assert zoom["button"] == pytest.approx(1.5)
    assert zoom["key"] == pytest.approx(2.25)
    assert zoom["pinched"] > 1.5  # fingers 40 → 120 px apart: about three times closer
    assert zoom["dragged"] != zoom["before"]
    assert zoom["urlAfterDrag"] == f"/conferences/{DEMO_SLUG}/map"

    tapped = Poster.objects.select_related("paper").get(pk=walk[0])
    assert steps["tap"]["posterTitle"] == tapped.display_title
    assert steps["tap"]["ringed"] == [walk[0]]
    assert steps["tap"]["zoom"] > 1
    assert steps["offlineTap"] == Poster.objects.get(pk=placed_walk[1]).display_title

    assert steps["booths"]["booths"] == expo_booths.count()
    assert sorted(steps["booths"]["open"]) == open_now
    assert steps["venue"]["rooms"] == placed_rooms

    # Notifications: the bell, the list newest first, one opened → read on the server.
    notes = steps["notifications"]
    assert notes["bellBefore"] == unread_before
    assert notes["listed"] == list(
        Notification.objects.filter(attendee=attendee)
        .exclude(pk__in=fresh)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    assert notes["afterOpen"] == unread_before - 1
    assert notes["bellLabel"] == f"Notifications: {unread_before - 1} unread"
    assert steps["fresh"] == {"bell": unread_before, "first": fresh[0]}
    assert steps["visible"] == {"bell": unread_before + 1, "first": fresh[1]}

    offline = steps["offlineNotifications"]
    assert offline["listed"][:2] == fresh[::-1]
    assert offline["note"].startswith("You are offline: this is the list as of ")
    assert offline["unreadAfterAll"] == 0
    assert offline["bell"] == "0"
    assert steps["serverUnread"] == 0

    # Server side: the one opened was marked first, the rest by the offline "mark all read".
    opened = Notification.objects.get(pk=notes["opened"])
    assert notes["href"] == opened.url
    assert opened.pk in unread_ids
    assert not Notification.objects.filter(attendee=attendee, read_at__isnull=True).exists()
    later = Notification.objects.filter(pk__in=(unread_ids - {opened.pk}) | set(fresh))
    assert later.count() == unread_before + 1
    assert all(n.read_at > opened.read_at for n in later)

    assert steps["korean"] == {"title": "행사장 지도", "zoomIn": "확대"}
    assert steps["signOut"] == {"storedBefore": True, "storedAfter": False}

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
