from rest_framework import serializers

from planner.api.serializers.fields import OptionalUrlField
from planner.models import Conference


class ConferenceSerializer(serializers.ModelSerializer):
    website = OptionalUrlField()

    class Meta:
        model = Conference
        fields = [
            "slug",
            "name",
            "timezone",
            "start_date",
            "end_date",
            "venue",
            "city",
            "country",
            "website",
            "schedule_version",
        ]
        read_only_fields = fields
