"""What the benchmarks share: a fresh PostgreSQL database and Redis db, manage.py in that
environment, a gunicorn on 127.0.0.1 stopped by PID, sequential timed GETs."""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_stack(postgres: str, redis_url: str, var: Path) -> dict[str, str]:
    """Drop and create the database, empty the Redis db, migrate; the environment to use."""
    import psycopg
    import redis

    base, name = postgres.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(redis_url).flushdb()
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(
        {
            "DATABASE_URL": postgres,
            "REDIS_URL": redis_url,
            "BOARDWALK_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "conf.settings",
            "DB_CONN_MAX_AGE": "600",
        }
    )
    manage(env, "migrate", "-v0")
    return env


def prepare(prefix: str, postgres: str, redis_url: str, items: int) -> tuple[Path, dict[str, str]]:
    """A work folder, a fresh stack (see fresh_stack) and the generated program of ``items``
    items in it (program.xml and program.zip, bench/import/generate.py)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    var = work / "var"
    var.mkdir()
    env = fresh_stack(postgres, redis_url, var)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/import/generate.py"),
            str(work),
            "--items",
            str(items),
            "--moved",
            "0",
        ],
        check=True,
    )
    return work, env


def manage(env: dict[str, str], *argv: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def timed_gets(
    port: int, path: str, n: int, headers: dict[str, str]
) -> tuple[list[float], int, bytes]:
    """``n`` sequential GETs on one keep-alive connection: milliseconds each, the last
    status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times, status, body = [], 0, b""
    for _ in range(n):
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status
    conn.close()
    return times, status, body


def header(port: int, path: str, name: str) -> str | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader(name)


@dataclasses.dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextlib.contextmanager
def gunicorn(env: dict[str, str], work: Path, workers: int) -> Iterator[Server]:
    """gunicorn (sync workers) on a free 127.0.0.1 port; stopped by PID on exit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (work / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "conf.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--keep-alive",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                timed_gets(port, "/healthz", 1, {})
                break
            except OSError:
                time.sleep(0.3)
        yield Server(port=port, pid=server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
