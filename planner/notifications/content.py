"""What a reminder or a schedule-change alert says, rendered in the conference's zone and in
the attendee's language.

Times are local to the conference (never the server's or the reader's zone) and the zone is
named wherever a time leaves the app (e-mail, push), since a phone may be set to home time.

Words come from Django's translation catalogue (planner/locale): every function here writes
in the active language, and whoever builds a message for an attendee activates theirs
(:func:`attendee_language`) around it. Day and month names are ours, not the C library's
(``%a``/``%b`` follow the process locale, which a worker does not set).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from planner.enums import Language, NotificationKind
from planner.models import Conference, PlanItem, Reminder
from planner.notifications import Message

# Everything reminder_message() reads, for one select_related over a batch of reminders.
REMINDER_RELATED = (
    "plan_item__attendee__conference",
    "plan_item__session__room",
    "plan_item__oral__paper",
    "plan_item__oral__session__room",
    "plan_item__poster__paper",
    "plan_item__poster__session__room",
    "plan_item__booth__room",
    "plan_item__meal__room",
)
# The same, from a PlanItem.
PLAN_ITEM_RELATED = tuple(path.removeprefix("plan_item__") for path in REMINDER_RELATED)


@contextmanager
def attendee_language(language: str) -> Iterator[str]:
    """Write in ``language`` (an Attendee.language) inside the block, English for anything
    unknown; the language active before comes back after it, also on an exception."""
    code = language if language in Language.values else Language.ENGLISH
    with translation.override(code):
        yield code


def weekday_name(day: dt.date) -> str:
    """``Tue`` / ``화``."""
    names = (
        pgettext("weekday", "Mon"),
        pgettext("weekday", "Tue"),
        pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"),
        pgettext("weekday", "Fri"),
        pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    )
    return names[day.weekday()]


def month_name(day: dt.date) -> str:
    """``Oct`` / ``10월``."""
    names = (
        pgettext("month", "Jan"),
        pgettext("month", "Feb"),
        pgettext("month", "Mar"),
        pgettext("month", "Apr"),
        pgettext("month", "May"),
        pgettext("month", "Jun"),
        pgettext("month", "Jul"),
        pgettext("month", "Aug"),
        pgettext("month", "Sep"),
        pgettext("month", "Oct"),
        pgettext("month", "Nov"),
        pgettext("month", "Dec"),
    )
    return names[day.month - 1]


def local_day(day: dt.date) -> str:
    """``Tue 14 Oct`` / ``10월 14일 (화)``."""
    return pgettext("date: weekday, day of month, month", "{weekday} {day} {month}").format(
        weekday=weekday_name(day), day=day.day, month=month_name(day)
    )


def local_clock(conference: Conference, instant: dt.datetime) -> str:
    """``14:30`` in the conference's zone (the same in every language)."""
    return f"{conference.local(instant):%H:%M}"


def local_moment(conference: Conference, instant: dt.datetime) -> str:
    """``Tue 14 Oct, 14:30 (Asia/Jerusalem)`` / ``10월 14일 (화) 14:30 (Asia/Jerusalem)``: a
    time that leaves the app names its zone."""
    local = conference.local(instant)
    return pgettext("date and time: day, clock, zone", "{day}, {clock} ({zone})").format(
        day=local_day(local.date()), clock=f"{local:%H:%M}", zone=conference.timezone
    )


def item_label(item: PlanItem) -> str:
    """How the item is named in a sentence: ``Poster 042``, ``Oral "Title"``, the session's
    or meal's title, the exhibitor."""
    if item.poster_id:
        return gettext("Poster {board}").format(board=item.poster.board)
    if item.oral_id:
        title = item.oral.display_title
        return gettext("Oral “{title}”").format(title=title) if title else gettext("Oral")
    if item.session_id:
        return item.session.title
    if item.meal_id:
        return item.meal.title
    return item.booth.exhibitor


def item_start(item: PlanItem) -> dt.datetime | None:
    if item.poster_id:
        return item.poster.session.start
    if item.oral_id:
        return item.oral.start
    if item.session_id:
        return item.session.start
    if item.meal_id:
        return item.meal.start
    return item.visit_start  # a booth: when the attendee chose to go, if they did


def item_cancelled(item: PlanItem) -> bool:
    target = getattr(item, item.target_kind)
    if item.poster_id or item.oral_id:
        return target.cancelled or target.session.cancelled
    return target.cancelled


def item_room(item: PlanItem) -> str:
    """The room's name alone (a poster's: its session's), empty when unknown."""
    if item.poster_id or item.oral_id:
        room = getattr(item, item.target_kind).session.room
    else:
        room = getattr(item, item.target_kind).room
    return room.name if room else ""


def item_place(item: PlanItem) -> str:
    """``Hall B``, ``Hall B, board 042``, ``Expo, booth B14``; empty when unknown."""
    if item.poster_id:
        room = item.poster.session.room
        board = gettext("board {board}").format(board=item.poster.board)
        return ", ".join(p for p in (room.name if room else "", board) if p)
    if item.oral_id:
        room = item.oral.session.room
    elif item.booth_id:
        room = item.booth.room
        number = (
            gettext("booth {number}").format(number=item.booth.number) if item.booth.number else ""
        )
        return ", ".join(p for p in (room.name if room else "", number) if p)
    else:
        room = getattr(item, item.target_kind).room
    return room.name if room else ""


def item_path(item: PlanItem) -> str:
    """The item's page in the PWA."""
    slug = item.attendee.conference.slug
    return f"/conferences/{slug}/{item.target_kind}s/{item.target_id}"


def reminder_message(reminder: Reminder) -> Message:
    """The reminder for one plan item, in its attendee's language: title is the item, body
    its local time and place. Needs REMINDER_RELATED selected."""
    with attendee_language(reminder.plan_item.attendee.language) as language:
        return _reminder_message(reminder, language)


def _reminder_message(reminder: Reminder, language: str) -> Message:
    item = reminder.plan_item
    attendee = item.attendee
    conference = attendee.conference
    start = item_start(item)
    lines = []
    if start is not None:
        # Counted from when it goes out (the claim), not its planned time: a retried or
        # delayed reminder says how long is really left, and nothing once it has begun.
        sent = max(reminder.fire_at, reminder.claimed_at or reminder.fire_at)
        minutes = max(0, round((start - sent).total_seconds() / 60))
        moment = local_moment(conference, start)
        if minutes:
            lines.append(
                ngettext(
                    "Starts at {moment}, in {minutes} min",
                    "Starts at {moment}, in {minutes} min",
                    minutes,
                ).format(moment=moment, minutes=minutes)
            )
        else:
            lines.append(gettext("Starts at {moment}").format(moment=moment))
    place = item_place(item)
    if place:
        lines.append(place)
    label = item_label(item)
    if item.poster_id or item.oral_id:
        title = getattr(item, item.target_kind).display_title
        if title and title not in label:
            lines.append(title)
    return Message(
        attendee_id=attendee.pk,
        user_id=attendee.user_id,
        conference_slug=conference.slug,
        conference_name=conference.name,
        kind=NotificationKind.REMINDER,
        title=label[:200],
        lines=tuple(lines),
        url=item_path(item),
        # One per plan item and start: the same reminder on several channels shows once
        # in the app, and a re-claimed row never makes a second row.
        dedupe_key=f"reminder:{item.pk}:{start:%Y%m%dT%H%M}" if start else f"reminder:{item.pk}",
        tag=f"reminder-{item.pk}",
        when=start,
        extra={"place": place},
        language=language,
    )
