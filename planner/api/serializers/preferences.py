from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from planner.api.serializers.fields import JsonBooleanField, JsonStrings
from planner.enums import Channel, Language
from planner.models import Attendee

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def _local_time(help_text: str) -> serializers.TimeField:
    return serializers.TimeField(
        format="%H:%M",
        input_formats=TIME_FORMATS,
        allow_null=True,
        required=False,
        help_text=help_text,
    )


class PreferencesSerializer(JsonStrings, serializers.Serializer):
    """Reminder preferences at one conference. Times are local wall-clock times (HH:MM) in
    the conference's zone (``timezone``). PATCH changes the fields given."""

    reminder_minutes = serializers.IntegerField(
        min_value=0,
        max_value=1440,
        required=False,
        help_text="Default minutes before an item to remind (a plan item may override it).",
    )
    push = JsonBooleanField(required=False, help_text="Reminders by Web Push.")
    email = JsonBooleanField(required=False, help_text="Reminders by e-mail.")
    in_app = serializers.BooleanField(read_only=True, help_text="In-app reminders: always on.")
    quiet_hours_start = _local_time(
        "No push or e-mail reminder from this local time (with quiet_hours_end; null: none). "
        "A reminder that would fire inside quiet hours is skipped, not moved; the in-app "
        "one still appears."
    )
    quiet_hours_end = _local_time(
        "…until this local time; before quiet_hours_start means past midnight."
    )
    digest_time = _local_time("Local time of an evening digest of tomorrow's plan; null: none.")
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="The language of your reminders, alerts, digest and e-mails.",
    )
    timezone = serializers.CharField(
        read_only=True, help_text="The conference's IANA zone the local times are in."
    )

    class Meta:
        fields = [
            "reminder_minutes",
            "push",
            "email",
            "in_app",
            "quiet_hours_start",
            "quiet_hours_end",
            "digest_time",
            "language",
            "timezone",
        ]

    @staticmethod
    def render(attendee: Attendee) -> dict:
        channels = set(attendee.reminder_channels or [])
        return {
            "reminder_minutes": attendee.reminder_minutes,
            "push": Channel.PUSH in channels,
            "email": Channel.EMAIL in channels,
            "in_app": True,
            "quiet_hours_start": attendee.quiet_hours_start,
            "quiet_hours_end": attendee.quiet_hours_end,
            "digest_time": attendee.digest_time,
            "language": attendee.language,
            "timezone": attendee.conference.timezone,
        }


@extend_schema_serializer(component_name="Preferences")
class PreferencesAnswerSerializer(PreferencesSerializer):
    """Reminder preferences at one conference, as GET and PATCH answer them: every field is
    always there. Times are local wall-clock times (HH:MM) in the conference's zone
    (``timezone``)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields
