#!/usr/bin/env python
"""One timed import in a fresh process: prints JSON with seconds, peak RSS and the outcome.

    python bench/import/measure.py SLUG FILE [--timezone TZ]

Uses DATABASE_URL like the app. Run by bench/import/run.py; usable alone.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from planner.models import ImportRun

    args = sys.argv[1:]
    edited = "--as-if-edited" in args
    slug, path, *rest = [a for a in args if a != "--as-if-edited"]
    if edited:
        # As if an organizer had edited the program since: the byte-identical re-import
        # cannot be skipped, so the file is parsed and compared (the figure issue 3 set).
        from django.db.models import F

        from planner.models import Conference

        Conference.objects.filter(slug=slug).update(schedule_version=F("schedule_version") + 1)
    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_schedule", slug, path, *rest, stdout=out, stderr=io.StringIO())
    seconds = time.perf_counter() - started
    run = ImportRun.objects.filter(conference__slug=slug).order_by("-pk").first()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "parse": run.timings.get("parse"),
                "write": run.timings.get("write"),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "status": run.status,
                "changes": run.counts.get("changes", 0),
                "writes": run.counts.get("writes", 0),
            }
        )
    )


if __name__ == "__main__":
    main()
