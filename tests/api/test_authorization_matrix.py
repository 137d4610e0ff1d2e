"""Every API route, visited as anonymous, attendee A, attendee B and an organizer.

Routes come from the URL configuration itself: a route nobody classified here fails the
test, so a new endpoint cannot ship without deciding who may use it. B can neither read
nor change A's plan, conversations, meetups, photos or tokens: every attempt answers 404,
exactly like something that does not exist, and A's rows stay as they were."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from planner.models import (
    ApiToken,
    Attendee,
    ConversationPhoto,
    Meetup,
    Notification,
    PlanItem,
    PosterConversation,
)
from planner.models.accounts import hash_token
from tests import factories as f

pytestmark = pytest.mark.django_db

PUBLIC = {
    "api-root",
    "schema",
    "api-docs",
    "conference-list",
    "conference-detail",
    "program-room-list",
    "program-track-list",
    "program-session-list",
    "program-session-detail",
    "program-paper-list",
    "program-paper-detail",
    "program-poster-list",
    "program-booth-list",
    "program-meal-list",
    "program-now",
    "bundle-detail",
    "program-feed-list",
    "program-feed-detail",
}
# Anyone may call these (they start or end a session); their rules are tested in tests/api/accounts.
AUTH_FLOW = {
    "accounts-csrf",
    "accounts-signup",
    "accounts-login",
    "accounts-logout",
    "accounts-password-reset",
    "accounts-password-reset-confirm",
}
SELF = {"accounts-me", "accounts-token-list", "accounts-token-detail"}
OWNER = {
    "personal-plan-list",
    "personal-plan-conflicts",
    "personal-plan-item",
    "personal-conversation-list",
    "personal-conversation-detail",
    "personal-conversation-photo-list",
    "personal-conversation-photo-detail",
    "personal-meetup-list",
    "personal-meetup-detail",
    "personal-sync",
    "personal-changes",
    "personal-badge",
    "personal-badge-svg",
    "personal-badge-png",
    "personal-badge-rotate",
    "personal-scan-create",
    "personal-scans-received",
    "personal-scan-share-back",
    "personal-feed",
    "personal-preferences",
    "personal-push-key",
    "personal-push-subscriptions",
    "personal-notification-list",
    "personal-notification-read",
    "personal-notification-read-all",
}
ORGANIZER = {"import-run-list", "import-run-detail"}
CLASSIFIED = PUBLIC | AUTH_FLOW | SELF | OWNER | ORGANIZER
METHODS = ("get", "post", "put", "patch", "delete")
# A 1×1 PNG: a real image, so uploads fail only for the reason a test means.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)
POST_ONLY = {
    "personal-sync",
    "personal-conversation-photo-list",
    "personal-badge-rotate",
    "personal-scan-create",
    "personal-scan-share-back",
    "personal-push-subscriptions",  # POST and DELETE ?endpoint=: tests/notifications
    "personal-notification-read",
    "personal-notification-read-all",
}


def _api_routes() -> dict[str, object]:
    """url name → view callback, for every named route under /api/v1/."""
    found: dict[str, object] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (
                isinstance(pattern, URLPattern)
                and route.lstrip("^").startswith("api/v1/")
                and pattern.name
            ):
                found.setdefault(pattern.name, pattern.callback)

    walk(get_resolver().url_patterns, "")
    return found


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(actions)
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return [m for m in METHODS if view is not None and hasattr(view, m)]


def test_every_api_route_is_classified():
    routes = set(_api_routes())
    assert routes - CLASSIFIED == set(), "classify these routes in this test"
    assert CLASSIFIED - routes == set(), "these classified routes no longer exist"


@pytest.fixture
def world(client, settings, tmp_path):
    """Conference C with attendee A's private things, attendee B and organizer O."""
    settings.MEDIA_ROOT = tmp_path
    a = f.AttendeeFactory(display_name="A")
    c = a.conference
    b = f.AttendeeFactory(conference=c, display_name="B")
    organizer = f.UserFactory(username="organizer", is_staff=True)
    c.organizers.add(organizer)
    session = f.SessionFactory(conference=c)
    poster = f.PosterFactory(session__conference=c)
    plan = PlanItem.objects.create(attendee=a, session=session, note="A's note")
    conversation = f.PosterConversationFactory(attendee=a, poster=poster, notes="A's secret notes")
    meetup = f.MeetupFactory(attendee=a, contact_name="A's contact")
    # A scanned a third attendee's badge: only that attendee may share back.
    third = f.AttendeeFactory(conference=c, display_name="Third")
    scan = f.MeetupFactory(attendee=a, other=third, source="badge_scan", contact_name="")
    stored = default_storage.save("photos/a.png", ContentFile(PNG))
    photo = ConversationPhoto.objects.create(
        conversation=conversation, image=stored, content_type="image/png", size=len(PNG)
    )
    token = ApiToken.objects.create(
        user=a.user, name="A's script", key_hash=hash_token("bw_a"), hint="bw_a"
    )
    run = f.ImportRunFactory(conference=c)
    notification = Notification.objects.create(attendee=a, kind="reminder", title="A's alert")
    kwargs = {
        "conference-detail": {"slug": c.slug},
        "program-session-detail": {"slug": c.slug, "pk": session.pk},
        "program-paper-detail": {"slug": c.slug, "pk": poster.paper_id},
        "import-run-detail": {"slug": c.slug, "pk": run.pk},
        "accounts-token-detail": {"pk": token.pk},
        "personal-plan-item": {"slug": c.slug, "kind": "session", "target_id": session.pk},
        "personal-conversation-detail": {"slug": c.slug, "conversation_id": conversation.pk},
        "personal-conversation-photo-list": {"slug": c.slug, "conversation_id": conversation.pk},
        "personal-conversation-photo-detail": {
            "slug": c.slug,
            "conversation_id": conversation.pk,
            "photo_id": photo.pk,
        },
        "personal-meetup-detail": {"slug": c.slug, "meetup_id": meetup.pk},
        "personal-scan-share-back": {"slug": c.slug, "scan_id": scan.pk},
        "program-feed-detail": {"slug": c.slug, "key": "conference"},
        "personal-notification-read": {"slug": c.slug, "pk": notification.pk},
    }
    return {
        "a": a,
        "b": b,
        "organizer": organizer,
        "conference": c,
        "plan": plan,
        "conversation": conversation,
        "meetup": meetup,
        "photo": photo,
        "token": token,
        "kwargs": kwargs,
    }


def _url(name: str, world) -> str:
    kwargs = world["kwargs"].get(name)
    if kwargs is None and name not in AUTH_FLOW | {
        "api-root",
        "schema",
        "api-docs",
        "conference-list",
        "accounts-me",
        "accounts-token-list",
    }:
        kwargs = {"slug": world["conference"].slug}
    return reverse(name, kwargs=kwargs)


# Valid writes, so that a refusal can only come from whose the object is.
BODIES = {
    "personal-conversation-detail": {
        "poster_title": "Hijack",
        "talked_at": "2026-10-22T12:00:00Z",
        "notes": "B",
    },
    "personal-meetup-detail": {"contact_name": "Hijack", "met_at": "2026-10-22T12:00:00Z"},
    "personal-plan-item": {"status": "going", "note": "B"},
    "personal-scan-share-back": {"id": "00000000-0000-4000-8000-00000000000b"},
    "personal-badge": {"shared_fields": ["display_name", "email", "orcid"]},
}


def _call(client, method: str, url: str, name: str = ""):
    if method == "get":
        return client.get(url)
    if name == "personal-conversation-photo-list" and method == "post":
        return client.post(
            url, {"image": SimpleUploadedFile("b.png", PNG, content_type="image/png")}
        )
    body = BODIES.get(name, {})
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _snapshot(world) -> tuple:
    """What A owns, as it stands: B's attempts must leave all of it unchanged."""
    return (
        PlanItem.objects.filter(attendee=world["a"]).values_list("id", "note", "status").first(),
        PosterConversation.objects.filter(pk=world["conversation"].pk)
        .values_list("version", "notes", "deleted_at")
        .first(),
        Meetup.objects.filter(pk=world["meetup"].pk)
        .values_list("version", "contact_name", "deleted_at")
        .first(),
        ConversationPhoto.objects.filter(pk=world["photo"].pk).exists(),
        ApiToken.objects.filter(pk=world["token"].pk).exists(),
        Attendee.objects.filter(pk=world["a"].pk)
        .values_list("badge_token_hash", "feed_token_hash", "feed_include_meetups", "shared_fields")
        .first(),
        Meetup.objects.count(),
        Notification.objects.filter(attendee=world["a"]).values_list("id", "read_at").first(),
    )


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_routes_answer_anonymous(client, world, name):
    assert _call(client, "get", _url(name, world)).status_code == 200


@pytest.mark.parametrize("name", sorted(SELF | OWNER | ORGANIZER))
def test_private_routes_refuse_anonymous(client, world, name):
    url = _url(name, world)
    before = _snapshot(world)

    statuses = {
        method: _call(client, method, url).status_code for method in _methods(_api_routes()[name])
    }

    assert set(statuses.values()) <= {401, 403}, statuses
    assert _snapshot(world) == before


# POST-only routes are covered by the B cases below and tests/api/personal.
@pytest.mark.parametrize("name", sorted((SELF | OWNER) - POST_ONLY))
def test_owner_reads_own_things(client, world, name):
    client.force_login(world["a"].user)

    response = _call(client, "get", _url(name, world))

    assert response.status_code == 200, response.content[:300]


OTHER_OBJECT = {
    "accounts-token-detail",
    "personal-plan-item",
    "personal-conversation-detail",
    "personal-conversation-photo-list",
    "personal-conversation-photo-detail",
    "personal-meetup-detail",
    "personal-scan-share-back",
    "personal-notification-read",
}


@pytest.mark.parametrize("name", sorted(OTHER_OBJECT))
def test_other_attendee_gets_404_for_every_method_and_changes_nothing(client, world, name):
    client.force_login(world["b"].user)
    url = _url(name, world)
    before = _snapshot(world)
    methods = _methods(_api_routes()[name])
    if name == "personal-plan-item":
        # Plan items are addressed by their public target: B's PUT makes B's own item.
        methods = ["get", "patch", "delete"]

    statuses = {method: _call(client, method, url, name).status_code for method in methods}

    assert set(statuses.values()) == {404}, statuses
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    "name",
    [
        "personal-plan-list",
        "personal-conversation-list",
        "personal-meetup-list",
        "personal-changes",
        "accounts-token-list",
        "personal-notification-list",
    ],
)
def test_other_attendee_lists_do_not_show_a_things(client, world, name):
    client.force_login(world["b"].user)

    body = _call(client, "get", _url(name, world)).content.decode()

    for secret in (
        str(world["conversation"].pk),
        str(world["meetup"].pk),
        "A's note",
        "A's script",
        "A's contact",
        "A's alert",
    ):
        assert secret not in body


def test_other_attendee_cannot_sync_onto_a_things(client, world):
    client.force_login(world["b"].user)
    before = _snapshot(world)
    writes = [
        {
            "op": "put",
            "type": "conversation",
            "id": str(world["conversation"].pk),
            "base_version": 1,
            "data": {
                "poster_title": "hijack",
                "talked_at": "2026-10-22T12:00:00Z",
                "notes": "B was here",
            },
        },
        {"op": "delete", "type": "meetup", "id": str(world["meetup"].pk), "base_version": 1},
    ]

    response = client.post(
        _url("personal-sync", world),
        data=json.dumps(writes),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content[:500]
    assert [result["status"] for result in response.json()] == [404, 404]
    assert _snapshot(world) == before


@pytest.mark.parametrize("name", sorted(ORGANIZER))
def test_organizer_routes(client, world, name):
    url = _url(name, world)
    for user in (world["a"].user, world["b"].user):
        client.force_login(user)
        assert _call(client, "get", url).status_code == 404
    client.force_login(world["organizer"])
    assert _call(client, "get", url).status_code == 200


def test_unknown_ids_answer_like_other_peoples(client, world):
    client.force_login(world["b"].user)
    c = world["conference"].slug
    missing = str(uuid.uuid4())

    for url in (
        reverse("personal-conversation-detail", kwargs={"slug": c, "conversation_id": missing}),
        reverse("personal-meetup-detail", kwargs={"slug": c, "meetup_id": missing}),
        reverse("accounts-token-detail", kwargs={"pk": 999999}),
    ):
        assert (
            _call(client, "get", url).json()
            == _call(client, "get", _url("personal-conversation-detail", world)).json()
        )
