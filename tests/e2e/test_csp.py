"""The Content-Security-Policy in a real browser: headless Chromium (Debian's) loads the PWA,
the admin (login, index, a change list, a change form, a print sheet) and the API docs
(Swagger UI) from a real gunicorn on a seeded database, and no page may report a
violation. tests/e2e/csp.mjs drives the browser; this test serves, runs and judges.

In CI a missing Chromium, Node or PWA build fails the test; on a laptop it skips, saying why
(tests/e2e/conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.harness import node_argv, node_env, real_password, serving

SCRIPT = Path(__file__).with_name("csp.mjs")
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
    "pwa-scan",
    "pwa-posters",
    "pwa-me",
    "swagger-ui",
    "pwa-schedule",
    "pwa-search",
    "pwa-session",
    "pwa-poster",
    "pwa-booth",
    "pwa-meal",
    "pwa-map",
    "pwa-notifications",
]
REPORTED = re.compile(r"CSP violation: directive=(\S+) blocked=(\S+) document=(\S+)")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pages_load_in_chromium_without_csp_violations(browser_tools, tmp_path, settings):
    call_command("seed_demo", verbosity=0)
    username, password = real_password("organizer", settings)
    shots = Path(os.environ.get("CSP_SCREENSHOTS") or tempfile.mkdtemp(prefix="csp-shots-"))
    shots.mkdir(parents=True, exist_ok=True)

    with serving(tmp_path) as (base, log):
        run = subprocess.run(  # noqa: S603 - our own script against loopback
            node_argv(SCRIPT, base, shots),
            env=node_env(BOARDWALK_E2E_USER=username, BOARDWALK_E2E_PASSWORD=password),
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
    scan = results["pwa-scan"]["detail"]
    assert (scan["title"], scan["decoder"]) == ("Scan", 200)
    assert scan["problem"].startswith(("No camera", "The camera was refused"))
    assert results["pwa-posters"]["detail"]["rows"] >= 1
    assert results["pwa-me"]["detail"] == {"title": "Me", "layout": "flex"}
    assert results["swagger-ui"]["detail"]["title"].startswith("Boardwalk API")
    assert results["swagger-ui"]["detail"]["operations"] >= 20
    assert results["pwa-schedule"]["detail"]["entries"] >= 1
    assert results["pwa-search"]["detail"]["results"] >= 1
    assert results["pwa-map"]["detail"]["boards"] >= 1
    assert results["pwa-notifications"]["detail"] == {"title": "Notifications"}
