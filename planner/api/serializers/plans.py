from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from planner.api.serializers.fields import JsonStrings
from planner.api.serializers.query import QuerySerializer
from planner.enums import PlanStatus
from planner.models import PlanItem
from planner.models.plans import PLAN_TARGETS
from planner.selectors.plans import (
    DEFAULT_MINUTES_PER_POSTER,
    MAX_MINUTES_PER_POSTER,
    MIN_MINUTES_PER_POSTER,
    plan_target,
)


class PlanTargetSerializer(serializers.Serializer):
    """The starred thing, flattened across kinds. Times are UTC; a poster has its poster
    session's slot and room, an oral its session's room; a booth has no single slot."""

    kind = serializers.ChoiceField(choices=PLAN_TARGETS, read_only=True)
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    start = serializers.DateTimeField(read_only=True, allow_null=True)
    end = serializers.DateTimeField(read_only=True, allow_null=True)
    room_id = serializers.IntegerField(read_only=True, allow_null=True)
    room = serializers.CharField(read_only=True, allow_null=True)
    board = serializers.CharField(
        read_only=True, allow_null=True, help_text="Poster board label; null for other kinds."
    )
    session_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The enclosing session of an oral or poster."
    )
    cancelled = serializers.BooleanField(read_only=True)

    class Meta:
        fields = [
            "kind",
            "id",
            "title",
            "start",
            "end",
            "room_id",
            "room",
            "board",
            "session_id",
            "cancelled",
        ]


class PlanItemSerializer(serializers.ModelSerializer):
    """A starred item; ``target`` says what is starred (its kind and id address the item)."""

    target = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "status",
            "note",
            "reminder_minutes",
            "visit_start",
            "visit_end",
            "target",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PlanTargetSerializer)
    def get_target(self, item: PlanItem) -> dict:
        return PlanTargetSerializer(plan_target(item)).data


# Named like the output so the plan status enum belongs to one component ("PlanItem" and
# "PlanItemRequest"); another "status" enum elsewhere would otherwise collide with it.
@extend_schema_serializer(component_name="PlanItem")
class PlanItemWriteSerializer(JsonStrings, serializers.Serializer):
    """PUT replaces all three (missing ones take their defaults); PATCH changes those given."""

    status = serializers.ChoiceField(choices=PlanStatus.choices, default=PlanStatus.INTERESTED)
    note = serializers.CharField(
        allow_blank=True, default="", max_length=5000, trim_whitespace=False
    )
    reminder_minutes = serializers.IntegerField(
        allow_null=True,
        default=None,
        min_value=0,
        max_value=1440,
        help_text="Minutes before the item to remind; null uses the attendee's default.",
    )
    visit_start = serializers.DateTimeField(
        allow_null=True,
        default=None,
        help_text="Booths only: when you plan to visit (with visit_end); it goes in your "
        "calendar feed.",
    )
    visit_end = serializers.DateTimeField(allow_null=True, default=None)

    class Meta:
        fields = ["status", "note", "reminder_minutes", "visit_start", "visit_end"]

    def validate(self, attrs):
        start, end = attrs.get("visit_start"), attrs.get("visit_end")
        if self.partial and ("visit_start" in attrs) != ("visit_end" in attrs):
            raise serializers.ValidationError(
                {"visit_end": ["Change visit_start and visit_end together."]}
            )
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"visit_end": ["Give both visit_start and visit_end, or neither."]}
            )
        if start is not None and end <= start:
            raise serializers.ValidationError({"visit_end": ["A visit ends after it starts."]})
        return attrs


class ConflictsQuerySerializer(QuerySerializer):
    minutes_per_poster = serializers.IntegerField(
        default=DEFAULT_MINUTES_PER_POSTER,
        min_value=MIN_MINUTES_PER_POSTER,
        max_value=MAX_MINUTES_PER_POSTER,
        help_text="Minutes to plan for each starred poster.",
    )

    class Meta:
        fields = ["minutes_per_poster"]


class OverlapSerializer(serializers.Serializer):
    first = PlanTargetSerializer(read_only=True, help_text="The one that starts first.")
    second = PlanTargetSerializer(read_only=True)
    start = serializers.DateTimeField(read_only=True, help_text="Start of the overlap (UTC).")
    end = serializers.DateTimeField(read_only=True, help_text="End of the overlap (UTC).")
    minutes = serializers.IntegerField(read_only=True, help_text="Length of the overlap.")

    class Meta:
        fields = ["first", "second", "start", "end", "minutes"]


class PosterStopSerializer(serializers.Serializer):
    poster_id = serializers.IntegerField(read_only=True)
    board = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="Its plan status: interested, going or must_see."
    )

    class Meta:
        fields = ["poster_id", "board", "title", "status"]


class PosterSessionOverloadSerializer(serializers.Serializer):
    session_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)
    room = serializers.CharField(read_only=True, allow_null=True)
    posters = serializers.IntegerField(read_only=True, help_text="Starred posters in it.")
    minutes_per_poster = serializers.IntegerField(read_only=True)
    needed_minutes = serializers.IntegerField(read_only=True)
    available_minutes = serializers.IntegerField(read_only=True)
    walking_order = PosterStopSerializer(
        many=True, read_only=True, help_text='By board in natural order ("2" < "10").'
    )

    class Meta:
        fields = [
            "session_id",
            "title",
            "start",
            "end",
            "room",
            "posters",
            "minutes_per_poster",
            "needed_minutes",
            "available_minutes",
            "walking_order",
        ]


class PlanConflictsSerializer(serializers.Serializer):
    minutes_per_poster = serializers.IntegerField(read_only=True)
    overlaps = OverlapSerializer(
        many=True,
        read_only=True,
        help_text="Pairs of planned sessions, orals and meals whose times overlap and that "
        "are not one event: an oral inside a planned session of its own is not a conflict, nor "
        "are two items in the same room where one's time lies within the other's (a reception "
        "listed as a social session and as a meal). The same room with times that only partly "
        "overlap, different rooms, or an unknown room, is a conflict.",
    )
    cancelled = PlanTargetSerializer(
        many=True,
        read_only=True,
        help_text="Planned items that were cancelled (they stay in the plan, flagged).",
    )
    poster_sessions = PosterSessionOverloadSerializer(
        many=True,
        read_only=True,
        help_text="Poster sessions whose starred posters need more time than the session has.",
    )

    class Meta:
        fields = ["minutes_per_poster", "overlaps", "cancelled", "poster_sessions"]
