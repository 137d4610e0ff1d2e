from __future__ import annotations

import copy
import threading
from typing import Any, TypeVar

from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from planner.api.schema import ErrorSerializer
from planner.api.serializers.fields import JsonBooleanField, JsonStrings
from planner.api.serializers.query import QuerySerializer
from planner.enums import MeetupSource
from planner.models import ConversationPhoto, Meetup, PosterConversation
from planner.models.logs import MEETUP_PLACES
from planner.selectors.logbook import (
    CHANGE_TYPES,
    CURSOR_INVALID,
    DEFAULT_CHANGES_LIMIT,
    MAX_CHANGES_LIMIT,
)

MAX_SYNC_WRITES = 200
_TEXT = {"allow_blank": True, "default": "", "max_length": 20000, "trim_whitespace": False}


PersonalErrorSerializer = ErrorSerializer  # the one error shape (planner/api/schema.py)

# --- conversations -------------------------------------------------------------------------------


class QAPairSerializer(JsonStrings, serializers.Serializer):
    """A question asked at the poster and its answer."""

    question = serializers.CharField(max_length=2000)
    answer = serializers.CharField(allow_blank=True, default="", max_length=5000)

    class Meta:
        fields = ["question", "answer"]


class ConversationPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where the owner fetches the image.")

    class Meta:
        model = ConversationPhoto
        fields = ["id", "content_type", "size", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, photo: ConversationPhoto) -> str:
        return _photo_url(self.context["slug"], photo)


def _photo_url(slug: str, photo: ConversationPhoto) -> str:
    return reverse(
        "personal-conversation-photo-detail",
        kwargs={"slug": slug, "conversation_id": photo.conversation_id, "photo_id": photo.pk},
    )


_S = TypeVar("_S", bound=serializers.Serializer)
_prebuilt = threading.local()


def validated(serializer_class: type[_S], data: Any) -> dict[str, Any]:
    """``s = serializer_class(data=data); s.is_valid(raise_exception=True); s.validated_data``
    without building the serializer's fields again: DRF deep-copies (re-creates) every
    declared field per instance, a tenth of a logbook PUT's CPU. One instance per class and
    thread is built once and runs ``run_validation`` (what ``is_valid`` calls), which keeps no
    state between calls: the same validated data, the same ValidationError, the same 400."""
    instances = _prebuilt.__dict__.setdefault("instances", {})
    serializer = instances.get(serializer_class)
    if serializer is None:
        serializer = instances[serializer_class] = serializer_class()
    return serializer.run_validation(data)


class BuiltFieldsCache:
    """ModelSerializer works its fields out from the model on every instantiation; these
    render every offline write, so the fields are built once per class and copied after."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


_DATETIME = serializers.DateTimeField(read_only=True)  # its to_representation, unbound


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _qa_pair(pair: Any) -> dict[str, Any]:
    if not isinstance(pair, dict) or "question" not in pair:
        raise _Unusual
    answer = pair.get("answer", "")
    return {"question": _text(pair["question"]), "answer": _text(answer)}


class _Unusual(Exception):
    """Stored data the fast rendering does not handle: render field by field instead."""


class ConversationSerializer(BuiltFieldsCache, serializers.ModelSerializer):
    """A poster conversation as stored. Needs ``slug`` in the context (photo URLs)."""

    # (A comment, not the docstring: that is the schema's description.) to_representation
    # builds the dict directly: it renders every offline write, and DRF's field-by-field walk
    # (with its per-instance copy of the fields) was a large part of a PUT's CPU. It must give
    # exactly what the declared fields give (tests/api/personal/test_conversations.py compares
    # both on odd entries); anything unusual falls back to the declared fields.

    poster = serializers.IntegerField(source="poster_id", read_only=True, allow_null=True)
    qa = QAPairSerializer(many=True, read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    photos = ConversationPhotoSerializer(many=True, read_only=True)
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    class Meta:
        model = PosterConversation
        fields = [
            "id",
            "version",
            "poster",
            "poster_title",
            "talked_to",
            "talked_at",
            "qa",
            "rating",
            "tags",
            "notes",
            "follow_up",
            "follow_up_done",
            "photos",
            "deleted",
            "deleted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: PosterConversation) -> dict[str, Any]:
        try:
            return self._fast_representation(instance)
        except _Unusual:
            return self.declared_representation(instance)

    def declared_representation(self, instance: PosterConversation) -> dict[str, Any]:
        """DRF's rendering by the declared fields (the reference for the fast one)."""
        return super().to_representation(instance)

    def _fast_representation(self, entry: PosterConversation) -> dict[str, Any]:
        when = _DATETIME.to_representation
        qa, tags = entry.qa, entry.tags
        if not isinstance(qa, list) or not isinstance(tags, list):
            raise _Unusual
        done = entry.follow_up_done
        if not isinstance(done, bool):
            raise _Unusual
        photos = list(entry.photos.all())
        slug = self.context["slug"] if photos else ""
        return {
            "id": _text(entry.id),
            "version": _int(entry.version),
            "poster": _int(entry.poster_id),
            "poster_title": _text(entry.poster_title),
            "talked_to": _text(entry.talked_to),
            "talked_at": when(entry.talked_at),
            "qa": [_qa_pair(pair) for pair in qa],
            "rating": _int(entry.rating),
            "tags": [_text(tag) for tag in tags],
            "notes": _text(entry.notes),
            "follow_up": _text(entry.follow_up),
            "follow_up_done": done,
            "photos": [
                {
                    "id": _text(photo.pk),
                    "content_type": _text(photo.content_type),
                    "size": _int(photo.size),
                    "url": _photo_url(slug, photo),
                    "created_at": when(photo.created_at),
                }
                for photo in photos
            ],
            "deleted": entry.is_deleted,
            "deleted_at": when(entry.deleted_at),
            "created_at": when(entry.created_at),
            "updated_at": when(entry.updated_at),
        }


class ConversationWriteSerializer(JsonStrings, serializers.Serializer):
    """The whole entry: a field left out takes its default (PUT replaces)."""

    poster = serializers.IntegerField(
        allow_null=True, default=None, min_value=1, help_text="A poster of this conference."
    )
    poster_title = serializers.CharField(
        allow_blank=True, default="", max_length=500, help_text="When the poster is not listed."
    )
    talked_to = serializers.CharField(allow_blank=True, default="", max_length=200)
    talked_at = serializers.DateTimeField()
    qa = QAPairSerializer(many=True, default=list, max_length=100)
    rating = serializers.IntegerField(allow_null=True, default=None, min_value=1, max_value=5)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), default=list, max_length=30
    )
    notes = serializers.CharField(**_TEXT)
    follow_up = serializers.CharField(**_TEXT)
    follow_up_done = JsonBooleanField(default=False)

    class Meta:
        fields = [
            "poster",
            "poster_title",
            "talked_to",
            "talked_at",
            "qa",
            "rating",
            "tags",
            "notes",
            "follow_up",
            "follow_up_done",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("poster") is None and not attrs.get("poster_title"):
            raise serializers.ValidationError(
                {"poster": ["Give the poster, or its title when it is not in the program."]}
            )
        return attrs

    @staticmethod
    def to_fields(data: dict[str, Any]) -> dict[str, Any]:
        """Validated data as model attributes, for the service."""
        fields = {name: value for name, value in data.items() if name != "base_version"}
        fields["poster_id"] = fields.pop("poster")
        fields["qa"] = [dict(pair) for pair in fields["qa"]]
        return fields


# --- meetups ---------------------------------------------------------------------------------------


class MeetupSerializer(BuiltFieldsCache, serializers.ModelSerializer):
    """A meetup as stored: whom the attendee met, where and when, and what to follow up."""

    other = serializers.IntegerField(
        source="other_id", read_only=True, allow_null=True, help_text="The attendee met."
    )
    # A plain string: empty when not given, which an "email" format would call invalid.
    contact_email = serializers.CharField(read_only=True)
    contact_details = serializers.DictField(child=serializers.CharField(), read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)
    oral = serializers.IntegerField(source="oral_id", read_only=True, allow_null=True)
    poster = serializers.IntegerField(source="poster_id", read_only=True, allow_null=True)
    booth = serializers.IntegerField(source="booth_id", read_only=True, allow_null=True)
    meal = serializers.IntegerField(source="meal_id", read_only=True, allow_null=True)
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    class Meta:
        model = Meetup
        fields = [
            "id",
            "version",
            "other",
            "source",
            "contact_name",
            "contact_affiliation",
            "contact_email",
            "contact_details",
            "met_at",
            "session",
            "oral",
            "poster",
            "booth",
            "meal",
            "notes",
            "follow_up",
            "follow_up_done",
            "deleted",
            "deleted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MeetupWriteSerializer(JsonStrings, serializers.Serializer):
    """The whole entry: a field left out takes its default (PUT replaces). Name someone
    (``other`` or ``contact_name``); give at most one place."""

    other = serializers.IntegerField(
        allow_null=True, default=None, min_value=1, help_text="An attendee of this conference."
    )
    source = serializers.ChoiceField(choices=MeetupSource.choices, default=MeetupSource.MANUAL)
    contact_name = serializers.CharField(allow_blank=True, default="", max_length=200)
    contact_affiliation = serializers.CharField(allow_blank=True, default="", max_length=300)
    contact_email = serializers.EmailField(allow_blank=True, default="", max_length=254)
    contact_details = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500), default=dict
    )
    met_at = serializers.DateTimeField()
    session = serializers.IntegerField(allow_null=True, default=None, min_value=1)
    oral = serializers.IntegerField(allow_null=True, default=None, min_value=1)
    poster = serializers.IntegerField(allow_null=True, default=None, min_value=1)
    booth = serializers.IntegerField(allow_null=True, default=None, min_value=1)
    meal = serializers.IntegerField(allow_null=True, default=None, min_value=1)
    notes = serializers.CharField(**_TEXT)
    follow_up = serializers.CharField(**_TEXT)
    follow_up_done = JsonBooleanField(default=False)

    class Meta:
        fields = [
            "other",
            "source",
            "contact_name",
            "contact_affiliation",
            "contact_email",
            "contact_details",
            "met_at",
            *MEETUP_PLACES,
            "notes",
            "follow_up",
            "follow_up_done",
        ]

    def validate_contact_details(self, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 20:
            raise serializers.ValidationError("At most 20 details.")
        for key in value:
            if not key or len(key) > 50 or "\x00" in key:
                raise serializers.ValidationError(
                    "Detail names are 1 to 50 characters, without NUL."
                )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        places = [place for place in MEETUP_PLACES if attrs.get(place) is not None]
        if len(places) > 1:
            raise serializers.ValidationError(
                {"place": [f"Give at most one place; got {', '.join(places)}."]}
            )
        if attrs.get("other") is None and not attrs.get("contact_name"):
            raise serializers.ValidationError(
                {"contact_name": ["Name the person met, or give the attendee (other)."]}
            )
        return attrs

    @staticmethod
    def to_fields(data: dict[str, Any]) -> dict[str, Any]:
        fields = {name: value for name, value in data.items() if name != "base_version"}
        for name in ("other", *MEETUP_PLACES):
            fields[f"{name}_id"] = fields.pop(name)
        fields["contact_details"] = dict(fields["contact_details"])
        return fields


_BASE_VERSION_HELP = (
    "The version this edit is based on (the If-Match header says the same; send either). "
    "Not needed to create, nor to replay a write the server already has."
)


class ConversationPutSerializer(ConversationWriteSerializer):
    base_version = serializers.IntegerField(
        min_value=1, allow_null=True, required=False, help_text=_BASE_VERSION_HELP
    )

    class Meta:
        fields = [*ConversationWriteSerializer.Meta.fields, "base_version"]


class MeetupPutSerializer(MeetupWriteSerializer):
    base_version = serializers.IntegerField(
        min_value=1, allow_null=True, required=False, help_text=_BASE_VERSION_HELP
    )

    class Meta:
        fields = [*MeetupWriteSerializer.Meta.fields, "base_version"]


class ConversationRefusedSerializer(PersonalErrorSerializer):
    current = ConversationSerializer(allow_null=True, help_text="The server's copy, unchanged.")

    class Meta:
        fields = ["detail", "errors", "current"]


class MeetupRefusedSerializer(PersonalErrorSerializer):
    current = MeetupSerializer(allow_null=True, help_text="The server's copy, unchanged.")

    class Meta:
        fields = ["detail", "errors", "current"]


class LogbookListQuerySerializer(QuerySerializer):
    include_deleted = serializers.BooleanField(
        default=False, help_text="Include tombstones (deleted entries)."
    )

    class Meta:
        fields = ["include_deleted"]


# --- photos --------------------------------------------------------------------------------------


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(
        help_text=(
            "JPEG, PNG or WebP, at most 10 MB and 50 megapixels (PHOTO_MAX_PIXELS); the declared "
            "type must match the bytes. Stored re-encoded: upright, without metadata (no "
            "location), at most 4096 px along the longer edge (PHOTO_MAX_EDGE)."
        )
    )
    id = serializers.UUIDField(
        required=False, help_text="Client-generated photo id: uploading again is idempotent."
    )

    class Meta:
        fields = ["image", "id"]


# --- sync and changes ------------------------------------------------------------------------------

_ENTRY_WRITE = PolymorphicProxySerializer(
    component_name="LogEntryWrite",
    serializers=[ConversationWriteSerializer, MeetupWriteSerializer],
    resource_type_field_name=None,
)
_ENTRY = PolymorphicProxySerializer(
    component_name="LogEntry",
    serializers=[ConversationSerializer, MeetupSerializer],
    resource_type_field_name=None,
)


@extend_schema_field(_ENTRY_WRITE)
class EntryWriteField(serializers.DictField):
    """The entry's fields, validated against its type once the envelope is read."""


@extend_schema_field(_ENTRY)
class EntryField(serializers.DictField):
    pass


class SyncWriteSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["put", "delete"])
    type = serializers.ChoiceField(choices=CHANGE_TYPES)
    id = serializers.UUIDField(help_text="The entry's client-generated id.")
    base_version = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        default=None,
        help_text="For an edit or a delete: the version it is based on.",
    )
    data = EntryWriteField(
        required=False, default=dict, help_text="For a put: the whole entry, as its PUT body."
    )

    class Meta:
        fields = ["op", "type", "id", "base_version", "data"]


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The write's id, as sent.", allow_null=True)
    status = serializers.ChoiceField(
        choices=[200, 201, 204, 400, 404, 409, 412],
        help_text="What the single write would have answered on its own.",
    )
    body = EntryField(required=False, help_text="200/201: the entry as stored now.")
    detail = serializers.CharField(required=False, help_text="Why the write was refused.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="400 (and some 409): messages by field.",
    )
    current = EntryField(required=False, help_text="409/412: the server's copy, unchanged.")

    class Meta:
        fields = ["id", "status", "body", "detail", "errors", "current"]


class ChangesQuerySerializer(QuerySerializer):
    cursor = serializers.RegexField(
        r"^[A-Za-z0-9_-]*$",
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        error_messages={"invalid": CURSOR_INVALID, "max_length": CURSOR_INVALID},
        help_text="next_cursor of the previous page; empty or absent to start from the beginning.",
    )
    limit = serializers.IntegerField(
        default=DEFAULT_CHANGES_LIMIT, min_value=1, max_value=MAX_CHANGES_LIMIT
    )

    class Meta:
        fields = ["cursor", "limit"]


class ChangeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=CHANGE_TYPES)
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    deleted = serializers.BooleanField()
    conversation = ConversationSerializer(
        allow_null=True, help_text="The entry when type is conversation."
    )
    meetup = MeetupSerializer(allow_null=True, help_text="The entry when type is meetup.")

    class Meta:
        fields = ["type", "id", "version", "updated_at", "deleted", "conversation", "meetup"]


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True, help_text="Oldest change first; tombstones included.")
    next_cursor = serializers.CharField(
        allow_blank=True, help_text="Pass as cursor for the next page (and to poll later)."
    )
    has_more = serializers.BooleanField(help_text="Another page is waiting now.")

    class Meta:
        fields = ["results", "next_cursor", "has_more"]
