"""Fixtures for the delivery channels: VAPID keys, a Web Push endpoint and an SMTP server on
loopback, and the reminder-row functions the dispatcher calls."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from planner.management.commands.vapid_keys import generate


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def reminder_rows():
    """planner.services.reminders, the module the dispatch tests drive."""
    import planner.services.reminders as rows

    return rows


@pytest.fixture
def vapid(settings):
    public, private = generate()
    settings.VAPID_PUBLIC_KEY = public
    settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_SUBJECT = "mailto:ops@example.org"
    return public, private


@dataclass
class Browser:
    """A browser's side of a push subscription: its key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)

    def decrypt(self, body: bytes) -> dict:
        """RFC 8291 aes128gcm: only the subscription's private key and secret can read it."""
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@dataclass
class PushRequest:
    path: str
    headers: dict[str, str]
    body: bytes


class PushService:
    """A Web Push endpoint on 127.0.0.1: records every POST, answers ``status[path]`` (201).
    ``before_answer(request)``, when set, runs after recording and before answering (the
    fault-injection tests kill the worker there)."""

    def __init__(self) -> None:
        self.requests: list[PushRequest] = []
        self.status: dict[str, int] = {}
        self.before_answer = None
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request: nothing was delivered
                    self.close_connection = True
                    return
                request = PushRequest(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                with service.lock:
                    service.requests.append(request)
                if service.before_answer is not None:
                    service.before_answer(request)
                code = service.status.get(self.path, 201)
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "/push/redirected")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def to(self, path: str) -> list[PushRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def subscribe(user, push_service: PushService, path: str) -> Browser:
    """A push subscription of ``user`` at ``push_service``'s ``path``; the browser holding
    its keys (to decrypt what arrives there)."""
    from planner.models import PushSubscription

    browser = Browser()
    PushSubscription.objects.create(
        user=user,
        endpoint=push_service.url(path),
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
    )
    return browser


@pytest.fixture
def push_service(settings):
    service = PushService()
    settings.PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
    yield service
    service.close()


class Inbox:
    """aiosmtpd handler: keeps every message; RCPT to an address in ``refuse`` answers it.
    ``before_answer(message)``, when set, runs after keeping a message and before the 250."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}
        self.before_answer = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        if self.before_answer is not None:
            self.before_answer(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks the one it is given)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@dataclass
class PosterPlan:
    conference: object
    session: object
    poster: object
    attendee: object
    item: object


def make_poster_plan(*, when=None, email: str = "ada@example.org") -> PosterPlan:
    """An attendee (Asia/Jerusalem conference) who starred poster 042 in Hall B, 26 Oct
    14:30 local: after the end of summer time (UTC+2), so 12:30 UTC."""
    import datetime as dt

    from planner.enums import SessionKind
    from tests.factories import (
        DAY1,
        AttendeeFactory,
        ConferenceFactory,
        PlanItemFactory,
        PosterFactory,
        RoomFactory,
        SessionFactory,
        UserFactory,
        local,
    )

    conference = ConferenceFactory(name="ECCV 2026")
    session = SessionFactory(
        conference=conference,
        kind=SessionKind.POSTER,
        title="Poster session 4",
        start=when or local(DAY1 + dt.timedelta(days=4), 14, 30),
        room=RoomFactory(conference=conference, name="Hall B"),
    )
    poster = PosterFactory(session=session, board="042", paper=None, title="Sparse attention")
    user = UserFactory(email=email)
    attendee = AttendeeFactory(conference=conference, user=user, display_name="Ada")
    item = PlanItemFactory(attendee=attendee, session=None, poster=poster)
    return PosterPlan(conference, session, poster, attendee, item)


@pytest.fixture
def poster_plan(db) -> PosterPlan:
    return make_poster_plan()
