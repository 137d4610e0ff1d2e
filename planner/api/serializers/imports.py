from rest_framework import serializers

from planner import safe_fetch
from planner.api.serializers.fields import JsonBooleanField, JsonStrings
from planner.enums import ImportFormat
from planner.importers.base import MAX_IMPORT_BYTES
from planner.models import ImportRun
from planner.timezones import canonical_zone


class ImportRequestSerializer(JsonStrings, serializers.Serializer):
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
    force = JsonBooleanField(
        required=False,
        default=False,
        help_text="Import even when the file seems to be another conference's program (its own "
        "name or dates disagree, or items fall outside the conference's dates); without it "
        "such an upload answers 409 with what was found.",
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


class ImportMismatchFoundSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The file's own conference title.")
    acronym = serializers.CharField()
    start_date = serializers.DateField(allow_null=True, help_text="The file's own dates.")
    end_date = serializers.DateField(allow_null=True)
    first_item = serializers.DateField(allow_null=True, help_text="Local date of its first item.")
    last_item = serializers.DateField(allow_null=True)
    items = serializers.IntegerField(help_text="Dated items: sessions, meals, talks, booth hours.")
    items_outside = serializers.IntegerField(
        help_text="Of those, how many fall outside the conference's dates by more than a day."
    )


class ImportMismatchConferenceSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    timezone = serializers.CharField()


class ImportMismatchDetailSerializer(serializers.Serializer):
    findings = serializers.ListField(child=serializers.CharField(), help_text="What disagrees.")
    found = ImportMismatchFoundSerializer()
    conference = ImportMismatchConferenceSerializer()
    outside = serializers.ListField(
        child=serializers.CharField(), help_text="The items outside the dates (first 20)."
    )


class ImportMismatchSerializer(serializers.Serializer):
    """409: the upload seems to be another conference's program (nothing was written)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    mismatch = ImportMismatchDetailSerializer()
    import_run = serializers.IntegerField(help_text="The failed run that records the refusal.")


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
            "force",
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
