"""Container health checks of the Celery processes: ``healthcheck worker`` reads the worker's
heartbeat (planner/health.py), ``healthcheck beat`` the age of beat's schedule file."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from conf.env import BASE_DIR
from planner import health
from tests.worker import subprocess_env

pytestmark = pytest.mark.usefixtures("own_cache")


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("healthcheck", *args, stdout=out)
    return out.getvalue()


def test_worker_without_heartbeat_is_unhealthy():
    with pytest.raises(CommandError, match="no worker heartbeat seen"):
        _run("worker")


def test_worker_with_recent_heartbeat_is_healthy():
    health.record_heartbeat()

    assert _run("worker", "--max-age", "60").startswith("healthy: worker heartbeat 0 s old")


def test_worker_with_old_heartbeat_is_unhealthy():
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=300)).isoformat()
    cache.set(health.HEARTBEAT_CACHE_KEY, old)

    with pytest.raises(CommandError, match=r"worker heartbeat is 300 s old \(max 120 s\)"):
        _run("worker")  # default max age: 3 × HEARTBEAT_SECONDS (30) + 30


def test_beat_schedule_age(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    with pytest.raises(CommandError, match="does not exist"):
        _run("beat", "--schedule", str(schedule))

    (tmp_path / "celerybeat-schedule.db").write_bytes(b"x")  # dbm may add a suffix
    assert _run("beat", "--schedule", str(schedule), "--max-age", "60").startswith("healthy")

    an_hour_ago = time.time() - 3600
    os.utime(tmp_path / "celerybeat-schedule.db", (an_hour_ago, an_hour_ago))
    with pytest.raises(CommandError, match=r"is 3600 s old \(max 60 s\)"):
        _run("beat", "--schedule", str(schedule), "--max-age", "60")


@pytest.mark.slow
def test_running_beat_keeps_its_schedule_fresh(tmp_path):
    """A real beat, heartbeat every second: its schedule file stays younger than 5 s."""
    schedule = tmp_path / "celerybeat-schedule"
    env = subprocess_env(tmp_path / "var", HEARTBEAT_SECONDS="1")
    with (tmp_path / "beat.log").open("wb") as log:
        beat = subprocess.Popen(  # noqa: S603 - our own interpreter
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "conf",
                "beat",
                "-l",
                "info",
                "-s",
                str(schedule),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            time.sleep(8)
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            first = health_of_beat(env, schedule)
            time.sleep(6)
            second = health_of_beat(env, schedule)
        finally:
            beat.send_signal(signal.SIGTERM)
            beat.wait(timeout=20)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr  # written again since: not just at start


def health_of_beat(env, schedule) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [
            sys.executable,
            "manage.py",
            "healthcheck",
            "beat",
            "--schedule",
            str(schedule),
            "--max-age",
            "5",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
