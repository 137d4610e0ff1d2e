"""A Redis cache that degrades to a miss when Redis is unreachable, instead of raising.

Everything we keep in the cache can be recomputed from the database (bundles, feeds, the
worker heartbeat) or is a rate-limit counter, so an outage must cost speed, not answers.
:class:`ResilientRedisCache` is Django's ``RedisCache`` with

- short socket timeouts (``OPTIONS`` may override them), so a dead or blackholed server
  costs at most about a second, not the default of waiting forever;
- every operation catching redis' ``ConnectionError``/``TimeoutError`` and answering as a
  miss or a no-op: ``get`` → the default, ``get_many`` → ``{}``, ``has_key``/``delete``/
  ``touch`` → False, ``set``/``set_many``/``delete_many`` → nothing stored, ``incr`` →
  ``ValueError`` (the key is "missing", as callers of incr already expect);
- ``add`` → **True**: "you got it". Callers use ``add`` as a lock (the feed builder); a
  lock that can never be read again must not make them wait for it, so the caller builds;
- a circuit breaker: after a failure Redis is not tried again for ``BREAKER_SECONDS``
  (``OPTIONS["breaker_seconds"]``), so each request does not pay the timeout again, and the
  warning is logged once per open breaker, not once per call.

DRF's throttles read their history with ``get`` and write it with ``set``: during an
outage every request sees an empty history, so rate limits fail open (logged above).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
BREAKER_SECONDS = 5.0
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}

T = TypeVar("T")


class _Breaker:
    """Open for ``seconds`` after a failure; shared by the threads of one process (Django
    makes one cache object per thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until: dict[str, float] = {}

    def is_open(self, location: str) -> bool:
        return time.monotonic() < self._open_until.get(location, 0.0)

    def trip(self, location: str, seconds: float, error: Exception) -> None:
        with self._lock:
            was_open = self.is_open(location)
            self._open_until[location] = time.monotonic() + seconds
        if not was_open:
            logger.warning(
                "cache unavailable (%s: %s); serving without it for %.0f s",
                type(error).__name__,
                error,
                seconds,
            )


_breaker = _Breaker()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.breaker_seconds = float(options.pop("breaker_seconds", BREAKER_SECONDS))
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **options}}
        super().__init__(server, params)
        self._location = ",".join(self._servers)

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        if _breaker.is_open(self._location):
            return fallback
        try:
            return call()
        except UNAVAILABLE as error:
            _breaker.trip(self._location, self.breaker_seconds, error)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True
        )

    def get(self, key, default=None, version=None) -> Any:
        return self._guard(
            lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guard(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None) -> dict:
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None) -> int:
        missing = object()
        value = self._guard(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing
        )
        if value is missing:
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).")
        return value  # type: ignore[return-value]

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys, version=None) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).clear(), False)
