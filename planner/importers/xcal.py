"""Pentabarf-style xCal (``schedule.xcal`` from frab and pretalx exports).

Not RFC 6321: the root is ``<iCalendar>`` (declaring the old draft namespace but using
unqualified elements), holding ``<vcalendar>`` and one ``<vevent>`` per event with plain
text children: ``uid``, ``summary`` (and ``pentabarf:title``), ``dtstart``/``dtend`` as
``YYYYMMDDTHHMMSS`` (local wall time, no zone; a trailing ``Z`` is UTC), ``description``,
``category`` (the event type, a kind hint), ``location`` (the room), ``url``, ``status``
and one ``attendee`` per speaker (pretalx writes ``Name [Organisation]``).

Keys: the ``uid``. A uid repeated for another event is kept with the key ``<uid>@<UTC start>``
(``#2``… if that is taken too), stable across re-imports; a warning names both places. An
entry identical to an earlier one is imported once (a warning). An event that cannot be read
(no uid, no summary, a malformed time) is skipped with a warning, unless more than a set share
of them is (``common.tolerate_broken``): then the file is refused with the list. Local times
need the conference's zone (``--timezone``); without one the file is refused, naming the first
event. Parsed with defusedxml like frab XML (no DOCTYPE, no entities).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from xml.etree.ElementTree import Element

from planner.enums import ImportFormat
from planner.importers.base import (
    ConferenceInfo,
    ImportOptions,
    ParsedSchedule,
    PersonData,
    RoomData,
    ScheduleFormatError,
    SessionData,
)
from planner.importers.common import (
    checked_span,
    decode_text,
    localize,
    normalize_name,
    person_key,
    resolve_zone,
    session_kind,
    tolerate_broken,
)
from planner.importers.frab_xml import (
    _parse_xml,
    normalize_url,
    plain_text,
    split_affiliation,
)

_PROLOGUE = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_ROOT = re.compile(rb"\s*<iCalendar[\s>]")
_BOM = b"\xef\xbb\xbf"
_WHEN = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z)?$")
_PENTABARF = "{http://pentabarf.org}"


class _NoZone(ScheduleFormatError):
    """A local time in a file that names no zone: the whole file, not one event, cannot be
    read (every event has such times)."""


def sniff(data: bytes, filename: str) -> bool:
    head = data[:65536].removeprefix(_BOM)
    position = 0
    while match := _PROLOGUE.match(head, position):
        position = match.end()
    return bool(_ROOT.match(head, position)) and b"<vcalendar" in head


def _child(event: Element, name: str) -> str:
    found = event.find(name)
    return "" if found is None else "".join(found.itertext())


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    file = options.filename
    text = decode_text(data, file)
    root = _parse_xml(text, file)
    calendar = root.find("vcalendar")
    if root.tag != "iCalendar" or calendar is None:
        raise ScheduleFormatError(
            "not a Pentabarf xCal file (expected <iCalendar><vcalendar>)", file=file
        )
    warnings: list[str] = []
    zone = resolve_zone("", fallback=options.timezone, filename=file, warnings=warnings)
    parsed = ParsedSchedule(format=ImportFormat.XCAL, warnings=warnings)
    parsed.covers = frozenset({"sessions", "rooms"})
    people: dict[str, PersonData] = {}
    rooms: dict[str, RoomData] = {}
    sessions: dict[str, SessionData] = {}
    first_at: dict[str, str] = {}

    def when(value: str, element: str, field: str) -> dt.datetime:
        match = _WHEN.match(value.strip())
        if not match:
            raise ScheduleFormatError(
                f"{value!r} is not a date-time like 20250317T130000",
                file=file,
                element=element,
                field=field,
            )
        year, month, day, hour, minute, second, utc = match.groups()
        try:
            naive = dt.datetime.fromisoformat(
                f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}"
            )
        except ValueError:
            raise ScheduleFormatError(
                f"{value!r} is not a valid date-time", file=file, element=element, field=field
            ) from None
        if utc:
            return naive.replace(tzinfo=dt.UTC)
        if zone is None:
            raise _NoZone(
                f"{value!r} is a local time and the file names no time zone; pass --timezone",
                file=file,
                element=element,
                field=field,
            )
        return localize(naive, zone, filename=file, warnings=warnings, element=element, field=field)

    events = calendar.findall("vevent")
    broken: list[ScheduleFormatError] = []
    kept: set[str] = set()
    for index, event in enumerate(events, start=1):
        uid = normalize_name(_child(event, "uid"))
        where = f"<vevent> {index} (uid {uid!r})" if uid else f"<vevent> {index}"
        try:
            if not uid:
                raise ScheduleFormatError("event has no uid", file=file, element=where, field="uid")
            title = normalize_name(_child(event, "summary") or _child(event, f"{_PENTABARF}title"))
            if not title:
                raise ScheduleFormatError("event has no summary", file=file, element=where)
            start = when(_child(event, "dtstart"), where, "dtstart")
            end = when(_child(event, "dtend"), where, "dtend")
            start, end = checked_span(start, end, filename=file, warnings=warnings, element=where)
        except _NoZone:
            raise
        except ScheduleFormatError as error:
            broken.append(error)  # one malformed event is skipped (see tolerate_broken)
            if uid:
                kept.add(uid)  # what an earlier import made of it is left as it was
            continue
        room = normalize_name(_child(event, "location")) or None
        if room and room not in rooms:
            rooms[room] = RoomData(key=room, name=room, position=len(rooms) + 1)
        speakers = []
        for attendee in event.findall("attendee"):
            name, affiliation = split_affiliation(normalize_name("".join(attendee.itertext())))
            if name:
                key = person_key(name)
                people.setdefault(key, PersonData(key=key, name=name, affiliation=affiliation))
                if key not in speakers:
                    speakers.append(key)
        category = normalize_name(_child(event, "category"))
        session = SessionData(
            key=uid,
            title=title,
            kind=session_kind(category, title),
            start=start,
            end=end,
            room=room,
            description=plain_text(_child(event, "description")),
            url=normalize_url(_child(event, "url")) if _child(event, "url").strip() else "",
            speakers=speakers,
            cancelled=_child(event, "status").strip().upper() == "CANCELLED",
        )
        stamp = f"{uid}@{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
        if any(
            dataclasses.replace(sessions[k], key=uid) == session
            for k in (uid, stamp)
            if k in sessions
        ):
            warnings.append(f"{file}: {where} repeats {first_at[uid]} exactly; imported once")
            continue
        if uid in sessions:
            session.key, n = stamp, 2
            while session.key in sessions:
                session.key, n = f"{stamp}#{n}", n + 1
            warnings.append(
                f"{file}: {where} reuses the uid of {first_at[uid]}; kept as a repeat at its "
                "own start"
            )
        sessions[session.key] = session
        first_at.setdefault(uid, where)
    tolerate_broken(broken, len(events), filename=file, warnings=warnings)
    parsed.kept = frozenset(kept)
    parsed.sessions = list(sessions.values())
    parsed.rooms = list(rooms.values())
    parsed.people = list(people.values())
    if parsed.sessions:
        local = [s.start.astimezone(zone) if zone else s.start for s in parsed.sessions]
        ends = [s.end.astimezone(zone) if zone else s.end for s in parsed.sessions]
        parsed.conference = ConferenceInfo(
            name=normalize_name(_child(calendar, "x-wr-calname")),
            start_date=min(local).date(),
            end_date=max(ends).date(),
        )
    return parsed
