"""The app's runtime in a real browser (tests/e2e/runtime.mjs drives it): sign in, open the
demo's Now & Next; the conference tab bar and the status bar are there; then, on the server, a
session of the demo moves (saved and recorded through the organizer-edit service, which bumps
the schedule version and marks the row like an import) and the open page shows its new time
after the refresher's delta, without a reload; a plan item written through the API by
"another device" is pulled into IndexedDB; an unsynced write shows as the Logbook badge,
survives an offline reload and reaches the server exactly once when back online; signing
out clears this account's data from the device and keeps the program.

The browser's clock is inside the conference (as in test_app_core.py). Screenshots (360×740,
light and dark, English and Korean, online, offline, syncing) go to var/screenshots/runtime/
(git-ignored) or $RUNTIME_SCREENSHOTS. tests/e2e/conftest.py's rules for missing tools.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from planner.demo import DEMO_SLUG
from planner.models import Attendee, PlanItem, Session
from planner.services.program import Edit, program_edits_record
from tests.e2e.harness import run_conversation, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("runtime.mjs")


def _move(session: Session) -> Session:
    """Start 5 minutes earlier, end 25 later: still on now, at a new time."""
    old_start, old_end = session.start, session.end
    session.start = old_start - dt.timedelta(minutes=5)
    session.end = old_end + dt.timedelta(minutes=25)
    session.save(update_fields=["start", "end"])
    diff = {"start": (old_start, session.start), "end": (old_end, session.end)}
    program_edits_record(conference=session.conference, edits=[Edit(item=session, diff=diff)])
    return session


def _instant(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_nav_status_live_delta_pull_badge_and_sign_out(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    user = get_user_model().objects.get(username=username)
    attendee = Attendee.objects.get(user=user, conference__slug=DEMO_SLUG)

    sessions = list(
        Session.objects.filter(conference__slug=DEMO_SLUG, cancelled=False).order_by("start", "id")
    )
    at = sessions[0].start + dt.timedelta(minutes=10)
    on_now = [s for s in sessions if s.start <= at < s.end]
    titles = [s.title for s in sessions]
    moved = next(s for s in on_now if titles.count(s.title) == 1)
    planned = set(
        PlanItem.objects.filter(attendee=attendee, session__isnull=False).values_list(
            "session_id", flat=True
        )
    )
    pulled, queued = [s for s in sessions if s.pk not in planned and s.pk != moved.pk][:2]
    version_before = moved.conference.schedule_version

    other_device = APIClient()
    other_device.force_login(user)
    server_steps: dict[str, object] = {}

    def move() -> None:
        server_steps["moved"] = _move(moved)

    def plan() -> None:
        answer = other_device.put(
            f"/api/v1/conferences/{DEMO_SLUG}/plan/session/{pulled.pk}/",
            {"status": "must_see", "note": "starred on my laptop"},
            format="json",
        )
        server_steps["plan"] = answer.status_code

    report = run_conversation(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("RUNTIME_SCREENSHOTS", "runtime"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_NOW": at.astimezone(dt.UTC).isoformat(),
            "BOARDWALK_E2E_MOVED": moved.title,
            "BOARDWALK_E2E_MOVED_ID": str(moved.pk),
            "BOARDWALK_E2E_PULLED": str(pulled.pk),
            "BOARDWALK_E2E_QUEUED": str(queued.pk),
        },
        answers={"move": move, "plan": plan},
        line_timeout=60,
    )
    steps = report["steps"]

    # The tab bar: six tabs under the conference, Now & Next current, 44 px or more, reached
    # by the keyboard, and the page's end stays above it.
    nav = steps["nav"]
    assert nav["label"] == "Main"
    assert nav["tabs"] == ["Now & Next", "Schedule", "My Plan", "Scan", "Logbook", "Me"]
    assert nav["hrefs"] == [
        f"/conferences/{DEMO_SLUG}/",
        f"/conferences/{DEMO_SLUG}/schedule",
        f"/conferences/{DEMO_SLUG}/plan",
        f"/conferences/{DEMO_SLUG}/scan",
        f"/conferences/{DEMO_SLUG}/logbook",
        f"/conferences/{DEMO_SLUG}/me",
    ]
    assert nav["current"] == "Now & Next"
    assert min(nav["heights"]) >= 44
    assert nav["keyboard"] == "Now & Next"
    assert nav["bottomGap"] >= 0
    # The status bar: when the program was confirmed, in the conference's zone, labelled.
    status = steps["status"]
    assert status["updated"].startswith("Program updated ")
    assert re.search(r"GMT[+-]\d", status["updated"]), "the time is labelled with its zone"
    assert status["live"] == "polite"
    assert status["button"] == "Refresh"

    # The move reached the open page as a delta: the new start, in the same document.
    assert server_steps["moved"].conference.schedule_version == version_before + 1
    moved_step = steps["moved"]
    assert moved_step["sameDocument"] is True
    assert _instant(moved_step["after"]["datetime"]) == server_steps["moved"].start
    assert _instant(moved_step["before"]["datetime"]) == moved.start + dt.timedelta(minutes=5)
    assert moved_step["after"]["text"] != moved_step["before"]["text"]
    # The Schedule's day list and the session's page, open beside it, followed without a reload.
    assert moved_step["besideSameDocument"] == [True, True]
    assert _instant(moved_step["schedule"]["before"]) == moved.start + dt.timedelta(minutes=5)
    assert _instant(moved_step["schedule"]["after"]) == server_steps["moved"].start
    assert moved_step["item"]["after"] != moved_step["item"]["before"]
    assert steps["syncing"] == "Updating the program…"
    failed = steps["failed"]
    assert failed["words"].startswith("Could not update the program: ")
    assert "stored program is shown" in failed["words"]
    assert (failed["button"], failed["stillShown"], failed["retried"]) == ("Retry", 1, "Refresh")

    # Starred on another device: pulled into IndexedDB, synced.
    assert server_steps["plan"] == 201
    assert steps["pulled"]["status"] == "must_see"
    assert steps["pulled"]["note"] == "starred on my laptop"
    assert steps["pulled"]["synced"] is True

    # The unsynced write: the Logbook badge, kept through an offline reload.
    assert steps["badge"] == {"shown": "1", "spoken": "1 change not synced"}
    offline = steps["offline"]
    assert offline["fromServiceWorker"] is True
    assert offline["banner"].startswith("You are offline.")
    assert offline["updated"].startswith("Program updated ")
    assert _instant(offline["moved"]["datetime"]) == server_steps["moved"].start
    assert offline["refreshButton"] == 0
    assert offline["signOutWarning"] == (
        "1 change is not synced yet and will be lost if you sign out."
    )
    assert offline["keptAfterCancel"] == 1
    assert steps["korean"]["tabs"] == ["지금 · 다음", "프로그램", "내 일정", "스캔", "기록", "나"]
    assert steps["korean"]["updated"].startswith("프로그램 업데이트: ")
    assert steps["syncingKo"] == "프로그램을 업데이트하는 중…"
    # Korean picked offline reaches the server's preferences once online; English, at once.
    assert steps["serverLanguage"] == {"afterOnline": "ko", "afterPick": "en"}
    # Back online it was sent, once.
    assert steps["afterReplay"]["synced"] is True
    queued_items = PlanItem.objects.filter(attendee=attendee, session=queued)
    assert list(queued_items.values_list("status", "note")) == [("going", "queued offline")]

    # Signed out: plan, logbook and outbox gone from the device; the program stays.
    signed_out = steps["signedOut"]
    assert signed_out["plan"] == 0
    assert signed_out["outbox"] == 0
    assert signed_out["conversations"] == 0
    assert signed_out["sessions"] == len(
        Session.objects.filter(conference__slug=DEMO_SLUG).values_list("pk")
    )

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
