"""What the browser tests share: the tools they need, the demo attendee with a password
gunicorn can check, the screenshots folder, and a node script run against a real gunicorn
whose last stdout line is the JSON report.

In CI a missing Chromium, Node or PWA build fails a browser test; on a laptop it skips, saying
why (the ``browser_tools`` fixture, in conftest.py)."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import global_settings
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from conf.env import BASE_DIR
from planner.demo_accounts import DEMO_ACCOUNTS
from tests.live_server import database_url, gunicorn
from tests.worker import subprocess_env

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
PLAYWRIGHT = BASE_DIR / "frontend" / "node_modules" / "playwright-core"


def missing_tools() -> str | None:
    """What a browser test lacks to run, or None."""
    node = shutil.which("node")
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    if node is None:
        return "node is missing"
    if not PLAYWRIGHT.is_dir():
        return f"{PLAYWRIGHT} is missing (cd frontend && npm ci)"
    if not (Path(django_settings.FRONTEND_DIST) / "index.html").is_file():
        return f"the PWA is not built in {django_settings.FRONTEND_DIST} (make frontend)"
    return None


def seed_demo_attendee(settings) -> tuple[str, str]:
    """Seed the demo and give its attendee a pbkdf2 password (``settings``: pytest-django's
    fixture): tests hash with MD5 for speed, gunicorn knows only the real hashers. Returns
    (username, password)."""
    call_command("seed_demo", verbosity=0)
    return real_password("attendee", settings)


def real_password(account: str, settings) -> tuple[str, str]:
    """Give a demo account (already seeded) a password gunicorn can check."""
    username, password = DEMO_ACCOUNTS[account]
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    get_user_model().objects.filter(username=username).update(
        password=make_password(password, hasher="pbkdf2_sha256")
    )
    return username, password


def screenshots(variable: str, folder: str) -> Path:
    """$<variable>, else var/screenshots/<folder>/ (git-ignored); made if missing."""
    shots = Path(os.environ.get(variable) or BASE_DIR / "var" / "screenshots" / folder)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def server_env(
    tmp_path: Path, frontend_dist: str | Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment gunicorn runs in: this test's database, media and build (and ``extra``,
    e.g. VAPID keys)."""
    return subprocess_env(
        tmp_path / "var",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(tmp_path / "media"),
        FRONTEND_DIST=str(frontend_dist),
        **(extra or {}),
    )


def node_env(**variables: str) -> dict[str, str]:
    return {**os.environ, **variables, "CHROMIUM": str(CHROMIUM)}


def node_argv(script: Path, base: str, shots: Path) -> list[str]:
    return [shutil.which("node"), str(script), base, str(shots)]


def read_line(process: subprocess.Popen, timeout: float) -> str:
    """A line of the script's stdout, or "" when it ended or said nothing for ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            return process.stdout.readline()
        if process.poll() is not None:
            return ""
    return ""


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def _judge_report(report: dict, log: Path) -> dict:
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if "error" in report:
        # The server's side too (a 500 shows as "Server error." in the browser).
        server_log = log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"{report['error']}\n--- gunicorn.log:\n{server_log}")
    return report


@contextmanager
def serving(tmp_path: Path, extra: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """gunicorn (2 workers) on this test's database and the built frontend: (base, log);
    ``extra``: more environment for the server."""
    log = tmp_path / "gunicorn.log"
    env = server_env(tmp_path, django_settings.FRONTEND_DIST, extra)
    with gunicorn(env, log, workers=2) as base:
        yield base, log


def run_script(
    script: Path,
    *,
    tmp_path: Path,
    shots: Path,
    env: dict[str, str],
    timeout: float = 150,
) -> dict:
    """Serve, run ``node script base shots`` with ``env`` (plus CHROMIUM) to its end, and return
    its report, failing on a non-zero exit or a report that says "error"."""
    with serving(tmp_path) as (base, log):
        run = subprocess.run(  # noqa: S603 - our own script against loopback
            node_argv(script, base, shots),
            env=node_env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    print(f"screenshots: {shots}")
    return _judge_report(last_json(run.stdout), log)


def run_conversation(
    script: Path,
    *,
    tmp_path: Path,
    shots: Path,
    env: dict[str, str],
    answers: dict[str, Callable[[], object]],
    line_timeout: float,
    end_timeout: float = 90,
    server: dict[str, str] | None = None,
) -> dict:
    """As ``run_script``, for a script that stops to ask the server side for something: it
    prints ``wait <what>`` and waits for ``done`` on stdin; ``answers[<what>]`` is called in
    between. Asked anything else (the report, when it failed early), the talk ends there.
    ``server``: more environment for gunicorn."""
    with serving(tmp_path, server) as (base, log):
        browser = subprocess.Popen(  # noqa: S603 - our own script against loopback
            node_argv(script, base, shots),
            env=node_env(**env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        early = ""  # the report, when the script ended before asking every question
        try:
            for _ in range(len(answers)):
                asked = read_line(browser, timeout=line_timeout).strip()
                what = asked.removeprefix("wait ")
                if not asked.startswith("wait ") or what not in answers:
                    early = asked
                    break
                answers[what]()
                browser.stdin.write("done\n")
                browser.stdin.flush()
            out, err = browser.communicate(timeout=end_timeout)
        finally:
            if browser.poll() is None:
                browser.kill()
    print(f"screenshots: {shots}")
    assert browser.returncode == 0, err[-3000:]
    return _judge_report(last_json(early + "\n" + out), log)
