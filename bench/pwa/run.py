#!/usr/bin/env python
"""The PWA benchmark: the app in Chromium with 4x CPU throttling over a 20,000-item program.

    python bench/pwa/run.py [--items 20000] [--throttle 4] [--no-build]
                            [--postgres postgres://postgres@127.0.0.1:5432/boardwalk_bench_pwa]
                            [--redis redis://127.0.0.1:6379/14]

A fresh PostgreSQL database and Redis db; bench/import/generate.py's program (and its copy
with 1% of the items moved) imported as one conference; a bench attendee; the production
frontend build (npm run build, unless --no-build) served by gunicorn on 127.0.0.1. Then
bench/pwa/measure.mjs in Debian's Chromium (CDP Emulation.setCPUThrottlingRate) measures: the
first visit to a usable schedule with nothing stored, the offline reload, 100 searches, the 1%
delta (re-imported here while the browser waits), and the origin's storage; jssize.py the
initial JS. Prints a Markdown table for bench/README.md. Stops what it starts by PID and drops
its database. Not a test: it reports, and exits 1 only when a step failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "import"))

import common
import generate

ROOT = common.ROOT
HERE = Path(__file__).resolve().parent
SLUG = "bench-pwa"
TIMEZONE = "Asia/Jerusalem"
USER, PASSWORD = "bench-attendee", "bench-password-1"
# The whole browser run; it waits for a 4x-throttled build of the index, so it is generous.
BROWSER_TIMEOUT = 900


def queries(n: int, seed: int = 7) -> list[str]:
    """``n`` varied queries over the generated program: title words, word starts, authors
    (last, first + last), two-word phrases, boards, a typo, and a word that finds nothing."""
    rng = random.Random(seed)
    words, first, last = generate.WORDS, generate.FIRST, generate.LAST
    makers = [
        lambda: rng.choice(words),
        lambda: rng.choice(words)[:3],
        lambda: rng.choice(last),
        lambda: f"{rng.choice(first)} {rng.choice(last)}",
        lambda: f"{rng.choice(words)} {rng.choice(words)}",
        lambda: f"{rng.choice(last)} {rng.choice(words)}",
        lambda: f"{rng.randint(1, 999):03d}",
        lambda: (w := rng.choice([w for w in words if len(w) > 6]))[:2] + w[3:],  # a typo
        lambda: "xylophone",
    ]
    picked: list[str] = []
    while len(picked) < n:
        query = rng.choice(makers)()
        if query not in picked:
            picked.append(query)
    return picked


def prepare(args: argparse.Namespace, work: Path) -> dict[str, str]:
    """Fresh database and Redis db, the program and its 1%-moved copy, the attendee."""
    var = work / "var"
    var.mkdir()
    env = common.fresh_stack(args.postgres, args.redis, var)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/import/generate.py"),
            str(work),
            "--items",
            str(args.items),
            "--moved",
            "0.01",
        ],
        check=True,
    )
    common.manage(
        env,
        "import_schedule",
        SLUG,
        str(work / "program.zip"),
        "--timezone",
        TIMEZONE,
        capture=True,
    )
    common.manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model as g;"
        f"g().objects.create_user({USER!r}, 'bench-attendee@example.org', {PASSWORD!r})",
    )
    return env


def drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def browse(args: argparse.Namespace, env: dict[str, str], work: Path, dist: Path) -> dict:
    """measure.mjs against gunicorn; the moved program is imported when it asks for it."""
    with common.gunicorn({**env, "FRONTEND_DIST": str(dist)}, work, workers=2) as server:
        browser = subprocess.Popen(
            [
                shutil.which("node") or "node",
                str(HERE / "measure.mjs"),
                f"http://127.0.0.1:{server.port}",
            ],
            env={
                **os.environ,
                "BENCH_USER": USER,
                "BENCH_PASSWORD": PASSWORD,
                "BENCH_SLUG": SLUG,
                "BENCH_QUERIES": json.dumps(queries(args.queries)),
                "BENCH_DIST": str(dist),
                "BENCH_THROTTLE": str(args.throttle),
                "CHROMIUM": args.chromium,
            },
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        # Bounded: past the deadline the browser script is killed (by its PID).
        watchdog = threading.Timer(BROWSER_TIMEOUT, browser.kill)
        watchdog.start()
        try:
            last = "{}"
            for line in browser.stdout:
                last = line
                if json.loads(line).get("need") == "delta":
                    started = time.perf_counter()
                    common.manage(
                        env,
                        "import_schedule",
                        SLUG,
                        str(work / "program-moved.zip"),
                        "--timezone",
                        TIMEZONE,
                        capture=True,
                    )
                    print(
                        f"re-import (1% moved): {time.perf_counter() - started:.1f} s", flush=True
                    )
                    browser.stdin.write("go\n")
                    browser.stdin.flush()
            browser.wait()
        finally:
            watchdog.cancel()
            if browser.poll() is None:
                browser.kill()
                browser.wait()
        if browser.returncode != 0:
            return {"error": f"measure.mjs exited {browser.returncode}", "last": last}
    return json.loads(last)


def table(report: dict, js: dict) -> str:
    s = report["steps"]
    first, offline, search, delta = s["firstVisit"], s["offlineReload"], s["search"], s["delta"]
    mb = lambda n: f"{n / 1e6:.1f} MB"  # noqa: E731
    idb = (s["storage"].get("details") or {}).get("indexedDB")
    rows = [
        (
            "first online visit to a usable schedule (cold)",
            f"{first['readyMs']:.0f} ms",
            "",
            f"{first['rows']:,} rows into IndexedDB in {first['bundleApplyMs']:.0f} ms",
        ),
        (
            "then the search index, built in the worker and stored",
            f"{first['searchBuildMs']:.0f} ms",
            "",
            "in the background",
        ),
        ("offline reload to a usable schedule", f"{offline['readyMs']:.0f} ms", "≤ 1,500 ms", ""),
        (
            "search index loaded from IndexedDB (offline)",
            f"{search['openMs']:.0f} ms" if search["openMs"] else "—",
            "",
            "",
        ),
        (
            f"search, {search['queries']} queries, p50 / p95 / max",
            f"{search['p50Ms']} / {search['p95Ms']} / {search['maxMs']} ms",
            "p95 ≤ 50 ms",
            f"through {search['via']}, worker round trip",
        ),
        (
            "1% delta into IndexedDB",
            f"{delta['bundleApplyMs']:.0f} ms",
            "≤ 300 ms",
            f"{delta['rows']:,} rows",
        ),
        (
            "1% delta into the search index (worker)",
            f"{delta['indexApplyMs']:.0f} ms",
            "≤ 300 ms",
            f"whole update {delta['indexUpdateMs']:.0f} ms with loading and storing the index",
        ),
        (
            "origin storage (navigator.storage.estimate)",
            mb(s["storage"]["usage"]),
            "",
            f"IndexedDB {mb(idb)}" if idb else "",
        ),
        (
            "initial JS (gzip)",
            f"{js['gzip_bytes'] / 1024:.1f} KB",
            "≤ 100 KB",
            ", ".join(js["files"]),
        ),
    ]
    lines = ["| step | figure | target | notes |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--throttle", type=float, default=4)
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench_pwa"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--no-build", action="store_true", help="use frontend/dist as it is")
    args = parser.parse_args()
    dist = ROOT / "frontend" / "dist"
    if not args.no_build:
        subprocess.run(
            ["npm", "run", "build"], cwd=ROOT / "frontend", check=True, capture_output=True
        )
    js = json.loads(
        subprocess.run(
            [sys.executable, str(HERE / "jssize.py"), str(dist)], capture_output=True, text=True
        ).stdout
    )
    work = Path(tempfile.mkdtemp(prefix="bench-pwa-"))
    try:
        env = prepare(args, work)
        report = browse(args, env, work, dist)
    finally:
        drop_database(args.postgres)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=1))
    if "error" in report:
        print(report["error"], file=sys.stderr)
        return 1
    print()
    print(table(report, js))
    return 0


if __name__ == "__main__":
    sys.exit(main())
