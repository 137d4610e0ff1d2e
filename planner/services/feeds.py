"""The attendee's private calendar feed: its secret URL and what it includes.

The token is 256 random bits, shown once (in the URL this returns) and stored only as its
SHA-256, so a database dump cannot subscribe to anyone's calendar. Rotating replaces the
hash: the old URL answers 404 from that moment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from planner.models import Attendee
from planner.models.accounts import hash_token


@dataclass(frozen=True)
class IssuedFeed:
    attendee: Attendee
    url: str


def private_feed_url(raw_token: str) -> str:
    return f"{settings.SITE_URL}/feeds/{raw_token}.ics"


@transaction.atomic
def feed_token_rotate(*, attendee: Attendee) -> IssuedFeed:
    """Issue a new private feed URL, replacing any earlier one.

    Side effects: stores the new token's hash and the time; the previous URL stops working
    at once. The raw token exists only in the returned URL."""
    raw = secrets.token_urlsafe(32)
    attendee.feed_token_hash = hash_token(raw)
    attendee.feed_token_created_at = timezone.now()
    attendee.save(update_fields=["feed_token_hash", "feed_token_created_at", "updated_at"])
    return IssuedFeed(attendee=attendee, url=private_feed_url(raw))


@transaction.atomic
def feed_token_revoke(*, attendee: Attendee) -> Attendee:
    """Turn the private feed off. Side effects: clears the hash; the URL answers 404."""
    attendee.feed_token_hash = None
    attendee.feed_token_created_at = None
    attendee.save(update_fields=["feed_token_hash", "feed_token_created_at", "updated_at"])
    return attendee


@transaction.atomic
def feed_options_update(
    *,
    attendee: Attendee,
    include_followups: bool | None = None,
    include_meetups: bool | None = None,
) -> Attendee:
    """Choose whether the private feed carries follow-ups (VTODO) and meetups.

    Side effects: updates the attendee; the feed cache key includes these options, so the
    next fetch is rebuilt."""
    changed = []
    if include_followups is not None and include_followups != attendee.feed_include_followups:
        attendee.feed_include_followups = include_followups
        changed.append("feed_include_followups")
    if include_meetups is not None and include_meetups != attendee.feed_include_meetups:
        attendee.feed_include_meetups = include_meetups
        changed.append("feed_include_meetups")
    if changed:
        attendee.save(update_fields=[*changed, "updated_at"])
    return attendee
