"""Redis (cache and broker) goes away under a running stack and comes back: a real gunicorn
and a real Celery worker against the test database, and a Redis of the test's own.

While it is down: reads and feeds are computed without the cache, accounts answer with
their throttles failing open, an import is recorded and answers 202 at once, and nothing
answers 500 or hangs. When it is back: the worker reconnects and the sweeper (the task beat
runs every DISPATCH_SWEEP_SECONDS) sends the waiting import, which completes."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import time
import urllib.error
import urllib.request

import pytest
import redis
from celery import Celery
from django.conf import global_settings

from planner.models import ImportRun, Session
from planner.services.accounts import api_token_create
from tests import factories as f
from tests.infra import REAL_DATA
from tests.live_server import database_url, gunicorn
from tests.redis_server import OwnRedis
from tests.test_redis_down import private_feed_with
from tests.worker import celery_worker, subprocess_env

PASSWORD = "correct horse battery staple"
BOUND = 5.0  # seconds: a sanity bound against the 19 s hangs, not a benchmark


class Browser:
    """urllib with cookies and CSRF, enough for the accounts endpoints."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(
        self, method: str, path: str, body: dict | bytes | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes, float]:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        if isinstance(body, dict):
            headers.setdefault("Content-Type", "application/json")
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), None)
        if csrf and method != "GET":
            headers["X-CSRFToken"] = csrf
        req = urllib.request.Request(  # noqa: S310 - our own loopback server
            self.base + path, data=data, method=method, headers=headers
        )
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=30) as response:
                status, head, content = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, head, content = error.code, dict(error.headers), error.read()
        return status, head, content, time.monotonic() - started


def _multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----boardwalk-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/xml\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_outage_reads_answer_and_queued_import_runs_when_it_returns(tmp_path, settings):
    # gunicorn checks the password with the project's hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    # --- the data: a program, an attendee's plan and private feed, an organizer's token --------
    conference = f.ConferenceFactory()
    talk = f.SessionFactory(conference=conference, title="Keynote")
    private = private_feed_with(talk)
    f.UserFactory(username="ada", email="ada@example.org")
    target = f.ConferenceFactory(  # GOOD 2025's zone and dates: the file is its program
        timezone="America/New_York", start_date=dt.date(2025, 3, 17), end_date=dt.date(2025, 3, 20)
    )
    organizer = f.UserFactory(username="org")
    target.organizers.add(organizer)
    _, token = api_token_create(user=organizer, name="imports")
    schedule = (REAL_DATA / "good-2025/schedule.xml").read_bytes()

    media = tmp_path / "media"
    server = OwnRedis(tmp_path / "redis.log").start()
    env = subprocess_env(
        tmp_path,
        DATABASE_URL=database_url(),
        REDIS_URL=server.url,
        MEDIA_ROOT=str(media),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    logs = {name: tmp_path / f"{name}.log" for name in ("web", "worker")}
    try:
        with gunicorn(env, logs["web"]) as base, celery_worker(env, logs["worker"]):
            browser = Browser(base)
            reads = {
                "bundle": f"/api/v1/conferences/{conference.slug}/bundle",
                "private feed": private,
                "public feed": f"/feeds/conference/{conference.slug}.ics",
                "room feed": f"/feeds/conference/{conference.slug}/room/{talk.room_id}.ics",
            }
            # --- Redis up: warm the cache --------------------------------------------------
            warm = {name: browser.request("GET", path) for name, path in reads.items()}
            assert {name: r[0] for name, r in warm.items()} == dict.fromkeys(reads, 200)
            assert redis.Redis.from_url(server.url).dbsize() >= len(reads)  # really cached

            # --- Redis down ----------------------------------------------------------------
            server.stop()
            down = {name: browser.request("GET", path) for name, path in reads.items()}
            csrf = browser.request("GET", "/api/v1/auth/csrf")
            login = browser.request(
                "POST", "/api/v1/auth/login", {"email": "ada@example.org", "password": PASSWORD}
            )
            signup = Browser(base)
            signup.request("GET", "/api/v1/auth/csrf")
            signed_up = signup.request(
                "POST",
                "/api/v1/auth/signup",
                {"email": "grace@example.org", "password": "a long enough passphrase"},
            )
            reset = browser.request(
                "POST", "/api/v1/auth/password-reset", {"email": "ada@example.org"}
            )
            body, content_type = _multipart("file", "schedule.xml", schedule)
            imported = Browser(base).request(  # a script: the token, no session
                "POST",
                f"/api/v1/conferences/{target.slug}/imports/",
                body,
                **{"Content-Type": content_type, "Authorization": f"Token {token}"},
            )

            timings = {
                **{name: r[3] for name, r in down.items()},
                "csrf": csrf[3],
                "login": login[3],
                "signup": signed_up[3],
                "password reset": reset[3],
                "import": imported[3],
            }
            print("seconds with Redis down:", {k: round(v, 2) for k, v in timings.items()})
            assert {name: r[0] for name, r in down.items()} == dict.fromkeys(reads, 200)
            bundle = json.loads(down["bundle"][2])  # urllib does not ask for gzip
            assert bundle["version"] == conference.schedule_version
            assert [s["title"] for s in bundle["sessions"]] == ["Keynote"]
            assert down["private feed"][2] == warm["private feed"][2]
            assert down["public feed"][2] == warm["public feed"][2]
            assert down["room feed"][2] == warm["room feed"][2]
            assert csrf[0] == 200
            assert (login[0], json.loads(login[2]).get("email")) == (200, "ada@example.org"), login
            assert (signed_up[0], json.loads(signed_up[2]).get("email")) == (
                201,
                "grace@example.org",
            ), signed_up
            assert reset[0] == 202
            assert imported[0] == 202, imported[2]
            run_body = json.loads(imported[2])
            assert (run_body["status"], run_body["stage"]) == (
                "pending",
                "queued, waiting for the broker",
            )
            slow = {name: t for name, t in timings.items() if t >= BOUND}
            assert not slow, f"slower than {BOUND} s with Redis down: {slow}"
            run = ImportRun.objects.get(pk=run_body["id"])
            assert (run.status, run.dispatched_at, run.dispatch_attempts) == ("pending", None, 1)

            # --- Redis back: the sweeper sends the run, the worker reconnects and runs it ---
            server.start()
            client = Celery("boardwalk-test-client", broker=server.url, set_as_current=False)
            client.send_task("planner.imports.dispatch_pending", ignore_result=True)
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                run.refresh_from_db()
                if run.status not in ("pending", "running"):
                    break
                time.sleep(0.25)
    finally:
        server.stop()

    worker_log = logs["worker"].read_text()
    assert run.status == "succeeded", worker_log[-3000:]
    assert run.dispatch_attempts == 2
    assert run.dispatched_at is not None
    assert Session.objects.filter(conference=target).count() == 72
    web_log = logs["web"].read_text()
    assert "Internal Server Error" not in web_log
    assert "cache unavailable" in web_log
