"""schemathesis `--checks all` against our own OpenAPI schema, served by a real gunicorn on
loopback, over the whole schema: once anonymous and once as an attendee with a personal API
token. No server errors, no response that breaks the schema, no schema-violating request
accepted, no schema-valid one refused (see schemathesis.toml for the rules a schema cannot
state), authentication enforced where declared; seeded and bounded in time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from planner.models.accounts import ApiToken, hash_token, new_token
from tests.live_server import database_url, gunicorn
from tests.worker import subprocess_env

SEED = 20261122
MIN_REQUESTS = 2000
MAX_SECONDS = int(os.environ.get("SCHEMATHESIS_SECONDS", "150"))
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
CONFIG = Path(__file__).with_name("schemathesis.toml")


def _requests_made(ndjson: Path) -> int:
    """Count the HTTP requests in schemathesis' NDJSON event stream."""
    count = 0
    for line in ndjson.read_text().splitlines():
        count += line.count('"request":')
    return count


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schemathesis_all_checks_pass_anonymous_and_with_a_token(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    raw = new_token()
    user = get_user_model().objects.get(username="attendee")
    ApiToken.objects.create(user=user, name="schemathesis", key_hash=hash_token(raw), hint=raw[:8])
    env = subprocess_env(
        tmp_path / "var", DATABASE_URL=database_url(), MEDIA_ROOT=str(tmp_path / "media")
    )

    with gunicorn(env, tmp_path / "gunicorn.log", workers=2) as base:
        # The two identities run side by side, one worker each: schemathesis' threads share
        # one interpreter, and on CPython 3.11 two threads compiling Hypothesis' lambda
        # descriptions at once can fail inside the tool ("AST constructor recursion depth
        # mismatch"), an error of the tool, not a response of ours.
        running = {
            "anonymous": _start(base, tmp_path / "events-anonymous.ndjson", []),
            "token": _start(
                base,
                tmp_path / "events-token.ndjson",
                ["--header", f"Authorization: Token {raw}"],
            ),
        }
        finished = {name: _finish(process) for name, process in running.items()}

    made = 0
    out = Path(os.environ.get("SCHEMATHESIS_OUT", str(tmp_path)))
    for name, (returncode, stdout) in finished.items():
        (out / f"schemathesis-{name}.txt").write_text(stdout)
        summary = stdout[-6000:]
        assert returncode == 0, (
            f"{name}:\n{summary}" + (tmp_path / "gunicorn.log").read_text()[-3000:]
        )
        made += _requests_made(tmp_path / f"events-{name}.ndjson")
        print(f"{name}: {summary[-1200:]}")
    print(f"requests: {made}")
    assert made >= MIN_REQUESTS


def _start(base: str, events: Path, extra: list[str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own venv's schemathesis against loopback
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/api/v1/schema/",
            "--checks",
            "all",
            # Credentials are ours to give (the token above, or none). Generated ones are
            # random strings (a session cookie beside a real token, say), which the
            # ignored_auth check would then take for the credentials that got the 200.
            "--generation-with-security-parameters",
            "false",
            "--seed",
            str(SEED),
            "--max-examples",
            "60",
            "--max-time",
            str(MAX_SECONDS),
            "--workers",
            "1",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(events),
            "--no-color",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
    )


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    try:
        stdout, _ = process.communicate(timeout=MAX_SECONDS + 180)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, _ = process.communicate()
    return process.returncode, stdout
