"""c3voc / pretalx / frab schedule JSON, both layouts:

- v1 (frab, pretalx, c3voc ``schema.json``): ``{"schedule": {"conference": {"days": [{"date",
  "day_start", "day_end", "rooms": {"Room name": [event, …]}}]}}}`` with the same event fields
  as frab XML (``date``, ``start`` "HH:MM", ``duration`` "HH:MM", ``room``, ``persons`` …).
- v2 (the CCC hub's ``schema2.json``): ``{"schedule": {"conference": {…, "days": [no rooms]},
  "events": [...], "persons": [...]}}``; events carry ``start``/``end`` ISO date-times, ``room``
  and ``track`` objects and ``participants`` with roles.

Events are read into :class:`~planner.importers.frab_xml.RawEvent` and built by the same
:class:`~planner.importers.frab_xml.FrabScheduleBuilder` as the XML, so keys, the time rule,
kinds, speakers and warnings are those of :mod:`planner.importers.frab_xml` (read its
docstring). NaN and Infinity, which Python's json accepts, are refused.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from planner.enums import ImportFormat
from planner.importers.base import ImportOptions, ParsedSchedule, ScheduleFormatError
from planner.importers.common import decode_text
from planner.importers.frab_xml import (
    DayWindow,
    FrabScheduleBuilder,
    RawEvent,
    RawPerson,
    event_element,
    line_at,
    normalize_url,
    nth_match,
    parse_day_window,
)

_BOM = b"\xef\xbb\xbf"
# A JSON string, or one of the constants Python's json accepts and JSON does not.
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _shape(document: object) -> str | None:
    """The layout, "v1" or "v2"; None when this is not schedule JSON (MiniConf, PyConFR…)."""
    if not isinstance(document, dict):
        return None
    schedule = document.get("schedule")
    if not isinstance(schedule, dict):
        return None
    conference = schedule.get("conference")
    if not isinstance(conference, dict):
        return None
    if isinstance(schedule.get("events"), list):
        return "v2"
    if isinstance(conference.get("days"), list):
        return "v1"
    return None


def sniff(data: bytes, filename: str) -> bool:
    head = data[:4096].removeprefix(_BOM).lstrip()
    if not head.startswith(b"{") or b'"schedule"' not in head:
        return False
    try:
        document = json.loads(data.removeprefix(_BOM))
    except (ValueError, RecursionError):
        return False
    return _shape(document) is not None


class _JsonLines:
    """Line numbers for events, searched for only when an error or warning needs one."""

    def __init__(self, text: str) -> None:
        self.text = text

    def event(self, raw: RawEvent) -> int | None:
        if raw.guid:
            pattern = re.compile(rf'"guid"\s*:\s*{re.escape(json.dumps(raw.guid))}')
        elif raw.id:
            pattern = re.compile(rf'"id"\s*:\s*"?{re.escape(raw.id)}"?\s*[,}}\n]')
        else:
            return None
        offset = nth_match(pattern, self.text, raw.nth)
        return line_at(self.text, offset) if offset is not None else None

    def key(self, name: str) -> int | None:
        offset = self.text.find(f'"{name}"')
        return line_at(self.text, offset) if offset >= 0 else None


def _load(text: str, filename: str, warnings: list[str] | None = None) -> Any:
    """The document. A bare ``NaN`` (pandas writes it for an empty cell; Python's json reads
    it, strict parsers do not) is read as no value, with one warning naming its first line;
    ``Infinity`` is refused."""
    nans = 0

    def constant(name: str) -> None:
        nonlocal nans
        if name == "NaN" and warnings is not None:
            nans += 1
            return None
        refuse(name)

    def refuse(constant: str) -> NoReturn:
        offset = next((m.start() for m in _CONSTANT.finditer(text) if m.group(1) == constant), None)
        line = line_at(text, offset) if offset is not None else None
        column = offset - text.rfind("\n", 0, offset) if offset is not None else None
        where = f" (column {column})" if column else ""
        raise ScheduleFormatError(
            f"{constant} is not a JSON number{where}; schedule JSON must not contain "
            "NaN or Infinity",
            file=filename,
            line=line,
        )

    try:
        document = json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as error:
        raise ScheduleFormatError(
            f"not valid JSON: {error.msg} (column {error.colno})",
            file=filename,
            line=error.lineno,
        ) from None
    except RecursionError:
        raise ScheduleFormatError("JSON nested too deeply", file=filename) from None
    if nans and warnings is not None:
        offset = next((m.start() for m in _CONSTANT.finditer(text) if m.group(1) == "NaN"), 0)
        warnings.append(
            f"{filename}:{line_at(text, offset)}: {nans} bare NaN value(s) (not JSON; a pandas "
            "artefact) were read as no value"
        )
    return document


class _JsonReader:
    def __init__(self, builder: FrabScheduleBuilder, filename: str) -> None:
        self.builder = builder
        self.filename = filename
        self.seen: dict[str, int] = {}
        self.track_slugs: dict[str, str] = {}

    def fail(self, message: str, *, element: str, field: str | None = None) -> NoReturn:
        raise ScheduleFormatError(message, file=self.filename, element=element, field=field)

    def text(self, value: object, *, element: str, field: str) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.fail(f"expected text, got {type(value).__name__}", element=element, field=field)

    def optional(self, event: dict[str, Any], name: str, element: str) -> str | None:
        """None when the key is absent, so a missing field can be told from an empty one."""
        if name not in event:
            return None
        return self.text(event[name], element=element, field=name)

    # -- conference -----------------------------------------------------------------------

    def conference(self, schedule: dict[str, Any], conference: dict[str, Any]) -> None:
        info = self.builder.conference
        where = "schedule.conference"
        info.name = self.text(conference.get("title"), element=where, field="title").strip()
        info.acronym = self.text(conference.get("acronym"), element=where, field="acronym").strip()
        url = conference.get("url") or schedule.get("base_url") or conference.get("base_url")
        info.url = normalize_url(self.text(url, element=where, field="url"))
        self.builder.set_dates(
            self.text(conference.get("start"), element=where, field="start"),
            self.text(conference.get("end"), element=where, field="end"),
        )
        for index, room in enumerate(self.items(conference.get("rooms"), f"{where}.rooms")):
            element = f"{where}.rooms[{index}]"
            capacity = room.get("capacity")
            self.builder.add_room(
                self.text(room.get("name"), element=element, field="name"),
                guid=self.text(room.get("guid"), element=element, field="guid"),
                kind_hint=self.text(room.get("type"), element=element, field="type"),
                capacity=capacity if isinstance(capacity, int) and capacity > 0 else None,
            )
        for index, track in enumerate(self.items(conference.get("tracks"), f"{where}.tracks")):
            element = f"{where}.tracks[{index}]"
            name = self.text(track.get("name"), element=element, field="name")
            colour = track.get("color") or track.get("colour")
            colours = track.get("colors")
            if not colour and isinstance(colours, dict):  # v2: {"light": …, "dark": …}
                colour = colours.get("light") or colours.get("dark")
            self.builder.add_track(name, self.text(colour, element=element, field="color"))
            slug = self.text(track.get("slug"), element=element, field="slug")
            if slug:
                self.track_slugs[slug] = name

    def items(self, value: object, element: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail("expected a list of objects", element=element)
        return value

    # -- v1 -------------------------------------------------------------------------------

    def days(self, conference: dict[str, Any]) -> None:
        tz = self.builder.tz
        for index, day in enumerate(self.items(conference.get("days"), "schedule.conference.days")):
            element = f"schedule.conference.days[{index}]"
            window = parse_day_window(
                self.text(day.get("date"), element=element, field="date"),
                self.text(day.get("day_start") or day.get("start"), element=element, field="start"),
                self.text(day.get("day_end") or day.get("end"), element=element, field="end"),
                tz,
            )
            rooms = day.get("rooms")
            if rooms is None:
                continue
            if not isinstance(rooms, dict):
                self.fail(
                    "expected an object of room name → events", element=element, field="rooms"
                )
            for room_name, events in rooms.items():
                self.builder.add_room(room_name)
                for event in self.items(events, f'{element}.rooms["{room_name}"]'):
                    self.builder.add_event(self.v1_event(event, window, room_name))

    def persons(self, value: object, element: str) -> list[RawPerson]:
        people: list[RawPerson] = []
        for person in self.items(value, f"{element} persons"):
            name = person.get("public_name") or person.get("name") or person.get("full_name")
            people.append(
                RawPerson(
                    name=self.text(name, element=element, field="persons"),
                    guid=self.text(person.get("guid"), element=element, field="persons"),
                    id=self.text(person.get("id"), element=element, field="persons"),
                    code=self.text(person.get("code"), element=element, field="persons"),
                    role=self.text(person.get("role"), element=element, field="persons"),
                )
            )
        return people

    def _identity(self, event: dict[str, Any]) -> tuple[str, str, str, int]:
        guid = self.text(event.get("guid"), element="<event>", field="guid").strip()
        ident = self.text(
            event.get("id") if event.get("id") is not None else event.get("code"),
            element="<event>",
            field="id",
        ).strip()
        element = event_element(guid, ident)
        counter = guid or f"id:{ident}"
        nth = self.seen.get(counter, 0)
        self.seen[counter] = nth + 1
        return guid, ident, element, nth

    def v1_event(self, event: dict[str, Any], window: DayWindow | None, room_name: str) -> RawEvent:
        guid, ident, element, nth = self._identity(event)
        get = event.get
        room = self.text(get("room"), element=element, field="room").strip() or room_name
        return RawEvent(
            element=element,
            guid=guid,
            id=ident,
            title=self.optional(event, "title", element),
            subtitle=self.text(get("subtitle"), element=element, field="subtitle"),
            date=self.optional(event, "date", element),
            start=self.optional(event, "start", element),
            duration=self.optional(event, "duration", element),
            room=room,
            track=self.track_name(get("track"), element),
            type=self.text(get("type"), element=element, field="type"),
            abstract=self.text(get("abstract"), element=element, field="abstract"),
            description=self.text(get("description"), element=element, field="description"),
            url=self.text(get("url"), element=element, field="url"),
            persons=self.persons(get("persons"), element),
            day=window,
            nth=nth,
        )

    def track_name(self, value: object, element: str) -> str:
        if isinstance(value, dict):  # v2: {"slug": …} or {"name": …}
            name = self.text(value.get("name"), element=element, field="track")
            slug = self.text(value.get("slug"), element=element, field="track")
            return name or self.track_slugs.get(slug, slug)
        return self.text(value, element=element, field="track")

    # -- v2 -------------------------------------------------------------------------------

    def v2(self, schedule: dict[str, Any]) -> None:
        for person in self.persons(schedule.get("persons"), "schedule"):
            self.builder.add_person(person)
        for event in self.items(schedule.get("events"), "schedule.events"):
            self.builder.add_event(self.v2_event(event))

    def v2_event(self, event: dict[str, Any]) -> RawEvent:
        guid, ident, element, nth = self._identity(event)
        get = event.get
        room = get("room")
        room_name = room_guid = ""
        if isinstance(room, dict):
            room_name = self.text(room.get("name"), element=element, field="room")
            room_guid = self.text(room.get("guid"), element=element, field="room")
        else:
            room_name = self.text(room, element=element, field="room")
        participants = get("participants")
        return RawEvent(
            element=element,
            guid=guid,
            id=ident,
            title=self.optional(event, "title", element),
            subtitle=self.text(get("subtitle"), element=element, field="subtitle"),
            date=self.optional(event, "start", element),
            duration=self.optional(event, "duration", element),
            end=self.optional(event, "end", element),
            room=room_name,
            room_guid=room_guid,
            track=self.track_name(get("track"), element),
            type=self.text(get("type"), element=element, field="type"),
            abstract=self.text(get("abstract"), element=element, field="abstract"),
            description=self.text(get("description"), element=element, field="description"),
            url=self.text(get("url"), element=element, field="url"),
            persons=self.persons(
                participants if participants is not None else get("persons"), element
            ),
            nth=nth,
        )


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    filename = options.filename
    text = decode_text(data, filename)
    nan_warnings: list[str] = []
    document = _load(text, filename, nan_warnings)
    shape = _shape(document)
    if shape is None:
        raise ScheduleFormatError(
            'not schedule JSON: expected {"schedule": {"conference": {"days": […]}}} (v1) '
            'or {"schedule": {"conference": {…}, "events": […]}} (v2)',
            file=filename,
            line=1,
        )
    schedule = document["schedule"]
    conference = schedule["conference"]
    lines = _JsonLines(text)
    zone = conference.get("time_zone_name")
    builder = FrabScheduleBuilder(
        fmt=ImportFormat.SCHEDULE_JSON,
        options=options,
        declared_zone=zone if isinstance(zone, str) else "",
        find_line=lines.event,
        zone_where=lambda: ("schedule.conference.time_zone_name", lines.key("time_zone_name")),
    )
    reader = _JsonReader(builder, filename)
    reader.conference(schedule, conference)
    reader.days(conference)
    if shape == "v2":
        reader.v2(schedule)
    builder.warnings[:0] = nan_warnings
    return builder.finish()
