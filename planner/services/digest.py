"""The evening digest: at the attendee's ``digest_time`` (local, in the conference's zone) a
message listing tomorrow's plan, in the app and on the push / e-mail channels they chose.

Run by beat (planner.tasks.send_due_digests, every DIGEST_SWEEP_SECONDS ≤ 5 min). An
attendee is due on local day D when

- tomorrow (D + 1) is one of the conference's days (so the eve of the first day gets one,
  the last evening does not, and nobody gets one weeks before or after);
- their ``digest_time`` has passed on D, by at most LATE_AFTER (a sweep that could not run
  for hours does not send yesterday's digest at breakfast);
- they have not had D's digest yet (``Attendee.digest_last_date < D``).

Wall-clock times are compared in the conference's zone, so a digest at 20:00 goes at 20:00
local on both sides of a DST change. Once per attendee per local day: ``digest_last_date``
is set for everyone handled (also those with nothing tomorrow, who get nothing), and the
rows carry the dedupe key ``digest:<tomorrow's date>`` (one Notification, one Outbound per
channel), so two sweeps at once still write one of each.

Queries per sweep, whatever the number of attendees: the conferences running around now,
who is due (one query), their plan items for tomorrow (one query), the notifications (one
INSERT), the push/e-mail rows (one INSERT) and ``digest_last_date`` (one UPDATE per local
date, at most two).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from planner.enums import NotificationKind
from planner.models import Attendee, Conference, PlanItem
from planner.notifications import Message, inapp
from planner.notifications.content import (
    PLAN_ITEM_RELATED,
    attendee_language,
    item_cancelled,
    item_label,
    item_place,
    item_start,
    local_day,
)
from planner.services.outbound import outbound_write

logger = logging.getLogger(__name__)

LATE_AFTER = dt.timedelta(hours=2)
# The fields a plan item's start lives in, per target (a booth: the chosen visit).
START_FIELDS = ("session__start", "oral__start", "poster__session__start", "meal__start")


@dataclass(frozen=True, slots=True)
class DigestReport:
    due: int = 0  # attendees whose digest time came
    sent: int = 0  # of them, those with something tomorrow (a message written)


def digest_key(day: dt.date) -> str:
    """The dedupe key of the digest listing ``day``'s plan."""
    return f"digest:{day.isoformat()}"


def _due_condition(conference: Conference, now: dt.datetime) -> tuple[Q, dt.date, dt.time] | None:
    """Who at ``conference`` is due now, today's local date and the local time; None when
    nobody can be. An attendee whose ``digest_time`` is after the local time is due for
    yesterday (``today - 1``): the sweep came after midnight, within LATE_AFTER of it."""
    local = conference.local(now)
    today = local.date()
    earliest = local - LATE_AFTER
    parts = []
    if conference.start_date <= today + dt.timedelta(days=1) <= conference.end_date:
        since = earliest.time() if earliest.date() == today else dt.time.min
        parts.append(
            Q(digest_time__lte=local.time(), digest_time__gte=since)
            & (Q(digest_last_date__isnull=True) | Q(digest_last_date__lt=today))
        )
    yesterday = today - dt.timedelta(days=1)
    if earliest.date() == yesterday and conference.start_date <= today <= conference.end_date:
        # Yesterday's digest time came less than LATE_AFTER ago, before midnight.
        parts.append(
            Q(digest_time__gt=local.time(), digest_time__gte=earliest.time())
            & (Q(digest_last_date__isnull=True) | Q(digest_last_date__lt=yesterday))
        )
    if not parts:
        return None
    condition = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return Q(conference_id=conference.pk) & condition, today, local.time()


def _local_day(attendee: Attendee, today: dt.date, clock: dt.time) -> dt.date:
    """The local day D whose digest (of D + 1) is due for ``attendee`` (see _due_condition)."""
    return today if attendee.digest_time <= clock else today - dt.timedelta(days=1)


def _tomorrow(conference: Conference, today: dt.date) -> Q:
    """Plan items at ``conference`` that start on ``today + 1`` (local)."""
    start, end = conference.day_bounds(today + dt.timedelta(days=1))
    starts = Q(visit_start__gte=start, visit_start__lt=end)
    for name in START_FIELDS:
        starts |= Q(**{f"{name}__gte": start, f"{name}__lt": end})
    return Q(attendee__conference_id=conference.pk) & starts


def _line(item: PlanItem) -> str:
    """``09:00 Keynote · Hall A`` (local time)."""
    start = item_start(item)
    place = item_place(item)
    text = f"{item.attendee.conference.local(start):%H:%M} {item_label(item)}"
    return f"{text} · {place}" if place else text


def digest_message(
    attendee: Attendee, day: dt.date, items: list[PlanItem], *, today: dt.date | None = None
) -> Message:
    """The digest of ``items`` (the attendee's plan on ``day``, sorted by start), in the
    attendee's language. ``today``: the local date it is written on (a late digest, after
    midnight, says "Today")."""
    with attendee_language(attendee.language) as language:
        return _digest_message(attendee, day, items, today=today, language=language)


def _digest_message(
    attendee: Attendee, day: dt.date, items: list[PlanItem], *, today: dt.date | None, language: str
) -> Message:
    conference = attendee.conference
    count = len(items)
    if today == day:
        title = ngettext(
            "Today, {day}: {count} item in your plan",
            "Today, {day}: {count} items in your plan",
            count,
        )
    else:
        title = ngettext(
            "Tomorrow, {day}: {count} item in your plan",
            "Tomorrow, {day}: {count} items in your plan",
            count,
        )
    return Message(
        attendee_id=attendee.pk,
        user_id=attendee.user_id,
        conference_slug=conference.slug,
        conference_name=conference.name,
        kind=NotificationKind.DIGEST,
        title=title.format(day=local_day(day), count=count),
        lines=(
            *(_line(item) for item in items),
            gettext("Times in {zone}.").format(zone=conference.timezone),
        ),
        url=f"/conferences/{conference.slug}/plan",
        dedupe_key=digest_key(day),
        # Per conference: one person at two conferences gets both (a push Topic replaces).
        tag=f"digest-c{conference.pk}-{day.isoformat()}",
        when=conference.day_bounds(day)[0].astimezone(dt.UTC),
        language=language,
    )


def digests_send_due(*, now: dt.datetime | None = None) -> DigestReport:
    """Write the evening digests that are due now (see the module docstring).

    Side effects: Notification rows (in-app, at once), Outbound rows (push / e-mail, sent by
    the reminder sweep; deferred past quiet hours), ``Attendee.digest_last_date``."""
    now = now or timezone.now()
    utc_today = now.astimezone(dt.UTC).date()
    # Local "today" is within a day of UTC's; tomorrow must be a conference day.
    conferences = Conference.objects.filter(
        start_date__lte=utc_today + dt.timedelta(days=2),
        end_date__gte=utc_today - dt.timedelta(days=1),
    )
    who = Q(pk__in=[])
    clock_of: dict[int, tuple[dt.date, dt.time]] = {}
    for conference in conferences:
        due = _due_condition(conference, now)
        if due is not None:
            who |= due[0]
            clock_of[conference.pk] = due[1:]
    if not clock_of:
        return DigestReport()
    attendees = {
        a.pk: a
        for a in Attendee.objects.filter(who, digest_time__isnull=False).select_related(
            "conference"
        )
    }
    if not attendees:
        return DigestReport()
    day_of = {
        a.pk: _local_day(a, *clock_of[a.conference_id]) for a in attendees.values()
    }  # D: the digest lists D + 1
    groups: dict[tuple[Conference, dt.date], list[int]] = defaultdict(list)
    for attendee in attendees.values():
        groups[(attendee.conference, day_of[attendee.pk])].append(attendee.pk)
    window = Q(pk__in=[])
    for (conference, day), ids in groups.items():
        window |= _tomorrow(conference, day) & Q(attendee_id__in=ids)
    items = PlanItem.objects.filter(window, attendee_id__in=list(attendees)).select_related(
        *PLAN_ITEM_RELATED
    )
    plans: dict[int, list[PlanItem]] = defaultdict(list)
    for item in items:
        if item_start(item) is not None and not item_cancelled(item):
            plans[item.attendee_id].append(item)
    messages = []
    for attendee_id, planned in sorted(plans.items()):
        attendee = attendees[attendee_id]
        planned.sort(key=lambda item: (item_start(item), item.pk))
        day = day_of[attendee_id] + dt.timedelta(days=1)
        today = clock_of[attendee.conference_id][0]
        messages.append(digest_message(attendee, day, planned, today=today))
    by_date: dict[dt.date, list[int]] = defaultdict(list)
    for attendee in attendees.values():
        by_date[day_of[attendee.pk]].append(attendee.pk)
    with transaction.atomic():
        inapp.deliver_many(messages)
        outbound_write(messages=messages, attendees=attendees, now=now)
        for today, ids in by_date.items():
            Attendee.objects.filter(pk__in=ids).update(digest_last_date=today)
    report = DigestReport(due=len(attendees), sent=len(messages))
    logger.info("evening digests: %s due, %s sent", report.due, report.sent)
    return report
