"""Worker and beat start with ``manage.py wait_for_migrations``: it exits 0 only once every
migration is applied (the one-shot ``migrate`` service has run), and fails after --timeout."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conf.env import BASE_DIR
from tests.worker import manage, subprocess_env

pytestmark = pytest.mark.slow


def test_wait_for_migrations_fails_on_an_unmigrated_database_then_passes(tmp_path):
    env = subprocess_env(tmp_path / "var")  # a fresh SQLite database in its own var/

    started = time.monotonic()
    waiting = manage(env, "wait_for_migrations", "--timeout", "1.5", "--interval", "0.2")
    waited = time.monotonic() - started

    assert waiting.returncode == 1
    assert "gave up after 1.5 s" in waiting.stderr
    assert "unapplied migration(s), first " in waiting.stderr
    assert waited >= 1.5

    assert manage(env, "migrate", "--noinput", "-v0").returncode == 0
    done = manage(env, "wait_for_migrations", "--timeout", "5")

    assert (done.returncode, done.stdout.strip()) == (
        0,
        "wait_for_migrations: database is migrated",
    )


def test_wait_for_migrations_returns_when_migrate_finishes(tmp_path):
    env = subprocess_env(tmp_path / "var")
    waiter = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "wait_for_migrations",
            "--timeout",
            "90",
            "--interval",
            "0.2",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1)
        assert waiter.poll() is None  # still waiting: nothing is migrated yet
        assert manage(env, "migrate", "--noinput", "-v0").returncode == 0
        out, _ = waiter.communicate(timeout=30)
    finally:
        if waiter.poll() is None:
            waiter.kill()
            waiter.wait()

    assert waiter.returncode == 0
    assert "database is migrated" in out
