from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.crypto import salted_hmac

from planner.enums import Channel, Language, ShareableField
from planner.models.accounts import hash_token
from planner.models.base import TimestampedModel
from planner.models.conference import Conference
from planner.models.program import choice_list_validator

ORCID_RE = r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"
SHA256_HEX = r"^[0-9a-f]{64}$"


def new_badge_token() -> str:
    """The random badge token stored before migration 0009 (kept: 0001 refers to it)."""
    return secrets.token_urlsafe(24)


def new_badge_salt() -> str:
    """Random per badge (128 bits); a new one replaces the badge."""
    return secrets.token_urlsafe(16)


def badge_token_for(salt: str) -> str:
    """The token a badge's QR holds: HMAC-SHA256 of the row's salt under BADGE_TOKEN_KEY,
    192 bits of it in URL-safe base64 (32 characters). Nothing stored in the database is
    enough to compute it: a leaked copy of the database cannot print anyone's badge."""
    mac = salted_hmac(
        "planner.badge", salt, secret=settings.BADGE_TOKEN_KEY, algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


class BadgeTokenHashField(models.CharField):
    """``hash_token`` of the badge token of the row's ``badge_salt``, filled in as the row is
    inserted (like ``auto_now_add``), so every way of creating an attendee (``create()``,
    ``bulk_create()``, the admin, factories) stores the hash scans look up. Rotation and a
    changed BADGE_TOKEN_KEY set it explicitly (planner.services.badges)."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if add and not value:
            value = hash_token(badge_token_for(model_instance.badge_salt))
            setattr(model_instance, self.attname, value)
        return value


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
        default=default_channels,
        blank=True,
        validators=[choice_list_validator(Channel)],
        help_text="Channels for reminders; in-app is always on, whatever this says.",
    )
    language = models.CharField(
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text="The language of reminders, alerts, digests and e-mails.",
    )
    # Quiet hours and the digest are wall-clock times in the conference's zone.
    quiet_hours_start = models.TimeField(
        null=True, blank=True, help_text="No push or e-mail reminder from this local time…"
    )
    quiet_hours_end = models.TimeField(
        null=True, blank=True, help_text="…until this one (may be past midnight)."
    )
    digest_time = models.TimeField(
        null=True, blank=True, help_text="Local time of the evening digest of tomorrow's plan."
    )
    # The local date of the last evening the digest was handled (sent, or nothing to send):
    # the digest sweep's "who is due" skips whoever already had today's.
    digest_last_date = models.DateField(null=True, blank=True, editable=False)
    # The badge token itself is never stored (``badge_token`` derives it from the salt with
    # BADGE_TOKEN_KEY); scans find the attendee by its SHA-256, like API and feed tokens.
    badge_salt = models.CharField(max_length=32, default=new_badge_salt, editable=False)
    badge_token_hash = BadgeTokenHashField(max_length=64, unique=True, editable=False)
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
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | (
                    Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False)
                    & ~Q(quiet_hours_start=F("quiet_hours_end"))
                ),
                name="attendee_quiet_hours_both_or_neither",
            ),
            models.CheckConstraint(
                condition=~Q(display_name=""), name="attendee_display_name_required"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="attendee_language_known"
            ),
            models.CheckConstraint(
                condition=~Q(badge_salt=""), name="attendee_badge_salt_required"
            ),
            models.CheckConstraint(
                condition=Q(badge_token_hash__regex=SHA256_HEX),
                name="attendee_badge_token_hash_sha256",
            ),
            models.CheckConstraint(
                condition=Q(feed_token_hash__isnull=True) | Q(feed_token_hash__regex=SHA256_HEX),
                name="attendee_feed_token_hash_sha256",
            ),
        ]

    @property
    def badge_token(self) -> str:
        """The token this attendee's badge QR holds, derived on demand, never stored."""
        return badge_token_for(self.badge_salt)

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
