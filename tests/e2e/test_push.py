"""The Me screen and Web Push in a real browser against gunicorn (tests/e2e/push.mjs drives it).

The demo attendee's badge QR shows (and is kept in IndexedDB for offline), full screen with
the screen wake lock; the fields a scan shares are the attendee's; the organizer, who scanned
the attendee's badge, is listed and shared back into the attendee's logbook; preferences are
saved, and a refused change shows the server's message at its field.

Push opt-in: headless Chromium's own ``pushManager.subscribe`` is tried first; it has no push
service to register with (no Google services in Debian's Chromium, no network), so what it
answers is reported and must be shown to the user as a failure. The rest of the opt-in runs
with PushManager replaced in the page by a fake (only the browser's side: the app's POST and
DELETE reach the server, which stores and forgets the row).

Delivery: a reminder made by ``planner.notifications.content.reminder_message`` and turned
into the push payload by ``planner.notifications.push.payload`` (what the server sends) is
delivered to the service worker through CDP ``ServiceWorker.deliverPushMessage``; the
notification must show its title, body (the item's local time and room), tag and data.url; a
click (a NotificationEvent dispatched in the worker: Chromium has no way to click a headless
notification) must take the open window to the item.

Screenshots (360 px, light and dark, Korean, offline) go to var/screenshots/push/ or
$PUSH_SCREENSHOTS.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth import get_user_model
from django.utils import timezone

from planner.badges import badge_url
from planner.demo import DEMO_SLUG
from planner.management.commands.vapid_keys import generate
from planner.models import (
    Attendee,
    Meetup,
    Notification,
    PlanItem,
    PushSubscription,
    Reminder,
    Session,
)
from planner.notifications import push
from planner.notifications.content import reminder_message
from planner.services.badges import badge_current, badge_scan
from tests.e2e.harness import real_password, run_conversation, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("push.mjs")
# A name, not an address: stored without a DNS lookup (names are checked when sending).
FAKE_ENDPOINT = "https://push.e2e.example/send/boardwalk-e2e-subscription"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _browser_keys() -> dict[str, str]:
    """What a browser's subscription carries: a P-256 point and a 16-byte auth secret."""
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": _b64url(point), "auth": _b64url(uuid.uuid4().bytes)}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_me_screen_push_opt_in_delivery_and_click(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    real_password("organizer", settings)
    user = get_user_model().objects.get(username=username)
    attendee = Attendee.objects.get(user=user, conference__slug=DEMO_SLUG)
    organizer = Attendee.objects.get(user__username="organizer", conference__slug=DEMO_SLUG)
    PushSubscription.objects.filter(user=user).delete()

    # 25 other attendees scanned the badge an hour ago: three pages of "who scanned me".
    others = Attendee.objects.filter(conference__slug=DEMO_SLUG).exclude(
        pk__in=[attendee.pk, organizer.pk]
    )[:25]
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    for other in others:
        badge_scan(
            scanner=other,
            scanned_text=badge_url(badge_current(attendee=attendee)),
            meetup_id=uuid.uuid4(),
            met_at=an_hour_ago,
        )
    # The organizer scanned the attendee's badge at a session, last (so first in the list).
    session = (
        Session.objects.filter(conference__slug=DEMO_SLUG, cancelled=False, room__isnull=False)
        .order_by("start", "id")
        .first()
    )
    badge_scan(
        scanner=organizer,
        scanned_text=badge_url(badge_current(attendee=attendee)),
        meetup_id=uuid.uuid4(),
        place={"session": session.pk},
    )
    meetups_before = Meetup.objects.filter(attendee=attendee, deleted_at__isnull=True).count()

    # The push the server would send for a reminder of that session, 10 minutes before.
    item, _ = PlanItem.objects.get_or_create(attendee=attendee, session=session)
    reminder = Reminder(plan_item=item, fire_at=session.start - dt.timedelta(minutes=10))
    payload = push.payload(reminder_message(reminder))

    public, private = generate()
    keys = _browser_keys()
    saved: dict[str, object] = {}

    def prefs_saved() -> None:
        attendee.refresh_from_db()
        saved["prefs"] = (
            attendee.reminder_minutes,
            sorted(attendee.reminder_channels),
            attendee.digest_time,
        )

    def subscribed() -> None:
        saved["subscribed"] = list(
            PushSubscription.objects.filter(user=user).values_list("endpoint", "p256dh", "auth")
        )

    def unsubscribed() -> None:
        saved["unsubscribed"] = PushSubscription.objects.filter(user=user).count()

    def notification_stored() -> None:
        Notification.objects.create(
            attendee=attendee,
            kind="reminder",
            title=payload["title"],
            body=payload["body"],
            url=payload["url"],
        )

    report = run_conversation(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("PUSH_SCREENSHOTS", "push"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_PUSH": json.dumps(
                {
                    "slug": DEMO_SLUG,
                    "payload": payload,
                    "itemTitle": session.title,
                    "scanner": "Demo Organizer",
                    "fake": {"endpoint": FAKE_ENDPOINT, **keys},
                }
            ),
        },
        answers={
            "prefs-saved": prefs_saved,
            "subscribed": subscribed,
            "unsubscribed": unsubscribed,
            "notification-stored": notification_stored,
        },
        line_timeout=120,
        end_timeout=120,
        server={"VAPID_PUBLIC_KEY": public, "VAPID_PRIVATE_KEY": private},
    )
    steps = report["steps"]

    # Me: its tab, the badge drawn and kept on the device, the fields the attendee shares.
    me = steps["me"]
    assert "conference-nav__link--me" in me["activeTab"]
    assert me["qrDrawn"] is True
    # (The server derives tokens with its own BADGE_TOKEN_KEY: compare with its answer.)
    assert me["storedBadge"]["url"] == me["serverBadge"]
    assert "/b/" in me["serverBadge"]
    assert me["storedBadge"]["owner"] == user.email
    assert {s["field"] for s in me["shared"] if s["shared"]} == {
        "display_name",
        "affiliation",
        "email",
        "orcid",
    }  # the demo attendee's choice
    assert len(me["shared"]) == 6
    # Changed on Me: saved on the server, shown as saved.
    attendee.refresh_from_db()
    assert attendee.shared_fields == ["display_name", "affiliation", "homepage", "orcid"]
    assert me["sharedAfter"] == attendee.shared_fields
    assert "Demo Organizer" in me["scans"]
    # 10 a page; "Show 10 more" brings the next ones, each once, until all are there.
    received = Meetup.objects.filter(scanned=attendee, other=attendee, deleted_at__isnull=True)
    total = received.count()
    assert total > 20
    assert len(me["scans"]) == 10
    assert me["moreLabel"] == "Show 10 more"
    assert me["scansAfterMore"] == total
    assert me["distinctAfterMore"] == total
    assert me["moreLeft"] == 0

    full = steps["full"]
    assert full["sameQr"] is True
    assert full["qrWidth"] >= 300  # of a 360 px wide screen
    assert "brightness" in full["brightnessHint"]
    # Headless Chromium grants the screen wake lock; whatever it said, none is left held.
    assert full["wakeLock"] in {"held", "refused", "unsupported"}
    if full["wakeLock"] == "held":
        assert (full["locksHeld"], full["locksTaken"]) == (1, 1)
    assert full["locksAfterClose"] == 0

    # Share back: one new meetup in the attendee's logbook, naming the organizer.
    assert steps["shareBack"]["text"].startswith("In your logbook")
    new = Meetup.objects.filter(attendee=attendee, deleted_at__isnull=True)
    assert new.count() == meetups_before + 1
    assert new.filter(other=organizer).count() == 1

    # Preferences: what was saved, and the server's field message for half the quiet hours.
    assert saved["prefs"] == (30, ["email", "in_app", "push"], dt.time(21, 15))
    prefs = steps["prefs"]
    assert any("both ends of the quiet hours" in e for e in prefs["fieldErrors"]), prefs
    assert prefs["invalid"], prefs
    attendee.refresh_from_db()
    assert attendee.quiet_hours_start is None

    # Opt-in: Chromium's own subscribe has no push service headless; the failure is shown.
    opt_in = steps["push"]
    assert opt_in["initial"] == "off"
    if opt_in["real"]["state"] != "on":
        assert opt_in["real"]["error"].startswith("Push could not be turned on"), opt_in
    # The app subscribed with the server's key, userVisibleOnly, and stored it on the server.
    assert opt_in["subscribe"] == {"userVisibleOnly": True, "keyBytes": 65}
    assert saved["subscribed"] == [(FAKE_ENDPOINT, keys["p256dh"], keys["auth"])]
    assert opt_in["afterReload"] == "on"
    assert opt_in["unsubscribed"] == 1
    assert saved["unsubscribed"] == 0

    # Delivery: the server's payload shown as it is, open pages told.
    shown = steps["delivered"]["notifications"]
    assert len(shown) == 1
    assert shown[0]["title"] == payload["title"] == session.title[:200]
    assert shown[0]["body"] == payload["body"]
    assert session.room.name in shown[0]["body"]
    assert f"({session.conference.timezone})" in shown[0]["body"]
    assert shown[0]["tag"] == f"reminder-{item.pk}"
    assert shown[0]["icon"].endswith("/icons/icon-192.png")
    assert shown[0]["badge"].endswith("/icons/badge-96.png")
    assert (
        shown[0]["data"]["url"]
        == payload["url"]
        == f"/conferences/{DEMO_SLUG}/sessions/{session.pk}"
    )
    assert shown[0]["timestamp"] == int(session.start.timestamp() * 1000)
    assert steps["delivered"]["messages"] == [
        {
            "type": "notification-received",
            "url": payload["url"],
            "kind": "reminder",
            "conference": DEMO_SLUG,
        }
    ]
    # The bell re-read the unread count when the worker said a push arrived.
    bell = steps["delivered"]["bell"]
    assert bell["after"] == bell["before"] + 1, bell
    malformed = steps["malformed"]
    assert [(n["title"], n["data"]["url"]) for n in malformed] == [("Boardwalk", "/")]

    # The click took the open window to the item, and closed the notification.
    click = steps["click"]
    assert click["clicked"] == "dispatched"
    assert click["url"] == payload["url"]
    assert session.title in click["heading"]
    assert click["closed"] is True

    assert steps["korean"]["title"] == "나"
    offline = steps["offline"]
    assert offline["sameQr"] is True
    assert offline["pushButtonDisabled"] is True
    assert "connection" in offline["scans"]
    assert "connection" in offline["prefs"]
    assert steps["denied"]["state"] == "denied"
    assert "blocked" in steps["denied"]["text"]

    # Signed out from Me: this browser's push forgotten (browser and server), badge gone.
    assert steps["signedOut"] == {"badgeKept": False, "unsubscribed": 2}
    assert PushSubscription.objects.filter(user=user).count() == 0

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
