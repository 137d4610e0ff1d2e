"""Writes for notifications: push subscriptions, read marks, the e-mail unsubscribe, and
schedule-change alerts after an import.

Reminder rows themselves (create, move, claim, mark) are planner.services.reminders; their
delivery is planner.services.reminder_dispatch.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext

from planner.enums import ChangeAction, Channel, NotificationKind, ReminderState
from planner.exceptions import NotFound
from planner.models import (
    Attendee,
    Conference,
    Notification,
    PlanItem,
    PushSubscription,
    Reminder,
    ScheduleChange,
)
from planner.notifications import Message, inapp
from planner.notifications.content import (
    PLAN_ITEM_RELATED,
    attendee_language,
    item_cancelled,
    item_label,
    item_room,
    item_start,
    local_clock,
)
from planner.services.outbound import outbound_cancel, outbound_write

logger = logging.getLogger(__name__)


# --- push subscriptions ---------------------------------------------------------------------


@transaction.atomic
def push_subscription_save(
    *, user, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """Store a browser's subscription for ``user`` (created, or updated when the endpoint is
    known: a browser has one endpoint, and it now belongs to whoever subscribed last).
    Returns (subscription, created). The endpoint is checked by the caller's serializer."""
    subscription, created = PushSubscription.objects.select_for_update().update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:300],
            "failures": 0,
        },
    )
    return subscription, created


def push_subscription_delete(*, user, endpoint: str) -> None:
    """Forget ``user``'s subscription with ``endpoint``. NotFound when there is none (or it
    is someone else's: the two are never told apart)."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    if not deleted:
        raise NotFound("No such push subscription.", field="endpoint")


# --- in-app notifications -------------------------------------------------------------------


def notification_mark_read(*, attendee: Attendee, notification_id: int) -> Notification:
    """Mark one of the attendee's notifications read (idempotent: the first time is kept)."""
    notification = Notification.objects.filter(pk=notification_id, attendee=attendee).first()
    if notification is None:
        raise NotFound("Not found.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, attendee: Attendee) -> int:
    """Mark every unread notification of the attendee read; returns how many were unread."""
    return Notification.objects.filter(attendee=attendee, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- e-mail unsubscribe -----------------------------------------------------------------------


@transaction.atomic
def email_unsubscribe(*, attendee_id: int) -> Attendee | None:
    """Turn the attendee's e-mail channel off (the one-click unsubscribe link) and cancel their
    pending e-mail reminders, alerts and digests. Idempotent; None when the attendee no longer exists."""
    attendee = Attendee.objects.select_for_update().filter(pk=attendee_id).first()
    if attendee is None:
        return None
    channels = [c for c in attendee.reminder_channels if c != Channel.EMAIL]
    if channels != attendee.reminder_channels:
        attendee.reminder_channels = channels
        attendee.save(update_fields=["reminder_channels", "updated_at"])
    Reminder.objects.filter(
        plan_item__attendee=attendee, channel=Channel.EMAIL, state=ReminderState.PENDING
    ).update(state=ReminderState.CANCELLED)
    outbound_cancel(attendee=attendee, keep=attendee.reminder_channels)
    return attendee


# --- schedule-change alerts -------------------------------------------------------------------

ALERT_ACTIONS = (
    ChangeAction.MOVED_TIME,
    ChangeAction.MOVED_ROOM,
    ChangeAction.CANCELLED,
    ChangeAction.RESTORED,
)


@dataclass(frozen=True, slots=True)
class AlertReport:
    attendees: int
    created: int


def change_alert_key(schedule_version: int) -> str:
    """One alert per attendee per import: an import makes exactly one schedule version."""
    return f"schedule-change:v{schedule_version}"


def _describe(item: PlanItem, action: str) -> str:
    """``Poster 042 moved to Hall B, 14:30``, ``Oral “…” cancelled`` (in the active
    language)."""
    label = item_label(item)
    conference = item.attendee.conference
    if action == ChangeAction.CANCELLED or item_cancelled(item):
        return gettext("{label} cancelled").format(label=label)
    start = item_start(item)
    where = ", ".join(
        part for part in (item_room(item), local_clock(conference, start) if start else "") if part
    )
    if action == ChangeAction.RESTORED:
        if not where:
            return pgettext("schedule change, no room or time", "{label} is back on").format(
                label=label
            )
        return gettext("{label} is back on {where}").format(label=label, where=where)
    if not where:
        return pgettext("schedule change, no room or time", "{label} moved to").format(label=label)
    return gettext("{label} moved to {where}").format(label=label, where=where)


def schedule_change_alerts(*, conference_id: int, schedule_version: int) -> AlertReport:
    """In-app alerts for the import that made ``schedule_version``: every attendee with a plan
    item that the import moved in time, re-roomed, cancelled or restored gets ONE notification
    listing those items (times in the conference's zone). A poster or an oral counts as
    changed when its session did. Idempotent per (attendee, schedule version): running it
    again writes nothing (Notification.dedupe_key).

    The same alert also goes out by push and e-mail to attendees who chose those channels:
    one Outbound row per (attendee, channel) with the same dedupe key, delivered by the
    reminder sweep, deferred to the end of the attendee's quiet hours when it arrives inside
    them (planner.services.outbound). In-app is written at once, quiet hours or not.

    A fixed number of queries whatever the number of attendees: the conference, the
    changes, the plan items on them (with what the messages read), a count, one INSERT of
    notifications and one of outbound rows. Called on commit of an import
    (planner.services.imports.schedule_import)."""
    conference = Conference.objects.get(pk=conference_id)
    changes = ScheduleChange.objects.filter(
        conference_id=conference_id, schedule_version=schedule_version, action__in=ALERT_ACTIONS
    ).values_list("action", "session_id", "oral_id", "poster_id", "booth_id", "meal_id")
    action_for: dict[tuple[str, int], str] = {}
    for action, *ids in changes:
        for kind, pk in zip(("session", "oral", "poster", "booth", "meal"), ids, strict=True):
            if pk is not None:
                action_for[(kind, pk)] = action
    if not action_for:
        return AlertReport(attendees=0, created=0)
    ids_of: dict[str, list[int]] = defaultdict(list)
    for kind, pk in action_for:
        ids_of[kind].append(pk)
    sessions = ids_of.get("session", [])
    condition = Q()
    for kind, pks in ids_of.items():
        condition |= Q(**{f"{kind}_id__in": pks})
    if sessions:
        # Posters and orals move with their session.
        condition |= Q(poster__session_id__in=sessions) | Q(oral__session_id__in=sessions)
    items = (
        PlanItem.objects.filter(condition, attendee__conference_id=conference_id)
        .select_related(*PLAN_ITEM_RELATED)
        .order_by("attendee_id", "id")
    )
    by_attendee: dict[int, list[tuple[PlanItem, str]]] = defaultdict(list)
    attendees: dict[int, Attendee] = {}
    for item in items:
        item.attendee.conference = conference
        action = action_for.get((item.target_kind, item.target_id))
        if action is None and (item.poster_id or item.oral_id):
            session_id = getattr(item, item.target_kind).session_id
            action = action_for.get(("session", session_id))
        if action is None:
            continue
        by_attendee[item.attendee_id].append((item, action))
        attendees[item.attendee_id] = item.attendee
    messages = []
    key = change_alert_key(schedule_version)
    for attendee_id, changed in by_attendee.items():
        # Each in their own language: one import alerts English and Korean readers alike.
        with attendee_language(attendees[attendee_id].language) as language:
            lines = [_describe(item, action) for item, action in changed]
            count = len(lines)
            title = (
                lines[0]
                if count == 1
                else ngettext(
                    "{count} item in your plan changed", "{count} items in your plan changed", count
                ).format(count=count)
            )
        messages.append(
            Message(
                attendee_id=attendee_id,
                user_id=attendees[attendee_id].user_id,
                conference_slug=conference.slug,
                conference_name=conference.name,
                kind=NotificationKind.SCHEDULE_CHANGE,
                title=title,
                lines=tuple(lines),
                url=f"/conferences/{conference.slug}/plan",
                dedupe_key=key,
                tag=f"schedule-c{conference.pk}-v{schedule_version}",  # versions are per conference
                language=language,
            )
        )
    before = Notification.objects.filter(attendee_id__in=list(by_attendee), dedupe_key=key).count()
    inapp.deliver_many(messages)
    # Push and e-mail copies: rows the reminder sweep delivers (deferred past quiet hours).
    outbound_write(messages=messages, attendees=attendees, now=timezone.now())
    report = AlertReport(attendees=len(messages), created=len(messages) - before)
    logger.info(
        "schedule change alerts for %s v%s: %s attendees, %s new",
        conference.slug,
        schedule_version,
        report.attendees,
        report.created,
    )
    return report
