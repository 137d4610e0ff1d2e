#!/usr/bin/env python
"""The API benchmark: gunicorn + PostgreSQL + Redis on the 20,000-item program.

    python bench/api/run.py [--postgres URL] [--redis URL] [--seconds 30] [--workers 4]

Steps: a fresh database, migrated; the 20k program imported (bench/import/generate.py, CSV);
a user with an API token; gunicorn on 127.0.0.1 with the cache in Redis. Then
  1. the full bundle, warm: 200 sequential gzip GETs → p50/p95, compressed and raw size;
  2. revalidation: 1,000 GETs with If-None-Match → 304 p50/p95;
  3. logbook writes: wrk (Debian package) PUTs offline conversations for --seconds with 64
     connections; every 10th request replays the previous write. Afterwards the database
     must hold exactly one row per distinct UUID sent (0 duplicates, 0 lost) and every
     response must be 200/201.
Prints a Markdown table for bench/README.md. Needs `wrk` on PATH (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import common  # noqa: E402  (bench/common.py)

ROOT = common.ROOT
SLUG = "bench"


def _stored(env) -> int:
    """Poster conversations in the benchmark conference."""
    out = common.manage(
        env,
        "shell",
        "-c",
        "from planner.models import PosterConversation as P;"
        f"print(P.objects.filter(attendee__conference__slug='{SLUG}').count())",
        capture=True,
    )
    return int(out.strip().splitlines()[-1])


def _server_cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master and its workers so far (Linux /proc): the
    app's CPU per request under load, which other work on the machine distorts far less
    than requests per second."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in [str(master), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench_api"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--attendees", type=int, default=200, help="writers, one API token each")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/api: needs wrk (apt-get install wrk)")
    work, env = common.prepare("bench-api-", args.postgres, args.redis, args.items)
    common.manage(
        env, "import_schedule", SLUG, str(work / "program.zip"), "--timezone", "Asia/Jerusalem"
    )
    tokens_file = work / "tokens.txt"
    common.manage(
        env,
        "shell",
        "-c",
        (
            "from django.contrib.auth import get_user_model as g;"
            "from planner.services.accounts import api_token_create;"
            f"f=open({str(tokens_file)!r}, 'w');"
            f"[f.write(api_token_create(user=g().objects.create_user(f'bench{{i}}', f'bench{{i}}@example.org', 'bench-password-1'), name='bench')[1] + '\\n') for i in range({args.attendees})];"
            "f.close()"
        ),
    )

    rows = []
    with common.gunicorn(env, work, args.workers) as server:
        port = server.port
        bundle = f"/api/v1/conferences/{SLUG}/bundle"
        first, _, _ = common.timed_gets(port, bundle, 1, {"Accept-Encoding": "gzip"})
        common.timed_gets(
            port, bundle, 5 * args.workers, {"Accept-Encoding": "gzip"}
        )  # warm every worker
        times, status, body = common.timed_gets(port, bundle, 200, {"Accept-Encoding": "gzip"})
        raw = gzip.decompress(body)
        p50, p95 = common.percentiles(times)
        rows.append(("bundle, first request (builds and caches)", f"{first[0]:.0f} ms", "", ""))
        rows.append(
            (
                "bundle GET warm (gzip), 200 sequential",
                f"{p50:.1f} ms",
                f"{p95:.1f} ms",
                f"{len(body) / 1e6:.2f} MB gzip, {len(raw) / 1e6:.2f} MB raw, HTTP {status}",
            )
        )
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", bundle, headers={"Accept-Encoding": "gzip"})
        etag = conn.getresponse().getheader("ETag")
        conn.close()
        times, status, _ = common.timed_gets(
            port, bundle, 1000, {"If-None-Match": etag, "Accept-Encoding": "gzip"}
        )
        p50, p95 = common.percentiles(times)
        rows.append(
            (
                "bundle revalidation (If-None-Match), 1,000 sequential",
                f"{p50:.2f} ms",
                f"{p95:.2f} ms",
                f"HTTP {status}",
            )
        )

        cpu_before = _server_cpu_seconds(server.pid)
        wrk = subprocess.run(
            [
                "wrk",
                "-t",
                "4",
                "-c",
                "64",
                "-d",
                f"{args.seconds}s",
                "--latency",
                "-s",
                str(HERE / "logbook_put.lua"),
                f"http://127.0.0.1:{port}",
                "--",
                SLUG,
                str(tokens_file),
            ],
            capture_output=True,
            text=True,
        )
        cpu_used = _server_cpu_seconds(server.pid) - cpu_before
        print(wrk.stdout, wrk.stderr)
        if wrk.returncode:
            raise SystemExit(f"wrk failed: {wrk.stderr}")
        result = re.search(r"RESULT (.*)", wrk.stdout).group(1)
        fields = dict(part.split("=") for part in result.split())
        requests = int(re.search(r"(\d+) requests in", wrk.stdout).group(1))
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk.stdout).group(1))
        socket_errors = re.search(r"Socket errors: (.*)", wrk.stdout)
        bad = sum(
            int(v)
            for k, v in fields.items()
            if k.startswith("status") and k not in ("status200", "status201")
        )
        stored = _stored(env)
        unique = int(fields["unique"])
        rows.append(
            (
                f"logbook PUT, wrk 4 threads × 64 connections, {args.attendees} attendees, {args.seconds} s",
                f"{fields['p50_ms']} ms",
                f"{fields['p99_ms']} ms (p99)",
                f"{rate:.0f} writes/s, {requests:,} requests, "
                f"gunicorn CPU {cpu_used * 1000 / requests:.2f} ms per request, non-2xx {bad}, socket errors "
                f"{socket_errors.group(1) if socket_errors else 'none'}; {unique:,} distinct UUIDs → {stored:,} rows "
                f"({stored - unique:+d})",
            )
        )
        before = stored
        wrk = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                "32",
                "-d",
                f"{args.seconds}s",
                "--latency",
                "-s",
                str(HERE / "logbook_sync.lua"),
                f"http://127.0.0.1:{port}",
                "--",
                SLUG,
                str(tokens_file),
            ],
            capture_output=True,
            text=True,
        )
        print(wrk.stdout, wrk.stderr)
        fields = dict(
            part.split("=") for part in re.search(r"RESULT (.*)", wrk.stdout).group(1).split()
        )
        seconds = float(re.search(r"requests in ([\d.]+)s", wrk.stdout).group(1))
        ok_requests = int(fields.get("status200", 0))
        stored = _stored(env)
        answered = ok_requests * 10
        rows.append(
            (
                f"logbook batch sync (10 writes per POST), wrk 2 threads × 32 connections, {args.seconds} s",
                f"{fields['p50_ms']} ms",
                f"{fields['p99_ms']} ms (p99)",
                f"{answered / seconds:.0f} writes/s ({ok_requests:,} batches answered 200, writes not 201: "
                f"{fields['bad_writes']}); {stored - before:,} new rows for {answered:,} answered + in-flight writes",
            )
        )
    print("| measurement | p50 | p95 | notes |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
