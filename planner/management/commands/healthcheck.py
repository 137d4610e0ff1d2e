"""``manage.py healthcheck worker|beat``: container health checks for the Celery processes,
cheaper than ``celery inspect ping`` (no broker round trip to every worker).

- ``worker``: a worker ran the beat-scheduled heartbeat task recently (planner/health.py keeps
  its time in the cache): unhealthy when older than ``--max-age`` (default 3 × HEARTBEAT_SECONDS
  + 30 s), or never seen.
- ``beat``: beat's schedule file was written recently (beat syncs it after each task it
  sends, CELERY_BEAT_SYNC_EVERY = 1): unhealthy when older than ``--max-age`` or missing.

Exit 0 healthy, 1 unhealthy (the reason on stderr).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from planner import health


def _default_max_age() -> float:
    interval = float(settings.CELERY_BEAT_SCHEDULE["heartbeat"]["schedule"])
    return 3 * interval + 30


def schedule_age(path: str) -> float | None:
    """Seconds since beat last wrote its schedule (dbm may add .db/.dat/.dir to the name)."""
    schedule = Path(path)
    files = [schedule, *schedule.parent.glob(schedule.name + ".*")]
    mtimes = [f.stat().st_mtime for f in files if f.is_file()]
    return time.time() - max(mtimes) if mtimes else None


class Command(BaseCommand):
    help = "Health of a Celery worker (recent heartbeat) or beat (recently written schedule)."

    def add_arguments(self, parser):
        parser.add_argument("process", choices=["worker", "beat"])
        parser.add_argument("--max-age", type=float, default=None, help="seconds")
        parser.add_argument(
            "--schedule",
            default=None,
            help="beat's schedule file (default CELERY_BEAT_SCHEDULE_FILENAME)",
        )

    def handle(self, *args, process: str, max_age: float | None, schedule: str | None, **options):
        max_age = _default_max_age() if max_age is None else max_age
        if process == "worker":
            beat = health.worker_heartbeat()
            age = beat.get("age_seconds")
            what = "worker heartbeat"
            if age is None:
                raise CommandError(f"unhealthy: no {what} seen {beat.get('detail', '')}".strip())
        else:
            path = schedule or settings.CELERY_BEAT_SCHEDULE_FILENAME
            age = schedule_age(path)
            what = f"beat schedule {path}"
            if age is None:
                raise CommandError(f"unhealthy: {what} does not exist")
        if age > max_age:
            raise CommandError(f"unhealthy: {what} is {age:.0f} s old (max {max_age:.0f} s)")
        self.stdout.write(f"healthy: {what} {age:.0f} s old")
