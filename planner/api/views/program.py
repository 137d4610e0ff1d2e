"""The public program, read-only: anyone may read it, no account needed.

Every endpoint sits under /api/v1/conferences/{slug}/; an unknown conference is a 404 in the
API's error shape, a bad filter value a 400 naming the parameter. Lists are paginated
(``page``, ``page_size`` up to 500) and include cancelled items flagged ``cancelled: true``
unless ``?cancelled=false``.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from django.db.models import Model
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planner.access import conference_public
from planner.api.filters import (
    BoothFilter,
    ConferenceFilterBackend,
    MealFilter,
    PaperFilter,
    PosterFilter,
    SessionFilter,
    aware_in,
)
from planner.api.serializers.program import (
    BoothSerializer,
    MealSerializer,
    NowParamsSerializer,
    NowSerializer,
    PaperDetailSerializer,
    PaperSerializer,
    PosterSerializer,
    ProgramErrorSerializer,
    RoomSerializer,
    SessionDetailSerializer,
    SessionSerializer,
    TrackSerializer,
)
from planner.models import Booth, Conference, Meal, Paper, Poster, Room, Session, Track
from planner.selectors import program as selectors

NOT_FOUND = OpenApiResponse(ProgramErrorSerializer, description="No such conference.")
NOT_FOUND_ITEM = OpenApiResponse(
    ProgramErrorSerializer, description="No such conference, or no such item in it."
)
BAD_FILTER = OpenApiResponse(
    ProgramErrorSerializer, description="A query parameter is invalid; `errors` names it."
)

SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The conference's slug, e.g. eccv-demo."
)


def _list_schema(serializer: type, summary: str, *, filters: bool = True) -> Any:
    responses: dict[int, Any] = {200: serializer(many=True), 404: NOT_FOUND}
    if filters:
        responses[400] = BAD_FILTER
    return extend_schema_view(
        get=extend_schema(summary=summary, parameters=[SLUG], responses=responses)
    )


def _detail_schema(serializer: type, summary: str) -> Any:
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            parameters=[SLUG, OpenApiParameter("id", int, OpenApiParameter.PATH)],
            responses={200: serializer, 404: NOT_FOUND_ITEM},
        )
    )


class ProgramView(generics.GenericAPIView):
    """A view of one conference's public program; the conference comes from the URL."""

    permission_classes = [permissions.AllowAny]
    filter_backends = [ConferenceFilterBackend]
    model: type[Model]  # for schema generation, which runs without a conference

    @cached_property
    def conference(self) -> Conference:
        return conference_public(slug=self.kwargs["slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no request
            return self.model.objects.none()
        return self.select(conference=self.conference)

    def select(self, *, conference: Conference):
        raise NotImplementedError


class ProgramDetailView(ProgramView, generics.RetrieveAPIView):
    filter_backends: list = []  # list filters must not narrow get_object()


@_list_schema(RoomSerializer, "Rooms, in timetable order", filters=False)
class RoomList(ProgramView, generics.ListAPIView):
    serializer_class = RoomSerializer
    filter_backends: list = []
    model = Room

    def select(self, *, conference: Conference):
        return selectors.room_list(conference=conference)


@_list_schema(TrackSerializer, "Tracks, by name", filters=False)
class TrackList(ProgramView, generics.ListAPIView):
    serializer_class = TrackSerializer
    filter_backends: list = []
    model = Track

    def select(self, *, conference: Conference):
        return selectors.track_list(conference=conference)


@_list_schema(SessionSerializer, "Sessions by start, with counts of orals and posters")
class SessionList(ProgramView, generics.ListAPIView):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    model = Session

    def select(self, *, conference: Conference):
        return selectors.session_list(conference=conference)


@_detail_schema(SessionDetailSerializer, "A session with its orals and posters")
class SessionDetail(ProgramDetailView):
    serializer_class = SessionDetailSerializer
    model = Session

    def select(self, *, conference: Conference):
        return selectors.session_detail_list(conference=conference)


@_list_schema(PaperSerializer, "Papers; search with q")
class PaperList(ProgramView, generics.ListAPIView):
    serializer_class = PaperSerializer
    filterset_class = PaperFilter
    model = Paper

    def select(self, *, conference: Conference):
        return selectors.paper_list(conference=conference)


@_detail_schema(PaperDetailSerializer, "A paper with its authors, links and presentations")
class PaperDetail(ProgramDetailView):
    serializer_class = PaperDetailSerializer
    model = Paper

    def select(self, *, conference: Conference):
        return selectors.paper_detail_list(conference=conference)


@_list_schema(PosterSerializer, "Posters by session start, then natural board order")
class PosterList(ProgramView, generics.ListAPIView):
    """Boards sort naturally ("2" < "10", "A-2" < "A-10"): the filtered posters' keys are
    sorted in Python and only the requested page is loaded (see
    ``selectors.poster_ids_in_board_order``)."""

    serializer_class = PosterSerializer
    filterset_class = PosterFilter
    model = Poster

    def select(self, *, conference: Conference):
        return selectors.poster_list(conference=conference)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ids = selectors.poster_ids_in_board_order(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(ids)
        posters = selectors.poster_list_by_ids(
            conference=self.conference, ids=ids if page is None else page
        )
        data = self.get_serializer(posters, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)


@_list_schema(BoothSerializer, "Booths with opening hours")
class BoothList(ProgramView, generics.ListAPIView):
    serializer_class = BoothSerializer
    filterset_class = BoothFilter
    model = Booth

    def select(self, *, conference: Conference):
        return selectors.booth_list(conference=conference)


@_list_schema(MealSerializer, "Meals with menu items")
class MealList(ProgramView, generics.ListAPIView):
    serializer_class = MealSerializer
    filterset_class = MealFilter
    model = Meal

    def select(self, *, conference: Conference):
        return selectors.meal_list(conference=conference)


class NowView(APIView):
    """What runs now and what starts next: not cancelled, small payload."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Now and next",
        parameters=[SLUG, NowParamsSerializer],
        responses={200: NowSerializer, 400: BAD_FILTER, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        conference = conference_public(slug=slug)
        params = NowParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        at = params.validated_data.get("at")
        at = timezone.now() if at is None else aware_in(conference, at)
        within = params.validated_data["within"]
        found = selectors.now_and_next(
            conference=conference, at=at, within=dt.timedelta(minutes=within)
        )
        body = {
            "at": at,
            "within": within,
            "timezone": conference.timezone,
            "now": {"sessions": found.sessions_now, "meals": found.meals_now},
            "next": {"sessions": found.sessions_next, "meals": found.meals_next},
        }
        return Response(NowSerializer(body).data)
