#!/usr/bin/env python
"""CPU cost of one logbook PUT, in-process: the real WSGI application and middleware stack
without a server, so the figure does not depend on what else runs on the machine.

    python bench/api/put_cpu.py [--postgres URL] [--redis URL] [--requests 2000]
                                [--attendees 200] [--profile out.prof]

Sets up a fresh database (dropped and created: never point it at a database you need), a
conference, ``--attendees`` users with one API token each, then sends the request mix of
``logbook_put.lua`` straight to ``conf.wsgi.application``: PUTs of new poster conversations
round robin over the tokens, every 10th replaying the previous write exactly. Reports CPU
time (``time.process_time``) and wall time per request, and SQL statements per request
(every statement the app runs, including transaction control and savepoints; the
connection's once-per-request health check is not an ``execute`` and is not counted).
Afterwards it checks that every response was 200/201 and that the database holds exactly
one row per distinct UUID sent. The first 200 requests warm up and are not counted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SLUG = "bench"
WARMUP = 200


def _environ(path: str, token: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "PUT",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class _profiler:
    """cProfile (exact calls, large overhead on the ORM) or pyinstrument (sampling)."""

    def __init__(self, path: str) -> None:
        self.path = path
        if path.endswith(".prof"):
            import cProfile

            self.profile = cProfile.Profile()
            self.profile.enable()
        else:
            from pyinstrument import Profiler

            self.profile = Profiler(interval=0.0002)
            self.profile.start()

    def finish(self) -> None:
        if self.path.endswith(".prof"):
            self.profile.disable()
            self.profile.dump_stats(self.path)
        else:
            self.profile.stop()
            Path(self.path).write_text(self.profile.output_text(show_all=False))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench_put"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--attendees", type=int, default=200)
    parser.add_argument(
        "--profile",
        help="profile the measured requests: NAME.prof writes cProfile stats, NAME.txt a "
        "pyinstrument report (pip install pyinstrument; sampling, so little overhead)",
    )
    args = parser.parse_args()

    import psycopg

    base, name = args.postgres.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    var = Path(tempfile.mkdtemp(prefix="bench-put-"))
    os.environ.update(
        {
            "DATABASE_URL": args.postgres,
            "REDIS_URL": args.redis,
            "BOARDWALK_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "conf.settings",
            "DB_CONN_MAX_AGE": "600",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()
    call_command("migrate", verbosity=0)

    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection

    from conf.wsgi import application
    from planner.models import Attendee, Conference, PosterConversation
    from planner.services.accounts import api_token_create

    conference = Conference.objects.create(
        slug=SLUG,
        name="Bench",
        timezone="Asia/Jerusalem",
        start_date=dt.date(2026, 10, 22),
        end_date=dt.date(2026, 10, 26),
    )
    tokens = []
    for i in range(args.attendees):
        user = get_user_model().objects.create_user(f"bench{i}", f"bench{i}@example.org", None)
        tokens.append(api_token_create(user=user, name="bench")[1])

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    statuses: dict[int, int] = {}
    sent: set[str] = set()
    cpu, wall, queries = [], [], []
    last_id = last_token = None
    profiler = None
    total = WARMUP + args.requests
    with connection.execute_wrapper(count):
        for counter in range(1, total + 1):
            if last_id is not None and counter % 10 == 0:
                entry_id, token = last_id, last_token
            else:
                entry_id, token = str(uuid.uuid4()), tokens[counter % len(tokens)]
                last_id, last_token = entry_id, token
            sent.add(entry_id)
            body = json.dumps(
                {
                    "poster_title": f"Bench poster {entry_id}",
                    "talked_at": "2026-10-24T10:00:00Z",
                    "notes": "Asked about the ablation; author says the code is out next week.",
                }
            ).encode()
            environ = _environ(f"/api/v1/conferences/{SLUG}/conversations/{entry_id}/", token, body)
            if counter == WARMUP + 1 and args.profile:
                profiler = _profiler(args.profile)
            statements = 0
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            result = []

            def start_response(status, headers, exc_info=None, result=result):
                result.append(int(status.split()[0]))

            response = application(environ, start_response)
            b"".join(response)
            if hasattr(response, "close"):
                response.close()
            elapsed_cpu = time.process_time() - started_cpu
            elapsed_wall = time.perf_counter() - started_wall
            statuses[result[0]] = statuses.get(result[0], 0) + 1
            if counter > WARMUP:
                cpu.append(elapsed_cpu * 1000)
                wall.append(elapsed_wall * 1000)
                queries.append(statements)
    if profiler is not None:
        profiler.finish()

    stored = PosterConversation.objects.filter(attendee__conference=conference).count()
    attendees = Attendee.objects.filter(conference=conference).count()
    bad = {code: n for code, n in statuses.items() if code not in (200, 201)}
    print(f"requests measured: {len(cpu):,} (after {WARMUP} warm-up), statuses {statuses}")
    print(f"CPU per PUT: mean {statistics.fmean(cpu):.2f} ms, p50 {statistics.median(cpu):.2f} ms")
    windows = [statistics.fmean(cpu[i : i + 200]) for i in range(0, len(cpu) - 199, 200)]
    print(f"CPU per PUT, quietest 200-request window: {min(windows):.2f} ms")
    print(
        f"wall per PUT: mean {statistics.fmean(wall):.2f} ms, p50 {statistics.median(wall):.2f} ms"
    )
    print(
        f"SQL statements per PUT: mean {statistics.fmean(queries):.2f}, "
        f"min {min(queries)}, max {max(queries)}"
    )
    print(
        f"rows: {stored:,} for {len(sent):,} distinct UUIDs ({stored - len(sent):+d}); "
        f"{attendees} attendees"
    )
    return 1 if bad or stored != len(sent) else 0


if __name__ == "__main__":
    sys.exit(main())
