"""The signed-in attendee's reminder preferences at a conference."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planner.api.parsers import JSONParser
from planner.api.serializers.preferences import PreferencesAnswerSerializer, PreferencesSerializer
from planner.api.views.plans import BAD_REQUEST, NOT_AUTHENTICATED, NOT_FOUND, PersonalView
from planner.services.preferences import preferences_update


class Preferences(PersonalView, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["preferences"],
        responses={200: PreferencesAnswerSerializer, 403: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        """Your reminder preferences here (defaults until you change them)."""
        return Response(
            PreferencesAnswerSerializer(PreferencesSerializer.render(self.attendee())).data
        )

    @extend_schema(
        tags=["preferences"],
        request=PreferencesSerializer,
        responses={
            200: PreferencesAnswerSerializer,
            400: BAD_REQUEST,
            403: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def patch(self, request: Request, slug: str) -> Response:
        """Change some preferences. A new lead time, channel choice or quiet hours moves,
        adds or cancels your pending reminders at once."""
        incoming = PreferencesSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        attendee = preferences_update(attendee=self.attendee(), changes=incoming.validated_data)
        return Response(PreferencesAnswerSerializer(PreferencesSerializer.render(attendee)).data)
