"""Web Push: a real, encrypted push to an endpoint on 127.0.0.1 that decrypts it with the
subscription's private key; what the push service answers decides the subscription's fate."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from planner.models import PushSubscription, Reminder
from planner.notifications import Outcome, push
from planner.notifications.content import REMINDER_RELATED, reminder_message
from tests.factories import ReminderFactory
from tests.notifications.conftest import Browser, b64url_decode

pytestmark = pytest.mark.django_db


def _message(plan):
    reminder = ReminderFactory(
        plan_item=plan.item, fire_at=plan.session.start - dt.timedelta(minutes=10)
    )
    return reminder_message(Reminder.objects.select_related(*REMINDER_RELATED).get(pk=reminder.pk))


def _subscribe(plan, service, path="/push/sub-1", browser=None):
    browser = browser or Browser()
    subscription = PushSubscription.objects.create(
        user=plan.attendee.user,
        endpoint=service.url(path),
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
    )
    return browser, subscription


def test_push_reaches_the_endpoint_encrypted_and_decrypts_to_the_reminder(
    poster_plan, vapid, push_service
):
    browser, subscription = _subscribe(poster_plan, push_service)

    delivery = push.deliver(_message(poster_plan))

    assert delivery.outcome == Outcome.SENT
    [request] = push_service.to("/push/sub-1")
    assert request.headers["content-encoding"] == "aes128gcm"
    assert b"Poster 042" not in request.body  # encrypted on the wire
    payload = browser.decrypt(request.body)
    assert payload["title"] == "Poster 042"
    assert payload["body"] == (
        "Starts at Mon 26 Oct, 14:30 (Asia/Jerusalem), in 10 min\n"
        "Hall B, board 042\n"
        "Sparse attention"
    )
    assert payload["url"] == (
        f"/conferences/{poster_plan.conference.slug}/posters/{poster_plan.poster.pk}"
    )
    assert payload["when"] == "2026-10-26T12:30:00+00:00"
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None
    assert subscription.failures == 0


def test_push_is_signed_with_the_servers_vapid_key(poster_plan, vapid, push_service):
    public, _private = vapid
    _subscribe(poster_plan, push_service)

    push.deliver(_message(poster_plan))

    [request] = push_service.to("/push/sub-1")
    scheme, _, params = request.headers["authorization"].partition(" ")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert scheme == "vapid"
    assert fields["k"] == public
    claims = json.loads(b64url_decode(fields["t"].split(".")[1]))
    assert claims["aud"] == push_service.url("").rstrip("/")
    assert claims["sub"] == "mailto:ops@example.org"
    assert int(request.headers["ttl"]) == push.TTL


def test_push_goes_to_every_device_of_the_user(poster_plan, vapid, push_service):
    phone, _ = _subscribe(poster_plan, push_service, "/push/phone")
    laptop, _ = _subscribe(poster_plan, push_service, "/push/laptop")

    push.deliver(_message(poster_plan))

    assert phone.decrypt(push_service.to("/push/phone")[0].body)["title"] == "Poster 042"
    assert laptop.decrypt(push_service.to("/push/laptop")[0].body)["title"] == "Poster 042"


@pytest.mark.parametrize("status", [404, 410])
def test_push_gone_deletes_the_subscription(poster_plan, vapid, push_service, status):
    push_service.status["/push/sub-1"] = status
    _subscribe(poster_plan, push_service)

    delivery = push.deliver(_message(poster_plan))

    assert delivery.outcome == Outcome.PERMANENT
    assert len(push_service.to("/push/sub-1")) == 1
    assert PushSubscription.objects.count() == 0


def test_push_server_error_is_transient_and_counts_toward_the_limit(
    poster_plan, vapid, push_service, settings
):
    settings.PUSH_MAX_FAILURES = 2
    push_service.status["/push/sub-1"] = 503
    _, subscription = _subscribe(poster_plan, push_service)
    message = _message(poster_plan)

    first = push.deliver(message)
    subscription.refresh_from_db()
    second = push.deliver(message)

    assert first.outcome == Outcome.TRANSIENT
    assert "HTTP 503" in first.detail
    assert subscription.failures == 1
    assert second.outcome == Outcome.TRANSIENT
    assert PushSubscription.objects.count() == 0  # the second failure reached the limit


def test_push_client_error_is_permanent(poster_plan, vapid, push_service):
    push_service.status["/push/sub-1"] = 400
    _, subscription = _subscribe(poster_plan, push_service)

    delivery = push.deliver(_message(poster_plan))

    assert delivery.outcome == Outcome.PERMANENT
    subscription.refresh_from_db()
    assert subscription.failures == 1


@pytest.mark.parametrize("status", [307, 308])
def test_push_redirect_is_not_followed(poster_plan, vapid, push_service, status):
    push_service.status["/push/sub-1"] = status
    _subscribe(poster_plan, push_service)

    delivery = push.deliver(_message(poster_plan))

    assert delivery.outcome == Outcome.PERMANENT
    assert push_service.to("/push/redirected") == []


def test_push_one_device_taking_it_is_sent(poster_plan, vapid, push_service):
    push_service.status["/push/broken"] = 500
    _subscribe(poster_plan, push_service, "/push/broken")
    _subscribe(poster_plan, push_service, "/push/ok")

    assert push.deliver(_message(poster_plan)).outcome == Outcome.SENT


def test_push_to_a_loopback_endpoint_is_refused_unless_allowed(
    poster_plan, vapid, push_service, settings
):
    _, subscription = _subscribe(poster_plan, push_service)
    settings.PUSH_ALLOWED_HOSTS = []

    delivery = push.deliver(_message(poster_plan))

    assert delivery.outcome == Outcome.PERMANENT
    assert "not a public address" in delivery.detail
    assert push_service.requests == []  # nothing was sent to this machine
    subscription.refresh_from_db()
    assert subscription.failures == 1


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.org/x",  # not https
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://[::1]/x",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/x",
        "https://user:pw@push.example.org/x",
        "ftp://push.example.org/x",
    ],
)
def test_check_endpoint_refuses_non_public_or_plain_urls(endpoint, settings):
    settings.PUSH_ALLOWED_HOSTS = []

    with pytest.raises(push.EndpointRefused):
        push.check_endpoint(endpoint)


def test_check_endpoint_accepts_a_public_https_url(settings):
    settings.PUSH_ALLOWED_HOSTS = []

    target = push.check_endpoint("https://fcm.googleapis.com/fcm/send/abc")

    assert target.host == "fcm.googleapis.com"


def test_push_without_subscription_or_keys_is_permanent(poster_plan, vapid, settings):
    message = _message(poster_plan)

    assert push.deliver(message).detail == push.NO_SUBSCRIPTION
    settings.VAPID_PRIVATE_KEY = ""
    assert push.deliver(message).outcome == Outcome.PERMANENT


def test_vapid_keys_command_prints_a_usable_pair(tmp_path):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    call_command("vapid_keys", "--write", str(tmp_path / "vapid.env"), stdout=io.StringIO())

    public = base64.urlsafe_b64decode(lines["VAPID_PUBLIC_KEY"] + "==")
    private = base64.urlsafe_b64decode(lines["VAPID_PRIVATE_KEY"] + "=")
    assert len(public) == 65
    assert public[0] == 4
    assert len(private) == 32
    written = (tmp_path / "vapid.env").read_text()
    assert "VAPID_PUBLIC_KEY=" in written
    assert "VAPID_PRIVATE_KEY=" in written
    assert (tmp_path / "vapid.env").stat().st_mode & 0o777 == 0o600
