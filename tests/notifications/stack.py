"""The real reminder stack for the fault tests: due reminders in PostgreSQL, a Redis of the
test's own as broker, a real Celery worker process (prefork, 2 children: what `make run` and
docker-compose run) that can be killed with SIGKILL and started again, a stand-in for beat
sending the sweep task, and what the loopback receivers (tests/notifications/conftest.py:
PushService, Inbox) saw, counted per reminder the way a user sees it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from celery import Celery
from django.utils import timezone

from conf.env import BASE_DIR
from planner.enums import Channel, ReminderState
from planner.models import Notification, PushSubscription, Reminder
from tests import factories as f
from tests.live_server import database_url
from tests.notifications.conftest import Browser
from tests.worker import subprocess_env

DISPATCH_TASK = "planner.reminders.dispatch_due"


@dataclass
class Fleet:
    """``n`` attendees, each with one planned session, a push subscription and an e-mail
    address, and a reminder per channel (push, e-mail, in-app)."""

    items: dict[int, object] = field(default_factory=dict)  # plan item pk -> PlanItem
    browsers: dict[str, Browser] = field(default_factory=dict)  # endpoint path -> browser
    path_of: dict[int, str] = field(default_factory=dict)  # plan item pk -> endpoint path
    email_of: dict[int, str] = field(default_factory=dict)  # plan item pk -> address
    reminders: list[int] = field(default_factory=list)

    def __or__(self, other: Fleet) -> Fleet:
        return Fleet(
            self.items | other.items,
            self.browsers | other.browsers,
            self.path_of | other.path_of,
            self.email_of | other.email_of,
            self.reminders + other.reminders,
        )


def make_fleet(
    n: int, push_service, *, fire_at: dt.datetime | None = None, prefix: str = "fault"
) -> Fleet:
    now = timezone.now()
    fire_at = fire_at or now - dt.timedelta(seconds=30)
    conference = f.ConferenceFactory(name=f"{prefix} con", timezone="Asia/Jerusalem")
    session = f.SessionFactory(
        conference=conference, title="Keynote", start=fire_at + dt.timedelta(minutes=10)
    )
    fleet = Fleet()
    rows = []
    subscriptions = []
    for i in range(n):
        user = f.UserFactory(username=f"{prefix}{i}")
        attendee = f.AttendeeFactory(
            conference=conference,
            user=user,
            reminder_channels=[Channel.PUSH, Channel.EMAIL, Channel.IN_APP],
        )
        item = f.PlanItemFactory(attendee=attendee, session=session)
        browser = Browser()
        path = f"/push/{user.pk}"
        subscriptions.append(
            PushSubscription(
                user=user,
                endpoint=push_service.url(path),
                p256dh=browser.p256dh,
                auth=browser.auth_b64,
            )
        )
        fleet.items[item.pk] = item
        fleet.browsers[path] = browser
        fleet.path_of[item.pk] = path
        fleet.email_of[item.pk] = user.email
        rows += [Reminder(plan_item=item, channel=c, fire_at=fire_at) for c in Channel.values]
    PushSubscription.objects.bulk_create(subscriptions)
    fleet.reminders = [r.pk for r in Reminder.objects.bulk_create(rows)]
    return fleet


def worker_env(tmp_path: Path, *, broker: str, smtp_port: int, vapid, **extra: str):
    public, private = vapid
    return subprocess_env(
        tmp_path,
        DATABASE_URL=database_url(),
        REDIS_URL=broker,
        VAPID_PUBLIC_KEY=public,
        VAPID_PRIVATE_KEY=private,
        VAPID_SUBJECT="mailto:ops@example.org",
        PUSH_ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",
        SITE_URL="http://boardwalk.test",
        **extra,
    )


class Worker:
    """``celery worker`` with the production pool (prefork, 2 children) in its own process
    group, so SIGKILL reaches the master and the child running the sweep at once."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.exits: list[int] = []  # exit codes of workers that stopped by themselves

    def start(self, timeout: float = 30) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "conf",
                    "worker",
                    "--concurrency=2",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "info",
                    "-n",
                    f"fault-{os.getpid()}-{self.starts}@%h",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log.read_bytes()[offset:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start:\n{self.tail()}")
            time.sleep(0.05)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.poll() is None else None

    def kill9(self) -> bool:
        """SIGKILL to the worker's whole group (master and pool children). False when it
        was already gone."""
        process = self.process
        if process is None:
            return False
        try:
            os.killpg(process.pid, signal.SIGKILL)
            killed = True
        except ProcessLookupError:
            killed = False
        process.wait()
        return killed

    def children(self) -> list[int]:
        """The pool processes (the master's children), from /proc."""
        if self.pid is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                found.append(int(entry.name))
        return found

    def kill9_pool(self) -> bool:
        """SIGKILL to every pool process, not the master: as the kernel's OOM killer would
        pick the child holding the sweep. The master starts new children; the sweep's
        message was acknowledged when it started (planner.tasks), the next one replaces it."""
        children = self.children()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return bool(children)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def supervise(self) -> None:
        """What docker-compose's ``restart: unless-stopped`` does: a worker that exited by
        itself is started again (its exit code is kept)."""
        if self.process is not None and self.process.poll() is not None:
            self.exits.append(self.process.returncode)
            self.process = None
            self.start()

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class Beat(threading.Thread):
    """What beat does for reminders, faster: send the sweep task every ``every`` seconds,
    expiring when the next one is due. A send that fails (broker down) is counted and the
    next tick tries again, as beat does."""

    def __init__(self, broker: str, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.sent = 0
        self.failed = 0
        self.halt = threading.Event()
        self.broker = broker
        self.client = self._client()

    def _client(self) -> Celery:
        client = Celery("boardwalk-fault-beat", broker=self.broker, set_as_current=False)
        client.conf.update(
            broker_connection_timeout=1,
            broker_connection_retry=False,
            broker_transport_options={"socket_connect_timeout": 1, "socket_timeout": 2},
        )
        return client

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                self.client.send_task(
                    DISPATCH_TASK, ignore_result=True, expires=self.every * 2, retry=False
                )
                self.sent += 1
            except Exception:  # broker down: the next tick sends again, on a new connection
                self.failed += 1
                self.client.close()
                self.client = self._client()
            self.halt.wait(self.every)

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=10)
        self.client.close()


def wait_until_settled(timeout: float, worker: Worker | None = None) -> dict[str, int]:
    """Wait until no reminder is pending or sending; the final count per state."""
    deadline = time.monotonic() + timeout
    while True:
        states = dict(Counter(Reminder.objects.values_list("state", flat=True)))
        if not states.get(ReminderState.PENDING) and not states.get(ReminderState.SENDING):
            return states
        if worker is not None:
            worker.supervise()
        if time.monotonic() > deadline:
            tail = worker.tail() if worker else ""
            raise AssertionError(f"reminders not settled after {timeout} s: {states}\n{tail}")
        time.sleep(0.2)


@dataclass
class Seen:
    """What the receivers got: on the wire, and as a user sees it."""

    push_requests: int
    push_shown: dict[str, set[str]]  # endpoint path -> distinct notification tags
    push_per_tag: Counter  # (path, tag) -> requests
    mails: int
    mail_shown: dict[str, set[str]]  # recipient -> distinct Message-IDs
    mail_per_id: Counter  # Message-ID -> copies
    in_app: dict[int, int]  # attendee -> notifications

    @property
    def push_repeats(self) -> int:
        return self.push_requests - sum(len(tags) for tags in self.push_shown.values())

    @property
    def mail_repeats(self) -> int:
        return self.mails - len(self.mail_per_id)


def seen(fleet: Fleet, push_service, inbox) -> Seen:
    """Decrypt every push with its subscription's key (only it can) and read its tag, the
    notification the service worker shows (a repeat of a tag replaces, it does not stack);
    group mails by Message-ID (a mail store keeps one). Copies must be the same message."""
    push_shown: dict[str, set[str]] = defaultdict(set)
    per_tag: Counter = Counter()
    with push_service.lock:
        requests = list(push_service.requests)
    for request in requests:
        payload = fleet.browsers[request.path].decrypt(request.body)
        assert request.headers.get("topic") == payload["tag"], (request.headers, payload)
        assert payload["kind"] == "reminder", payload
        assert payload["title"] == "Keynote", payload
        push_shown[request.path].add(payload["tag"])
        per_tag[(request.path, payload["tag"])] += 1
    mail_shown: dict[str, set[str]] = defaultdict(set)
    per_id: Counter = Counter()
    first: dict[str, tuple[str, str]] = {}
    for message in list(inbox.messages):
        mid = message["Message-ID"]
        assert mid, "a reminder mail without a Message-ID"
        what = (message["To"], message["Subject"])
        assert first.setdefault(mid, what) == what, f"{mid} reused for another mail"
        mail_shown[message["To"]].add(mid)
        per_id[mid] += 1
    in_app = dict(Counter(Notification.objects.values_list("attendee_id", flat=True)))
    return Seen(
        len(requests),
        dict(push_shown),
        per_tag,
        len(inbox.messages),
        dict(mail_shown),
        per_id,
        in_app,
    )


def expected(fleet: Fleet) -> tuple[dict[str, set[str]], dict[str, int], dict[int, int]]:
    """Each attendee's one reminder: a push tag on their subscription, one mail, one in-app."""
    push = {fleet.path_of[pk]: {f"reminder-{pk}"} for pk in fleet.items}
    mail = {fleet.email_of[pk]: 1 for pk in fleet.items}
    in_app = {item.attendee_id: 1 for item in fleet.items.values()}
    return push, mail, in_app
