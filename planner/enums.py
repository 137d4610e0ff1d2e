"""Choices shared by models, services, the API and importers. A leaf module: imports nothing of ours."""

from django.db import models


class RoomKind(models.TextChoices):
    HALL = "hall", "Hall"
    ROOM = "room", "Room"
    POSTER_HALL = "poster_hall", "Poster hall"
    EXPO = "expo", "Expo floor"
    FOYER = "foyer", "Foyer"
    OUTDOOR = "outdoor", "Outdoor"
    VIRTUAL = "virtual", "Virtual"
    OTHER = "other", "Other"


class SessionKind(models.TextChoices):
    ORAL = "oral", "Oral session"
    POSTER = "poster", "Poster session"
    TUTORIAL = "tutorial", "Tutorial"
    WORKSHOP = "workshop", "Workshop"
    KEYNOTE = "keynote", "Keynote"
    SOCIAL = "social", "Social"
    MEAL = "meal", "Meal"
    BREAK = "break", "Break"
    OTHER = "other", "Other"


class MealKind(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    COFFEE = "coffee", "Coffee break"
    LUNCH = "lunch", "Lunch"
    RECEPTION = "reception", "Reception"
    DINNER = "dinner", "Dinner"


class Dietary(models.TextChoices):
    VEGETARIAN = "vegetarian", "Vegetarian"
    VEGAN = "vegan", "Vegan"
    KOSHER = "kosher", "Kosher"
    HALAL = "halal", "Halal"
    GLUTEN_FREE = "gluten_free", "Gluten-free"


class BoothTag(models.TextChoices):
    HIRING = "hiring", "Hiring"
    DEMO = "demo", "Demo"
    SWAG = "swag", "Swag"
    RESEARCH = "research", "Research"
    STARTUP = "startup", "Startup"


class PlanStatus(models.TextChoices):
    INTERESTED = "interested", "Interested"
    GOING = "going", "Going"
    MUST_SEE = "must_see", "Must see"


class Channel(models.TextChoices):
    PUSH = "push", "Web Push"
    EMAIL = "email", "E-mail"
    IN_APP = "in_app", "In-app"


class Language(models.TextChoices):
    """The languages the server writes an attendee's messages in (settings.LANGUAGES)."""

    ENGLISH = "en", "English"
    KOREAN = "ko", "한국어"


class ReminderState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class MeetupSource(models.TextChoices):
    BADGE_SCAN = "badge_scan", "Badge scan"
    MANUAL = "manual", "Entered by hand"


class ShareableField(models.TextChoices):
    """Profile fields an attendee may let a badge scan share."""

    DISPLAY_NAME = "display_name", "Name"
    AFFILIATION = "affiliation", "Affiliation"
    EMAIL = "email", "E-mail"
    HOMEPAGE = "homepage", "Homepage"
    ORCID = "orcid", "ORCID"
    OPENREVIEW = "openreview", "OpenReview"


class ImportFormat(models.TextChoices):
    FRAB_XML = "frab_xml", "frab / pretalx schedule XML"
    SCHEDULE_JSON = "schedule_json", "c3voc / pretalx schedule JSON"
    CSV = "csv", "Boardwalk CSV templates"
    ICAL = "ical", "iCalendar"
    MINICONF = "miniconf", "MiniConf sitedata"
    ACL_MINICONF = "acl_miniconf", "ACL MiniConf (conference.json or build folder)"
    PAPER_COPILOT = "paper_copilot", "Paper Copilot paper list"
    MINICONF_YAML = "miniconf_yaml", "MiniConf YAML (accepted papers, sponsors)"
    XCAL = "xcal", "Pentabarf xCal"
    PRETALX_API = "pretalx_api", "pretalx REST API dump"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    NO_CHANGES = "no_changes", "No changes"
    FAILED = "failed", "Failed"


class ChangeAction(models.TextChoices):
    CREATED = "created", "New"
    UPDATED = "updated", "Updated"
    MOVED_TIME = "moved_time", "Moved in time"
    MOVED_ROOM = "moved_room", "Moved room"
    RETITLED = "retitled", "Retitled"
    CANCELLED = "cancelled", "Cancelled"
    RESTORED = "restored", "Restored"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    SCHEDULE_CHANGE = "schedule_change", "Schedule change"
    DIGEST = "digest", "Evening digest"
    BADGE_SCAN = "badge_scan", "Badge scan"
    SYSTEM = "system", "System"
