"""The user's logbook at a conference: poster conversations, meetups, photos, batch sync and
the changes feed. Entries are written offline under client UUIDs; every write replays safely.

Editing an existing entry needs the version it was based on: ``If-Match: "<version>"`` or
``base_version`` in the body (the same value if both). A stale version answers 412 and no
version 409, both with the server's ``current`` copy, which is never overwritten.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planner.api.exceptions import flatten_errors
from planner.api.parsers import BatchJSONParser, JSONParser, unstorable_text
from planner.api.serializers.logbook import (
    MAX_SYNC_WRITES,
    ChangesPageSerializer,
    ChangesQuerySerializer,
    ConversationPhotoSerializer,
    ConversationPutSerializer,
    ConversationRefusedSerializer,
    ConversationSerializer,
    ConversationWriteSerializer,
    LogbookListQuerySerializer,
    MeetupPutSerializer,
    MeetupRefusedSerializer,
    MeetupSerializer,
    MeetupWriteSerializer,
    PersonalErrorSerializer,
    PhotoUploadSerializer,
    SyncResultSerializer,
    SyncWriteSerializer,
    validated,
)
from planner.api.views.plans import BAD_REQUEST, NOT_AUTHENTICATED, NOT_FOUND, PersonalView
from planner.exceptions import BoardwalkError, Conflict, NotFound, ValidationFailed
from planner.models import ConversationPhoto, Meetup, PosterConversation
from planner.selectors.logbook import (
    ChangeCursor,
    conversation_get,
    conversation_list,
    conversation_photo_get,
    logbook_changes,
    meetup_get,
    meetup_list,
)
from planner.services.logbook import (
    StaleEntry,
    SyncOutcome,
    SyncWrite,
    conversation_delete,
    conversation_photo_add,
    conversation_photo_delete,
    conversation_upsert,
    logbook_sync,
    meetup_delete,
    meetup_upsert,
)

# One version, 1…999999999, bare or as a (weak) entity tag; no `*`, no list.
_ENTITY_TAG = re.compile(r'^(?:W/)?"?([1-9]\d{0,8})"?$')

IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^((W/)?"?[1-9][0-9]{0,8}"?)?$'},
    OpenApiParameter.HEADER,
    description='The version the write is based on, as an entity tag: "3". Same as '
    "base_version in the body.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The entry\'s version as an entity tag ("3"), for If-Match.',
)


def _if_match(request: Request) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    found = _ENTITY_TAG.match(header)
    if found is None:
        raise ValidationFailed('If-Match must name one version, like "3".', field="If-Match")
    return int(found[1])


def _base_version(request: Request, body: dict[str, Any]) -> int | None:
    header = _if_match(request)
    given = body.get("base_version")
    if header is not None and given is not None and header != given:
        raise ValidationFailed("If-Match and base_version disagree.", field="base_version")
    return header if header is not None else given


def _error_status(error: BoardwalkError) -> int:
    if isinstance(error, StaleEntry):
        return error.status_code
    if isinstance(error, NotFound):
        return status.HTTP_404_NOT_FOUND
    if isinstance(error, Conflict):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def _entity(entry: PosterConversation | Meetup, context: dict[str, Any]) -> dict[str, Any]:
    if isinstance(entry, PosterConversation):
        return ConversationSerializer(entry, context=context).data
    return MeetupSerializer(entry, context=context).data


def _refused(error: StaleEntry, context: dict[str, Any]) -> Response:
    return Response(
        {
            "detail": error.message,
            "errors": {error.field: [error.message]} if error.field else {},
            "current": _entity(error.current, context) if error.current is not None else None,
        },
        status=error.status_code,
    )


class LogbookView(PersonalView):
    def context(self) -> dict[str, Any]:
        return {"request": self.request, "slug": self.kwargs["slug"]}


def _list_schema(serializer: type, noun: str):
    return extend_schema(
        tags=["logbook"],
        parameters=[LogbookListQuerySerializer],
        responses={
            200: serializer(many=True),
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
        description=f"The user's {noun}, newest first; tombstones only with include_deleted.",
    )


def _detail_schemas(*, noun: str, output: type, put_input: type, refused: type) -> dict[str, Any]:
    refused_412 = OpenApiResponse(
        refused, description="The edit or delete is based on another version than the server's."
    )
    refused_409 = OpenApiResponse(
        refused,
        description="The entry exists and the edit named no base version"
        + (", or another meetup already names this attendee" if noun == "meetup" else "")
        + ".",
    )
    return {
        "get": extend_schema(
            tags=["logbook"],
            parameters=[ETAG],
            responses={200: output, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
            description=f"One {noun}, tombstone included (deleted: true).",
        ),
        "put": extend_schema(
            tags=["logbook"],
            parameters=[IF_MATCH, ETAG],
            request=put_input,
            responses={
                200: OpenApiResponse(output, description="Edited, or the same write replayed."),
                201: OpenApiResponse(output, description="Created."),
                400: BAD_REQUEST,
                403: NOT_AUTHENTICATED,
                404: NOT_FOUND,
                409: refused_409,
                412: refused_412,
            },
            description=f"Create or edit a {noun} under its client UUID: an idempotent "
            "upsert. Creating answers 201; replaying the same write answers 200 with the "
            "same body; an edit must name its base version (If-Match or base_version).",
        ),
        "delete": extend_schema(
            tags=["logbook"],
            parameters=[IF_MATCH],
            request=None,
            responses={
                204: None,
                400: BAD_REQUEST,
                403: NOT_AUTHENTICATED,
                404: NOT_FOUND,
                412: refused_412,
            },
            description=f"Tombstone the {noun} (it stays in the changes feed as deleted). "
            "If-Match is optional here; deleting again answers 204.",
        ),
    }


# --- conversations -------------------------------------------------------------------------------


@_list_schema(ConversationSerializer, "poster conversations")
class ConversationList(LogbookView, generics.ListAPIView):
    serializer_class = ConversationSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "slug": self.kwargs.get("slug", "")}

    def get_queryset(self):
        if self.schema_only():
            return PosterConversation.objects.none()
        query = LogbookListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return conversation_list(attendee=self.attendee(), **query.validated_data)


_CONVERSATION = _detail_schemas(
    noun="conversation",
    output=ConversationSerializer,
    put_input=ConversationPutSerializer,
    refused=ConversationRefusedSerializer,
)


class ConversationDetail(LogbookView, APIView):
    parser_classes = [JSONParser]

    def _render(self, entry: PosterConversation, code: int) -> Response:
        body = ConversationSerializer(entry, context=self.context()).data
        return Response(body, status=code, headers={"ETag": f'"{entry.version}"'})

    @_CONVERSATION["get"]
    def get(self, request: Request, slug: str, conversation_id: uuid.UUID) -> Response:
        entry = conversation_get(attendee=self.attendee(), conversation_id=conversation_id)
        return self._render(entry, status.HTTP_200_OK)

    @_CONVERSATION["put"]
    def put(self, request: Request, slug: str, conversation_id: uuid.UUID) -> Response:
        attendee = self.attendee()
        incoming = validated(ConversationPutSerializer, request.data)
        try:
            write = conversation_upsert(
                attendee=attendee,
                conversation_id=conversation_id,
                fields=ConversationWriteSerializer.to_fields(incoming),
                base_version=_base_version(request, incoming),
            )
        except StaleEntry as error:
            return _refused(error, self.context())
        # The service returns the row as written: render it without reading it back.
        if write.created:
            # A new entry has no photos yet: say so as prefetch_related would, with the
            # result already fetched (an unevaluated none() still compiles a query to iterate).
            no_photos = ConversationPhoto.objects.none()
            no_photos._result_cache, no_photos._prefetch_done = [], True
            write.entry._prefetched_objects_cache = {"photos": no_photos}
        return self._render(
            write.entry, status.HTTP_201_CREATED if write.created else status.HTTP_200_OK
        )

    @_CONVERSATION["delete"]
    def delete(self, request: Request, slug: str, conversation_id: uuid.UUID) -> Response:
        try:
            conversation_delete(
                attendee=self.attendee(),
                conversation_id=conversation_id,
                base_version=_if_match(request),
            )
        except StaleEntry as error:
            return _refused(error, self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- meetups -----------------------------------------------------------------------------------------


@_list_schema(MeetupSerializer, "meetups")
class MeetupList(LogbookView, generics.ListAPIView):
    serializer_class = MeetupSerializer

    def get_queryset(self):
        if self.schema_only():
            return Meetup.objects.none()
        query = LogbookListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return meetup_list(attendee=self.attendee(), **query.validated_data)


_MEETUP = _detail_schemas(
    noun="meetup",
    output=MeetupSerializer,
    put_input=MeetupPutSerializer,
    refused=MeetupRefusedSerializer,
)


class MeetupDetail(LogbookView, APIView):
    parser_classes = [JSONParser]

    def _render(self, entry: Meetup, code: int) -> Response:
        body = MeetupSerializer(entry, context=self.context()).data
        return Response(body, status=code, headers={"ETag": f'"{entry.version}"'})

    @_MEETUP["get"]
    def get(self, request: Request, slug: str, meetup_id: uuid.UUID) -> Response:
        entry = meetup_get(attendee=self.attendee(), meetup_id=meetup_id)
        return self._render(entry, status.HTTP_200_OK)

    @_MEETUP["put"]
    def put(self, request: Request, slug: str, meetup_id: uuid.UUID) -> Response:
        attendee = self.attendee()
        incoming = validated(MeetupPutSerializer, request.data)
        try:
            write = meetup_upsert(
                attendee=attendee,
                meetup_id=meetup_id,
                fields=MeetupWriteSerializer.to_fields(incoming),
                base_version=_base_version(request, incoming),
            )
        except StaleEntry as error:
            return _refused(error, self.context())
        # The service returns the row as written: render it without reading it back.
        return self._render(
            write.entry, status.HTTP_201_CREATED if write.created else status.HTTP_200_OK
        )

    @_MEETUP["delete"]
    def delete(self, request: Request, slug: str, meetup_id: uuid.UUID) -> Response:
        try:
            meetup_delete(
                attendee=self.attendee(), meetup_id=meetup_id, base_version=_if_match(request)
            )
        except StaleEntry as error:
            return _refused(error, self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- photos --------------------------------------------------------------------------------------------


class ConversationPhotoCreate(LogbookView, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["logbook"],
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={
            200: OpenApiResponse(
                ConversationPhotoSerializer, description="This photo id was already uploaded."
            ),
            201: ConversationPhotoSerializer,
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(
                PersonalErrorSerializer,
                description="The photo id was used for other bytes or another conversation.",
            ),
        },
    )
    def post(self, request: Request, slug: str, conversation_id: uuid.UUID) -> Response:
        """Attach an image (multipart field ``image``): JPEG, PNG or WebP, proven by its
        leading bytes and matching its declared type, at most 10 MB and 50 megapixels. The
        server stores its own re-encoding: upright, without metadata such as the location,
        scaled down to 4096 px along the longer edge; `size` is the stored size."""
        attendee = self.attendee()
        incoming = PhotoUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["image"]
        write = conversation_photo_add(
            attendee=attendee,
            conversation_id=conversation_id,
            upload=upload,
            content_type=upload.content_type or "",
            photo_id=incoming.validated_data.get("id"),
        )
        body = ConversationPhotoSerializer(write.photo, context=self.context()).data
        return Response(
            body, status=status.HTTP_201_CREATED if write.created else status.HTTP_200_OK
        )


class ConversationPhotoDetail(LogbookView, APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        # An <img> asks for image/*; errors still answer in JSON rather than 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=["logbook"],
        responses={
            (200, "image/*"): OpenApiTypes.BINARY,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, slug: str, conversation_id: uuid.UUID, photo_id: uuid.UUID):
        """The image itself, to the conversation's owner only."""
        photo = conversation_photo_get(
            attendee=self.attendee(), conversation_id=conversation_id, photo_id=photo_id
        )
        try:
            stored = photo.image.open("rb")
        except FileNotFoundError:
            raise NotFound("Not found.") from None  # the row outlived its file
        response = FileResponse(stored, content_type=photo.content_type)
        response["Cache-Control"] = "private, max-age=86400"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Content-Disposition"] = f'inline; filename="{photo.pk}"'
        return response

    @extend_schema(
        tags=["logbook"],
        request=None,
        responses={204: None, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def delete(
        self, request: Request, slug: str, conversation_id: uuid.UUID, photo_id: uuid.UUID
    ) -> Response:
        conversation_photo_delete(
            attendee=self.attendee(), conversation_id=conversation_id, photo_id=photo_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- sync and changes -------------------------------------------------------------------------------

_WRITE_SERIALIZERS = {"conversation": ConversationWriteSerializer, "meetup": MeetupWriteSerializer}


def _parse_write(raw: Any) -> SyncWrite | dict[str, list[str]]:
    """A validated write, or the errors that keep it from being one. Text the database
    cannot store is refused here, per write (the batch parser leaves it to this)."""
    unstorable = unstorable_text(raw)
    if unstorable:
        return unstorable
    envelope = SyncWriteSerializer(data=raw)
    if not envelope.is_valid():
        return flatten_errors(envelope.errors)
    data = envelope.validated_data
    fields = None
    if data["op"] == "put":
        serializer_class = _WRITE_SERIALIZERS[data["type"]]
        entry = serializer_class(data=data["data"])
        if not entry.is_valid():
            return flatten_errors(entry.errors, prefix="data")
        fields = serializer_class.to_fields(entry.validated_data)
    return SyncWrite(
        op=data["op"],
        type=data["type"],
        id=data["id"],
        base_version=data["base_version"],
        fields=fields,
    )


def _given_id(raw: Any) -> str | None:
    """A refused write's id as sent, when it can be echoed: a string of storable text."""
    given = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(given, str):
        return None if unstorable_text(given) else given
    if isinstance(given, int | float) and not isinstance(given, bool):
        return str(given)
    return None


class Sync(LogbookView, APIView):
    parser_classes = [BatchJSONParser]

    @extend_schema(
        tags=["logbook"],
        request=SyncWriteSerializer(many=True),
        responses={
            200: SyncResultSerializer(many=True),
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Up to 200 offline writes at once, applied in order, each on its own: the answer
        lists, in the same order, what each would have answered alone (200, 201, 204, 400,
        404, 409, 412) with its body, errors or the server's current copy."""
        raw_writes = request.data
        if not isinstance(raw_writes, list):
            raise ValidationFailed("Send a JSON array of writes.", field="non_field_errors")
        if len(raw_writes) > MAX_SYNC_WRITES:
            raise ValidationFailed(
                f"At most {MAX_SYNC_WRITES} writes per request; got {len(raw_writes)}.",
                field="non_field_errors",
            )
        attendee = self.attendee()
        parsed = [_parse_write(raw) for raw in raw_writes]
        outcomes = iter(
            logbook_sync(attendee=attendee, writes=[w for w in parsed if isinstance(w, SyncWrite)])
        )
        context = self.context()
        results = []
        for raw, write in zip(raw_writes, parsed, strict=True):
            if isinstance(write, SyncWrite):
                results.append(self._result(next(outcomes), context))
            else:
                results.append(
                    {
                        "id": _given_id(raw),
                        "status": status.HTTP_400_BAD_REQUEST,
                        "detail": "Invalid input.",
                        "errors": write,
                    }
                )
        return Response(SyncResultSerializer(results, many=True).data)

    @staticmethod
    def _result(outcome: SyncOutcome, context: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"id": str(outcome.write.id)}
        error = outcome.error
        if error is not None:
            result["status"] = _error_status(error)
            result["detail"] = error.message
            result["errors"] = {error.field: [error.message]} if error.field else {}
            if isinstance(error, StaleEntry) and error.current is not None:
                result["current"] = _entity(error.current, context)
            return result
        if outcome.write.op == "delete" or outcome.entry is None:
            result["status"] = status.HTTP_204_NO_CONTENT
        else:
            result["status"] = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
            result["body"] = _entity(outcome.entry, context)
        return result


class Changes(LogbookView, APIView):
    @extend_schema(
        tags=["logbook"],
        parameters=[ChangesQuerySerializer],
        responses={
            200: ChangesPageSerializer,
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        """Conversations and meetups changed after ``cursor`` (tombstones included), oldest
        first, so another device catches up: follow ``next_cursor`` while ``has_more``, then
        keep it for the next poll. A cursor this feed did not hand out answers 400."""
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        token = query.validated_data["cursor"]
        after = ChangeCursor.decode(token) if token else None
        page = logbook_changes(
            attendee=self.attendee(), after=after, limit=query.validated_data["limit"]
        )
        results = [
            {
                "type": change.type,
                "id": change.entry.pk,
                "version": change.entry.version,
                "updated_at": change.entry.updated_at,
                "deleted": change.entry.is_deleted,
                "conversation": change.entry if change.type == "conversation" else None,
                "meetup": change.entry if change.type == "meetup" else None,
            }
            for change in page.changes
        ]
        body = {
            "results": results,
            "next_cursor": page.next_cursor.encode() if page.next_cursor else "",
            "has_more": page.has_more,
        }
        return Response(ChangesPageSerializer(body, context=self.context()).data)
