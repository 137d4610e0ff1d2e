"""Run inside the benchmark's environment: in-process build times of the feeds, cache cleared
before each build (the cost a schedule or plan change causes once).

    python bench/ical/measure.py PUBLIC_SLUG PRIVATE_SLUG

Prints one JSON line: public feed build seconds (each of 3 runs), its size and event count,
private feed build milliseconds (20 runs) and its size."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
django.setup()

from django.core.cache import cache  # noqa: E402

from planner.ical.feeds import (  # noqa: E402
    conference_feed,
    private_feed,
    private_feed_key,
    public_feed_key,
)
from planner.models import Attendee, Conference  # noqa: E402


def main() -> None:
    public = Conference.objects.get(slug=sys.argv[1])
    attendee = Attendee.objects.select_related("conference").get(
        conference__slug=sys.argv[2], display_name="Bench"
    )
    builds = []
    for _ in range(3):
        cache.delete(public_feed_key(public))
        started = time.perf_counter()
        body = conference_feed(public)
        builds.append(time.perf_counter() - started)
    private = []
    for _ in range(20):
        cache.delete(private_feed_key(attendee))
        started = time.perf_counter()
        mine = private_feed(attendee)
        private.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "public_build_s": builds,
                "public_bytes": len(body),
                "public_events": body.count(b"BEGIN:VEVENT"),
                "private_build_ms": private,
                "private_bytes": len(mine),
                "private_events": mine.count(b"BEGIN:VEVENT"),
            }
        )
    )


if __name__ == "__main__":
    main()
