"""A feed is built by one process at a time: when a schedule change makes every calendar app
refetch at once, the others wait for that build instead of repeating it."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache

from planner.ical.feeds import built_once

pytestmark = pytest.mark.usefixtures("own_cache")


def test_concurrent_requests_build_a_feed_once():
    builds = []
    barrier = threading.Barrier(8)
    bodies = []

    def build() -> bytes:
        builds.append(threading.get_ident())
        time.sleep(0.3)  # a slow build: the others arrive while it runs
        return b"BEGIN:VCALENDAR"

    def request() -> None:
        barrier.wait()
        bodies.append(built_once("feed:test", build))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(builds) == 1
    assert bodies == [b"BEGIN:VCALENDAR"] * 8
    assert cache.get("feed:test:building") is None


def test_a_failed_build_lets_the_next_request_build():
    def broken() -> bytes:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        built_once("feed:test", broken)

    # The failed builder released its lock: a leaked one would make every request for the
    # next BUILD_WAIT_SECONDS wait it out before building.
    assert cache.get("feed:test:building") is None
    started = time.monotonic()
    assert built_once("feed:test", lambda: b"ok") == b"ok"
    assert time.monotonic() - started < 1.0
