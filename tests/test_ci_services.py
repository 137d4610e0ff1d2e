"""With CI=true a missing PostgreSQL or Redis fails the run; it never turns into skips."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conf.env import BASE_DIR
from tests.worker import subprocess_env

pytestmark = pytest.mark.slow


def _pytest_in_ci(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = subprocess_env(tmp_path, CI="true", **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_timezones.py"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        timeout=120,
    )


def test_ci_without_postgres_fails(tmp_path):
    result = _pytest_in_ci(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode == 3
    assert b"CI=true but the database is sqlite" in result.stdout + result.stderr


def test_ci_with_unreachable_redis_fails(tmp_path):
    result = _pytest_in_ci(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:1/boardwalk",
        TEST_REDIS_URL="redis://127.0.0.1:1/0",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 3
    assert b"PostgreSQL is unreachable" in output
    assert b"Redis is unreachable: 127.0.0.1:1" in output
