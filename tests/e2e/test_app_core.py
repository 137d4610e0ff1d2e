"""The app core in a real browser: sign in as the demo attendee, pick eccv-demo (its program
goes into IndexedDB), go offline, reload: the conference's Now & Next renders from IndexedDB
with the real session titles, with no CSP violation and no console error.

The browser's clock is set inside the demo conference (the first session's start plus 10
minutes), so "on now" is not empty whatever today's date. Screenshots (360×740, light and
dark, English and Korean) go to var/screenshots/app-core/ (git-ignored) or $APP_SCREENSHOTS.
tests/e2e/test_csp.py's rules: in CI a missing Chromium, Node or build fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import global_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from conf.env import BASE_DIR
from planner.demo import DEMO_SLUG
from planner.demo_accounts import DEMO_ACCOUNTS
from planner.models import Session
from tests.e2e.test_csp import CHROMIUM, browser_tools  # noqa: F401 - the fixture
from tests.live_server import database_url, gunicorn
from tests.worker import subprocess_env

SCRIPT = Path(__file__).with_name("app_core.mjs")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sign_in_pick_conference_then_now_and_next_offline(browser_tools, tmp_path, settings):  # noqa: F811
    call_command("seed_demo", verbosity=0)
    username, password = DEMO_ACCOUNTS["attendee"]
    # Tests hash with MD5 for speed; gunicorn knows only the real hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    get_user_model().objects.filter(username=username).update(
        password=make_password(password, hasher="pbkdf2_sha256")
    )
    sessions = Session.objects.filter(conference__slug=DEMO_SLUG).order_by("start", "id")
    at = sessions.first().start + dt.timedelta(minutes=10)
    expected_now = sorted(s.title for s in sessions if s.start <= at < s.end and not s.cancelled)
    assert expected_now, "the demo has no session on at its first session's start"

    shots = Path(os.environ.get("APP_SCREENSHOTS") or BASE_DIR / "var" / "screenshots" / "app-core")
    shots.mkdir(parents=True, exist_ok=True)
    env = subprocess_env(
        tmp_path / "var",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(tmp_path / "media"),
        FRONTEND_DIST=str(settings.FRONTEND_DIST),
    )
    with gunicorn(env, tmp_path / "gunicorn.log", workers=2) as base:
        run = subprocess.run(  # noqa: S603 - our own script against loopback
            [shutil.which("node"), str(SCRIPT), base, str(shots)],
            env={
                **os.environ,
                "BOARDWALK_E2E_USER": username,
                "BOARDWALK_E2E_PASSWORD": password,
                "BOARDWALK_E2E_NOW": at.astimezone(dt.UTC).isoformat(),
                "CHROMIUM": str(CHROMIUM),
            },
            capture_output=True,
            text=True,
            timeout=150,
            check=False,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"screenshots: {shots}")
    print(json.dumps(report, indent=1, ensure_ascii=False))
    assert "error" not in report, report["error"]
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
