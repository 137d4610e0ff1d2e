"""Notifications and Web Push subscriptions: yours only (404 for anyone else's), paginated
with the unread count, read / read-all, and subscriptions whose keys and endpoint are
checked before anything is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from planner.models import Notification, PushSubscription
from tests.api.personal.conftest import count_queries, url
from tests.notifications.conftest import Browser, b64url

pytestmark = pytest.mark.django_db


def _notify(attendee, n: int, **fields) -> list[Notification]:
    base = timezone.now()
    rows = []
    for i in range(n):
        row = Notification.objects.create(
            attendee=attendee, kind="reminder", title=f"Item {i}", **fields
        )
        # Distinct creation times: the list is newest first.
        Notification.objects.filter(pk=row.pk).update(created_at=base + dt.timedelta(seconds=i))
        rows.append(row)
    return rows


def test_notifications_newest_first_paginated_with_unread_count(api, conference, attendee):
    rows = _notify(attendee, 5)
    Notification.objects.filter(pk=rows[0].pk).update(read_at=timezone.now())

    first = api.get(url("personal-notification-list", conference), {"page_size": 2}).json()
    last = api.get(url("personal-notification-list", conference), {"page_size": 2, "page": 3})

    assert first["count"] == 5
    assert first["unread"] == 4
    assert [n["title"] for n in first["results"]] == ["Item 4", "Item 3"]
    assert first["results"][0]["read"] is False
    assert set(first["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
        "read",
    }
    assert [n["title"] for n in last.json()["results"]] == ["Item 0"]
    assert last.json()["results"][0]["read"] is True
    assert last.json()["unread"] == 4


def test_notifications_list_shows_only_yours(api, other_api, conference, attendee, other_attendee):
    _notify(other_attendee, 2)

    mine = api.get(url("personal-notification-list", conference)).json()

    assert mine["count"] == 0
    assert mine["unread"] == 0


def test_notifications_list_query_count_does_not_grow(api, conference, attendee):
    _notify(attendee, 1)
    one = count_queries(lambda: api.get(url("personal-notification-list", conference)))
    _notify(attendee, 30)
    many = count_queries(lambda: api.get(url("personal-notification-list", conference)))

    assert one == many


def test_read_marks_one_and_keeps_the_first_time(api, conference, attendee):
    row, other = _notify(attendee, 2)

    first = api.post(url("personal-notification-read", conference, pk=row.pk))
    again = api.post(url("personal-notification-read", conference, pk=row.pk))
    listed = api.get(url("personal-notification-list", conference)).json()

    assert first.status_code == 200
    assert first.json()["read"] is True
    assert again.json()["read_at"] == first.json()["read_at"]
    assert listed["unread"] == 1
    other.refresh_from_db()
    assert other.read_at is None


def test_read_someone_elses_notification_is_404_and_changes_nothing(
    api, other_api, conference, attendee, other_attendee
):
    [theirs] = _notify(other_attendee, 1)

    response = api.post(url("personal-notification-read", conference, pk=theirs.pk))
    missing = api.post(url("personal-notification-read", conference, pk=theirs.pk + 1000))

    assert response.status_code == 404
    assert response.json() == missing.json()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_yours(api, conference, attendee, other_attendee):
    _notify(attendee, 3)
    [theirs] = _notify(other_attendee, 1)

    response = api.post(url("personal-notification-read-all", conference))

    assert response.status_code == 200
    assert response.json() == {"marked": 3, "unread": 0}
    assert api.get(url("personal-notification-list", conference)).json()["unread"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_of_an_unknown_conference_are_404(api):
    response = api.get("/api/v1/conferences/nope/notifications/")

    assert response.status_code == 404


# --- Web Push ------------------------------------------------------------------------------


def test_push_key_is_the_configured_public_key(api, conference, settings):
    settings.VAPID_PUBLIC_KEY = "BPublicKey"
    settings.VAPID_PRIVATE_KEY = "private"

    response = api.get(url("personal-push-key", conference))

    assert response.json() == {"public_key": "BPublicKey", "enabled": True}


def test_push_key_says_when_push_is_not_configured(api, conference, settings):
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_PRIVATE_KEY = ""

    assert api.get(url("personal-push-key", conference)).json() == {
        "public_key": "",
        "enabled": False,
    }


def _subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc123", browser=None):
    browser = browser or Browser()
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth_b64},
    }


def test_subscribe_stores_then_updates_the_same_endpoint(api, user, conference):
    body = _subscription()

    created = api.post(url("personal-push-subscriptions", conference), body, format="json")
    updated = api.post(
        url("personal-push-subscriptions", conference),
        _subscription(browser=Browser()),
        format="json",
    )

    assert created.status_code == 201
    assert updated.status_code == 200
    assert created.json()["endpoint"] == body["endpoint"]
    [stored] = PushSubscription.objects.all()
    assert stored.user == user
    assert stored.p256dh != body["keys"]["p256dh"]  # the second subscribe's keys


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["keys"].update(p256dh="not base64!"), "keys.p256dh"),
        (lambda b: b["keys"].update(p256dh=b64url(b"\x04" + b"\x00" * 64)), "keys.p256dh"),
        (lambda b: b["keys"].update(p256dh=b64url(b"\x04" * 33)), "keys.p256dh"),  # too short
        (lambda b: b["keys"].update(auth=b64url(b"x" * 15)), "keys.auth"),
        (lambda b: b["keys"].pop("auth"), "keys.auth"),
        (lambda b: b.update(endpoint="http://push.example.org/x"), "endpoint"),
        (lambda b: b.update(endpoint="https://127.0.0.1:6379/"), "endpoint"),
        (lambda b: b.update(endpoint="https://169.254.169.254/latest"), "endpoint"),
        (lambda b: b.update(endpoint="not a url"), "endpoint"),
        (lambda b: b.pop("endpoint"), "endpoint"),
    ],
)
def test_subscribe_refuses_bad_input_with_a_field_error(api, conference, settings, change, field):
    settings.PUSH_ALLOWED_HOSTS = []
    body = _subscription()
    change(body)

    response = api.post(url("personal-push-subscriptions", conference), body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert PushSubscription.objects.count() == 0


def test_unsubscribe_deletes_yours_and_404s_for_someone_elses(
    api, other_api, conference, user, other_user
):
    mine = _subscription("https://fcm.googleapis.com/fcm/send/mine")
    theirs = _subscription("https://fcm.googleapis.com/fcm/send/theirs")
    api.post(url("personal-push-subscriptions", conference), mine, format="json")
    other_api.post(url("personal-push-subscriptions", conference), theirs, format="json")
    path = url("personal-push-subscriptions", conference)

    refused = api.delete(f"{path}?endpoint={theirs['endpoint']}")
    deleted = api.delete(f"{path}?endpoint={mine['endpoint']}")
    missing = api.delete(path)

    assert refused.status_code == 404
    assert deleted.status_code == 204
    assert missing.status_code == 400
    assert "endpoint" in missing.json()["errors"]
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [other_user.pk]


def test_push_routes_refuse_anonymous(client, conference):
    assert client.get(url("personal-push-key", conference)).status_code == 403
    assert client.post(url("personal-push-subscriptions", conference), {}).status_code == 403
