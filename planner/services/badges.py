"""Badges: rotating the badge token, scanning someone's badge, sharing back.

A scan makes one Meetup in the scanner's logbook holding only the profile fields the
scanned attendee chose to share (``Attendee.shared_fields``). It is idempotent twice over:
by the client's UUID (an offline replay) and by the pair (scanner, scanned): scanning the
same badge again answers the meetup already logged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from planner.badges import badge_token_from
from planner.enums import MeetupSource, ShareableField
from planner.exceptions import NotFound, ValidationFailed
from planner.models import Attendee, Meetup, RetiredBadge
from planner.models.accounts import hash_token
from planner.models.attendee import badge_token_for, new_badge_salt
from planner.services.logbook import AlreadyMet, StaleEntry, meetup_upsert


@dataclass(frozen=True)
class ScanResult:
    meetup: Meetup
    created: bool


def shared_profile(attendee: Attendee) -> dict[str, str]:
    """The fields ``attendee`` lets a badge scan share, non-empty ones only."""
    values = {
        ShareableField.DISPLAY_NAME: attendee.display_name,
        ShareableField.AFFILIATION: attendee.affiliation,
        ShareableField.EMAIL: attendee.user.email,
        ShareableField.HOMEPAGE: attendee.homepage,
        ShareableField.ORCID: attendee.orcid,
        ShareableField.OPENREVIEW: attendee.openreview_id,
    }
    return {
        str(name): value
        for name, value in values.items()
        if name in (attendee.shared_fields or []) and value
    }


def badge_shared_fields_update(*, attendee: Attendee, fields: list[str]) -> Attendee:
    """Choose which profile fields a scan of this badge shares (none is a choice too: the
    scanner then logs an unnamed meetup). Kept in ShareableField's order, each once; scans
    from now on share these, meetups already logged keep what they got.
    Side effects: updates the attendee when the choice changed."""
    unknown = set(fields) - set(ShareableField.values)
    if unknown:
        raise ValidationFailed(
            f"Not a shareable field: {', '.join(sorted(unknown))}.", field="shared_fields"
        )
    chosen = [name for name in ShareableField.values if name in set(fields)]
    if chosen != list(attendee.shared_fields or []):
        attendee.shared_fields = chosen
        attendee.save(update_fields=["shared_fields", "updated_at"])
    return attendee


@transaction.atomic
def badge_rotate(*, attendee: Attendee) -> Attendee:
    """Give the attendee a new badge (a lost or photographed badge): a new salt, so a new
    token.

    Side effects: the old token's hash moves to RetiredBadge, so a scan of it is refused as
    "replaced" rather than "unknown"; printed badges with it stop working. Two rotations at
    once (a double tap) run one after the other."""
    locked = Attendee.objects.select_for_update(of=("self",)).only("badge_token_hash")
    old_hash = locked.order_by().get(pk=attendee.pk).badge_token_hash
    RetiredBadge.objects.get_or_create(token_hash=old_hash, defaults={"attendee": attendee})
    attendee.badge_salt = new_badge_salt()
    attendee.badge_token_hash = hash_token(badge_token_for(attendee.badge_salt))
    attendee.badge_rotated_at = timezone.now()
    attendee.save(
        update_fields=["badge_salt", "badge_token_hash", "badge_rotated_at", "updated_at"]
    )
    return attendee


def badge_current(*, attendee: Attendee) -> Attendee:
    """The attendee, with a badge that scans under the current BADGE_TOKEN_KEY.

    The token is derived with the key, so after the key changes the stored hash belongs to a
    token nobody can show any more. The first time the badge is shown again (to its owner,
    or on an organizer's badge sheet) that hash is retired (badges printed before scan as
    "replaced") and the new token's hash stored.
    Side effects: none when the key did not change (one SHA-256, no query); else one
    RetiredBadge and one update of the row, under a row lock."""
    if hash_token(attendee.badge_token) == attendee.badge_token_hash:
        return attendee
    with transaction.atomic():
        locked = (
            Attendee.objects.select_for_update(of=("self",))
            .only("badge_salt", "badge_token_hash")
            .order_by()
            .get(pk=attendee.pk)
        )
        attendee.badge_salt = locked.badge_salt
        attendee.badge_token_hash = hash_token(badge_token_for(locked.badge_salt))
        if locked.badge_token_hash != attendee.badge_token_hash:
            RetiredBadge.objects.get_or_create(
                token_hash=locked.badge_token_hash, defaults={"attendee": attendee}
            )
            attendee.save(update_fields=["badge_token_hash", "updated_at"])
    return attendee


def _scanned_attendee(*, scanner: Attendee, scanned_text: str) -> Attendee:
    token = badge_token_from(scanned_text)
    if not token:
        raise ValidationFailed(
            "This QR code is not a Boardwalk badge (badge codes open /b/…).", field="badge"
        )
    scanned = (
        Attendee.objects.select_related("conference", "user")
        .filter(badge_token_hash=hash_token(token))
        .first()
    )
    if scanned is None:
        if RetiredBadge.objects.filter(token_hash=hash_token(token)).exists():
            raise ValidationFailed(
                "This badge was replaced by a newer one: ask them to show the badge in their "
                "Boardwalk app.",
                field="badge",
            )
        raise ValidationFailed(
            "Unknown badge: this code was not issued by Boardwalk, or was mistyped.",
            field="badge",
        )
    if scanned.conference_id != scanner.conference_id:
        raise ValidationFailed(
            f"This badge is for {scanned.conference.name}, not {scanner.conference.name}.",
            field="badge",
        )
    if scanned.pk == scanner.pk:
        raise ValidationFailed("That is your own badge.", field="badge")
    return scanned


def _live_meetup(*, attendee: Attendee, other: Attendee) -> Meetup | None:
    return (
        Meetup.objects.filter(attendee=attendee, other=other, deleted_at__isnull=True)
        .order_by()
        .first()
    )


def _meet(
    *,
    attendee: Attendee,
    other: Attendee,
    meetup_id: uuid.UUID,
    met_at: dt.datetime,
    place: Mapping[str, int | None],
    notes: str,
    scan: bool,
) -> ScanResult:
    replay = Meetup.objects.filter(pk=meetup_id).first()
    if replay is not None:
        if replay.attendee_id != attendee.pk:
            raise NotFound("Not found.")
        return ScanResult(meetup=replay, created=False)
    existing = _live_meetup(attendee=attendee, other=other)
    if existing is not None:
        return ScanResult(meetup=existing, created=False)
    shared = shared_profile(other)
    fields: dict[str, Any] = {
        "other_id": other.pk,
        "source": MeetupSource.BADGE_SCAN,
        "contact_name": shared.get(ShareableField.DISPLAY_NAME, ""),
        "contact_affiliation": shared.get(ShareableField.AFFILIATION, ""),
        "contact_email": shared.get(ShareableField.EMAIL, ""),
        "contact_details": shared,
        "met_at": met_at,
        "notes": notes,
        **{f"{name}_id": value for name, value in place.items() if value is not None},
    }
    try:
        write = meetup_upsert(
            attendee=attendee, meetup_id=meetup_id, fields=fields, base_version=None
        )
    except AlreadyMet as already:  # a concurrent scan of the same badge won
        return ScanResult(meetup=already.current, created=False)
    except StaleEntry as stale:  # a concurrent replay of this very scan won
        if stale.current is None or stale.current.attendee_id != attendee.pk:
            raise
        return ScanResult(meetup=stale.current, created=False)
    if scan and write.created:
        Meetup.objects.filter(pk=write.entry.pk).update(scanned=other)
        write.entry.scanned = other
    return ScanResult(meetup=write.entry, created=write.created)


@transaction.atomic
def badge_scan(
    *,
    scanner: Attendee,
    scanned_text: str,
    meetup_id: uuid.UUID,
    met_at: dt.datetime | None = None,
    place: Mapping[str, int | None] | None = None,
    notes: str = "",
) -> ScanResult:
    """Log meeting the attendee whose badge the scanner read (the URL or the bare token).

    Side effects: one Meetup (source badge_scan) in the scanner's logbook with the scanned
    attendee's shared fields and where it happened (``place``: at most one of session, oral,
    poster, booth, meal → id); none on a replay or a repeat scan, which answer the existing
    meetup. Raises ValidationFailed (field ``badge``) for a code that is not a badge, a
    forged, replaced or other-conference token, or one's own badge."""
    other = _scanned_attendee(scanner=scanner, scanned_text=scanned_text)
    return _meet(
        attendee=scanner,
        other=other,
        meetup_id=meetup_id,
        met_at=met_at or timezone.now(),
        place=place or {},
        notes=notes,
        scan=True,
    )


@transaction.atomic
def badge_share_back(*, attendee: Attendee, scan_id: uuid.UUID, meetup_id: uuid.UUID) -> ScanResult:
    """The scanned attendee logs the scanner in return, from a scan of their badge.

    Side effects: one Meetup in ``attendee``'s logbook naming the scanner with the fields the
    scanner shares, at the scan's time and place; none when they already have one. It is not
    itself a scan: the scanner's "who scanned me" does not list it.
    Raises NotFound when ``scan_id`` is not a live scan of this attendee's badge."""
    scan = (
        Meetup.objects.select_related("attendee__user")
        .filter(pk=scan_id, scanned=attendee, other=attendee, deleted_at__isnull=True)
        .first()
    )
    if scan is None:
        raise NotFound("Not found.")
    place = {
        name: getattr(scan, f"{name}_id") for name in ("session", "oral", "poster", "booth", "meal")
    }
    return _meet(
        attendee=attendee,
        other=scan.attendee,
        meetup_id=meetup_id,
        met_at=scan.met_at,
        place=place,
        notes="",
        scan=False,
    )
