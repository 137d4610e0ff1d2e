"""The app core in a real browser: sign in as the demo attendee, pick eccv-demo (its program
goes into IndexedDB), go offline, reload: the conference's Now & Next renders from IndexedDB
with the real session titles, with no CSP violation and no console error.

The browser's clock is set inside the demo conference (the first session's start plus 10
minutes), so "on now" is not empty whatever today's date. Screenshots (360×740, light and
dark, English and Korean) go to var/screenshots/app-core/ (git-ignored) or $APP_SCREENSHOTS.
In CI a missing Chromium, Node or build fails the test (tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.demo import DEMO_SLUG
from planner.models import Session
from tests.e2e.harness import run_script, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("app_core.mjs")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sign_in_pick_conference_then_now_and_next_offline(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    sessions = Session.objects.filter(conference__slug=DEMO_SLUG).order_by("start", "id")
    at = sessions.first().start + dt.timedelta(minutes=10)
    expected_now = sorted(s.title for s in sessions if s.start <= at < s.end and not s.cancelled)
    assert expected_now, "the demo has no session on at its first session's start"

    report = run_script(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("APP_SCREENSHOTS", "app-core"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_NOW": at.astimezone(dt.UTC).isoformat(),
        },
    )
    steps = report["steps"]

    # Signed in: the header names the attendee; a wrong password first showed the API's error.
    assert steps["wrongPassword"] == "Wrong username or password."
    assert steps["signedIn"].startswith("Signed in as ")
    # Picking the conference stored its program and remembered it.
    assert steps["picked"]["url"].endswith(f"/conferences/{DEMO_SLUG}/")
    assert steps["picked"]["last"] == DEMO_SLUG
    assert steps["picked"]["storedSessions"] == sessions.count()
    # Offline, reloaded: from the service worker and IndexedDB, the real session titles on now.
    offline = steps["offline"]
    assert offline["fromServiceWorker"] is True
    assert offline["banner"].startswith("You are offline.")
    assert sorted(offline["onNow"]) == expected_now
    assert offline["signedIn"] == steps["signedIn"]
    # Korean: the same view, in Korean.
    assert steps["korean"]["title"] == "지금 · 다음"
    assert sorted(steps["korean"]["onNow"]) == expected_now
    # Back at / offline: straight to the last conference.
    assert steps["rootRedirect"].endswith(f"/conferences/{DEMO_SLUG}/")

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
