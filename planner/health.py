"""Reachability checks for /healthz: the database, the broker, and the worker's last heartbeat."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "boardwalk:worker-heartbeat"
REMINDER_DISPATCH_CACHE_KEY = "boardwalk:reminders-last-dispatch"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    ms: float

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.ms, 1)}


def check_database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check(False, f"{connection.vendor}: {type(exc).__name__}: {exc}", _ms(started))
    return Check(True, connection.vendor, _ms(started))


def check_broker() -> Check:
    from conf.celery import app

    started = time.perf_counter()
    transport = app.conf.broker_url.split("://", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            if transport == "filesystem":
                # The filesystem transport "connects" to anything; check the folder is writable.
                folder = app.conf.broker_transport_options["data_folder_in"]
                probe = f"{folder}/.healthz"
                with open(probe, "w") as handle:
                    handle.write("ok")
    except Exception as exc:
        return Check(False, f"{transport}: {type(exc).__name__}: {exc}", _ms(started))
    return Check(True, transport, _ms(started))


def worker_heartbeat() -> dict[str, object]:
    """When a worker last ran the beat-scheduled heartbeat task (informational, never fails /healthz)."""
    try:
        seen = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception as exc:
        return {"last_seen": None, "detail": f"{type(exc).__name__}: {exc}"}
    if seen is None:
        return {"last_seen": None, "age_seconds": None}
    return {"last_seen": seen, "age_seconds": round(time.time() - _epoch(seen), 1)}


def reminder_dispatch() -> dict[str, object]:
    """When beat's reminder sweep last ran (informational, never fails /healthz)."""
    seen = last_reminder_dispatch()
    if seen is None:
        return {"last_dispatch": None, "age_seconds": None}
    return {"last_dispatch": seen, "age_seconds": round(time.time() - _epoch(seen), 1)}


def record_reminder_dispatch(now) -> None:
    """Called by every reminder sweep (planner.services.reminder_dispatch)."""
    try:
        cache.set(REMINDER_DISPATCH_CACHE_KEY, now.isoformat(), timeout=7 * 24 * 3600)
    except Exception:  # the cache being down must not fail a sweep that delivered
        logging.getLogger(__name__).warning("cannot record the dispatch time", exc_info=True)


def last_reminder_dispatch() -> str | None:
    """ISO time of the last reminder sweep, or None (never, or the cache forgot or is down)."""
    try:
        return cache.get(REMINDER_DISPATCH_CACHE_KEY)
    except Exception:
        return None


def record_heartbeat() -> str:
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=3600)
    return now


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
