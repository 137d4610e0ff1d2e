"""Reads of a conference's program. Every selector takes the conference explicitly."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from planner.enums import ChangeAction
from planner.models import Conference, Meal, Session


def session_list_for_feed(*, conference: Conference) -> QuerySet[Session]:
    """All sessions, cancelled ones too (a feed must say they are cancelled), with the
    number of changes since creation as ``revisions`` (iCal SEQUENCE)."""
    return (
        Session.objects.filter(conference=conference)
        .select_related("room", "track")
        .annotate(revisions=Count("changes", filter=~Q(changes__action=ChangeAction.CREATED)))
        .order_by("start", "pk")
    )


def meal_list_for_feed(*, conference: Conference) -> QuerySet[Meal]:
    return (
        Meal.objects.filter(conference=conference)
        .select_related("room")
        .annotate(revisions=Count("changes", filter=~Q(changes__action=ChangeAction.CREATED)))
        .order_by("start", "pk")
    )
