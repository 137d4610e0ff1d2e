"""The Content-Security-Policy in a real browser: headless Chromium (Debian's) loads the PWA,
the admin (login, index, a change list, a change form, a print sheet) and the API docs
(Swagger UI) from a real gunicorn on a seeded database, and no page may report a
violation. tests/e2e/csp.mjs drives the browser; this test serves, runs and judges.

In CI a missing Chromium, Node or PWA build fails the test; on a laptop it skips, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from conf.env import BASE_DIR, in_ci
from planner.demo_accounts import DEMO_ACCOUNTS
from tests.live_server import database_url, gunicorn
from tests.worker import subprocess_env

SCRIPT = Path(__file__).with_name("csp.mjs")
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
PLAYWRIGHT = BASE_DIR / "frontend" / "node_modules" / "playwright-core"
PAGES = [
    "pwa",
    "logbook",
    "logbook-conversation-new",
    "logbook-meetup-new",
    "admin-login",
    "admin-index",
    "admin-changelist",
    "admin-changeform",
    "admin-track-changelist",
    "admin-print-sheet",
    "pwa-my-plan",
    "pwa-posters",
    "swagger-ui",
    "pwa-schedule",
    "pwa-search",
    "pwa-session",
    "pwa-poster",
    "pwa-booth",
    "pwa-meal",
]
REPORTED = re.compile(r"CSP violation: directive=(\S+) blocked=(\S+) document=(\S+)")


def _missing() -> str | None:
    node = shutil.which("node")
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    if node is None:
        return "node is missing"
    if not PLAYWRIGHT.is_dir():
        return f"{PLAYWRIGHT} is missing (cd frontend && npm ci)"
    if not (Path(settings.FRONTEND_DIST) / "index.html").is_file():
        return f"the PWA is not built in {settings.FRONTEND_DIST} (make frontend)"
    return None


@pytest.fixture
def browser_tools():
    missing = _missing()
    if missing and in_ci():
        pytest.fail(f"CI=true but the CSP browser test cannot run: {missing}")
    if missing:
        pytest.skip(missing)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pages_load_in_chromium_without_csp_violations(browser_tools, tmp_path, settings):
    call_command("seed_demo", verbosity=0)
    username, password = DEMO_ACCOUNTS["organizer"]
    # Tests hash with MD5 for speed; gunicorn knows only the real hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    get_user_model().objects.filter(username=username).update(
        password=make_password(password, hasher="pbkdf2_sha256")
    )
    shots = Path(os.environ.get("CSP_SCREENSHOTS") or tempfile.mkdtemp(prefix="csp-shots-"))
    shots.mkdir(parents=True, exist_ok=True)
    env = subprocess_env(
        tmp_path / "var",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(tmp_path / "media"),
        FRONTEND_DIST=str(settings.FRONTEND_DIST),
    )
    log = tmp_path / "gunicorn.log"

    with gunicorn(env, log, workers=2) as base:
        run = subprocess.run(  # noqa: S603 - our own script against loopback
            [shutil.which("node"), str(SCRIPT), base, str(shots)],
            env={
                **os.environ,
                "BOARDWALK_E2E_USER": username,
                "BOARDWALK_E2E_PASSWORD": password,
                "CHROMIUM": str(CHROMIUM),
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    server_log = log.read_text()
    assert run.returncode == 0, run.stderr[-3000:]
    results = {page["name"]: page for page in json.loads(run.stdout)["results"]}
    print(f"screenshots: {shots}")

    # The canary broke the policy on purpose: all three detectors must have seen it.
    canary = results.pop("canary")
    assert canary["rendered"], canary
    assert [v["directive"] for v in canary["violations"]] == ["style-src-elem"]
    assert any("Content Security Policy" in text for text in canary["consoleErrors"])
    reported = REPORTED.findall(server_log)
    assert [d for d, _, doc in reported if "csp-canary" in doc] == ["style-src-elem"], server_log[
        -3000:
    ]

    assert list(results) == PAGES
    for name, page in results.items():
        assert page["rendered"], (name, page.get("error"), page)
        assert page["violations"] == [], (name, page["violations"])
        assert page["consoleErrors"] == [], (name, page["consoleErrors"])
        assert page["pageErrors"] == [], (name, page["pageErrors"])
    assert [r for r in reported if "csp-canary" not in r[2]] == []

    # What each page showed: the real thing, styled and scripted.
    assert results["pwa"]["detail"] == {"brand": "Boardwalk"}
    assert results["logbook"]["detail"] == {"title": "Logbook"}
    assert results["logbook-conversation-new"]["detail"] == {"title": "Log a poster conversation"}
    assert results["logbook-meetup-new"]["detail"] == {"title": "Log a meetup"}
    assert results["admin-login"]["detail"] == {"header": "Boardwalk organizer admin"}
    assert results["admin-index"]["detail"]["modules"] >= 1
    assert results["admin-changelist"]["detail"]["rows"] >= 1
    assert results["admin-changelist"]["detail"]["filters"] == 1
    assert results["admin-changeform"]["detail"]["shortcuts"] >= 2
    assert results["admin-track-changelist"]["detail"]["swatches"] >= 1
    sheet = results["admin-print-sheet"]["detail"]
    assert (sheet["printed"], sheet["toolbar"]) == (1, "flex")
    assert sheet["badges"] >= 1
    assert results["pwa-my-plan"]["detail"] == {"title": "My Plan"}
    assert results["pwa-posters"]["detail"]["rows"] >= 1
    assert results["swagger-ui"]["detail"]["title"].startswith("Boardwalk API")
    assert results["swagger-ui"]["detail"]["operations"] >= 20
    assert results["pwa-schedule"]["detail"]["entries"] >= 1
    assert results["pwa-search"]["detail"]["results"] >= 1
