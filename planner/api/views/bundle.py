"""The offline bundle endpoint: one conference's whole program as one cached, gzip-compressed
JSON document, versioned by ``schedule_version`` (ETag / 304) with ``?since=`` deltas.

The body is built and compressed by planner/bundle.py; this view only negotiates. It is
public and reads no user (no authentication classes), so a 304 costs exactly one query: the
conference row. The serializers below only describe the body for the OpenAPI schema (and so
the PWA's generated types); the body itself is built from ``.values()`` rows, because 60,000
rows through DRF fields would take seconds.
"""

from __future__ import annotations

import gzip

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_header_parameters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from planner.access import conference_public
from planner.api.schema import ErrorSerializer
from planner.api.serializers.query import QuerySerializer
from planner.bundle import bundle_etag, bundle_gzip
from planner.enums import BoothTag, Dietary, MealKind, RoomKind, SessionKind
from planner.http import etag_matches

# --- the query ----------------------------------------------------------------------------


class BundleQuerySerializer(QuerySerializer):
    since = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The schedule version the client already has: answer only what changed "
        "after it (a delta). A version newer than the server's (a client that saw the "
        "schedule before the database was restored) gets the full bundle.",
    )

    def validate_since(self, value: int) -> int | None:
        # A client ahead of the server cannot hold a subset of what is here; a delta would
        # leave it with rows the server no longer has, so it gets everything (full: true).
        if value > self.context["version"]:
            return None
        return value


# --- the body, for the schema ---------------------------------------------------------------
# Optional fields (required=False) are left out of the body when empty: null, "", [] or false.


def _ids(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text=help_text
    )


def _cancelled() -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False, help_text="Present (true) only when cancelled: a tombstone."
    )


def _utc(help_text: str) -> serializers.DateTimeField:
    return serializers.DateTimeField(help_text=f"{help_text}, UTC (2026-10-24T06:00:00Z).")


class BundleConferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    timezone = serializers.CharField(help_text="IANA zone to show every time in.")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    venue = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    country = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    schedule_version = serializers.IntegerField()


class BundleRoomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=RoomKind.choices)
    building = serializers.CharField(required=False)
    floor = serializers.CharField(required=False)
    capacity = serializers.IntegerField(required=False)
    x = serializers.FloatField(required=False, help_text="Position on the venue map, 0–1.")
    y = serializers.FloatField(required=False, help_text="Position on the venue map, 0–1.")
    position = serializers.IntegerField(help_text="Order in the timetable.")


class BundleTrackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    colour = serializers.CharField(help_text="#rrggbb")


class BundlePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    affiliation = serializers.CharField(required=False)
    homepage = serializers.URLField(required=False)


class BundlePaperSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    authors = _ids("Person ids, first author first.")
    abstract = serializers.CharField(required=False)
    keywords = serializers.ListField(child=serializers.CharField(), required=False)
    arxiv = serializers.CharField(required=False, help_text="arXiv id, e.g. 2401.01234.")
    openreview = serializers.CharField(required=False, help_text="OpenReview forum id.")
    pdf = serializers.URLField(required=False)
    project = serializers.URLField(required=False)
    code = serializers.URLField(required=False, help_text="Source code, e.g. GitHub.")
    video = serializers.URLField(required=False)
    site = serializers.URLField(
        required=False, help_text="The paper's page on the conference site."
    )
    status = serializers.CharField(
        required=False, help_text='Acceptance as published, e.g. "Oral", "Highlight".'
    )


class BundleSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    start = _utc("Start")
    end = _utc("End")
    room = serializers.IntegerField(required=False, help_text="Room id.")
    track = serializers.IntegerField(required=False, help_text="Track id.")
    description = serializers.CharField(required=False)
    url = serializers.URLField(required=False)
    chairs = _ids("Person ids.")
    speakers = _ids("Person ids (a session that is one talk: keynote, tutorial).")
    cancelled = _cancelled()


class BundleOralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(help_text="Session id.")
    paper = serializers.IntegerField(required=False, help_text="Paper id.")
    title = serializers.CharField(required=False, help_text="Only when the talk has no paper.")
    start = _utc("Start")
    end = _utc("End")
    order = serializers.IntegerField(help_text="Position in the session.")
    speakers = _ids("Person ids.")
    cancelled = _cancelled()


class BundlePosterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(help_text="Poster session id.")
    paper = serializers.IntegerField(required=False, help_text="Paper id.")
    title = serializers.CharField(required=False, help_text="Only when the poster has no paper.")
    board = serializers.CharField(help_text='Board label as printed, e.g. "042".')
    x = serializers.FloatField(required=False)
    y = serializers.FloatField(required=False)
    cancelled = _cancelled()


class BundleHoursSerializer(serializers.Serializer):
    start = _utc("Opens")
    end = _utc("Closes")


class BundleBoothSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exhibitor = serializers.CharField()
    number = serializers.CharField(required=False, help_text='Booth number, e.g. "B14".')
    room = serializers.IntegerField(required=False, help_text="Room id.")
    tier = serializers.CharField(required=False, help_text="Sponsor tier.")
    tags = serializers.ListField(child=serializers.ChoiceField(BoothTag.choices), required=False)
    website = serializers.URLField(required=False)
    description = serializers.CharField(required=False)
    x = serializers.FloatField(required=False)
    y = serializers.FloatField(required=False)
    hours = BundleHoursSerializer(many=True, required=False, help_text="Opening windows.")
    cancelled = _cancelled()


class BundleMenuItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(required=False)
    dietary = serializers.ListField(child=serializers.ChoiceField(Dietary.choices), required=False)


class BundleMealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MealKind.choices)
    title = serializers.CharField()
    start = _utc("Start")
    end = _utc("End")
    room = serializers.IntegerField(required=False, help_text="Room id.")
    dietary = serializers.ListField(child=serializers.ChoiceField(Dietary.choices), required=False)
    notes = serializers.CharField(required=False)
    menu = BundleMenuItemSerializer(many=True, required=False)
    cancelled = _cancelled()


class BundleSerializer(serializers.Serializer):
    format = serializers.IntegerField(
        help_text="Revision of this layout; a client that knows an older one refetches in full."
    )
    version = serializers.IntegerField(help_text="The schedule version this body is at.")
    since = serializers.IntegerField(
        allow_null=True, help_text="The version a delta starts after; null when full."
    )
    full = serializers.BooleanField(
        help_text="True: the whole program (replace what you have). False: a delta since "
        "`since` (upsert each row by id; cancelled rows are tombstones)."
    )
    conference = BundleConferenceSerializer()
    rooms = BundleRoomSerializer(many=True, help_text="Always all rooms.")
    tracks = BundleTrackSerializer(many=True, help_text="Always all tracks.")
    people = BundlePersonSerializer(many=True, help_text="Authors, speakers and chairs.")
    papers = BundlePaperSerializer(many=True)
    sessions = BundleSessionSerializer(many=True)
    orals = BundleOralSerializer(many=True)
    posters = BundlePosterSerializer(many=True)
    booths = BundleBoothSerializer(many=True)
    meals = BundleMealSerializer(many=True)


BundleErrorSerializer = ErrorSerializer  # the one error shape (planner/api/schema.py)

# --- the view -------------------------------------------------------------------------------


class AlwaysJSON(BaseContentNegotiation):
    """The bundle (and its errors) is JSON whatever the Accept header says: no 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 §12.5.3: q=0 refuses)."""
    wildcard = None
    for part in accept_encoding.split(","):
        coding, params = parse_header_parameters(part.strip())
        if not coding:
            continue
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = 0.0
        if coding in ("gzip", "x-gzip"):
            return q > 0
        if coding == "*":
            wildcard = q > 0
    return bool(wildcard)


ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description='"bundle-<conference id>-v<version>", with "-since<V>" for a delta.',
)


class BundleView(APIView):
    authentication_classes: list = []  # public, and a 304 must not look up a session or user
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AlwaysJSON

    @extend_schema(
        operation_id="conferences_bundle",
        summary="Everything the PWA needs offline, in one response",
        description=(
            "The whole program (rooms, tracks, people, papers, sessions, orals, posters, "
            "booths, meals) as one compact JSON document at the conference's current "
            "`schedule_version`. Ids are integers and references between rows are ids; times "
            "are UTC; optional fields are left out when empty; cancelled rows are included "
            'with `"cancelled": true`.\n\n'
            "Send `If-None-Match` with the ETag you hold: an unchanged schedule answers 304 "
            "without a body. With `?since=V` only the rows changed after version V are sent "
            "(cancelled ones as tombstones), plus all rooms and tracks. The body is gzip-"
            "compressed when Accept-Encoding allows it. `Cache-Control: no-cache`: always "
            "revalidate."
        ),
        parameters=[
            BundleQuerySerializer,
            OpenApiParameter(
                "If-None-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="The ETag of the bundle the client holds.",
            ),
            ETAG_HEADER,
        ],
        responses={
            200: OpenApiResponse(BundleSerializer, description="The bundle, full or a delta."),
            304: OpenApiResponse(description="Not modified: If-None-Match matched the ETag."),
            400: OpenApiResponse(
                BundleErrorSerializer, description="`since` is not a non-negative integer."
            ),
            404: OpenApiResponse(BundleErrorSerializer, description="No such conference."),
        },
    )
    def get(self, request, slug: str) -> HttpResponse:
        conference = conference_public(slug=slug)
        query = BundleQuerySerializer(
            data=request.query_params, context={"version": conference.schedule_version}
        )
        query.is_valid(raise_exception=True)
        since = query.validated_data.get("since")
        etag = bundle_etag(conference=conference, since=since)

        if etag_matches(request.headers.get("If-None-Match", ""), etag):
            response: HttpResponse = HttpResponseNotModified()
        else:
            body = bundle_gzip(conference=conference, since=since)
            gzipped = accepts_gzip(request.headers.get("Accept-Encoding", ""))
            response = HttpResponse(
                body if gzipped else gzip.decompress(body), content_type="application/json"
            )
            if gzipped:
                response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(response.content))
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        patch_vary_headers(response, ["Accept-Encoding"])
        return response
