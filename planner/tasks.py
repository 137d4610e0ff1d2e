"""Celery tasks: thin interfaces that take ids and call services."""

from __future__ import annotations

from celery import shared_task

from planner import health


@shared_task(name="planner.health.ping")
def ping(value: str = "pong") -> str:
    """Round-trip probe: proves a worker consumes from the broker and results come back."""
    return value


@shared_task(name="planner.health.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Scheduled by beat; /healthz shows when a worker last ran it."""
    return health.record_heartbeat()
