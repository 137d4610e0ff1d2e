from __future__ import annotations

from rest_framework import serializers

from planner.api.serializers.fields import JsonBooleanField, JsonStrings
from planner.enums import ShareableField


class BadgeSerializer(serializers.Serializer):
    """The attendee's own badge: what its QR holds, and the QR itself."""

    url = serializers.URLField(
        read_only=True, help_text="What the badge QR holds: /b/<opaque token> on this site."
    )
    qr_svg = serializers.CharField(read_only=True, help_text="The QR code as an SVG document.")
    svg = serializers.CharField(read_only=True, help_text="Where to fetch the QR as SVG.")
    png = serializers.CharField(read_only=True, help_text="Where to fetch the QR as PNG.")
    shared_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=ShareableField.choices),
        read_only=True,
        help_text="Profile fields a scan of this badge shares with the scanner.",
    )
    rotated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        fields = ["url", "qr_svg", "svg", "png", "shared_fields", "rotated_at"]


class BadgeSharedFieldsSerializer(serializers.Serializer):
    """What a scan of your badge shares: the whole choice, in any order."""

    shared_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=ShareableField.choices),
        allow_empty=True,
        max_length=len(ShareableField.choices) * 2,
        help_text="Profile fields a scan of this badge shares with the scanner (may be empty).",
    )

    class Meta:
        fields = ["shared_fields"]


class ScanSerializer(JsonStrings, serializers.Serializer):
    """A scan of someone's badge, made offline or online."""

    id = serializers.UUIDField(help_text="Client-generated UUID of the meetup this scan makes.")
    badge = serializers.CharField(
        max_length=500, help_text="What the scanner read: the badge URL, or the bare token."
    )
    met_at = serializers.DateTimeField(required=False, help_text="When; defaults to now.")
    session = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    oral = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    poster = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    booth = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    meal = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    notes = serializers.CharField(
        required=False, allow_blank=True, max_length=20000, trim_whitespace=False
    )

    PLACES = ("session", "oral", "poster", "booth", "meal")

    class Meta:
        fields = ["id", "badge", "met_at", "session", "oral", "poster", "booth", "meal", "notes"]

    def validate(self, attrs):
        given = [name for name in self.PLACES if attrs.get(name) is not None]
        if len(given) > 1:
            raise serializers.ValidationError(
                {given[1]: ["Say where you met with at most one of " + ", ".join(self.PLACES)]}
            )
        return attrs


class ShareBackSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Client-generated UUID of the meetup to make.")

    class Meta:
        fields = ["id"]


class ScanReceivedSerializer(serializers.Serializer):
    """Someone scanned your badge: what they share of themselves, when and where."""

    scan_id = serializers.UUIDField(source="pk", read_only=True)
    scanned_at = serializers.DateTimeField(source="met_at", read_only=True)
    scanner = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The profile fields the scanner shares (their own choice).",
    )
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)
    oral = serializers.IntegerField(source="oral_id", read_only=True, allow_null=True)
    poster = serializers.IntegerField(source="poster_id", read_only=True, allow_null=True)
    booth = serializers.IntegerField(source="booth_id", read_only=True, allow_null=True)
    meal = serializers.IntegerField(source="meal_id", read_only=True, allow_null=True)
    shared_back = serializers.BooleanField(
        read_only=True, help_text="You have logged them in return."
    )

    class Meta:
        fields = [
            "scan_id",
            "scanned_at",
            "scanner",
            "session",
            "oral",
            "poster",
            "booth",
            "meal",
            "shared_back",
        ]


class FeedSettingsSerializer(serializers.Serializer):
    """The private calendar feed. Its URL is shown once, when issued (POST)."""

    active = serializers.BooleanField(read_only=True, help_text="A feed URL has been issued.")
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    include_followups = JsonBooleanField(
        required=False, help_text="Open follow-ups as to-dos (VTODO)."
    )
    include_meetups = JsonBooleanField(required=False, help_text="Meetups as short events.")

    class Meta:
        fields = ["active", "created_at", "include_followups", "include_meetups"]


class IssuedFeedSerializer(FeedSettingsSerializer):
    url = serializers.URLField(read_only=True, help_text="Shown once: keep it secret.")
    webcal_url = serializers.CharField(
        read_only=True, help_text="The same feed as webcal://, which subscribes."
    )
    qr_svg = serializers.CharField(read_only=True, help_text="A QR code of webcal_url (SVG).")

    class Meta:
        fields = [*FeedSettingsSerializer.Meta.fields, "url", "webcal_url", "qr_svg"]


class PublicFeedSerializer(serializers.Serializer):
    key = serializers.CharField(
        read_only=True, help_text='"conference", "track-<id>", "room-<id>" or "kind-<kind>".'
    )
    name = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True)
    webcal_url = serializers.CharField(read_only=True)

    class Meta:
        fields = ["key", "name", "url", "webcal_url"]


class PublicFeedDetailSerializer(PublicFeedSerializer):
    qr_svg = serializers.CharField(read_only=True, help_text="A QR code of webcal_url (SVG).")

    class Meta:
        fields = [*PublicFeedSerializer.Meta.fields, "qr_svg"]
