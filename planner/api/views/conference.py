from rest_framework import permissions, viewsets

from planner.api.serializers.conference import ConferenceSerializer
from planner.selectors.conference import conference_list


class ConferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Conferences: the public entry point to every program."""

    serializer_class = ConferenceSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"

    def get_queryset(self):
        return conference_list()
