"""The authenticated user's plan at a conference: starred items and their conflicts."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planner.access import attendee_for, attendee_with_conference, conference_public
from planner.api.parsers import JSONParser
from planner.api.serializers.logbook import PersonalErrorSerializer
from planner.api.serializers.plans import (
    ConflictsQuerySerializer,
    PlanConflictsSerializer,
    PlanItemSerializer,
    PlanItemWriteSerializer,
)
from planner.models import Attendee, PlanItem
from planner.models.plans import PLAN_TARGETS
from planner.selectors.plans import plan_conflicts, plan_item_get, plan_item_list
from planner.services.plans import plan_item_put, plan_item_remove, plan_item_update

BAD_REQUEST = OpenApiResponse(PersonalErrorSerializer, description="Invalid input.")
NOT_FOUND = OpenApiResponse(
    PersonalErrorSerializer,
    description="No such conference or item, or it is not yours (never told apart).",
)
NOT_AUTHENTICATED = OpenApiResponse(PersonalErrorSerializer, description="Not signed in.")

KIND_PARAMETER = OpenApiParameter(
    "kind",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=PLAN_TARGETS,
    description="What is starred.",
)
TARGET_PARAMETER = OpenApiParameter(
    "target_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Its id in the program."
)


class PersonalView:
    """The signed-in user's Attendee at the conference in the URL, joined on first use."""

    permission_classes = [permissions.IsAuthenticated]
    kwargs: dict
    request: Request

    def attendee(self) -> Attendee:
        cached = getattr(self, "_attendee", None)
        if cached is not None:
            return cached
        # One query on every request after the first; joining is the rare path.
        attendee = attendee_with_conference(user=self.request.user, slug=self.kwargs["slug"])
        if attendee is None:
            conference = conference_public(slug=self.kwargs["slug"])
            attendee = attendee_for(user=self.request.user, conference=conference)
            attendee.conference = conference  # the row we just read: saves a query per use
        self._attendee = attendee
        return attendee

    def schema_only(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


@extend_schema(
    tags=["plan"],
    responses={200: PlanItemSerializer(many=True), 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
)
class PlanItemList(PersonalView, generics.ListAPIView):
    """Everything the user starred at this conference: timed items in start order (posters
    at their session's start), booths last. Cancelled items stay, with
    ``target.cancelled`` true (an oral or poster also when its session is cancelled)."""

    serializer_class = PlanItemSerializer

    def get_queryset(self):
        if self.schema_only():
            return PlanItem.objects.none()
        return plan_item_list(attendee=self.attendee())


class PlanItemDetail(PersonalView, APIView):
    """One starred item, addressed by what it stars: ``plan/session/12/``."""

    parser_classes = [JSONParser]

    def _render(self, kind: str, target_id: int, code: int) -> Response:
        item = plan_item_get(attendee=self.attendee(), kind=kind, target_id=target_id)
        return Response(PlanItemSerializer(item).data, status=code)

    @extend_schema(
        tags=["plan"],
        parameters=[KIND_PARAMETER, TARGET_PARAMETER],
        responses={200: PlanItemSerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str, kind: str, target_id: int) -> Response:
        return self._render(kind, target_id, status.HTTP_200_OK)

    @extend_schema(
        tags=["plan"],
        parameters=[KIND_PARAMETER, TARGET_PARAMETER],
        request=PlanItemWriteSerializer,
        responses={
            200: OpenApiResponse(
                PlanItemSerializer,
                description="Already planned: updated "
                "(or unchanged, for a replay; the body is then the same as before).",
            ),
            201: OpenApiResponse(PlanItemSerializer, description="Newly planned."),
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def put(self, request: Request, slug: str, kind: str, target_id: int) -> Response:
        """Star the item with these values: an idempotent upsert. Fields left out take their
        defaults (status interested, empty note, default reminder)."""
        attendee = self.attendee()
        incoming = PlanItemWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        write = plan_item_put(
            attendee=attendee, kind=kind, target_id=target_id, **incoming.validated_data
        )
        code = status.HTTP_201_CREATED if write.created else status.HTTP_200_OK
        return self._render(kind, target_id, code)

    @extend_schema(
        tags=["plan"],
        parameters=[KIND_PARAMETER, TARGET_PARAMETER],
        request=PlanItemWriteSerializer(partial=True),
        responses={
            200: PlanItemSerializer,
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def patch(self, request: Request, slug: str, kind: str, target_id: int) -> Response:
        """Change some fields of an item already in the plan (404 when it is not)."""
        attendee = self.attendee()
        incoming = PlanItemWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        plan_item_update(
            attendee=attendee, kind=kind, target_id=target_id, changes=incoming.validated_data
        )
        return self._render(kind, target_id, status.HTTP_200_OK)

    @extend_schema(
        tags=["plan"],
        parameters=[KIND_PARAMETER, TARGET_PARAMETER],
        request=None,
        responses={204: None, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def delete(self, request: Request, slug: str, kind: str, target_id: int) -> Response:
        """Unstar (404 when it was not planned)."""
        plan_item_remove(attendee=self.attendee(), kind=kind, target_id=target_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanConflictsView(PersonalView, APIView):
    @extend_schema(
        tags=["plan"],
        parameters=[ConflictsQuerySerializer],
        responses={
            200: PlanConflictsSerializer,
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        """What in the plan cannot all happen: overlapping sessions, orals and meals (with
        the overlap in minutes; one event listed twice in one room, or an oral in its own
        session, is not a conflict), cancelled items (listed apart), and poster sessions whose
        starred posters take longer to visit than the session lasts."""
        query = ConflictsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        conflicts = plan_conflicts(attendee=self.attendee(), **query.validated_data)
        return Response(PlanConflictsSerializer(conflicts).data)
