"""Web Push key and subscriptions, and in-app notifications, of the signed-in attendee.

- ``push/key``: the VAPID public key the PWA subscribes with;
- ``push/subscriptions/``: POST stores the browser's ``PushSubscription.toJSON()``; DELETE
  ``?endpoint=`` forgets it (404 when it is not yours);
- ``notifications/``: newest first, paginated, with the unread count; ``{id}/read`` and
  ``read-all`` mark them read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planner.access import conference_public
from planner.api.pagination import Pagination
from planner.api.parsers import JSONParser
from planner.api.serializers.notifications import (
    NotificationSerializer,
    PushKeySerializer,
    PushSubscriptionDeleteQuerySerializer,
    PushSubscriptionSerializer,
    PushSubscriptionWriteSerializer,
    ReadAllSerializer,
)
from planner.api.views.plans import BAD_REQUEST, NOT_AUTHENTICATED, NOT_FOUND, PersonalView
from planner.models import Notification
from planner.notifications import push
from planner.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    push_subscription_delete,
    push_subscription_save,
)


class PushKey(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["notifications"],
        responses={200: PushKeySerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        """The VAPID public key to subscribe to Web Push with (``applicationServerKey``)."""
        conference_public(slug=slug)
        enabled = push.configured()
        data = {"public_key": settings.VAPID_PUBLIC_KEY if enabled else "", "enabled": enabled}
        return Response(PushKeySerializer(data).data)


class PushSubscriptions(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["notifications"],
        request=PushSubscriptionWriteSerializer,
        responses={
            200: OpenApiResponse(PushSubscriptionSerializer, description="Known: updated."),
            201: OpenApiResponse(PushSubscriptionSerializer, description="Stored."),
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Store this browser's push subscription for you. The endpoint must be an https URL
        of a public host (a push service); the keys are checked (65-byte P-256 point, 16-byte
        secret). Subscribing again with the same endpoint updates it."""
        conference_public(slug=slug)
        incoming = PushSubscriptionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        subscription, created = push_subscription_save(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(
            PushSubscriptionSerializer(subscription).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        tags=["notifications"],
        parameters=[PushSubscriptionDeleteQuerySerializer],
        responses={204: None, 400: BAD_REQUEST, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def delete(self, request: Request, slug: str) -> Response:
        """Forget the subscription with this endpoint (the browser unsubscribed)."""
        conference_public(slug=slug)
        query = PushSubscriptionDeleteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        push_subscription_delete(user=request.user, endpoint=query.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationPagination(Pagination):
    """Pages of notifications with the attendee's unread count (set by the view)."""

    unread = 0

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["unread"] = self.unread
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["unread"] = {
            "type": "integer",
            "minimum": 0,
            "description": "Unread notifications in all pages.",
        }
        paginated["required"] = [*paginated.get("required", []), "unread"]
        return paginated


@extend_schema(
    tags=["notifications"],
    responses={200: NotificationSerializer(many=True), 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
)
class NotificationList(PersonalView, generics.ListAPIView):
    """Your notifications at this conference, newest first: reminders and schedule-change
    alerts. ``unread`` counts the unread ones over all pages."""

    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination

    def get_queryset(self):
        if self.schema_only():
            return Notification.objects.none()
        return Notification.objects.filter(attendee=self.attendee()).order_by("-created_at", "-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        self.paginator.unread = queryset.filter(read_at__isnull=True).count()
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationRead(PersonalView, APIView):
    @extend_schema(
        tags=["notifications"],
        request=None,
        responses={200: NotificationSerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        """Mark one notification read (again is fine: the first time is kept)."""
        notification = notification_mark_read(attendee=self.attendee(), notification_id=pk)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAll(PersonalView, APIView):
    @extend_schema(
        tags=["notifications"],
        request=None,
        responses={200: ReadAllSerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Mark all your notifications at this conference read."""
        marked = notifications_mark_all_read(attendee=self.attendee())
        return Response(ReadAllSerializer({"marked": marked, "unread": 0}).data)
