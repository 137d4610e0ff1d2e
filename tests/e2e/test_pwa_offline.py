"""The PWA shell offline and its update flow in a real browser: headless Chromium (Debian's)
against a real gunicorn serving the built frontend. tests/e2e/pwa_offline.mjs drives the
browser; this test serves, "deploys" a new build halfway (the same origin restarted on a
build whose sw.js differs) and judges.

Screenshots (360×740, light and dark) go to var/screenshots/pwa-shell/ (git-ignored) or
$PWA_SCREENSHOTS. In CI a missing Chromium, Node or PWA build fails the test; on a laptop it
skips, saying why (tests/e2e/conftest.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.harness import last_json, node_argv, node_env, read_line, screenshots, server_env
from tests.live_server import free_port, gunicorn

SCRIPT = Path(__file__).with_name("pwa_offline.mjs")


def _builds(tmp_path: Path) -> tuple[Path, Path]:
    """The current build, and a "next" one: the same files with a service worker whose bytes
    differ, which is what makes a browser install a new version."""
    first = tmp_path / "build-1"
    shutil.copytree(settings.FRONTEND_DIST, first)
    second = tmp_path / "build-2"
    shutil.copytree(first, second)
    sw = second / "sw.js"
    sw.write_text(sw.read_text() + "\n// build 2\n")
    return first, second


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_shell_works_offline_and_updates_only_when_asked(browser_tools, tmp_path):
    first, second = _builds(tmp_path)
    shots = screenshots("PWA_SCREENSHOTS", "pwa-shell")
    port = free_port()

    def env(build: Path) -> dict[str, str]:
        return server_env(tmp_path, build)

    with gunicorn(env(first), tmp_path / "gunicorn-1.log", workers=1, port=port) as base:
        browser = subprocess.Popen(  # noqa: S603 - our own script against loopback
            node_argv(SCRIPT, base, shots),
            env=node_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        asked = read_line(browser, timeout=40)
    try:
        if asked == "deploy\n":
            with gunicorn(env(second), tmp_path / "gunicorn-2.log", workers=1, port=port):
                browser.stdin.write("deployed\n")
                browser.stdin.flush()
                out, err = browser.communicate(timeout=40)
        else:
            out, err = browser.communicate(timeout=40)
    finally:
        if browser.poll() is None:
            browser.kill()
    print(f"screenshots: {shots}")
    assert browser.returncode == 0, err[-3000:]
    report = last_json(out)
    assert "error" not in report, report["error"]
    print(json.dumps(report, indent=1))
    steps = report["steps"]

    # Online: /sw.js controls the whole site; the build is precached, icons and the manifest
    # warmed for stale-while-revalidate, and nothing under /api/ in Cache Storage.
    controlled = steps["controlled"]
    assert (controlled["script"], controlled["scope"]) == ("/sw.js", "/")
    caches = controlled["caches"]
    precache = next(paths for name, paths in caches.items() if name.startswith("workbox-precache"))
    assert "/index.html" in precache
    assert any(p.startswith("/assets/index-") and p.endswith(".js") for p in precache)
    assert caches["boardwalk-meta"] == [
        "/icons/apple-touch-icon.png",
        "/icons/badge-96.png",
        "/icons/icon-192.png",
        "/icons/icon-512.png",
        "/icons/icon.svg",
        "/icons/maskable-512.png",
        "/manifest.webmanifest",
    ]

    # Offline: the shell at / and at a deep route, answered by the worker; the API is not.
    offline = steps["offline"]
    assert offline["root"] == {"status": 200, "fromServiceWorker": True}
    assert offline["deep"]["fromServiceWorker"] is True
    assert offline["deep"]["url"].endswith("/conferences/eccv-demo/")
    assert offline["brand"] == "Boardwalk"
    assert offline["api"] == "rejected TypeError"
    assert offline["admin"] == "net::ERR_INTERNET_DISCONNECTED"  # Django's, not the shell
    assert report["offlineApiErrors"], "the page's offline API call did not fail"

    # A new build: the prompt, the typed text intact, no reload, the new worker waiting.
    update = steps["update"]
    assert update["prompt"] == "A new version of Boardwalk is ready."
    assert update["live"] == "polite"
    assert update["typed"] == "Asked about the ablation in table 3; follow up by mail"
    assert update["sameDocument"] == "kept"
    assert update["reloads"] == 0
    assert update["waiting"] is True

    # Update pressed: exactly one reload, under the new worker.
    applied = steps["applied"]
    assert applied == {
        "reloads": 1,
        "promptHidden": True,
        "sameDocument": None,
        "controller": "activated",
    }

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
