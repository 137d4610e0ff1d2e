"""planner.cache.ResilientRedisCache: with Redis unreachable every operation answers as a
miss or a no-op, quickly, with one warning; the breaker skips Redis for a while."""

from __future__ import annotations

import logging
import time

import pytest
import redis

from planner.cache import ResilientRedisCache
from tests.live_server import free_port
from tests.redis_server import OwnRedis


def _cache(url: str, **options) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"OPTIONS": options, "KEY_PREFIX": ""})


def test_unreachable_redis_answers_as_a_miss(caplog):
    cache = _cache(f"redis://127.0.0.1:{free_port()}/0")

    with caplog.at_level(logging.WARNING, logger="planner.cache"):
        results = {
            "get": cache.get("k", "default"),
            "add": cache.add("lock", 1, 10),  # a lock nobody can hold: the caller proceeds
            "set": cache.set("k", "v"),
            "get_many": cache.get_many(["a", "b"]),
            "has_key": cache.has_key("k"),
            "delete": cache.delete("k"),
            "touch": cache.touch("k"),
            "set_many": cache.set_many({"a": 1}),
            "delete_many": cache.delete_many(["a"]),
            "get_or_set": cache.get_or_set("k", lambda: "computed"),
        }
        with pytest.raises(ValueError, match="not found"):
            cache.incr("counter")
        for _ in range(50):
            cache.get("k")

    assert results == {
        "get": "default",
        "add": True,
        "set": None,
        "get_many": {},
        "has_key": False,
        "delete": False,
        "touch": False,
        "set_many": ["a"],
        "delete_many": None,
        "get_or_set": "computed",
    }
    warnings = [r for r in caplog.records if r.name == "planner.cache"]
    assert len(warnings) == 1, "one warning per outage, not one per call"
    assert "cache unavailable" in warnings[0].getMessage()


@pytest.mark.slow
def test_breaker_skips_redis_then_tries_again(tmp_path):
    port = free_port()
    cache = _cache(f"redis://127.0.0.1:{port}/0", breaker_seconds=1)
    assert cache.get("k") is None  # refused: the breaker opens for 1 s
    server = OwnRedis(tmp_path / "redis.log", port=port).start()
    try:
        redis.Redis.from_url(server.url).set(":1:k", b"1")  # an int, as the serializer stores

        while_open = cache.get("k")
        time.sleep(1.2)
        after = cache.get("k")
    finally:
        server.stop()

    assert while_open is None  # not asked: the breaker was open
    assert after == 1
