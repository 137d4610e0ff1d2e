"""Badges and calendar feeds of the signed-in attendee, and the public feeds' links.

- ``badge/``: the attendee's badge QR (URL with an opaque token), as JSON with the SVG,
  and as ``badge.svg`` / ``badge.png``; PATCH chooses the fields a scan shares;
  ``badge/rotate/`` replaces the token.
- ``scans/``: scanning someone's badge logs a meetup (idempotent by client UUID and by the
  pair); ``scans/received/`` lists who scanned you; ``…/share-back/`` logs them in return.
- ``feed/``: the private iCal feed: its URL is issued (POST) and shown once, with a
  webcal:// link and its QR; PATCH sets what it includes; DELETE turns it off.
- ``feeds/``: the public feeds (program, tracks, rooms, kinds) with webcal links and QRs.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planner.access import conference_public
from planner.api.parsers import JSONParser
from planner.api.serializers.badges import (
    BadgeSerializer,
    BadgeSharedFieldsSerializer,
    FeedSettingsSerializer,
    IssuedFeedSerializer,
    PublicFeedDetailSerializer,
    PublicFeedSerializer,
    ScanReceivedSerializer,
    ScanSerializer,
    ShareBackSerializer,
)
from planner.api.serializers.logbook import MeetupSerializer, PersonalErrorSerializer
from planner.api.views.plans import BAD_REQUEST, NOT_AUTHENTICATED, NOT_FOUND, PersonalView
from planner.badges import badge_url, qr_png, qr_svg, webcal_url
from planner.exceptions import NotFound
from planner.models import Attendee, Meetup
from planner.selectors.feeds import public_feeds, scans_received
from planner.services.badges import (
    badge_current,
    badge_rotate,
    badge_scan,
    badge_share_back,
    badge_shared_fields_update,
    shared_profile,
)
from planner.services.feeds import feed_options_update, feed_token_revoke, feed_token_rotate


def _badge(attendee: Attendee, slug: str) -> dict[str, Any]:
    url = badge_url(attendee)
    base = f"/api/v1/conferences/{slug}/badge"
    return {
        "url": url,
        "qr_svg": qr_svg(url),
        "svg": f"{base}.svg",
        "png": f"{base}.png",
        "shared_fields": attendee.shared_fields,
        "rotated_at": attendee.badge_rotated_at,
    }


class BadgeView(PersonalView, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["badges"],
        responses={200: BadgeSerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        """Your badge at this conference: the URL its QR holds and the QR as SVG."""
        attendee = badge_current(attendee=self.attendee())
        return Response(BadgeSerializer(_badge(attendee, slug)).data)

    @extend_schema(
        tags=["badges"],
        request=BadgeSharedFieldsSerializer,
        responses={200: BadgeSerializer, 400: BAD_REQUEST, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def patch(self, request: Request, slug: str) -> Response:
        """Choose which profile fields a scan of your badge shares; the badge stays the same.
        Scans from now on share these; meetups logged before keep what they got."""
        incoming = BadgeSharedFieldsSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        attendee = badge_current(attendee=self.attendee())
        if "shared_fields" in incoming.validated_data:
            attendee = badge_shared_fields_update(
                attendee=attendee, fields=incoming.validated_data["shared_fields"]
            )
        return Response(BadgeSerializer(_badge(attendee, slug)).data)


class BadgeRotate(PersonalView, APIView):
    @extend_schema(
        tags=["badges"],
        request=None,
        responses={200: BadgeSerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Replace your badge token (a lost or photographed badge): the old code stops
        working at once; scanning it tells the scanner it was replaced."""
        attendee = badge_rotate(attendee=self.attendee())
        return Response(BadgeSerializer(_badge(attendee, slug)).data)


class _BadgeImage(PersonalView, APIView):
    content_type = ""
    extension = ""

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # An <img> asks for image/*; errors still answer in JSON rather than 406.
        return super().perform_content_negotiation(request, force=True)

    def render_qr(self, data: str) -> bytes:
        raise NotImplementedError

    def get(self, request: Request, slug: str) -> HttpResponse:
        response = HttpResponse(
            self.render_qr(badge_url(badge_current(attendee=self.attendee()))),
            content_type=self.content_type,
        )
        response["Cache-Control"] = "private, no-cache"
        response["Content-Disposition"] = f'inline; filename="badge-{slug}.{self.extension}"'
        return response


@extend_schema(
    tags=["badges"],
    responses={(200, "image/svg+xml"): OpenApiTypes.BINARY, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
)
class BadgeSvg(_BadgeImage):
    """Your badge QR as SVG."""

    content_type = "image/svg+xml"
    extension = "svg"

    def render_qr(self, data: str) -> bytes:
        return qr_svg(data).encode()


@extend_schema(
    tags=["badges"],
    responses={(200, "image/png"): OpenApiTypes.BINARY, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
)
class BadgePng(_BadgeImage):
    """Your badge QR as PNG."""

    content_type = "image/png"
    extension = "png"

    def render_qr(self, data: str) -> bytes:
        return qr_png(data)


SCAN_REFUSED = OpenApiResponse(
    PersonalErrorSerializer,
    description="Not a badge, or a forged, replaced or other-conference badge, or your own "
    "(errors.badge says which); or a place not in this conference.",
)


class ScanCreate(PersonalView, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["badges"],
        request=ScanSerializer,
        responses={
            200: OpenApiResponse(
                MeetupSerializer,
                description="Already logged: this scan's id was seen before, or you had "
                "scanned this badge already; the body is that meetup.",
            ),
            201: OpenApiResponse(MeetupSerializer, description="A new meetup."),
            400: SCAN_REFUSED,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Log meeting the attendee whose badge you scanned, with the profile fields they
        share and (optionally) where: one of session, oral, poster, booth, meal."""
        incoming = ScanSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        result = badge_scan(
            scanner=self.attendee(),
            scanned_text=data["badge"],
            meetup_id=data["id"],
            met_at=data.get("met_at"),
            place={name: data.get(name) for name in ScanSerializer.PLACES},
            notes=data.get("notes", ""),
        )
        return Response(
            MeetupSerializer(result.meetup).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


@extend_schema(
    tags=["badges"],
    responses={200: ScanReceivedSerializer(many=True), 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
)
class ScansReceived(PersonalView, generics.ListAPIView):
    """Who scanned your badge, newest first, with what they share of themselves."""

    serializer_class = ScanReceivedSerializer

    def get_queryset(self):
        if self.schema_only():
            return Meetup.objects.none()
        return scans_received(attendee=self.attendee())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        for scan in page:
            scan.scanner = shared_profile(scan.attendee)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ShareBack(PersonalView, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["badges"],
        request=ShareBackSerializer,
        responses={
            200: OpenApiResponse(MeetupSerializer, description="You had logged them already."),
            201: OpenApiResponse(MeetupSerializer, description="A new meetup with them."),
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, slug: str, scan_id: uuid.UUID) -> Response:
        """Log the person who scanned your badge in your own logbook, with the fields they
        share, at the scan's time and place."""
        incoming = ShareBackSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = badge_share_back(
            attendee=self.attendee(), scan_id=scan_id, meetup_id=incoming.validated_data["id"]
        )
        return Response(
            MeetupSerializer(result.meetup).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


def _feed_settings(attendee: Attendee) -> dict[str, Any]:
    return {
        "active": attendee.feed_token_hash is not None,
        "created_at": attendee.feed_token_created_at,
        "include_followups": attendee.feed_include_followups,
        "include_meetups": attendee.feed_include_meetups,
    }


class PrivateFeed(PersonalView, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["feeds"],
        responses={200: FeedSettingsSerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        """Whether you have a private feed and what it includes (never its URL again)."""
        return Response(FeedSettingsSerializer(_feed_settings(self.attendee())).data)

    @extend_schema(
        tags=["feeds"],
        request=FeedSettingsSerializer,
        responses={
            201: IssuedFeedSerializer,
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Issue your private feed URL, replacing any earlier one (whose URL then answers
        404). The URL, its webcal:// form and a QR of it are shown this once."""
        incoming = FeedSettingsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        attendee = feed_options_update(attendee=self.attendee(), **incoming.validated_data)
        issued = feed_token_rotate(attendee=attendee)
        webcal = webcal_url(issued.url)
        body = {
            **_feed_settings(issued.attendee),
            "url": issued.url,
            "webcal_url": webcal,
            "qr_svg": qr_svg(webcal),
        }
        response = Response(IssuedFeedSerializer(body).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        tags=["feeds"],
        request=FeedSettingsSerializer,
        responses={
            200: FeedSettingsSerializer,
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def patch(self, request: Request, slug: str) -> Response:
        """Choose what the feed includes; its URL stays the same."""
        incoming = FeedSettingsSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        attendee = feed_options_update(attendee=self.attendee(), **incoming.validated_data)
        return Response(FeedSettingsSerializer(_feed_settings(attendee)).data)

    @extend_schema(
        tags=["feeds"],
        request=None,
        responses={204: None, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def delete(self, request: Request, slug: str) -> Response:
        """Turn the private feed off: its URL answers 404 from now on."""
        feed_token_revoke(attendee=self.attendee())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _public_feed(feed: dict[str, str]) -> dict[str, str]:
    url = f"{settings.SITE_URL}{feed['path']}"
    return {"key": feed["key"], "name": feed["name"], "url": url, "webcal_url": webcal_url(url)}


@extend_schema(
    tags=["feeds"],
    responses={200: PublicFeedSerializer(many=True), 404: NOT_FOUND},
)
class PublicFeedList(APIView):
    """The conference's public calendar feeds: the whole program, each track, room and
    kind; each with a webcal:// link that subscribes."""

    authentication_classes: list = []  # public: credentials sent along are not read
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request, slug: str) -> Response:
        conference = conference_public(slug=slug)
        feeds = [_public_feed(feed) for feed in public_feeds(conference=conference)]
        return Response(PublicFeedSerializer(feeds, many=True).data)


@extend_schema(
    tags=["feeds"],
    responses={200: PublicFeedDetailSerializer, 404: NOT_FOUND},
)
class PublicFeedDetail(APIView):
    """One public feed with a QR code of its webcal:// link."""

    authentication_classes: list = []  # public: credentials sent along are not read
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request, slug: str, key: str) -> Response:
        conference = conference_public(slug=slug)
        feed = next((f for f in public_feeds(conference=conference) if f["key"] == key), None)
        if feed is None:
            raise NotFound("No such feed.")
        body = _public_feed(feed)
        body["qr_svg"] = qr_svg(body["webcal_url"])
        return Response(PublicFeedDetailSerializer(body).data)
