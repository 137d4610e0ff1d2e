"""frab / pretalx / Pentabarf schedule XML (``<schedule><conference/><day><room><event>``).

This module also holds :class:`FrabScheduleBuilder`, the format-independent half that
:mod:`planner.importers.schedule_json` shares: both formats carry the same fields, so both
extract them into :class:`RawEvent` and let the builder turn them into dataclasses. The same
conference exported as XML and as JSON therefore yields the same sessions.

Security: the XML is parsed only with defusedxml. Any ``<!DOCTYPE>`` is refused (frab, pretalx
and Pentabarf never write one, and a DTD is where entity bombs, external entities and external
DTDs live), as are entity declarations and external references.

The time rule
-------------
frab gives each event three times: ``<date>`` (an ISO date-time, normally with a UTC offset),
``<start>`` (the local wall-clock ``HH:MM``) and ``<duration>`` (``HH:MM`` or ``HH:MM:SS``).

1. The zone is the file's ``<time_zone_name>`` (deprecated aliases such as ``US/Eastern`` are
   mapped to the canonical name, with a warning), else ``ImportOptions.timezone``, else none:
   then the offsets written in ``<date>`` (or the day's ``start``) are all there is.
2. With a ``<date>`` that carries an offset, the instant is ``<date>`` when its wall-clock in
   the zone equals ``<start>`` (the normal case, including 39c3's 10:30 opening on a day whose
   declared start is 11:00, and after-midnight events whose ``<date>`` is already the next day).
3. If ``<date>`` is marked ``Z``/``+00:00`` and its UTC wall-clock equals ``<start>`` while the
   zone is not UTC, the exporter wrote local times with a ``Z`` (lswt-2019): ``<start>`` on
   ``<date>``'s calendar date is read as local time in the zone, and ONE warning for the file
   says how many events were read that way. With no zone at all the times stay UTC and a
   warning says the file names no zone.
4. Any other disagreement between ``<date>`` and ``<start>`` keeps ``<date>`` (the machine
   value) and warns once with a count and the first example.
5. A naive ``<date>`` is local time in the zone (else in the offset of the day's ``start``
   attribute; an error when there is neither). Local times the clocks skip are errors, and
   repeated ones take the first, with a warning (:func:`common.localize`).
6. Without ``<date>``: the day's date + ``<start>`` in the zone (or in the offset of the day's
   ``start`` attribute). When the day declares a window (``start``/``end`` attributes, e.g.
   04:00–03:59 or 06:00–06:00) a time before the window's start belongs to the next calendar
   day if it then still falls inside the window (events past midnight); otherwise it stays on
   the day's date (an event shortly before the day's declared start, like 39c3's opening).
   A day with a start but no end uses the start's hour: earlier hours are the next day.
7. end = start + duration. An empty ``<duration/>`` counts as zero length, which becomes one
   minute with a warning (:func:`common.checked_span`); a missing ``<duration>`` element, an
   unparseable or a negative one is an error.

Keys
----
A session's key is the event's ``guid``; without one, its ``id`` (with a warning that ids are
less stable). A guid used twice is resolved (:meth:`FrabScheduleBuilder._repeated_guid_keys`:
an exact repeat is imported once, different events are keyed ``guid#id`` or ``guid@start``,
with a warning). An event whose values cannot be read is skipped with a warning, unless more
than :data:`common.BROKEN_SHARE_LIMIT` of them are (then the file is refused with the list).
Guid-less ids that repeat (lswt-2019 repeats
breaks in every room) are keyed ``"{id}@{room key}"``, with a warning; the same id twice in one
room is an error. People are keyed ``"person:" + guid`` (else ``id``, else ``code``) or, when
the file gives no identifier, ``"name:" + name``. Rooms are keyed by their guid when the file
gives one, else by name; tracks by name.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from planner.enums import ImportFormat, RoomKind, SessionKind
from planner.importers.base import (
    ConferenceInfo,
    ImportOptions,
    ParsedSchedule,
    PersonData,
    RoomData,
    ScheduleFormatError,
    SessionData,
    TrackData,
)
from planner.importers.common import (
    checked_span,
    decode_text,
    lmt_corrected,
    localize,
    normalize_name,
    parse_duration,
    person_key,
    resolve_zone,
    same_fields,
    session_kind,
    tolerate_broken,
    utc_stamp,
    zone_name,
)
from planner.timezones import canonical_zone

COVERS = frozenset({"rooms", "tracks", "people", "sessions"})

# ---------------------------------------------------------------------------------------------
# The shared half: raw fields in, dataclasses out.
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DayWindow:
    date: dt.date
    start: dt.datetime | None = None  # aware, or None when the file gives only a date
    end: dt.datetime | None = None


@dataclass(slots=True)
class RawPerson:
    name: str
    guid: str = ""
    id: str = ""
    code: str = ""
    role: str = ""  # schedule v2 participants: SPEAKER, CONTRIBUTOR, MODERATOR, …


@dataclass(slots=True)
class RawEvent:
    """One event's fields as the file wrote them. ``None`` means the field is absent; an empty
    string means it is present but empty (the two differ for ``duration``)."""

    element: str  # how errors name it: '<event guid="…" id="56">'
    guid: str = ""
    id: str = ""
    title: str | None = None
    subtitle: str = ""
    date: str | None = None
    start: str | None = None
    duration: str | None = None
    end: str | None = None  # schedule v2 only: an ISO date-time
    room: str = ""  # room name
    room_guid: str = ""
    track: str = ""
    type: str = ""
    abstract: str = ""
    description: str = ""
    url: str = ""
    persons: list[RawPerson] = field(default_factory=list)
    day: DayWindow | None = None
    nth: int = 0  # earlier events with the same guid (or id, when there is no guid)


LineFinder = Callable[[RawEvent], int | None]

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_AFFILIATION = re.compile(r"^(.+?)\s*\[([^\[\]]+)\]$")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_SLASHES = re.compile(r"/{2,}")
_ZERO = dt.timedelta(0)
_ONE_DAY = dt.timedelta(days=1)

_ROOM_TYPES: dict[str, str] = {
    "lecturehall": RoomKind.HALL,
    "lecture_hall": RoomKind.HALL,
    "stage": RoomKind.HALL,
    "hall": RoomKind.HALL,
    "virtual": RoomKind.VIRTUAL,
    "online": RoomKind.VIRTUAL,
    "channel": RoomKind.VIRTUAL,
    "outdoor": RoomKind.OUTDOOR,
    "poster": RoomKind.POSTER_HALL,
}
_CHAIR_ROLES = frozenset({"moderator", "host", "chair"})


def split_affiliation(name: str) -> tuple[str, str]:
    """pretalx exports embed the affiliation as ``Name [Org]``."""
    match = _AFFILIATION.match(name)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return name, ""


def normalize_url(url: str) -> str:
    """Collapse doubled slashes in the path (pretalx writes ``https://host//2025/talk/…``)."""
    url = url.strip()
    if "//" not in url.partition("://")[2]:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=_SLASHES.sub("/", parts.path)))


def plain_text(value: str) -> str:
    """Text as the file wrote it (escaped HTML stays text), with CR/CRLF made LF and trimmed."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def nth_match(pattern: re.Pattern[str], text: str, nth: int) -> int | None:
    """The offset of the ``nth`` (0-based) match of ``pattern`` in ``text``, if there is one."""
    for index, match in enumerate(pattern.finditer(text)):
        if index == nth:
            return match.start()
    return None


def event_element(guid: str, ident: str) -> str:
    """How errors name an event: ``<event guid="…" id="56">``."""
    if guid and ident:
        return f'<event guid="{guid}" id="{ident}">'
    if guid:
        return f'<event guid="{guid}">'
    if ident:
        return f'<event id="{ident}">'
    return "<event>"


def _colour(value: str) -> str:
    value = (value or "").strip()
    if not _COLOUR.match(value):
        return ""
    value = value.lower()
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value


@dataclass(slots=True)
class _Pending:
    raw: RawEvent
    session: SessionData
    room_key: str


class FrabScheduleBuilder:
    """Collects rooms, tracks, people and events in file order, then :meth:`finish` assigns
    keys, checks uniqueness and writes the warnings. Formats feed it :class:`RawEvent`."""

    def __init__(
        self,
        *,
        fmt: str,
        options: ImportOptions,
        declared_zone: str,
        find_line: LineFinder,
        zone_where: Callable[[], tuple[str, int | None]] = lambda: ("<time_zone_name>", None),
    ) -> None:
        self.filename = options.filename
        self.fmt = fmt
        self.find_line = find_line
        self.warnings: list[str] = []
        try:
            self.tz: zoneinfo.ZoneInfo | None = resolve_zone(
                declared_zone,
                fallback=options.timezone,
                filename=self.filename,
                warnings=self.warnings,
            )
        except ScheduleFormatError as error:
            if error.field == "time_zone_name":
                error.element, error.line = zone_where()
            raise
        self.tz_is_utc = zone_name(self.tz) == "UTC"
        # The file's own zone only; a --timezone fallback is the caller's knowledge, not the file's.
        self.conference = ConferenceInfo(timezone=canonical_zone(declared_zone) or "")
        self.rooms: dict[str, RoomData] = {}  # key -> room
        self._room_by_name: dict[str, str] = {}  # name -> key
        self._room_hint: dict[str, str] = {}  # key -> kind from the file's room type
        self._tracks: dict[str, TrackData] = {}  # declared, in file order
        self._used_tracks: dict[str, None] = {}  # used by events, first-seen order
        self.people: dict[str, PersonData] = {}
        self._pending: list[_Pending] = []
        self._z_local: list[tuple[RawEvent, dt.datetime]] = []
        self._z_utc = 0
        self._disagree: list[str] = []
        self._broken: list[ScheduleFormatError] = []
        self._broken_keys: set[str] = set()
        self._events_seen = 0

    # -- errors ---------------------------------------------------------------------------

    def error(self, raw: RawEvent, field: str, message: str) -> ScheduleFormatError:
        return ScheduleFormatError(
            message,
            file=self.filename,
            line=self.find_line(raw),
            element=raw.element,
            field=field,
        )

    # -- conference-level items -----------------------------------------------------------

    def set_dates(self, start: str, end: str) -> None:
        self.conference.start_date = self._conference_date(start, "start")
        self.conference.end_date = self._conference_date(end, "end")

    def _conference_date(self, value: str, what: str) -> dt.date | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            if len(value) <= 10:
                return dt.date.fromisoformat(value)
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            self.warnings.append(
                f"{self.filename}: conference {what} {value!r} is not an ISO date; ignored"
            )
            return None
        if moment.tzinfo is not None and self.tz is not None:
            moment = moment.astimezone(self.tz)  # 39c3 writes its start in UTC
        return moment.date()

    def add_room(
        self, name: str, *, guid: str = "", kind_hint: str = "", capacity: int | None = None
    ) -> str | None:
        """Register a room (first sighting fixes its position); returns its key."""
        name = name.strip()
        guid = guid.strip()
        if not name and not guid:
            return None
        key = self._room_by_name.get(name) if name else None
        if key is None and guid and guid in self.rooms:
            key = guid
        if key is None:
            key = guid or name
            self.rooms[key] = RoomData(key=key, name=name or guid, position=len(self.rooms))
            if name:
                self._room_by_name[name] = key
        room = self.rooms[key]
        if capacity is not None and room.capacity is None:
            room.capacity = capacity
        hint = _ROOM_TYPES.get(kind_hint.strip().lower())
        if hint and key not in self._room_hint:
            self._room_hint[key] = hint
        return key

    def add_track(self, name: str, colour: str = "") -> None:
        name = name.strip()
        if not name:
            return
        if colour and not _colour(colour):
            self.warnings.append(
                f"{self.filename}: track {name!r} colour {colour!r} is not #rrggbb; ignored"
            )
        track = self._tracks.get(name)
        if track is None:
            self._tracks[name] = TrackData(name=name, colour=_colour(colour))
        elif not track.colour:
            track.colour = _colour(colour)

    def add_person(self, person: RawPerson) -> str | None:
        name, affiliation = split_affiliation(normalize_name(person.name))
        ident = person.guid.strip() or person.id.strip() or person.code.strip()
        if ident:
            key = f"person:{ident}"
        elif name:
            key = person_key(name)  # "name:" + casefolded name, as every importer keys them
        else:
            return None
        if key not in self.people:
            self.people[key] = PersonData(key=key, name=name or ident, affiliation=affiliation)
        return key

    # -- events ---------------------------------------------------------------------------

    def add_event(self, raw: RawEvent) -> None:
        """Add one event; one whose values cannot be read is set aside (see :meth:`finish`)."""
        self._events_seen += 1
        try:
            self._add_event(raw)
        except ScheduleFormatError as error:
            self._broken.append(error)
            if raw.guid or raw.id:
                self._broken_keys.add(raw.guid or raw.id)

    def _add_event(self, raw: RawEvent) -> None:
        if not raw.guid and not raw.id:
            raise self.error(raw, "guid", "the event has neither a guid nor an id")
        title = (raw.title or "").strip()
        if not title:
            raise self.error(raw, "title", "missing title")
        room_key = self.add_room(raw.room, guid=raw.room_guid)
        if room_key is None:
            raise self.error(raw, "room", "missing room")

        start = self._start(raw)
        if raw.end is not None and raw.duration is None:
            end = self._aware(raw, "end", raw.end)
        else:
            if raw.duration is None:
                raise self.error(raw, "duration", "missing duration")
            end = start + self._duration(raw, raw.duration.strip())
        start, end = checked_span(
            start,
            end,
            filename=self.filename,
            warnings=self.warnings,
            element=raw.element,
            line=self.find_line(raw) if end <= start else None,
        )

        track = raw.track.strip()
        if track:
            self._used_tracks.setdefault(track, None)
        speakers: list[str] = []
        chairs: list[str] = []
        for person in raw.persons:
            key = self.add_person(person)
            if key is None:
                continue
            role = person.role.strip().lower()
            if role in _CHAIR_ROLES:
                listed = chairs
            elif role in ("", "speaker"):
                listed = speakers
            else:
                continue  # other v2 roles (CONTRIBUTOR, …) are credited, not on stage
            if key not in listed:
                listed.append(key)

        parts: list[str] = []
        for part in (raw.subtitle, raw.abstract, raw.description):
            text = plain_text(part)
            if text and text not in parts:
                parts.append(text)
        session = SessionData(
            key="",  # assigned in finish(), once every id is known
            title=title,
            kind=session_kind(raw.type, track, title),
            start=start,
            end=end,
            room=room_key,
            track=track or None,
            description="\n\n".join(parts),
            url=normalize_url(raw.url),
            ref=raw.id,
            speakers=speakers,
            chairs=chairs,
        )
        self._pending.append(_Pending(raw, session, room_key))

    def _duration(self, raw: RawEvent, text: str) -> dt.timedelta:
        if not text:
            return _ZERO  # <duration/>: zero length, made one minute by checked_span
        if text.startswith("-"):
            raise self.error(
                raw, "duration", f"{text!r} is negative: the event would end before it starts"
            )
        try:
            return parse_duration(text, filename=self.filename, element=raw.element)
        except ScheduleFormatError as error:
            error.line = self.find_line(raw)  # found only now: a search through the text
            raise

    def _aware(self, raw: RawEvent, field: str, value: str) -> dt.datetime:
        text = value.strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise self.error(raw, field, f"{value!r} is not an ISO 8601 date-time") from None
        if moment.tzinfo is None:
            tz = self.tz or (raw.day.start.tzinfo if raw.day and raw.day.start else None)
            if tz is None:
                raise self.error(
                    raw,
                    field,
                    f"{value!r} has no UTC offset and the file names no time zone; pass --timezone",
                )
            moment = self._local(raw, moment, tz, field)
        elif self.tz is not None:
            moment = lmt_corrected(
                moment,
                self.tz,
                filename=self.filename,
                warnings=self.warnings,
                element=raw.element,
                line=None,
                field=field,
            )
        return moment

    def _local(self, raw: RawEvent, naive: dt.datetime, tz: dt.tzinfo, field: str) -> dt.datetime:
        """Wall-clock time in ``tz``; a time the clocks skip is an error (common.localize)."""
        try:
            return localize(
                naive,
                tz,
                filename=self.filename,
                warnings=self.warnings,
                element=raw.element,
                field=field,
            )
        except ScheduleFormatError as error:
            error.line = self.find_line(raw)
            raise

    def _wall_clock(self, raw: RawEvent) -> dt.time | None:
        if raw.start is None or not raw.start.strip():
            return None
        match = _HHMM.match(raw.start.strip())
        if not match:
            raise self.error(raw, "start", f"{raw.start!r} is not a wall-clock time HH:MM")
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        if hours > 23 or minutes > 59 or seconds > 59:
            raise self.error(raw, "start", f"{raw.start!r} is not a wall-clock time HH:MM")
        return dt.time(hours, minutes, seconds)

    def _start(self, raw: RawEvent) -> dt.datetime:
        clock = self._wall_clock(raw)
        date_text = (raw.date or "").strip()
        if date_text:
            moment = self._aware(raw, "date", date_text)
            if clock is None:
                return moment
            wall = (clock.hour, clock.minute)
            tz = self.tz
            if tz is not None:
                local = moment.astimezone(tz)
                if (local.hour, local.minute) == wall:
                    return moment
                if (
                    moment.utcoffset() == _ZERO
                    and (moment.hour, moment.minute) == wall
                    and not self.tz_is_utc
                ):
                    return self._local_marked_z(raw, moment, clock, tz)
            else:
                if (moment.hour, moment.minute) == wall:
                    if moment.utcoffset() == _ZERO:
                        self._z_utc += 1
                    return moment
            self._disagree.append(f"{raw.element} <date> {date_text} vs <start> {clock:%H:%M}")
            return moment
        if clock is None:
            raise self.error(raw, "date", "missing date and start")
        day = raw.day
        if day is None:
            raise self.error(raw, "date", "missing date, and the event is not inside a <day>")
        tz = self.tz or (day.start.tzinfo if day.start else None)
        if tz is None:
            raise self.error(
                raw, "date", "no <date>, and neither the file nor the day names a time zone"
            )
        naive = dt.datetime.combine(day.date, clock)
        if day.start is not None and naive.replace(tzinfo=tz) < day.start:
            following = naive + _ONE_DAY
            if day.end is not None:
                if following.replace(tzinfo=tz) <= day.end:
                    naive = following
            elif clock < day.start.astimezone(tz).time().replace(minute=0, second=0):
                naive = following
        return self._local(raw, naive, tz, "start")

    def _local_marked_z(
        self, raw: RawEvent, moment: dt.datetime, clock: dt.time, tz: zoneinfo.ZoneInfo
    ) -> dt.datetime:
        local = self._local(raw, dt.datetime.combine(moment.date(), clock), tz, "start")
        self._z_local.append((raw, local))
        return local

    # -- the result -----------------------------------------------------------------------

    def _assign_keys(self) -> list[SessionData]:
        without_guid = [p for p in self._pending if not p.raw.guid]
        id_count: dict[str, int] = {}
        for pending in without_guid:
            id_count[pending.raw.id] = id_count.get(pending.raw.id, 0) + 1
        repeated = [key for key, count in id_count.items() if count > 1]
        if without_guid:
            if len(without_guid) == len(self._pending):
                self.warnings.append(
                    f"{self.filename}: the file has no event guids; sessions are keyed by their "
                    "id, which may change between exports"
                )
            else:
                self.warnings.append(
                    f"{self.filename}: {len(without_guid)} events have no guid; they are keyed "
                    "by their id"
                )
        if repeated:
            shown = ", ".join(repeated[:10]) + (" …" if len(repeated) > 10 else "")
            self.warnings.append(
                f"{self.filename}: event ids {shown} appear in several rooms without guids; "
                "those sessions are keyed 'id@room'"
            )
        repeated_set = set(repeated)
        guid_keys = self._repeated_guid_keys()
        seen: dict[str, _Pending] = {}
        sessions: list[SessionData] = []
        for pending in self._pending:
            raw = pending.raw
            if raw.guid and id(pending) in guid_keys:
                key, what, field = guid_keys[id(pending)], "guid", "guid"
                if not key:
                    continue  # an exact duplicate of an earlier entry, warned about
            elif raw.guid:
                key, what, field = raw.guid, "guid", "guid"
            elif raw.id in repeated_set:
                key, what, field = f"{raw.id}@{pending.room_key}", "id", "id"
            else:
                key, what, field = raw.id, "id", "id"
            first = seen.get(key)
            if first is not None:
                first_line = self.find_line(first.raw)
                where = f"line {first_line}, " if first_line else ""
                detail = (
                    f"{what} {raw.guid or raw.id!r} appears twice"
                    if what == "guid" or raw.id not in repeated_set
                    else f"id {raw.id!r} appears twice in room {pending.room_key!r}"
                )
                raise self.error(raw, field, f"{detail} (first at {where}{first.raw.element})")
            seen[key] = pending
            pending.session.key = key
            sessions.append(pending.session)
        return sessions

    def _where(self, pending: _Pending) -> str:
        line = self.find_line(pending.raw)
        return f"line {line}" if line else pending.raw.element

    def _repeated_guid_keys(self) -> dict[int, str]:
        """Keys for the events whose guid is used more than once (a workshop held on several
        days, a daily meetup; official frab/c3voc exports do this). An entry equal in every
        field to an earlier one is dropped (key ""). The others are keyed ``guid#id`` when
        their ids tell them apart (stable when a repeat moves), else ``guid@start`` (UTC).
        Each reuse is a warning naming both places. Keyed by ``id(pending)``."""
        groups: dict[str, list[_Pending]] = {}
        for pending in self._pending:
            if pending.raw.guid:
                groups.setdefault(pending.raw.guid, []).append(pending)
        keys: dict[int, str] = {}
        for guid, group in groups.items():
            if len(group) < 2:
                continue
            distinct: list[_Pending] = []
            for pending in group:
                twin = next((d for d in distinct if same_fields(d.session, pending.session)), None)
                if twin is not None:
                    keys[id(pending)] = ""
                    self.warnings.append(
                        f"{self.filename}: {pending.raw.element} at {self._where(pending)} "
                        f"repeats the entry at {self._where(twin)} exactly; imported once"
                    )
                else:
                    distinct.append(pending)
            if len(distinct) < 2:
                continue
            ids = [d.raw.id for d in distinct]
            by_id = all(ids) and len(set(ids)) == len(ids)
            starts = [utc_stamp(d.session.start) for d in distinct]
            by_start = len(set(starts)) == len(starts)
            for pending, ident, stamp in zip(distinct, ids, starts, strict=True):
                if by_id:
                    keys[id(pending)] = f"{guid}#{ident}"
                elif by_start:
                    keys[id(pending)] = f"{guid}@{stamp}"
                else:
                    keys[id(pending)] = f"{guid}@{stamp}@{pending.room_key}"
            places = ", ".join(
                f"{self._where(d)} ({d.session.start.isoformat()})" for d in distinct[:10]
            )
            how = "guid#id" if by_id else "guid@start"
            self.warnings.append(
                f"{self.filename}: guid {guid!r} is used by {len(distinct)} different events "
                f"({places}{', …' if len(distinct) > 10 else ''}); each was imported, keyed {how}"
            )
        return keys

    def _time_warnings(self) -> None:
        where = zone_name(self.tz)
        if self._z_local:
            raw, local = self._z_local[0]
            self.warnings.append(
                f"{self.filename}: {len(self._z_local)} event times are marked Z (UTC) but equal "
                f"their <start>; times marked Z are local wall-clock times in {where}, and were "
                f"read as such (e.g. {raw.element} {local:%H:%M} local = "
                f"{local.astimezone(dt.UTC):%H:%M} UTC)"
            )
        if self.tz is None:
            if self._z_utc:
                self.warnings.append(
                    f"{self.filename}: the file names no time zone and none was given; "
                    f"{self._z_utc} times marked Z were kept as UTC. If they are local times, "
                    "import again with the conference's time zone"
                )
            elif self._pending:
                self.warnings.append(
                    f"{self.filename}: the file names no time zone (no time_zone_name) and none "
                    "was given; times keep the UTC offsets their dates carry"
                )
        if self._disagree:
            self.warnings.append(
                f"{self.filename}: {len(self._disagree)} events have a <date> that disagrees "
                f"with their <start> in {where or 'their own offset'}; the <date> instant was "
                f"kept (first: {self._disagree[0]})"
            )

    def _room_kinds(self, sessions: list[SessionData]) -> None:
        kinds_in: dict[str, set[str]] = {}
        for session in sessions:
            if session.room is not None:
                kinds_in.setdefault(session.room, set()).add(session.kind)
        for key, room in self.rooms.items():
            hint = self._room_hint.get(key)
            if hint:
                room.kind = hint
                continue
            name = room.name.lower()
            if "poster" in name or kinds_in.get(key) == {SessionKind.POSTER}:
                room.kind = RoomKind.POSTER_HALL
            elif "hall" in name or "saal" in name or "auditorium" in name:
                room.kind = RoomKind.HALL
            else:
                room.kind = RoomKind.ROOM

    def _track_list(self) -> list[TrackData]:
        """Tracks the events use: declared ones first (in declaration order, with colours),
        then undeclared ones as first seen. A declared track no event uses is left out."""
        used = self._used_tracks
        tracks = [track for name, track in self._tracks.items() if name in used]
        tracks.extend(TrackData(name=name) for name in used if name not in self._tracks)
        return tracks

    def finish(self) -> ParsedSchedule:
        tolerate_broken(
            self._broken, self._events_seen, filename=self.filename, warnings=self.warnings
        )
        sessions = self._assign_keys()
        self._time_warnings()
        self._room_kinds(sessions)
        if not sessions:
            self.warnings.append(f"{self.filename}: the schedule contains no events")
        return ParsedSchedule(
            format=self.fmt,
            conference=self.conference,
            rooms=list(self.rooms.values()),
            tracks=self._track_list(),
            people=list(self.people.values()),
            sessions=sessions,
            warnings=self.warnings,
            covers=COVERS,
            kept=frozenset(self._broken_keys),
        )


def parse_day_window(date: str, start: str, end: str, tz: dt.tzinfo | None) -> DayWindow | None:
    """A ``<day>``'s date and its window; None when the date is missing or malformed."""
    try:
        day = dt.date.fromisoformat(date.strip()[:10])
    except ValueError:
        return None
    return DayWindow(day, _window_edge(start, tz), _window_edge(end, tz))


def _window_edge(value: str, tz: dt.tzinfo | None) -> dt.datetime | None:
    value = (value or "").strip()
    if len(value) <= 10:  # a bare date (lswt-2019) sets no window
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        if tz is None:
            return None
        moment = moment.replace(tzinfo=tz)
    return moment


# ---------------------------------------------------------------------------------------------
# The XML half.
# ---------------------------------------------------------------------------------------------

_PROLOGUE = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL)
_ROOT = re.compile(rb"\s*<schedule[\s>/]")
_BOM = b"\xef\xbb\xbf"


def sniff(data: bytes, filename: str) -> bool:
    head = data[:65536]
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    position = 0
    while True:
        match = _PROLOGUE.match(head, position)
        if not match:
            break
        position = match.end()
    return bool(_ROOT.match(head, position))


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    if len(element):
        return "".join(element.itertext())
    return element.text or ""


class _XmlLines:
    """Line numbers for events, found only when an error or warning needs one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cache: dict[tuple[str, str, int], int | None] = {}

    def event(self, raw: RawEvent) -> int | None:
        attr, value = ("guid", raw.guid) if raw.guid else ("id", raw.id)
        key = (attr, value, raw.nth)
        if key not in self._cache:
            pattern = re.compile(
                rf"<event\b[^>]*?\b{attr}\s*=\s*([\"']){re.escape(_xml_escape(value))}\1"
            )
            offset = nth_match(pattern, self.text, raw.nth)
            self._cache[key] = line_at(self.text, offset) if offset is not None else None
        return self._cache[key]

    def tag(self, name: str) -> int | None:
        offset = self.text.find(f"<{name}")
        return line_at(self.text, offset) if offset >= 0 else None


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _parse_xml(text: str, filename: str) -> Element:
    try:
        return DefusedET.fromstring(text, forbid_dtd=True, forbid_entities=True)
    except ParseError as error:
        line, column = getattr(error, "position", (None, None))
        message = str(error).split(": line", 1)[0]
        raise ScheduleFormatError(
            f"not well-formed XML ({message}, column {column})", file=filename, line=line
        ) from None
    except defusedxml.DTDForbidden:
        raise ScheduleFormatError(
            "a <!DOCTYPE> declaration is not accepted in schedule XML (a DTD can define "
            "entities that expand without bound or read local files)",
            file=filename,
            element="<!DOCTYPE>",
        ) from None
    except defusedxml.EntitiesForbidden as error:
        raise ScheduleFormatError(
            f"entity declaration {error.name!r} refused: schedule XML may not declare entities",
            file=filename,
            element=f"<!ENTITY {error.name}>",
        ) from None
    except defusedxml.ExternalReferenceForbidden as error:
        raise ScheduleFormatError(
            f"external reference {error.sysid!r} refused",
            file=filename,
            element="<!DOCTYPE>",
        ) from None
    except defusedxml.DefusedXmlException as error:
        raise ScheduleFormatError(f"refused: {error}", file=filename) from None


class _XmlReader:
    def __init__(self, root: Element, builder: FrabScheduleBuilder) -> None:
        self.root = root
        self.builder = builder
        self.seen: dict[str, int] = {}

    def read(self) -> None:
        builder = self.builder
        for child in self.root:
            tag = child.tag
            if tag == "tracks":  # FOSDEM: <tracks><track>Name</track></tracks>
                for track in child:
                    if track.tag == "track":
                        builder.add_track(
                            track.get("name") or _text(track),
                            track.get("color") or track.get("colour") or "",
                        )
            elif tag == "rooms":
                self._rooms(child)
            elif tag == "day":
                self._day(child)

    def conference(self, conference: Element | None) -> None:
        info = self.builder.conference
        if conference is None:
            return
        fields: dict[str, Element] = {}
        for child in conference:
            if child.tag == "track":  # c3voc: <track name="…" color="#…"/>
                self.builder.add_track(
                    child.get("name") or _text(child),
                    child.get("color") or child.get("colour") or "",
                )
            elif child.tag == "rooms":
                self._rooms(child)
            else:
                fields.setdefault(child.tag, child)
        info.name = _text(fields.get("title")).strip()
        info.acronym = _text(fields.get("acronym")).strip()
        info.venue = _text(fields.get("venue")).strip()
        info.url = normalize_url(_text(fields.get("base_url")) or _text(fields.get("url")))
        self.builder.set_dates(_text(fields.get("start")), _text(fields.get("end")))

    def _rooms(self, rooms: Element) -> None:
        for room in rooms:
            if room.tag == "room":
                self.builder.add_room(room.get("name") or _text(room), guid=room.get("guid") or "")

    def _day(self, day: Element) -> None:
        window = parse_day_window(
            day.get("date") or "", day.get("start") or "", day.get("end") or "", self.builder.tz
        )
        for child in day:
            if child.tag == "room":
                name = child.get("name") or ""
                self.builder.add_room(name, guid=child.get("guid") or "")
                for event in child:
                    if event.tag == "event":
                        self.builder.add_event(self._event(event, window, name))
            elif child.tag == "event":
                self.builder.add_event(self._event(child, window, ""))

    def _event(self, event: Element, window: DayWindow | None, room_name: str) -> RawEvent:
        attrs = event.attrib
        guid = (attrs.get("guid") or "").strip()
        ident = (attrs.get("id") or attrs.get("code") or "").strip()
        fields: dict[str, Element] = {}
        persons: list[RawPerson] = []
        for child in event:
            tag = child.tag
            if tag == "persons":
                for person in child:
                    if person.tag == "person":
                        persons.append(
                            RawPerson(
                                name=_text(person),
                                guid=person.get("guid") or "",
                                id=person.get("id") or "",
                                code=person.get("code") or "",
                            )
                        )
            elif tag == "person":  # lswt-2019: one <person> with "A, B, C"
                persons.extend(
                    RawPerson(name=name.strip()) for name in _text(child).split(",") if name.strip()
                )
            elif tag not in fields:
                fields[tag] = child
        counter = guid or f"id:{ident}"
        nth = self.seen.get(counter, 0)
        self.seen[counter] = nth + 1
        room = fields.get("room")
        title = fields.get("title")
        date = fields.get("date")
        start = fields.get("start")
        duration = fields.get("duration")
        return RawEvent(
            element=event_element(guid, ident),
            guid=guid,
            id=ident,
            title=None if title is None else _text(title),
            subtitle=_text(fields.get("subtitle")),
            date=None if date is None else _text(date),
            start=None if start is None else _text(start),
            duration=None if duration is None else _text(duration),
            room=(_text(room) if room is not None else "").strip() or room_name,
            track=_text(fields.get("track")),
            type=_text(fields.get("type")),
            abstract=_text(fields.get("abstract")),
            description=_text(fields.get("description")),
            url=_text(fields.get("url")) or _url_like(_text(fields.get("slug"))),
            persons=persons,
            day=window,
            nth=nth,
        )


def _url_like(value: str) -> str:
    value = value.strip()
    return value if value.startswith(("https://", "http://")) else ""


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    filename = options.filename
    text = decode_text(data, filename)
    root = _parse_xml(text, filename)
    if root.tag != "schedule":
        raise ScheduleFormatError(
            f"the root element is <{root.tag}>, not <schedule>", file=filename, line=1
        )
    lines = _XmlLines(text)
    conference = root.find("conference")
    declared = _text(conference.find("time_zone_name")) if conference is not None else ""
    builder = FrabScheduleBuilder(
        fmt=ImportFormat.FRAB_XML,
        options=options,
        declared_zone=declared,
        find_line=lines.event,
        zone_where=lambda: ("<time_zone_name>", lines.tag("time_zone_name")),
    )
    reader = _XmlReader(root, builder)
    reader.conference(conference)
    reader.read()
    return builder.finish()
