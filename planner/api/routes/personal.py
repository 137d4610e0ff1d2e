"""API routes: personal. Included from planner/api/urls.py under /api/v1/.

Everything here is the signed-in user's own, at one conference (joined on first use)."""

from django.urls import path

from planner.api.views.badges import (
    BadgePng,
    BadgeRotate,
    BadgeSvg,
    BadgeView,
    PrivateFeed,
    ScanCreate,
    ScansReceived,
    ShareBack,
)
from planner.api.views.logbook import (
    Changes,
    ConversationDetail,
    ConversationList,
    ConversationPhotoCreate,
    ConversationPhotoDetail,
    MeetupDetail,
    MeetupList,
    Sync,
)
from planner.api.views.notifications import (
    NotificationList,
    NotificationRead,
    NotificationReadAll,
    PushKey,
    PushSubscriptions,
)
from planner.api.views.plans import PlanConflictsView, PlanItemDetail, PlanItemList
from planner.api.views.preferences import Preferences

CONFERENCE = "conferences/<slug:slug>/"

urlpatterns = [
    path(f"{CONFERENCE}plan/", PlanItemList.as_view(), name="personal-plan-list"),
    path(
        f"{CONFERENCE}plan/conflicts/", PlanConflictsView.as_view(), name="personal-plan-conflicts"
    ),
    path(
        f"{CONFERENCE}plan/<str:kind>/<int:target_id>/",
        PlanItemDetail.as_view(),
        name="personal-plan-item",
    ),
    path(
        f"{CONFERENCE}conversations/",
        ConversationList.as_view(),
        name="personal-conversation-list",
    ),
    path(
        f"{CONFERENCE}conversations/<uuid:conversation_id>/",
        ConversationDetail.as_view(),
        name="personal-conversation-detail",
    ),
    path(
        f"{CONFERENCE}conversations/<uuid:conversation_id>/photos/",
        ConversationPhotoCreate.as_view(),
        name="personal-conversation-photo-list",
    ),
    path(
        f"{CONFERENCE}conversations/<uuid:conversation_id>/photos/<uuid:photo_id>/",
        ConversationPhotoDetail.as_view(),
        name="personal-conversation-photo-detail",
    ),
    path(f"{CONFERENCE}meetups/", MeetupList.as_view(), name="personal-meetup-list"),
    path(
        f"{CONFERENCE}meetups/<uuid:meetup_id>/",
        MeetupDetail.as_view(),
        name="personal-meetup-detail",
    ),
    path(f"{CONFERENCE}sync/", Sync.as_view(), name="personal-sync"),
    path(f"{CONFERENCE}changes/", Changes.as_view(), name="personal-changes"),
    path(f"{CONFERENCE}badge/", BadgeView.as_view(), name="personal-badge"),
    path(f"{CONFERENCE}badge.svg", BadgeSvg.as_view(), name="personal-badge-svg"),
    path(f"{CONFERENCE}badge.png", BadgePng.as_view(), name="personal-badge-png"),
    path(f"{CONFERENCE}badge/rotate/", BadgeRotate.as_view(), name="personal-badge-rotate"),
    path(f"{CONFERENCE}scans/", ScanCreate.as_view(), name="personal-scan-create"),
    path(f"{CONFERENCE}scans/received/", ScansReceived.as_view(), name="personal-scans-received"),
    path(
        f"{CONFERENCE}scans/received/<uuid:scan_id>/share-back/",
        ShareBack.as_view(),
        name="personal-scan-share-back",
    ),
    path(f"{CONFERENCE}feed/", PrivateFeed.as_view(), name="personal-feed"),
    path(f"{CONFERENCE}preferences/", Preferences.as_view(), name="personal-preferences"),
    path(f"{CONFERENCE}push/key", PushKey.as_view(), name="personal-push-key"),
    path(
        f"{CONFERENCE}push/subscriptions/",
        PushSubscriptions.as_view(),
        name="personal-push-subscriptions",
    ),
    path(
        f"{CONFERENCE}notifications/", NotificationList.as_view(), name="personal-notification-list"
    ),
    path(
        f"{CONFERENCE}notifications/<int:pk>/read",
        NotificationRead.as_view(),
        name="personal-notification-read",
    ),
    path(
        f"{CONFERENCE}notifications/read-all",
        NotificationReadAll.as_view(),
        name="personal-notification-read-all",
    ),
]
