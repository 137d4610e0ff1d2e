from rest_framework import serializers

from planner import safe_fetch
from planner.api.serializers.fields import JsonBooleanField
from planner.enums import ImportFormat
from planner.importers.base import MAX_IMPORT_BYTES
from planner.models import ImportRun
from planner.timezones import canonical_zone


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="The schedule file (multipart upload).")
    url = serializers.URLField(
        required=False,
        help_text="…or a public http(s) URL to fetch it from (no user name or password; "
        "private addresses only for hosts the server allows).",
    )
    format = serializers.ChoiceField(
        choices=ImportFormat.choices, required=False, allow_blank=True, default=""
    )
    timezone = serializers.CharField(required=False, allow_blank=True, default="")
    source_key = serializers.SlugField(required=False, default="import", max_length=200)
    dry_run = JsonBooleanField(required=False, default=False)
    allow_empty = JsonBooleanField(
        required=False,
        default=False,
        help_text="Accept a file with no events (cancels all earlier ones).",
    )

    def validate_timezone(self, value: str) -> str:
        if value and canonical_zone(value) is None:
            raise serializers.ValidationError(
                "Not an IANA time zone; use a name such as Asia/Jerusalem."
            )
        return value

    def validate_url(self, value: str) -> str:
        # IP literals and the scheme are refused here; names are checked when fetched.
        safe_fetch.validate_public_url(value)
        return value

    def validate_file(self, value):
        if value.size > MAX_IMPORT_BYTES:
            raise serializers.ValidationError(
                f"The file is {value.size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}."
            )
        return value

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError({"file": ["Send either a file or a url."]})
        return attrs


class ImportRunSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "conference",
            "source",
            "source_key",
            "format",
            "status",
            "stage",
            "dry_run",
            "allow_empty",
            "checksum",
            "counts",
            "warnings",
            "errors",
            "diff",
            "schedule_version",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
