#!/usr/bin/env python
"""The reminder benchmark: 20,000 push reminders due at the same instant, PostgreSQL + Redis,
a real Celery worker with 2 pool processes and a real Celery beat; then the e-mail path.

    python bench/reminders/run.py [--push 20000] [--mails 2000] [--concurrency 2]
                                  [--postgres postgres://postgres@127.0.0.1:5432/boardwalk_bench]

Steps: a fresh, migrated database; a redis-server of the benchmark's own (free loopback port,
no persistence, stopped by PID); a Web Push endpoint (asyncio, HTTP/1.1 keep-alive) and an
SMTP server (aiosmtpd) on 127.0.0.1 in this process; ``seed.py`` makes --push attendees with
a push subscription and a push reminder and --mails attendees with an e-mail reminder, all
far in the future; the worker (``--concurrency`` prefork processes, as docker-compose runs it)
and beat start (the reminder sweep every REMINDER_DISPATCH_SECONDS, 15 by default). Then

  1. push: every push reminder is made due at the same instant T (one UPDATE), and the
     endpoint records when each reminder's first request arrives (by its Topic header).
     Lateness = arrival - T: first / p50 / p99 / last (the first includes waiting for
     beat's next tick, up to REMINDER_DISPATCH_SECONDS). Target: all 20,000 within 60 s. The endpoint
     does not decrypt for speed, but keeps 25 bodies, decrypted at the end with the
     subscription's private key (RFC 8291): the requests are real pywebpush messages;
  2. e-mail: the same for the e-mail reminders at the SMTP server; throughput = mails
     / (last arrival - first arrival).

Bounded: each phase waits at most --timeout seconds; everything it started is stopped by PID.
Prints a Markdown table for bench/README.md. Not a test: it asserts nothing about time.
``measure()`` is the hook tests/notifications/test_bench_reminders.py runs with tiny counts.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE_BODIES = 25


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- receivers ---------------------------------------------------------------------------


@dataclass
class Arrivals:
    first: dict[str, float] = field(default_factory=dict)  # key -> first arrival (epoch s)
    total: int = 0
    bodies: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: str, body: bytes = b"") -> None:
        now = time.time()
        with self.lock:
            self.total += 1
            self.first.setdefault(key, now)
            if body and len(self.bodies) < SAMPLE_BODIES:
                self.bodies.append(body)


class PushEndpoint:
    """A Web Push service on 127.0.0.1 that answers 201 to every POST, keeps connections
    alive, and records each request's Topic (the reminder) and arrival time."""

    def __init__(self) -> None:
        self.arrivals = Arrivals()
        self.port = _free_port()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                length, topic = 0, ""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"topic":
                        topic = value.strip().decode()
                body = await reader.readexactly(length)
                self.arrivals.add(topic, body)
                writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        finally:
            writer.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def main() -> None:
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
            self.ready.set()
            await self.server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError, RuntimeError):
            self.loop.run_until_complete(main())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)


class MailSink:
    """aiosmtpd handler: records each mail's Message-ID and arrival time."""

    def __init__(self) -> None:
        self.arrivals = Arrivals()

    async def handle_DATA(self, server, session, envelope):
        content = envelope.content
        mid = ""
        for line in content.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                mid = line.split(b":", 1)[1].strip().decode()
        self.arrivals.add(mid)
        return "250 OK"


# --- processes -----------------------------------------------------------------------------


@contextlib.contextmanager
def process(argv: list[str], env: dict[str, str], log: Path, ready: bytes = b"") -> Iterator[int]:
    """A child in its own process group, waited for ``ready`` in its log; stopped by PID
    (SIGTERM to its group, SIGKILL after 20 s)."""
    out = log.open("wb")
    child = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while ready and ready not in log.read_bytes():
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{argv[:4]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
        yield child.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        out.close()


@contextlib.contextmanager
def own_redis(work: Path) -> Iterator[str]:
    port = _free_port()
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with process(argv, dict(os.environ), work / "redis.log", b"Ready to accept connections"):
        yield f"redis://127.0.0.1:{port}/0"


def _celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "conf", *args]


# --- the measurement -----------------------------------------------------------------------


def _arm(database_url: str, channel: str, at: dt.datetime) -> int:
    """Make every pending reminder of ``channel`` due at ``at`` (one UPDATE)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        cursor = conn.execute(
            "UPDATE planner_reminder SET fire_at = %s WHERE channel = %s AND state = 'pending'",
            (at, channel),
        )
        return cursor.rowcount


def _states(database_url: str, channel: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT state, count(*) FROM planner_reminder WHERE channel = %s GROUP BY state",
            (channel,),
        ).fetchall()
    return dict(rows)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (the worker's pool), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after "(comm)": state ppid ... utime is field 14 of the line, here index 11.
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _wait(arrivals: Arrivals, want: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(arrivals.first) < want and time.monotonic() < deadline:
        time.sleep(0.1)


@dataclass
class Phase:
    name: str
    due: int
    delivered: int
    requests: int
    first: float | None
    p50: float | None
    p99: float | None
    last: float | None
    rate: float | None
    states: dict[str, int]
    extra: str = ""
    cpu_ms: float | None = None  # worker CPU (all its processes) per delivered reminder
    load: str = ""  # the machine's 1-minute load average before and after

    def row(self) -> str:
        def s(v):
            return "–" if v is None else f"{v:.2f}"

        return (
            f"| {self.name} | {self.due:,} | {self.delivered:,} | {self.requests:,} "
            f"| {s(self.first)} | {s(self.p50)} "
            f"| {s(self.p99)} | {s(self.last)} | {s(self.rate)} | {s(self.cpu_ms)} | {self.load} "
            f"| {self.extra} |"
        )


def _phase(name: str, arrivals: Arrivals, due: int, at: dt.datetime, states, extra="") -> Phase:
    t0 = at.timestamp()
    with arrivals.lock:
        times = sorted(arrivals.first.values())
        total = arrivals.total
    late = [t - t0 for t in times]
    q = statistics.quantiles(late, n=100, method="inclusive") if len(late) > 1 else late * 99
    span = times[-1] - times[0] if len(times) > 1 else 0
    return Phase(
        name,
        due,
        len(times),
        total,
        late[0] if late else None,
        statistics.median(late) if late else None,
        q[98] if late else None,
        late[-1] if late else None,
        len(times) / span if span else None,
        states,
        extra,
    )


def measure(
    env: dict[str, str],
    work: Path,
    *,
    push: int,
    mails: int,
    concurrency: int = 2,
    timeout: float = 180,
    lead: float = 2.0,
) -> list[Phase]:
    """Seed, start worker + beat, run the push then the e-mail phase. ``env`` has a migrated
    PostgreSQL DATABASE_URL and the REDIS_URL to use as broker; both must be empty of
    other reminders."""
    from aiosmtpd.controller import Controller
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from planner.management.commands.vapid_keys import generate

    endpoint = PushEndpoint()
    sink = MailSink()
    smtp_port = _free_port()
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    browser = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    p256dh = b64url(
        browser.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    public, private = generate()
    env = {
        **env,
        "VAPID_PUBLIC_KEY": public,
        "VAPID_PRIVATE_KEY": private,
        "VAPID_SUBJECT": "mailto:bench@example.org",
        "PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "PYTHONUNBUFFERED": "1",
    }
    database_url = env["DATABASE_URL"]
    phases = []
    try:
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                str(HERE / "seed.py"),
                f"--push={push}",
                f"--mails={mails}",
                f"--endpoint={endpoint.url}",
                f"--p256dh={p256dh}",
                f"--auth={b64url(auth)}",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(
            f"seeded {push + mails:,} reminders in {time.monotonic() - started:.1f} s", flush=True
        )
        worker = _celery(
            "worker",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"bench-{os.getpid()}@%h",
        )
        beat = _celery("beat", "-l", "info", "--schedule", str(work / "celerybeat-schedule"))
        with (
            process(worker, env, work / "worker.log", b" ready.") as worker_pid,
            process(beat, env, work / "beat.log", b"beat: Starting"),
        ):
            for name, channel, want, arrivals in (
                ("push", "push", push, endpoint.arrivals),
                ("e-mail", "email", mails, sink.arrivals),
            ):
                if not want:
                    continue
                at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=lead)
                cpu_before, load_before = _cpu_seconds(worker_pid), os.getloadavg()[0]
                armed = _arm(database_url, channel, at)
                print(f"{name}: {armed:,} reminders due at {at:%H:%M:%S} UTC", flush=True)
                _wait(arrivals, want, timeout + lead)
                time.sleep(0.5)  # stragglers and the last marks
                extra = ""
                if channel == "push":
                    extra = f"{_decrypt_sample(endpoint.arrivals.bodies, browser, auth)} decrypted"
                phase = _phase(name, arrivals, want, at, _states(database_url, channel), extra)
                if phase.delivered:
                    phase.cpu_ms = 1000 * (_cpu_seconds(worker_pid) - cpu_before) / phase.delivered
                phase.load = f"{load_before:.1f} → {os.getloadavg()[0]:.1f}"
                print(phase.row(), flush=True)
                phases.append(phase)
    finally:
        endpoint.close()
        smtp.stop()
    return phases


def _decrypt_sample(bodies: list[bytes], key, auth: bytes) -> int:
    """How many of the kept bodies decrypt (aes128gcm) into a reminder payload."""
    import http_ece

    ok = 0
    for body in bodies:
        plain = http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
        if json.loads(plain).get("kind") == "reminder":
            ok += 1
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--push", type=int, default=20000)
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")
    import common  # bench/common.py

    work = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    var = work / "var"
    var.mkdir()
    with own_redis(work) as redis_url:
        env = common.fresh_stack(args.postgres, redis_url, var)
        phases = measure(
            env,
            work,
            push=args.push,
            mails=args.mails,
            concurrency=args.concurrency,
            timeout=args.timeout,
        )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print()
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, worker --concurrency {args.concurrency}, "
        f"REMINDER_DISPATCH_SECONDS={os.environ.get('REMINDER_DISPATCH_SECONDS', '15')}, "
        f"REMINDER_DISPATCH_BATCH={os.environ.get('REMINDER_DISPATCH_BATCH', '200')}; logs in {work}"
    )
    print()
    print(
        "| phase | due | delivered | requests | first late s | p50 late s | p99 late s "
        "| last late s | per s | worker CPU ms each | load avg | notes |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for phase in phases:
        print(phase.row())
    for phase in phases:
        print(f"{phase.name} rows: {phase.states}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
