#!/usr/bin/env python
"""The offline bundle of a 20,000-item program: size, build time, queries.

    python bench/api/bundle_size.py [--items 20000] [--seed 1] [--backends sqlite,postgres]
                                    [--postgres postgres://postgres@127.0.0.1:5432/boardwalk_bench_bundle]
                                    [--abstracts ../shared/data/real/iclr-2020-miniconf/papers.csv]

For each backend: a fresh, migrated database (SQLite in a temporary folder, or the PostgreSQL
database named, dropped and recreated); the program of bench/import/generate.py imported as
its CSV zip (papers with authors, posters, orals, sessions, booths with hours, meals); then
the full bundle built (queries, shaping, JSON, gzip each timed) and served through the API
cold (built and cached) and warm (from the cache), a 304, and the delta after re-importing
the copy with 1% of the items moved. The generator writes no abstracts; with --abstracts
the papers get real ones (repeated) and the size is measured again. Each backend runs in its
own process. Prints figures and a Markdown table for bench/README.md. Not a test: it asserts
nothing.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _generator():
    # bench/import is not a package ("import" is a keyword): load the generator by path.
    spec = importlib.util.spec_from_file_location(
        "bench_generate", ROOT / "bench/import/generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _fresh_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def measure(items: int, seed: int, abstracts: Path | None = None) -> dict:
    """In this process, against DATABASE_URL (already fresh): import, build, serve."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from planner.bundle import GZIP_LEVEL, bundle_document
    from planner.importers import parse_schedule
    from planner.importers.base import ImportOptions
    from planner.models import Conference
    from planner.services.schedule_upsert import schedule_upsert

    call_command("migrate", verbosity=0)
    cache.clear()
    generate = _generator()
    program = generate.build(items, seed)
    keys = generate.all_keys(program)
    moved = frozenset(random.Random(seed + 1).sample(keys, round(len(keys) * 0.01)))
    options = ImportOptions(filename="program.zip", timezone="Asia/Jerusalem")
    conference = Conference.objects.create(
        slug="bench",
        name="Benchmark Vision Conference",
        timezone="Asia/Jerusalem",
        start_date=generate.FIRST_DAY,
        end_date=generate.FIRST_DAY,
        venue="Expo Tel Aviv",
    )
    _, import_seconds = _timed(
        schedule_upsert,
        conference=conference,
        parsed=parse_schedule(generate.csv_zip(program), options, "csv"),
    )

    # The build, step by step, outside the cache.
    # Count each capture at once: a later request resets the connection's query log.
    with CaptureQueriesContext(connection) as queries:
        document, rows_seconds = _timed(bundle_document, conference=conference, since=None)
    build_queries = len(queries)
    raw, json_seconds = _timed(
        lambda: json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    )
    zipped, gzip_seconds = _timed(gzip.compress, raw, compresslevel=GZIP_LEVEL, mtime=0)
    gzip6 = len(gzip.compress(raw, compresslevel=6, mtime=0))

    # Through the API: cold (build + cache), warm (cache), 304.
    client = Client(HTTP_HOST="localhost")  # in ALLOWED_HOSTS; "testserver" is not
    url = f"/api/v1/conferences/{conference.slug}/bundle"
    with CaptureQueriesContext(connection) as cold_queries:
        cold, cold_seconds = _timed(client.get, url, HTTP_ACCEPT_ENCODING="gzip")
    cold_count = len(cold_queries)
    with CaptureQueriesContext(connection) as warm_queries:
        warm, warm_seconds = _timed(client.get, url, HTTP_ACCEPT_ENCODING="gzip")
    warm_count = len(warm_queries)
    with CaptureQueriesContext(connection) as not_modified_queries:
        not_modified, not_modified_seconds = _timed(
            client.get, url, HTTP_IF_NONE_MATCH=warm["ETag"]
        )
    not_modified_count = len(not_modified_queries)
    identity, identity_seconds = _timed(client.get, url)
    statuses = [r.status_code for r in (cold, warm, not_modified, identity)]
    if statuses != [200, 200, 304, 200]:
        raise SystemExit(f"unexpected statuses {statuses}")

    # The delta after 1% of the items moved by 15 minutes.
    moved_result = schedule_upsert(
        conference=conference,
        parsed=parse_schedule(generate.csv_zip(program, moved), options, "csv"),
    )
    conference.refresh_from_db()
    with CaptureQueriesContext(connection) as delta_queries:
        delta, delta_seconds = _timed(client.get, f"{url}?since=1", HTTP_ACCEPT_ENCODING="gzip")
    delta_count = len(delta_queries)
    delta_document = json.loads(gzip.decompress(delta.content))

    figures = {}
    if abstracts:
        # The generator writes no abstracts; real ones are most of a real bundle's bytes.
        import csv

        from planner.models import Paper

        texts = [row["abstract"] for row in csv.DictReader(abstracts.open()) if row["abstract"]]
        papers = list(Paper.objects.filter(conference=conference).only("id").order_by("id"))
        for i, paper in enumerate(papers):
            paper.abstract = texts[i % len(texts)]
        Paper.objects.bulk_update(papers, ["abstract"], batch_size=1000)
        full = json.dumps(
            bundle_document(conference=conference, since=None),
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        figures = {
            "with_abstracts_raw_bytes": len(full),
            "with_abstracts_gzip_bytes": len(gzip.compress(full, compresslevel=GZIP_LEVEL)),
            "abstract_mean_chars": round(sum(map(len, texts)) / len(texts)),
        }

    return figures | {
        "backend": connection.vendor,
        "counts": {k: len(v) for k, v in document.items() if isinstance(v, list)},
        "authorships": sum(len(p.get("authors", ())) for p in document["papers"]),
        "import_s": round(import_seconds, 2),
        "raw_bytes": len(raw),
        "gzip_bytes": len(zipped),
        "gzip6_bytes": gzip6,
        "build_rows_s": round(rows_seconds, 3),
        "build_json_s": round(json_seconds, 3),
        "build_gzip_s": round(gzip_seconds, 3),
        "build_queries": build_queries,
        "cold_s": round(cold_seconds, 3),
        "cold_queries": cold_count,
        "warm_s": round(warm_seconds, 4),
        "warm_queries": warm_count,
        "not_modified_s": round(not_modified_seconds, 4),
        "not_modified_queries": not_modified_count,
        "identity_s": round(identity_seconds, 4),
        "served_gzip_bytes": len(cold.content),
        "served_identity_bytes": len(identity.content),
        "moved_changes": len(moved_result.changes),
        "delta_rows": {k: len(v) for k, v in delta_document.items() if isinstance(v, list) and v},
        "delta_raw_bytes": len(gzip.decompress(delta.content)),
        "delta_gzip_bytes": len(delta.content),
        "delta_s": round(delta_seconds, 3),
        "delta_queries": delta_count,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench_bundle"
    )
    parser.add_argument(
        "--abstracts",
        type=Path,
        help="also measure with real abstracts from this CSV (an `abstract` column), e.g. "
        "../shared/data/real/iclr-2020-miniconf/papers.csv, repeated over the papers",
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # the child: DATABASE_URL names a fresh database
        print(json.dumps(measure(args.items, args.seed, args.abstracts)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    results = []
    for backend in args.backends.split(","):
        var = work / f"var-{backend}"
        var.mkdir()
        if backend == "sqlite":
            url = f"sqlite:///{var / 'bench.sqlite3'}"
        else:
            url = args.postgres
            _fresh_postgres(url)
        # A private var/ (file cache, SQLite) and no REDIS_URL: nothing shared with the app.
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
        env.update({"DATABASE_URL": url, "BOARDWALK_VAR_DIR": str(var)})
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                "--items",
                str(args.items),
                "--seed",
                str(args.seed),
                *(["--abstracts", str(args.abstracts.resolve())] if args.abstracts else []),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        print(json.dumps(figures, indent=1), flush=True)
        results.append(figures)

    print()
    print(
        "| database | raw MB | gzip MB (-9 / -6) | build s (rows + JSON + gzip) | queries "
        "| cold s | warm s | 304 s (queries) | delta 1% moved: rows, gzip KB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for f in results:
        build = f["build_rows_s"] + f["build_json_s"] + f["build_gzip_s"]
        print(
            f"| {f['backend']} | {f['raw_bytes'] / 1e6:.2f} "
            f"| {f['gzip_bytes'] / 1e6:.2f} / {f['gzip6_bytes'] / 1e6:.2f} "
            f"| {build:.2f} ({f['build_rows_s']} + {f['build_json_s']} + {f['build_gzip_s']}) "
            f"| {f['build_queries']} | {f['cold_s']} | {f['warm_s']} "
            f"| {f['not_modified_s']} ({f['not_modified_queries']}) "
            f"| {sum(f['delta_rows'].values()) - f['delta_rows'].get('rooms', 0) - f['delta_rows'].get('tracks', 0)}"
            f", {f['delta_gzip_bytes'] / 1e3:.1f} |"
        )
    for f in results:
        if "with_abstracts_gzip_bytes" in f:
            print(
                f"\n{f['backend']}, every paper with a real abstract (mean "
                f"{f['abstract_mean_chars']} characters): {f['with_abstracts_raw_bytes'] / 1e6:.2f} MB "
                f"raw, {f['with_abstracts_gzip_bytes'] / 1e6:.2f} MB gzip"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
