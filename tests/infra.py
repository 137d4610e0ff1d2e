"""Where the real services the tests need live, and whether they answer.

With CI=true the suite runs on PostgreSQL and Redis and a missing one is a failure; on a
laptop without them the tests that need them skip, saying why.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

from conf.env import BASE_DIR, in_ci

# Real public schedules used as test input (shared/ sits beside the repository, as on CI).
REAL_DATA = BASE_DIR.parent / "shared" / "data" / "real"

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_url_for_tests() -> str:
    return os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_TEST_REDIS_URL


def reachable(url: str, default_port: int, timeout: float = 1.0) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True, f"{host}:{port}"
    except OSError as exc:
        return False, f"{host}:{port} unreachable ({exc})"


def redis_available() -> tuple[bool, str]:
    ok, where = reachable(redis_url_for_tests(), 6379)
    if not ok:
        return False, where
    import redis

    try:
        redis.Redis.from_url(redis_url_for_tests(), socket_timeout=2).ping()
    except redis.RedisError as exc:
        return False, f"{where}: {exc}"
    return True, where


__all__ = ["REAL_DATA", "in_ci", "reachable", "redis_available", "redis_url_for_tests"]
