#!/usr/bin/env python
"""Start web (gunicorn), Celery worker and Celery beat; stop them all on Ctrl-C.

`make run` calls this after installing, building, migrating and seeding. It binds
127.0.0.1 only, waits until /healthz answers, prints the URL and demo logins, and on
SIGINT/SIGTERM (or when any child dies) stops every child it started, by PID.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PORT = int(os.environ.get("PORT", "8000"))
STOP_TIMEOUT = 15.0
COLOURS = {"web": "\033[36m", "worker": "\033[35m", "beat": "\033[33m"}
RESET = "\033[0m"


def _var_dir() -> Path:
    return Path(os.environ.get("BOARDWALK_VAR_DIR", ROOT / "var")).resolve()


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _commands() -> dict[str, list[str]]:
    py = sys.executable
    return {
        "web": [
            py,
            "-m",
            "gunicorn",
            "conf.wsgi:application",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--access-logfile",
            "-",
            # Private feed URLs carry their token in the path: never write it to a log.
            "--logger-class",
            "conf.logging.RedactingGunicornLogger",
            "--graceful-timeout",
            "5",
        ],
        "worker": [
            py,
            "-m",
            "celery",
            "-A",
            "conf",
            "worker",
            "-l",
            "info",
            "--concurrency",
            os.environ.get("WORKER_CONCURRENCY", "2"),
        ],
        "beat": [py, "-m", "celery", "-A", "conf", "beat", "-l", "info"],
    }


VAPID_FILE = "vapid.env"
VAPID_NAMES = ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY")


def _ensure_vapid_keys(var: Path) -> None:
    """Web Push needs a VAPID key pair: when the environment sets none, make one for this
    machine once, in var/vapid.env (`manage.py vapid_keys --write`), kept across runs so the
    browsers' subscriptions stay valid."""
    if all(os.environ.get(name) for name in VAPID_NAMES) or (var / VAPID_FILE).exists():
        return
    subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "manage.py", "vapid_keys", "--write", str(var / VAPID_FILE)],
        cwd=ROOT,
        check=True,
    )


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and not name.lstrip().startswith("#"):
                values[name.strip()] = value.strip()
    return values


def _child_env() -> dict[str, str]:
    """The children's environment: SITE_URL (QR codes, webcal, reset links) defaults to the
    address web is bound to here, so the links follow PORT; mail goes to files in var/mail/
    unless EMAIL_BACKEND is set; the VAPID keys come from var/vapid.env unless set."""
    env = dict(os.environ)
    env["PORT"] = str(PORT)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = f"http://{HOST}:{PORT}"
    var = _var_dir()
    if not env.get("EMAIL_BACKEND"):
        env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        env.setdefault("EMAIL_FILE_PATH", str(var / "mail"))
    if not all(env.get(name) for name in VAPID_NAMES):
        keys = _read_env_file(var / VAPID_FILE)
        if all(keys.get(name) for name in VAPID_NAMES):
            env.update({name: keys[name] for name in VAPID_NAMES})
    return env


def _pump(name: str, stream, colour: bool) -> None:
    prefix = f"{COLOURS[name]}{name:<6}|{RESET} " if colour else f"{name:<6}| "
    for raw in iter(stream.readline, b""):
        sys.stdout.write(prefix + raw.decode("utf-8", "replace"))
        sys.stdout.flush()


def _wait_healthy(url: str, children: dict[str, subprocess.Popen], timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in children.values()):
            return None
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback URL
                return json.load(response)
        except (urllib.error.URLError, OSError, ValueError):
            time.sleep(0.5)
    return None


def _stop(children: dict[str, subprocess.Popen]) -> None:
    for process in children.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in children.values():
        # Each child leads its own process group: this also ends gunicorn/celery pool children.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _banner(base: str, health: dict) -> str:
    from planner.demo_accounts import DEMO_ACCOUNTS  # a leaf module: no Django setup needed

    lines = [
        "",
        "=" * 72,
        f"  Boardwalk is running at {base}/",
        f"    PWA        {base}/",
        f"    admin      {base}/admin/",
        f"    API        {base}/api/v1/   (docs: {base}/api/v1/docs/)",
        f"    health     {base}/healthz   (database: {health['database']['detail']}, broker: {health['broker']['detail']})",
        "  Demo logins (user / password):",
        *[
            f"    {role:<10} {user} / {password}"
            for role, (user, password) in DEMO_ACCOUNTS.items()
        ],
        "  Press Ctrl-C to stop web, worker and beat.",
        "=" * 72,
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    if not _port_free(HOST, PORT):
        print(
            f"devrun: {HOST}:{PORT} is already in use (another `make run`?). Stop it, or use PORT=8001 make run.",
            file=sys.stderr,
        )
        return 2
    var = _var_dir()
    var.mkdir(parents=True, exist_ok=True)
    _ensure_vapid_keys(var)
    colour = sys.stdout.isatty()
    children: dict[str, subprocess.Popen] = {}
    stopping = threading.Event()

    def on_signal(signum, frame):
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        for name, argv in _commands().items():
            process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
                argv,
                cwd=ROOT,
                env=_child_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            children[name] = process
            threading.Thread(target=_pump, args=(name, process.stdout, colour), daemon=True).start()
        (var / "devrun.pids").write_text(json.dumps({n: p.pid for n, p in children.items()}))
        base = f"http://{HOST}:{PORT}"
        health = _wait_healthy(f"{base}/healthz", children, timeout=90)
        if health is None:
            dead = [n for n, p in children.items() if p.poll() is not None]
            print(
                f"devrun: not healthy after 90 s (exited: {', '.join(dead) or 'none'}); stopping.",
                file=sys.stderr,
            )
            return 1
        print(_banner(base, health), flush=True)
        while not stopping.is_set():
            dead = [n for n, p in children.items() if p.poll() is not None]
            if dead:
                print(f"devrun: {', '.join(dead)} exited; stopping the rest.", file=sys.stderr)
                return 1
            stopping.wait(0.5)
        print("\ndevrun: stopping web, worker and beat…", flush=True)
        return 0
    finally:
        _stop(children)
        (var / "devrun.pids").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
