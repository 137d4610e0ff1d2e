"""`make run`'s supervisor: web, worker and beat on the embedded default (SQLite + filesystem
broker), serving the PWA, admin, API and /healthz, and all stopped by Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conf.env import BASE_DIR
from planner.demo import ATTENDEE_USERNAME
from tests.worker import subprocess_env

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _notifications_of(env: dict[str, str], username: str) -> int:
    """How many in-app reminders the account has, read by a process of the app's own."""
    code = (
        "from planner.models import Notification;"
        "print(Notification.objects.filter("
        f"attendee__user__username={username!r}, kind='reminder').count())"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(run.stdout.strip().splitlines()[-1])


def test_devrun_serves_everything_and_stops_on_ctrl_c(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text('<!doctype html><title>Boardwalk</title><div id="app"></div>')
    port = _free_port()
    env = subprocess_env(
        tmp_path / "var",
        PORT=str(port),
        FRONTEND_DIST=str(dist),
        HEARTBEAT_SECONDS="1",
        WEB_CONCURRENCY="1",
        WORKER_CONCURRENCY="1",
    )
    # As `make run`: migrate, then the demo (its attendee has an item whose reminder falls
    # due 30 s after the seed).
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "-v0"]):
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True
        )
    seeded = _notifications_of(env, ATTENDEE_USERNAME)  # the demo's own, already read or not
    log = (tmp_path / "devrun.log").open("wb")
    devrun = subprocess.Popen(
        [sys.executable, "scripts/devrun.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while b"Boardwalk is running" not in (tmp_path / "devrun.log").read_bytes():
            assert devrun.poll() is None, (tmp_path / "devrun.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "devrun.log").read_text()
            time.sleep(0.5)
        pids = json.loads((tmp_path / "var" / "devrun.pids").read_text())

        assert _get(f"{base}/")[0] == 200
        assert b'id="app"' in _get(f"{base}/")[1]
        assert _get(f"{base}/admin/login/")[0] == 200
        assert _get(f"{base}/api/v1/")[0] == 200
        status, body = _get(f"{base}/healthz")
        assert status == 200
        health = json.loads(body)
        assert health["database"]["detail"] == "sqlite"
        assert health["broker"]["detail"] == "filesystem"
        # beat → filesystem broker → worker → shared cache → web
        deadline = time.monotonic() + 60
        while json.loads(_get(f"{base}/healthz")[1])["worker"]["last_seen"] is None:
            assert time.monotonic() < deadline, (tmp_path / "devrun.log").read_text()
            time.sleep(1)
        # beat's reminder sweep → worker → the demo attendee's in-app notification, in a minute.
        deadline = time.monotonic() + 60
        while _notifications_of(env, ATTENDEE_USERNAME) == seeded:
            assert time.monotonic() < deadline, (tmp_path / "devrun.log").read_text()
            time.sleep(2)
    finally:
        devrun.send_signal(signal.SIGINT)
        code = devrun.wait(timeout=40)
        log.close()

    assert code == 0, (tmp_path / "devrun.log").read_text()
    assert set(pids) == {"web", "worker", "beat"}
    assert not [name for name, pid in pids.items() if _alive(pid)]
    with pytest.raises(urllib.error.URLError):
        _get(f"{base}/healthz")


def test_devrun_refuses_busy_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = subprocess_env(tmp_path / "var", PORT=str(port))
        result = subprocess.run(
            [sys.executable, "scripts/devrun.py"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            timeout=60,
        )

    assert result.returncode == 2
    assert b"already in use" in result.stderr


def _site_url(tmp_path, **env: str) -> str:
    """SITE_URL as the settings compute it in a fresh process with this environment."""
    child = subprocess_env(tmp_path / "var", **env)
    for name in ("SITE_URL", "PORT", "HOST"):
        if name not in env:
            child.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=BASE_DIR,
        env=child,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_site_url_follows_port_when_not_set(tmp_path):
    # `PORT=8001 make run`: badge QR codes, webcal and reset links must point at port 8001.
    assert _site_url(tmp_path, PORT="8001") == "http://127.0.0.1:8001"
    assert _site_url(tmp_path, PORT="8001", HOST="localhost") == "http://localhost:8001"
    assert _site_url(tmp_path) == "http://127.0.0.1:8000"


def test_site_url_set_explicitly_wins_over_port(tmp_path):
    assert (
        _site_url(tmp_path, PORT="8001", SITE_URL="https://boardwalk.example.org/")
        == "https://boardwalk.example.org"
    )


def test_devrun_children_get_the_site_url_of_its_port(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("devrun", BASE_DIR / "scripts" / "devrun.py")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("SITE_URL", raising=False)
    devrun = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(devrun)

    env = devrun._child_env()

    assert env["SITE_URL"] == "http://127.0.0.1:8123"
    assert _site_url(tmp_path, **{k: env[k] for k in ("PORT", "SITE_URL")}) == (
        "http://127.0.0.1:8123"
    )


def _load_devrun(monkeypatch, var):
    import importlib.util

    spec = importlib.util.spec_from_file_location("devrun", BASE_DIR / "scripts" / "devrun.py")
    monkeypatch.setenv("BOARDWALK_VAR_DIR", str(var))
    for name in ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "EMAIL_BACKEND", "EMAIL_FILE_PATH"):
        monkeypatch.delenv(name, raising=False)
    devrun = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(devrun)
    return devrun


def test_devrun_makes_a_vapid_key_pair_once_and_hands_it_to_the_children(tmp_path, monkeypatch):
    devrun = _load_devrun(monkeypatch, tmp_path)

    devrun._ensure_vapid_keys(tmp_path)
    first = (tmp_path / "vapid.env").read_text()
    devrun._ensure_vapid_keys(tmp_path)  # kept: browsers' subscriptions depend on it
    env = devrun._child_env()

    assert (tmp_path / "vapid.env").read_text() == first
    assert (tmp_path / "vapid.env").stat().st_mode & 0o777 == 0o600
    assert f"VAPID_PUBLIC_KEY={env['VAPID_PUBLIC_KEY']}\n" in first
    assert f"VAPID_PRIVATE_KEY={env['VAPID_PRIVATE_KEY']}\n" in first
    assert len(env["VAPID_PUBLIC_KEY"]) == 87  # 65 bytes, base64url without padding


def test_devrun_writes_mail_to_var_mail_unless_a_backend_is_set(tmp_path, monkeypatch):
    devrun = _load_devrun(monkeypatch, tmp_path)

    env = devrun._child_env()
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    configured = devrun._child_env()

    assert env["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert env["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    assert configured["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert "EMAIL_FILE_PATH" not in configured
