#!/usr/bin/env python
"""The iCalendar benchmark: gunicorn + PostgreSQL + Redis on the 20,000-item program.

    python bench/ical/run.py [--postgres URL] [--redis URL] [--items 20000] [--plan 200]

Steps: a fresh database, migrated; the generated program (bench/import/generate.py) imported
twice: as frab XML (every item an event: a public feed of 20,000 VEVENTs) and as typed CSV
(papers, posters on boards, orals, booths, meals: what a private plan points at); an attendee
with a --plan item plan and a private feed URL. Then
  1. in-process builds with the cache cleared: the public feed (3 runs) and the private feed
     (20 runs), i.e. what one schedule or plan change costs once;
  2. over HTTP (gunicorn, Redis cache): the public feed's first GET (builds and caches), then
     200 sequential GETs served from the cache and 1,000 revalidations (304);
  3. the private feed: first GET, 200 sequential warm GETs, 1,000 revalidations.
Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import common  # noqa: E402  (bench/common.py)

ROOT = common.ROOT

PUBLIC = "bench-xml"
PRIVATE = "bench"


def _script(env, name: str, *argv: str) -> str:
    return subprocess.run(
        [sys.executable, str(HERE / name), *argv],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _http_rows(port: int, label: str, path: str) -> list[tuple[str, str, str, str]]:
    first, status, body = common.timed_gets(port, path, 1, {})
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status}")
    common.timed_gets(port, path, 20, {})  # every worker has it
    times, status, body = common.timed_gets(port, path, 200, {})
    p50, p95 = common.percentiles(times)
    etag = common.header(port, path, "ETag")
    revalidated, not_modified, _ = common.timed_gets(port, path, 1000, {"If-None-Match": etag})
    r50, r95 = common.percentiles(revalidated)
    events = body.count(b"BEGIN:VEVENT")
    return [
        (f"{label}: first GET (builds, caches)", f"{first[0]:.0f} ms", "", f"{events:,} events"),
        (
            f"{label}: GET warm, 200 sequential",
            f"{p50:.2f} ms",
            f"{p95:.2f} ms",
            f"{len(body) / 1e6:.2f} MB, HTTP {status}",
        ),
        (
            f"{label}: revalidation (If-None-Match), 1,000 sequential",
            f"{r50:.2f} ms",
            f"{r95:.2f} ms",
            f"HTTP {not_modified}",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench_ical"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--plan", type=int, default=200, help="items in the private plan")
    args = parser.parse_args()
    work, env = common.prepare("bench-ical-", args.postgres, args.redis, args.items)
    for slug, name in ((PUBLIC, "program.xml"), (PRIVATE, "program.zip")):
        common.manage(
            env, "import_schedule", slug, str(work / name), "--timezone", "Asia/Jerusalem"
        )
    token_file = work / "feed-path.txt"
    print(_script(env, "prepare.py", PRIVATE, str(args.plan), str(token_file)).strip())
    built = json.loads(_script(env, "measure.py", PUBLIC, PRIVATE).strip().splitlines()[-1])
    rows = [
        (
            "public feed build, cache cleared (3 runs)",
            f"{sorted(built['public_build_s'])[1]:.2f} s",
            f"max {max(built['public_build_s']):.2f} s",
            f"{built['public_events']:,} events, {built['public_bytes'] / 1e6:.1f} MB",
        ),
        (
            f"private feed build ({args.plan} items), cache cleared (20 runs)",
            f"{statistics.median(built['private_build_ms']):.1f} ms",
            f"max {max(built['private_build_ms']):.1f} ms",
            f"{built['private_events']} events, {built['private_bytes'] / 1e3:.0f} kB",
        ),
    ]
    import redis

    redis.Redis.from_url(args.redis).flushdb()  # so the first GETs below really build
    with common.gunicorn(env, work, args.workers) as server:
        rows += _http_rows(
            server.port, f"public feed ({args.items:,} items)", f"/feeds/conference/{PUBLIC}.ics"
        )
        rows += _http_rows(
            server.port, f"private feed ({args.plan} items)", "/" + token_file.read_text()
        )
    print(f"\nwork dir: {work}\n")
    print("| measurement | p50 | p95 | notes |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
