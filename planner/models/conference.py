from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from planner.enums import RoomKind
from planner.models.base import TimestampedModel, choices_check
from planner.timezones import validate_iana_zone

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour like #1f77b4.")


class Conference(TimestampedModel):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(
        max_length=64,
        validators=[validate_iana_zone],
        help_text="IANA zone of the venue, e.g. Asia/Jerusalem. Times are stored in UTC and shown in this zone.",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    venue = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    schedule_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Bumped by every change to the program."
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organized_conferences"
    )
    # Periodic import source (refreshed by Celery beat with ETag / If-Modified-Since).
    source_url = models.URLField(blank=True, max_length=500)
    source_format = models.CharField(max_length=20, blank=True)
    source_etag = models.CharField(max_length=200, blank=True, editable=False)
    source_last_modified = models.CharField(max_length=100, blank=True, editable=False)
    source_refresh_minutes = models.PositiveIntegerField(default=15)
    source_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="conference_dates_ordered"
            ),
            models.CheckConstraint(condition=~Q(timezone=""), name="conference_timezone_required"),
            models.CheckConstraint(condition=~Q(slug=""), name="conference_slug_required"),
            models.CheckConstraint(
                condition=Q(source_refresh_minutes__gte=1), name="conference_refresh_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(count)]

    def local(self, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone(self.tz)

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The UTC-aware instants of local midnight at ``day`` and the day after (DST-safe)."""
        start = dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)
        return start, end


class Room(TimestampedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=RoomKind.choices, default=RoomKind.ROOM)
    building = models.CharField(max_length=120, blank=True)
    floor = models.CharField(max_length=40, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    map_x = models.FloatField(null=True, blank=True, help_text="Position on the venue map, 0–1.")
    map_y = models.FloatField(null=True, blank=True, help_text="Position on the venue map, 0–1.")
    position = models.PositiveIntegerField(default=0, help_text="Order in the timetable.")
    source = models.CharField(max_length=200, blank=True, default="")
    external_id = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["conference", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="room_unique_name"),
            models.UniqueConstraint(
                fields=["conference", "source", "external_id"],
                condition=~Q(external_id=""),
                name="room_unique_external_id",
            ),
            choices_check("kind", RoomKind, "room_kind_valid"),
            models.CheckConstraint(
                condition=(Q(map_x__isnull=True) & Q(map_y__isnull=True))
                | (Q(map_x__gte=0) & Q(map_x__lte=1) & Q(map_y__gte=0) & Q(map_y__lte=1)),
                name="room_map_position_in_unit_square",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="room_name_required"),
        ]

    def __str__(self) -> str:
        return self.name


class Track(TimestampedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    colour = models.CharField(max_length=7, default="#4a6fa5", validators=[hex_colour])

    class Meta:
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="track_unique_name"),
            models.UniqueConstraint(fields=["conference", "slug"], name="track_unique_slug"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="track_colour_hex"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="track_name_required"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def slug_for(name: str) -> str:
        return slugify(name)[:200] or "track"
