#!/usr/bin/env python
"""The import benchmark: a 20,000-item program into SQLite and PostgreSQL.

    python bench/import/run.py [--items 20000] [--backends sqlite,postgres]
                               [--postgres postgres://postgres@127.0.0.1:5432/boardwalk_bench]

For each backend: a fresh, migrated database; then, as frab XML and as a CSV zip, the first
import (creating the conference), a re-import of the same bytes (must write nothing), and a
copy with 1% of the items moved by 15 minutes. Each step runs in its own process so its peak
memory is its own. Prints a Markdown table for bench/README.md. Not a test: it asserts
nothing about time; it reports.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _env(database_url: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        {
            "DATABASE_URL": database_url,
            "BOARDWALK_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "conf.settings",
        }
    )
    return env


def _fresh_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(work), "--items", str(args.items)],
        check=True,
    )
    rows = []
    for backend in args.backends.split(","):
        var = work / f"var-{backend}"
        if backend == "sqlite":
            url = f"sqlite:///{var / 'bench.sqlite3'}"
            var.mkdir()
        else:
            url = args.postgres
            _fresh_postgres(url)
        env = _env(url, var)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        for fmt, name in (("frab XML", "program.xml"), ("CSV zip", "program.zip")):
            slug = f"bench-{name.split('.')[1]}"
            moved = name.replace("program", "program-moved")
            for step, path, flags in (
                ("first import", name, []),
                ("re-import unchanged (same bytes: skipped)", name, []),
                ("re-import unchanged (program edited: parsed)", name, ["--as-if-edited"]),
                ("1% moved", moved, []),
            ):
                result = subprocess.run(
                    [
                        sys.executable,
                        str(HERE / "measure.py"),
                        *flags,
                        slug,
                        str(work / path),
                        "--timezone",
                        "Asia/Jerusalem",
                    ],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                figures = json.loads(result.stdout.strip().splitlines()[-1])
                rows.append((backend, fmt, step, figures))
                print(backend, fmt, step, figures, flush=True)
    print()
    print("| database | file | step | total s | parse s | write s | peak RSS MB | outcome |")
    print("|---|---|---|---|---|---|---|---|")
    for backend, fmt, step, f in rows:
        outcome = (
            f"{f['status']}, {f['changes']:,} changes"
            if f["status"] != "no_changes"
            else "no changes, 0 writes"
        )
        print(
            f"| {backend} | {fmt} | {step} | {f['seconds']} | {f['parse']} | {f['write']} | {f['peak_rss_mb']} | {outcome} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
