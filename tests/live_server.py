"""A real gunicorn serving the project on 127.0.0.1 for a test, stopped by PID."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from conf.env import BASE_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The current (test) database as a URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def gunicorn(
    env: dict[str, str], log: Path, workers: int = 2, port: int | None = None
) -> Iterator[str]:
    """Serve on ``port`` (a free one by default; pass the same one again to "redeploy" on the
    origin a browser already knows)."""
    port = port or free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            [
                sys.executable,
                "-m",
                "gunicorn",
                "conf.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--graceful-timeout",
                "5",
                # Let the app, not gunicorn's 4 KB request-line limit, answer fuzzed long URLs.
                "--limit-request-line",
                "0",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - loopback
                        break
                except (urllib.error.URLError, OSError):
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"gunicorn not ready: {log.read_text()[-2000:]}"
                        ) from None
                    time.sleep(0.3)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
