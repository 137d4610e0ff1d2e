from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from planner.enums import Channel, ShareableField
from planner.models.base import TimestampedModel
from planner.models.conference import Conference
from planner.models.program import choice_list_validator

ORCID_RE = r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"
SHA256_HEX = r"^[0-9a-f]{64}$"


def new_badge_token() -> str:
    """An opaque random token (192 bits) for badge QR codes; never derived from an id."""
    return secrets.token_urlsafe(24)


def default_shared_fields() -> list[str]:
    return [ShareableField.DISPLAY_NAME, ShareableField.AFFILIATION]


def default_channels() -> list[str]:
    return [Channel.PUSH, Channel.IN_APP]


class Attendee(TimestampedModel):
    """A user at one conference. Joined on first use; one row per (user, conference)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendees")
    display_name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=300, blank=True)
    homepage = models.URLField(blank=True)
    orcid = models.CharField(
        max_length=19,
        blank=True,
        validators=[RegexValidator(ORCID_RE, "ORCID iD looks like 0000-0002-1825-0097.")],
    )
    openreview_id = models.CharField(max_length=100, blank=True)
    shared_fields = models.JSONField(
        default=default_shared_fields,
        blank=True,
        validators=[choice_list_validator(ShareableField)],
        help_text="Profile fields a badge scan may share with the scanner.",
    )
    reminder_minutes = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(1440)],
        help_text="Minutes before an item to remind.",
    )
    reminder_channels = models.JSONField(
        default=default_channels, blank=True, validators=[choice_list_validator(Channel)]
    )
    badge_token = models.CharField(
        max_length=64, unique=True, default=new_badge_token, editable=False
    )
    # Only the SHA-256 of the feed token is kept: the URL is shown once, then cannot be recovered.
    feed_token_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    feed_token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    feed_include_followups = models.BooleanField(
        default=False, help_text="The private feed also lists open follow-ups as to-dos."
    )
    feed_include_meetups = models.BooleanField(
        default=False, help_text="The private feed also shows meetups as short events."
    )
    badge_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    plan_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["conference", "display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "conference"], name="attendee_unique_user_conference"
            ),
            models.CheckConstraint(
                condition=Q(reminder_minutes__lte=1440), name="attendee_reminder_within_day"
            ),
            models.CheckConstraint(
                condition=Q(orcid="") | Q(orcid__regex=ORCID_RE), name="attendee_orcid_format"
            ),
            models.CheckConstraint(
                condition=~Q(display_name=""), name="attendee_display_name_required"
            ),
            models.CheckConstraint(
                condition=~Q(badge_token=""), name="attendee_badge_token_required"
            ),
            models.CheckConstraint(
                condition=Q(feed_token_hash__isnull=True) | Q(feed_token_hash__regex=SHA256_HEX),
                name="attendee_feed_token_hash_sha256",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.display_name} @ {self.conference.slug}"
            if self.conference_id
            else self.display_name
        )


class RetiredBadge(models.Model):
    """A badge token that was replaced. Kept (hashed) only so that scanning an old badge can
    say "this badge was replaced" instead of "unknown badge"; it never identifies anyone to
    the scanner."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="retired_badges")
    token_hash = models.CharField(max_length=64, unique=True)
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attendee", "-retired_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(token_hash__regex=SHA256_HEX), name="retiredbadge_hash_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_id} @ {self.retired_at:%Y-%m-%d %H:%M}"
