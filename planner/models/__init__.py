from planner.models.accounts import ApiToken
from planner.models.attendee import Attendee, RetiredBadge
from planner.models.conference import Conference, Room, Track
from planner.models.imports import ImportRun, ScheduleChange
from planner.models.logs import ConversationPhoto, Meetup, PosterConversation
from planner.models.plans import PlanItem
from planner.models.program import (
    Authorship,
    Booth,
    BoothHours,
    Meal,
    MenuItem,
    Oral,
    Paper,
    Person,
    Poster,
    Session,
)
from planner.models.reminders import Notification, Outbound, PushSubscription, Reminder

__all__ = [
    "ApiToken",
    "Attendee",
    "Authorship",
    "Booth",
    "BoothHours",
    "Conference",
    "ConversationPhoto",
    "ImportRun",
    "Meal",
    "Meetup",
    "MenuItem",
    "Notification",
    "Oral",
    "Outbound",
    "Paper",
    "Person",
    "PlanItem",
    "Poster",
    "PosterConversation",
    "PushSubscription",
    "Reminder",
    "RetiredBadge",
    "Room",
    "ScheduleChange",
    "Session",
    "Track",
]
