"""The quality gates of the PWA, in CI: axe-core finds no serious or critical violation on
any screen (light and dark), Chromium's installability check passes, the install button and
the iOS "Add to Home Screen" steps work, and the initial JavaScript stays within 100 KB gzip.

tests/e2e/quality.mjs drives headless Chromium (Debian's) against a real gunicorn serving the
production build; this test seeds the demo, lists the screens, serves and judges. Lighthouse
is a bench (bench/lighthouse/), not a test: one run takes longer than CI should wait.

**Adding a screen**: one ``Screen`` line in ``screens()``: its name, the path (the demo's ids
come from the database), a CSS selector that exists once the screen has drawn its content,
and whether it needs the demo attendee signed in. Screenshots of every screen (axe-<name>-
light/dark.png) go to var/screenshots/quality/ (git-ignored) or $QUALITY_SCREENSHOTS.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from conf.env import BASE_DIR
from planner.demo_accounts import DEMO_ACCOUNTS
from planner.models import Attendee, Booth, Meal, Notification, Oral, Poster, Session
from tests.e2e.harness import run_script, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("quality.mjs")
SLUG = "eccv-demo"
BLOCKING = {"serious", "critical"}


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    ready: str  # a selector present once the screen shows its content
    signedIn: bool = True


def screens() -> list[Screen]:
    """Every screen of the app, signed-out ones first. Extend here (see the module docstring)."""
    conf = f"/conferences/{SLUG}"
    program = {"conference__slug": SLUG}
    poster = Poster.objects.filter(**program, cancelled=False).order_by("id").first()
    oral = Oral.objects.filter(**program).order_by("id").first()
    paper_id = Poster.objects.filter(**program, paper__isnull=False).values_list("paper", flat=True)
    session = Session.objects.filter(**program).exclude(kind="poster").order_by("id").first()
    booth = Booth.objects.filter(**program).order_by("id").first()
    meal = Meal.objects.filter(**program).order_by("id").first()
    # One notification, so the list is not empty.
    attendee = Attendee.objects.get(**program, user__username=DEMO_ACCOUNTS["attendee"][0])
    Notification.objects.get_or_create(
        attendee=attendee,
        dedupe_key="quality-screen",
        defaults={
            "kind": "reminder",
            "title": session.title[:200],
            "body": "Starts in 10 min\nHall B",
            "url": f"{conf}/sessions/{session.id}",
        },
    )
    return [
        Screen("home", "/?pick", ".conference__pick", signedIn=False),
        Screen("signin", "/signin", "#auth-email", signedIn=False),
        Screen("signup", "/signup", "#auth-email", signedIn=False),
        Screen("now", f"{conf}/", "#now-title"),
        Screen("schedule", f"{conf}/schedule", ".entry__title"),
        Screen("session", f"{conf}/sessions/{session.id}", ".item__title"),
        Screen("oral", f"{conf}/orals/{oral.id}", ".item__title"),
        Screen("paper", f"{conf}/papers/{paper_id.first()}", ".item__title"),
        Screen("poster", f"{conf}/posters/{poster.id}", ".item__title"),
        Screen("booth", f"{conf}/booths/{booth.id}", ".item__title"),
        Screen("meal", f"{conf}/meals/{meal.id}", ".item__title"),
        Screen("posters", f"{conf}/sessions/{poster.session_id}/posters", ".poster-row"),
        Screen("plan", f"{conf}/plan", "#plan-title"),
        Screen("logbook", f"{conf}/logbook", "#logbook-title"),
        Screen("conversation-form", f"{conf}/logbook/conversations/new", "#conversation-with"),
        Screen("meetup-form", f"{conf}/logbook/meetups/new", "#meetup-contact_name"),
        Screen("scan", f"{conf}/scan", "#scan-title"),
        Screen("map", f"{conf}/map", ".map-canvas__svg"),
        Screen("me", f"{conf}/me", ".me__qr-button"),
        Screen("notifications", f"{conf}/notifications", ".notification-list"),
        Screen("not-found", "/no-such-screen", ".notice--error"),
    ]


def _blocking(result: dict) -> list[dict]:
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_screen_passes_axe_and_the_app_is_installable(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    listed = screens()
    shots = screenshots("QUALITY_SCREENSHOTS", "quality")
    report = run_script(
        SCRIPT,
        tmp_path=tmp_path,
        shots=shots,
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_SCREENS": json.dumps([asdict(screen) for screen in listed]),
        },
        timeout=240,
    )

    # axe: every listed screen was checked where it was meant to be, in light and dark, and
    # nothing serious or critical was found (minor and moderate findings are in the report).
    assert list(report["axe"]) == [screen.name for screen in listed]
    found = {
        f"{name} ({scheme})": _blocking(result[scheme])
        for name, result in report["axe"].items()
        for scheme in ("light", "dark")
        if _blocking(result[scheme])
    }
    assert found == {}, json.dumps(found, indent=1)
    for screen in listed:
        checked = report["axe"][screen.name]
        assert checked["path"] == screen.path.split("?")[0], (screen.name, checked["path"])
        assert checked["light"]["passes"] > 10, screen.name  # axe really ran its rules

    # The manifest's shortcuts: to that screen of the conference stored here.
    assert report["shortcuts"] == {
        "/now": f"/conferences/{SLUG}/",
        "/scan": f"/conferences/{SLUG}/scan",
        "/logbook": f"/conferences/{SLUG}/logbook",
    }

    # The canary: a nameless button and faint text added on purpose, both found.
    assert report["canary"] == ["button-name critical", "color-contrast serious"]

    # Chromium's own installability check, in a profile under the service worker.
    installability = report["installability"]
    assert installability["errors"] == []
    assert installability["manifestErrors"] == []
    assert installability["manifestUrl"] == "/manifest.webmanifest"
    manifest = installability["manifest"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].endswith("/")
    assert manifest["id"].endswith("/")
    assert {
        "/icons/icon-192.png 192x192 any",
        "/icons/icon-512.png 512x512 any",
        "/icons/maskable-512.png 512x512 maskable",
    } <= {_path(icon) for icon in manifest["icons"]}
    assert [_path(url) for url in manifest["shortcuts"]] == ["/now", "/scan", "/logbook"]
    # Judged installable, Chromium offered installing by itself.
    assert installability["beforeinstallprompt"] is True

    # The browser's offer, on Home: held back from the mini-infobar, our button asks for the
    # dialog once, and the card goes once the app is installed.
    install = report["install"]
    assert install["before"] == 0  # no offer, no iOS: nothing to show
    assert (install["title"], install["button"]) == ("Install Boardwalk", "Install")
    assert install["defaultPrevented"] is True
    assert install["prompted"] == 1
    assert _blocking(install["axe"]) == []

    # Safari on iOS: the steps instead of a button, in English and Korean.
    ios = report["ios"]
    assert ios["steps"][0].startswith("In Safari, tap Share")
    assert "Add to Home Screen" in ios["steps"][1]
    assert "홈 화면에 추가" in ios["stepsKo"][1]
    assert ios["installButtons"] == 0
    assert ios["dismissed"] is True
    assert _blocking(ios["axe"]["light"]) == []
    assert _blocking(ios["axe"]["dark"]) == []

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []


def _path(value: str) -> str:
    """``http://127.0.0.1:port/icons/x.png 192x192 any`` → ``/icons/x.png 192x192 any``."""
    if "://" not in value:
        return value
    return "/" + value.split("://", 1)[1].split("/", 1)[1]


def _jssize():
    spec = importlib.util.spec_from_file_location("jssize", BASE_DIR / "bench/pwa/jssize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_initial_javascript_within_budget(browser_tools):
    """What index.html loads before the first render, with its static imports, ≤ 100 KB gzip:
    every screen but Home and Now & Next (and any decoder, map or chart) loads lazily."""
    jssize = _jssize()
    dist = Path(django_settings.FRONTEND_DIST)
    files = jssize.gzip_sizes(dist)
    assert files, "index.html loads no script"
    assert any(name.startswith("assets/index-") for name in files)
    assert sum(files.values()) <= jssize.BUDGET == 100 * 1024, files
