"""An attendee's reminder preferences: lead time, channels, quiet hours, evening digest, and
the language the server writes their messages in.

They live on Attendee (``reminder_minutes``, ``reminder_channels``, ``quiet_hours_start``,
``quiet_hours_end``, ``digest_time``); times are local wall-clock times in the conference's
zone. In-app reminders are always on: ``reminder_channels`` always holds ``in_app``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from planner.enums import Channel, Language
from planner.exceptions import ValidationFailed
from planner.models import Attendee
from planner.services.outbound import outbound_cancel, outbound_retime
from planner.services.reminders import REMINDER_PREFERENCES, reminders_sync_for_attendee

EDITABLE = (
    "reminder_minutes",
    "push",
    "email",
    "quiet_hours_start",
    "quiet_hours_end",
    "digest_time",
    "language",
)


def preferences_channels(*, push: bool, email: bool) -> list[str]:
    """The stored channel list for these choices, in-app always among them."""
    chosen = {Channel.IN_APP} | ({Channel.PUSH} if push else set())
    chosen |= {Channel.EMAIL} if email else set()
    return [channel for channel in Channel.values if channel in chosen]


@transaction.atomic
def preferences_update(*, attendee: Attendee, changes: Mapping[str, Any]) -> Attendee:
    """Change some preferences (PATCH): ``reminder_minutes`` (0–1440), ``push`` and
    ``email`` (booleans), ``quiet_hours_start`` / ``quiet_hours_end`` (local times, both or
    neither, not equal; start after end runs past midnight), ``digest_time`` (local, or
    None for no digest), ``language`` (``en`` or ``ko``: reminders, alerts, digests and
    e-mails rendered from now on; rows already written stay as they are).

    Side effects: saves the attendee (row locked); when the lead, channels or quiet hours
    changed, re-derives all their reminders (:func:`reminders_sync_for_attendee`); a channel
    turned off cancels its pending alerts and digests (:func:`outbound_cancel`), and new
    quiet hours re-time those waiting for the old ones to end (:func:`outbound_retime`). Raises
    ValidationFailed naming the field."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not preferences: {sorted(unknown)}")
    locked = Attendee.objects.select_for_update().select_related("conference").get(pk=attendee.pk)
    values: dict[str, Any] = {
        name: changes[name]
        for name in (
            "reminder_minutes",
            "quiet_hours_start",
            "quiet_hours_end",
            "digest_time",
            "language",
        )
        if name in changes
    }
    if "push" in changes or "email" in changes:
        current = set(locked.reminder_channels or [])
        values["reminder_channels"] = preferences_channels(
            push=changes.get("push", Channel.PUSH in current),
            email=changes.get("email", Channel.EMAIL in current),
        )
    minutes = values.get("reminder_minutes", locked.reminder_minutes)
    if not 0 <= minutes <= 1440:
        raise ValidationFailed("Between 0 and 1440 minutes.", field="reminder_minutes")
    if values.get("language", locked.language) not in Language.values:
        raise ValidationFailed("English (en) or Korean (ko).", field="language")
    start = values.get("quiet_hours_start", locked.quiet_hours_start)
    end = values.get("quiet_hours_end", locked.quiet_hours_end)
    _check_quiet_hours(start, end)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, values[name])
    if changed:
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*changed, "updated_at"])
        if REMINDER_PREFERENCES & set(changed):
            reminders_sync_for_attendee(attendee=locked)
        if "reminder_channels" in changed:
            # Alerts and digests waiting for a channel just turned off stay unsent.
            outbound_cancel(attendee=locked, keep=locked.reminder_channels)
        if {"quiet_hours_start", "quiet_hours_end"} & set(changed):
            outbound_retime(attendee=locked, now=timezone.now())
    return locked


def _check_quiet_hours(start: dt.time | None, end: dt.time | None) -> None:
    if (start is None) != (end is None):
        field = "quiet_hours_end" if end is None else "quiet_hours_start"
        raise ValidationFailed("Give both ends of the quiet hours, or neither.", field=field)
    if start is not None and start == end:
        raise ValidationFailed(
            "Quiet hours start and end at different times.", field="quiet_hours_end"
        )
