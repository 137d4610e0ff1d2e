"""Web Push channel: VAPID-signed, aes128gcm-encrypted (RFC 8291 / RFC 8188) through pywebpush.

Every push subscription of the attendee's user gets the message. The push service's answer
decides what happens to the subscription:

- 201/200/202: delivered; ``last_success_at`` set, ``failures`` back to 0;
- 404 or 410: the browser unsubscribed or the subscription expired: the row is deleted;
- anything else (429, 5xx, another 4xx, network errors): ``failures`` + 1, and the row is
  deleted once it reaches PUSH_MAX_FAILURES in a row.

The endpoint is a URL the browser gave us and we POST to it from the server, so it is
checked like an imported URL (:mod:`planner.safe_fetch`): https only, and never a loopback,
private or otherwise non-public address, unless its host is in PUSH_ALLOWED_HOSTS (tests
and self-hosted push services). Redirects are not followed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import ngettext
from pywebpush import WebPushException, webpush

from planner import safe_fetch
from planner.models import PushSubscription
from planner.notifications import Delivery, Message, Outcome
from planner.notifications.content import attendee_language

# The failure of a push to someone with no subscription: not a fault of the system (they
# chose push but never allowed it on a device); the admin counts it apart.
NO_SUBSCRIPTION = "no push subscription"

logger = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds for the push service to answer
OUT_OF_TIME = "not sent: the sweep ran out of time (slow push service); a later sweep retries"
TTL = 3600  # the push service may hold the message this long for an offline device
GONE = frozenset({404, 410})


class EndpointRefused(ValueError):
    """The endpoint URL must not be fetched (scheme or address); the message is safe to show."""


def allowed() -> frozenset[str]:
    return safe_fetch.allowed_hosts(settings.PUSH_ALLOWED_HOSTS)


def check_endpoint(endpoint: str) -> safe_fetch.Target:
    """Refuse an endpoint before storing it: https (http only for PUSH_ALLOWED_HOSTS), no
    credentials, no literal non-public address. Names are checked again when sending."""
    try:
        target = safe_fetch.check_url(endpoint, allowed=allowed())
    except safe_fetch.UnsafeURL as error:
        raise EndpointRefused(str(error).replace("imported", "used")) from None
    if target.scheme != "https" and target.host not in allowed():
        raise EndpointRefused("a push endpoint must be an https:// URL")
    return target


def configured() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY and settings.VAPID_PUBLIC_KEY)


# Push services need take only 4096 bytes of encrypted payload (RFC 8030; FCM answers 413
# above): the JSON keeps under this, the rest being aes128gcm's header, tag and padding.
PAYLOAD_MAX = 3800


def payload(message: Message) -> dict[str, object]:
    """The JSON the service worker receives (frontend/src/sw.ts shows it). A body too long
    for a push message (an alert listing dozens of items) keeps its first lines and says
    how many more there are; the app and the e-mail have them all."""
    data: dict[str, object] = {
        "title": message.title,
        "body": message.body,
        "url": message.url,
        "tag": message.tag or message.dedupe_key,
        "kind": message.kind,
        "conference": message.conference_slug,
        "when": message.when.isoformat() if message.when else None,
    }
    lines = list(message.lines)
    while lines and len(json.dumps(data, ensure_ascii=False).encode()) > PAYLOAD_MAX:
        lines.pop()
        more = len(message.lines) - len(lines)
        with attendee_language(message.language):
            tail = ngettext("… and {count} more", "… and {count} more", more).format(count=more)
        data["body"] = "\n".join([*lines, tail])
    return data


@dataclass(frozen=True, slots=True)
class Attempt:
    subscription_id: int
    outcome: Outcome
    detail: str
    gone: bool = False
    tried: bool = True  # False: not sent, the sweep's time ran out (not the service's fault)


def new_session() -> requests.Session:
    """HTTP for push services: no proxies or .netrc from the environment, no redirects."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    return session


def send(
    subscription: PushSubscription,
    data: str,
    *,
    topic: str = "",
    session: requests.Session | None = None,
) -> Attempt:
    """POST one encrypted message to one subscription's endpoint; never raises. ``session``
    (from :func:`new_session`) keeps connections to a push service alive across a batch."""
    try:
        target = check_endpoint(subscription.endpoint)
        safe_fetch.resolve_checked(target, allowed=allowed())
    except EndpointRefused as error:
        return Attempt(subscription.pk, Outcome.PERMANENT, f"endpoint refused: {error}")
    except safe_fetch.FetchFailed as error:
        # DNS failure or a name that now resolves to a private address.
        return Attempt(subscription.pk, Outcome.TRANSIENT, f"endpoint refused: {error.reason}")
    own_session = session is None
    if session is None:
        session = new_session()
    headers: dict[str, str | int | float] = {"Urgency": "high"}
    if topic:
        # Topic: a newer message replaces an undelivered older one with the same topic.
        headers["Topic"] = topic[:32]
    try:
        response = webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=data,
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},  # a new dict: webpush adds aud/exp
            content_encoding="aes128gcm",
            timeout=TIMEOUT,
            ttl=TTL,
            headers=headers,
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            return Attempt(subscription.pk, Outcome.PERMANENT, f"HTTP {status}", gone=True)
        if status is None or status == 429 or status >= 500:
            return Attempt(subscription.pk, Outcome.TRANSIENT, f"HTTP {status}: {error}")
        return Attempt(subscription.pk, Outcome.PERMANENT, f"HTTP {status}: {error}")
    except requests.TooManyRedirects:
        return Attempt(subscription.pk, Outcome.PERMANENT, "the push service redirected")
    except (requests.RequestException, OSError) as error:
        return Attempt(subscription.pk, Outcome.TRANSIENT, f"{type(error).__name__}: {error}")
    except ValueError as error:  # keys that do not decode or are not on the curve
        return Attempt(subscription.pk, Outcome.PERMANENT, f"bad subscription keys: {error}")
    finally:
        if own_session:
            session.close()
    if isinstance(response, requests.Response) and response.status_code in GONE:
        return Attempt(subscription.pk, Outcome.PERMANENT, "gone", gone=True)
    return Attempt(subscription.pk, Outcome.SENT, "")


def record(attempts: list[Attempt]) -> None:
    """Write what the push services said back to the subscriptions (a few UPDATEs)."""
    sent = [a.subscription_id for a in attempts if a.outcome == Outcome.SENT]
    gone = [a.subscription_id for a in attempts if a.gone]
    failed = [
        a.subscription_id for a in attempts if a.outcome != Outcome.SENT and not a.gone and a.tried
    ]
    if sent:
        PushSubscription.objects.filter(pk__in=sent).update(
            last_success_at=timezone.now(), failures=0
        )
    if gone:
        PushSubscription.objects.filter(pk__in=gone).delete()
    if failed:
        PushSubscription.objects.filter(pk__in=failed).update(failures=F("failures") + 1)
        PushSubscription.objects.filter(
            pk__in=failed, failures__gte=settings.PUSH_MAX_FAILURES
        ).delete()


def deliver(message: Message, subscriptions: list[PushSubscription] | None = None) -> Delivery:
    """Send ``message`` to every push subscription of its user (or to ``subscriptions``).

    SENT when at least one device took it (retrying would repeat it on that one); else
    TRANSIENT when any failure may pass; else PERMANENT (no subscription, all refused)."""
    if subscriptions is None:
        subscriptions = list(PushSubscription.objects.filter(user_id=message.user_id))
    return deliver_many([(message, subscriptions)])[0]


def deliver_many(
    batch: list[tuple[Message, list[PushSubscription]]], *, deadline: float | None = None
) -> list[Delivery]:
    """:func:`deliver` for a batch of messages, each with its user's subscriptions. The
    requests go out PUSH_CONCURRENCY at a time (threads: a push service answers in tens of
    milliseconds, sequential sends would spend the sweep waiting), each thread with its own
    HTTP session (kept-alive connections to each push service); one :func:`record` writes
    back what the push services said. Outcomes in order. A request not started by
    ``deadline`` (``time.monotonic()``) is not sent: its message is a transient failure, retried
    by a later sweep (slow push services must not hold claimed rows past the reconciler's
    window, which would hand them to another sweep while this one still sends)."""
    if not batch:
        return []
    if not configured():
        return [Delivery.permanent("Web Push is not configured (VAPID keys missing)")] * len(batch)
    jobs: list[tuple[int, PushSubscription, str, str]] = []
    for index, (message, subscriptions) in enumerate(batch):
        data = json.dumps(payload(message), ensure_ascii=False)
        jobs += [(index, subscription, data, message.tag) for subscription in subscriptions]
    sessions: list[requests.Session] = []
    local = threading.local()

    def run(job: tuple[int, PushSubscription, str, str]) -> Attempt:
        if not hasattr(local, "session"):
            local.session = new_session()
            sessions.append(local.session)
        _, subscription, data, topic = job
        if deadline is not None and time.monotonic() > deadline:
            return Attempt(subscription.pk, Outcome.TRANSIENT, OUT_OF_TIME, tried=False)
        return send(subscription, data, topic=topic, session=local.session)

    workers = max(1, min(settings.PUSH_CONCURRENCY, len(jobs)))
    try:
        if workers == 1:
            attempts = [run(job) for job in jobs]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="push") as pool:
                attempts = list(pool.map(run, jobs))
    finally:
        for session in sessions:
            session.close()
    record(attempts)
    per_message: list[list[Attempt]] = [[] for _ in batch]
    for (index, *_), attempt in zip(jobs, attempts, strict=True):
        per_message[index].append(attempt)
    return [
        _outcome(message, tried) if tried else Delivery.permanent(NO_SUBSCRIPTION)
        for (message, _), tried in zip(batch, per_message, strict=True)
    ]


def _outcome(message: Message, attempts: list[Attempt]) -> Delivery:
    details = "; ".join(a.detail for a in attempts if a.detail)
    if any(a.outcome == Outcome.SENT for a in attempts):
        return Delivery.sent(details)
    if any(not a.tried for a in attempts):  # some device not tried yet: all of it again later
        return Delivery.deferred(OUT_OF_TIME)
    if any(a.outcome == Outcome.TRANSIENT for a in attempts):
        logger.info("push to user %s failed for now: %s", message.user_id, details)
        return Delivery.transient(details)
    return Delivery.permanent(details)
