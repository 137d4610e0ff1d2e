"""iCalendar (.ics, RFC 5545) → sessions and rooms.

Each VEVENT becomes a session. Parsing is the ``icalendar`` library's; this module adds what
an import needs on top: line numbers in errors (from its own scan of the unfolded lines),
zone resolution with warnings, stable keys, and refusal of files it cannot import safely.

- key: UID; a recurrence instance is ``UID#<RECURRENCE-ID as UTC, 20261024T060000Z>``
  (``#20261024`` for all-day ones). An RRULE/RDATE master is expanded into instances keyed
  the same way, so an overriding VEVENT with a RECURRENCE-ID replaces its generated
  instance. A UID used by several plain VEVENTs (moca-2024) keys each
  ``UID#<start as UTC>`` (the room added when two start together), with a warning naming
  both lines; an exact repeat is imported once. A UID shared with a recurring event, or a
  RECURRENCE-ID given twice, cannot be told apart and is refused.
- Tolerance: calendar-level properties that cannot be parsed and components other than
  VEVENT/VTIMEZONE are skipped with a warning; an event whose essential values cannot be
  read is skipped with a warning unless more than 10% are (then the file is refused).
- title SUMMARY, description DESCRIPTION, url URL; LOCATION names the room (room key = the
  text) unless it is an http(s) URL (virtual events), which then becomes the url.
- CATEGORIES: the first category is the track; kind from ``session_kind(categories, summary)``.
- STATUS:CANCELLED → cancelled.
- Times: TZID resolved through the file's VTIMEZONE (done by icalendar), else as an IANA
  name via zoneinfo; deprecated aliases (US/Eastern) are mapped with a warning, an unknown
  TZID is an error naming the line. Floating times (no TZID, no Z) are local to
  X-WR-TIMEZONE, else to ``options.timezone`` (a warning either way; an error if neither).
  All-day events (VALUE=DATE) run from local midnight to DTEND's midnight (exclusive) or
  one day, with one warning. No DTEND: DURATION, else zero length (shown as one minute).
- Calendar: X-WR-CALNAME → conference name; X-WR-TIMEZONE → conference zone, else the one
  zone every TZID resolves to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import icalendar
from dateutil.rrule import rruleset, rrulestr  # icalendar's own dependency
from icalendar.parser import Contentline

from planner.enums import ImportFormat
from planner.importers.base import (
    ConferenceInfo,
    ImportOptions,
    ParsedSchedule,
    RoomData,
    ScheduleFormatError,
    SessionData,
    TrackData,
)
from planner.importers.common import (
    absolute_url,
    check_size,
    checked_span,
    decode_text,
    localize,
    same_fields,
    session_kind,
    tolerate_broken,
    utc_stamp,
    zone_name,
)
from planner.timezones import DEPRECATED_ALIASES, canonical_zone

MAX_OCCURRENCES = 500
# Properties whose broken values make an event unimportable; other broken ones are warnings.
_ESSENTIAL = {"DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE", "UID"}


def sniff(data: bytes, filename: str) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:15].upper() == b"BEGIN:VCALENDAR"


# --- the line scan -------------------------------------------------------------------------------


@dataclass(slots=True)
class _EventLines:
    begin: int
    props: dict[str, int] = field(default_factory=dict)  # property name → first line


@dataclass(slots=True)
class _Scan:
    calendar_lines: list[tuple[int, str]] = field(default_factory=list)
    events: list[_EventLines] = field(default_factory=list)
    lines: list[tuple[int, str]] = field(default_factory=list)  # every unfolded content line
    # Lines of calendar-level components other than VEVENT/VTIMEZONE (VTODO, X-…), by name.
    skipped: dict[str, list[int]] = field(default_factory=dict)
    skipped_lines: set[int] = field(default_factory=set)


def _unfold(text: str) -> list[tuple[int, str]]:
    """Content lines with the physical line each starts on (RFC 5545 §3.1 folding)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if raw[:1] in (" ", "\t") and lines:
            first, content = lines[-1]
            lines[-1] = (first, content + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _scan(text: str, filename: str) -> _Scan:
    """Check what icalendar is strict or silent about, so errors can name a line: every line
    is ``NAME[;params]:value``, BEGIN/END nest, exactly one VCALENDAR."""
    scan = _Scan()
    stack: list[tuple[str, int]] = []
    calendars = 0
    scan.lines = _unfold(text)
    skipping: int | None = None  # the depth of the unknown component being skipped
    for number, content in scan.lines:
        try:
            name, _params, value = Contentline(content).parts()
        except ValueError:
            if skipping is not None:
                scan.skipped_lines.add(number)
                continue
            if len(stack) == 1:  # calendar level: junk outside the events, left out
                scan.calendar_lines.append((number, content))
                continue
            raise ScheduleFormatError(
                f"not an iCalendar content line (NAME:value): {content[:80]!r}",
                file=filename,
                line=number,
            ) from None
        name = name.upper()
        if name == "BEGIN":
            component = value.strip().upper()
            if not stack:
                if component != "VCALENDAR":
                    raise ScheduleFormatError(
                        f"expected BEGIN:VCALENDAR, found BEGIN:{component}",
                        file=filename,
                        line=number,
                    )
                calendars += 1
                if calendars > 1:
                    raise ScheduleFormatError(
                        "a second VCALENDAR; import one calendar per file",
                        file=filename,
                        line=number,
                    )
            elif len(stack) == 1 and component == "VEVENT" and skipping is None:
                scan.events.append(_EventLines(begin=number))
            elif len(stack) == 1 and component not in _KNOWN_COMPONENTS:
                skipping = 1
                scan.skipped.setdefault(component, []).append(number)
            stack.append((component, number))
            if skipping is not None:
                scan.skipped_lines.add(number)
        elif name == "END":
            component = value.strip().upper()
            if not stack or stack[-1][0] != component:
                expected = f"END:{stack[-1][0]} for line {stack[-1][1]}" if stack else "nothing"
                raise ScheduleFormatError(
                    f"END:{component} where {expected} was expected",
                    file=filename,
                    line=number,
                )
            stack.pop()
            if skipping is not None:
                scan.skipped_lines.add(number)
                if len(stack) == skipping:
                    skipping = None
        elif skipping is not None:
            scan.skipped_lines.add(number)
        elif not stack:
            raise ScheduleFormatError(
                f"{name} outside BEGIN:VCALENDAR … END:VCALENDAR", file=filename, line=number
            )
        elif len(stack) == 1:
            scan.calendar_lines.append((number, content))
        elif len(stack) == 2 and stack[-1][0] == "VEVENT":
            scan.events[-1].props.setdefault(name, number)
    if stack:
        component, number = stack[-1]
        raise ScheduleFormatError(
            f"BEGIN:{component} is never closed (END:{component} missing)",
            file=filename,
            line=number,
        )
    if not calendars:
        raise ScheduleFormatError("no BEGIN:VCALENDAR", file=filename)
    return scan


# Calendar-level components the importer reads; others (VTODO, VJOURNAL, X-…) are skipped.
_KNOWN_COMPONENTS = frozenset({"VEVENT", "VTIMEZONE"})


def _check_calendar_properties(scan: _Scan, filename: str, warnings: list[str]) -> str:
    """The calendar as text icalendar can read: calendar-level properties it cannot parse
    (ismir-2022 writes ``DTSTART:2022-12-04 08:00:00+05:53`` there) and unknown components
    are left out, each with a warning naming the line. They say nothing about the events."""
    dropped = set(scan.skipped_lines)
    for number, content in scan.calendar_lines:
        probe = f"BEGIN:VCALENDAR\r\n{content}\r\nEND:VCALENDAR\r\n".encode()
        try:
            errors = icalendar.Calendar.from_ical(probe).errors
        except ValueError as error:
            errors = [("", str(error))]
        for _prop, error in errors[:1]:
            dropped.add(number)
            warnings.append(
                f"{filename}:{number}: ignored the calendar property {content[:80]!r}, which "
                f"cannot be parsed ({error}); it is outside the events"
            )
    for component, starts in scan.skipped.items():
        shown = ", ".join(str(n) for n in starts[:10]) + (" …" if len(starts) > 10 else "")
        warnings.append(
            f"{filename}: skipped {len(starts)} {component} component"
            f"{'s' if len(starts) > 1 else ''} (line {shown}); only VEVENTs are imported"
        )
    if not dropped:
        return "\r\n".join(content for _number, content in scan.lines)
    scan.calendar_lines = [(n, c) for n, c in scan.calendar_lines if n not in dropped]
    return "\r\n".join(content for number, content in scan.lines if number not in dropped)


# --- times ---------------------------------------------------------------------------------------


class _Zones:
    """Zone resolution with each warning given once."""

    def __init__(
        self,
        cal: icalendar.Calendar,
        options: ImportOptions,
        warnings: list[str],
        scan: _Scan,
    ) -> None:
        self.filename = options.filename
        self.warnings = warnings
        self._warned: set[str] = set()
        self.used: set[str] = set()  # canonical names of the zones the events' TZIDs resolve to
        declared = str(cal.get("X-WR-TIMEZONE", "") or "").strip()
        self.calendar_zone: zoneinfo.ZoneInfo | None = None
        if declared:
            line = next(
                (n for n, c in scan.calendar_lines if c.upper().startswith("X-WR-TIMEZONE")), None
            )
            self.calendar_zone = self.named(declared, line=line, element="VCALENDAR")
        self.option_zone: zoneinfo.ZoneInfo | None = None
        if options.timezone:
            canonical = canonical_zone(options.timezone)
            if canonical is None:
                raise ScheduleFormatError(
                    f"unknown time zone {options.timezone!r}", file=self.filename, field="timezone"
                )
            self.option_zone = zoneinfo.ZoneInfo(canonical)

    def warn_once(self, tag: str, message: str) -> None:
        if tag not in self._warned:
            self._warned.add(tag)
            self.warnings.append(message)

    def named(self, name: str, *, line: int | None, element: str | None) -> zoneinfo.ZoneInfo:
        canonical = canonical_zone(name)
        if canonical is None:
            try:
                zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ScheduleFormatError(
                    f"unknown time zone {name!r}: the file has no VTIMEZONE for it and it is "
                    "not an IANA name",
                    file=self.filename,
                    line=line,
                    element=element,
                    field="TZID",
                ) from None
            self.warn_once(
                f"noncanonical:{name}",
                f"{self.filename}: time zone {name!r} is not a canonical IANA Area/Location name",
            )
            return zone
        if name in DEPRECATED_ALIASES:
            self.warn_once(
                f"alias:{name}",
                f"{self.filename}: time zone {name!r} is a deprecated alias; using {canonical}",
            )
        return zoneinfo.ZoneInfo(canonical)

    def floating(self, *, line: int | None, element: str, all_day: bool) -> zoneinfo.ZoneInfo:
        what = "all-day dates" if all_day else "floating times (no TZID, no Z)"
        zone = self.calendar_zone or self.option_zone
        if zone is None:
            raise ScheduleFormatError(
                f"{what} need a time zone and the calendar names none (no X-WR-TIMEZONE); "
                "pass --timezone",
                file=self.filename,
                line=line,
                element=element,
            )
        source = "X-WR-TIMEZONE" if self.calendar_zone else "the conference time zone"
        self.warn_once(
            f"floating:{all_day}",
            f"{self.filename}: {what} read as local time in {zone.key} ({source})",
        )
        return zone

    def aware(
        self, value: dt.datetime, tzid: str | None, *, line: int | None, element: str, prop: str
    ) -> dt.datetime:
        if value.tzinfo is not None:
            key = zone_name(value.tzinfo)
            if key and key != "UTC":
                canonical = canonical_zone(key)
                if canonical is not None:
                    if key != canonical:
                        zone = self.named(key, line=line, element=element)
                        value = value.replace(tzinfo=zone)
                    self.used.add(canonical)
            return value
        if tzid:
            zone = self.named(tzid, line=line, element=element)
            self.used.add(zone.key)
        else:
            zone = self.floating(line=line, element=element, all_day=False)
        return localize(
            value,
            zone,
            filename=self.filename,
            warnings=self.warnings,
            element=element,
            line=line,
            field=prop,
        )

    def midnight(self, day: dt.date, *, line: int | None, element: str) -> dt.datetime:
        zone = self.floating(line=line, element=element, all_day=True)
        return localize(
            dt.datetime.combine(day, dt.time()),
            zone,
            filename=self.filename,
            warnings=self.warnings,
            element=element,
            line=line,
        )


# --- events --------------------------------------------------------------------------------------


def _text(event: icalendar.Event, name: str) -> str:
    value = event.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _categories(event: icalendar.Event) -> list[str]:
    raw = event.get("CATEGORIES")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    for item in items:
        cats = getattr(item, "cats", None)
        for cat in cats if cats is not None else [item]:
            text = str(cat).strip()
            if text and text not in names:
                names.append(text)
    return names


def _is_link(text: str) -> bool:
    """A LOCATION that is a web address or page path (virtual events), not a place."""
    if absolute_url(text):
        return True
    return not re.search(r"\s", text) and bool(re.search(r"\.html?\b|\?\w+=|^/", text))


def _stamp(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


@dataclass(slots=True)
class _Event:
    component: icalendar.Event
    lines: _EventLines
    uid: str
    recurrence_id: Any  # date/datetime or None

    def line(self, prop: str) -> int:
        return self.lines.props.get(prop, self.lines.begin)

    @property
    def element(self) -> str:
        return f"VEVENT UID={self.uid!r}"


def _occurrences(
    event: _Event, start: dt.datetime, all_day: bool, zones: _Zones, filename: str
) -> list[dt.datetime]:
    """The starts of a recurring event (RRULE/RDATE minus EXDATE), at most MAX_OCCURRENCES."""
    comp = event.component
    rules = comp.get("RRULE")
    rules = rules if isinstance(rules, list) else ([rules] if rules is not None else [])
    dates = rruleset()
    dates.rdate(start)
    line = event.line("RRULE")
    for rule in rules:
        text = rule.to_ical().decode()
        if "COUNT=" not in text.upper() and "UNTIL=" not in text.upper():
            raise ScheduleFormatError(
                "a recurring event needs COUNT or UNTIL in its RRULE; endless ones cannot be imported",
                file=filename,
                line=line,
                element=event.element,
                field="RRULE",
            )
        try:
            dates.rrule(rrulestr(text, dtstart=start, ignoretz=False))
        except (ValueError, TypeError) as error:
            raise ScheduleFormatError(
                f"cannot expand RRULE {text!r}: {error}",
                file=filename,
                line=line,
                element=event.element,
                field="RRULE",
            ) from None
    for prop, add in (("RDATE", dates.rdate), ("EXDATE", dates.exdate)):
        raw = comp.get(prop)
        for item in raw if isinstance(raw, list) else ([raw] if raw is not None else []):
            for value in getattr(item, "dts", []):
                when = value.dt
                if isinstance(when, tuple):  # RDATE;VALUE=PERIOD
                    when = when[0]
                if isinstance(when, dt.datetime):
                    tzid = value.params.get("TZID") if hasattr(value, "params") else None
                    when = zones.aware(
                        when, tzid, line=event.line(prop), element=event.element, prop=prop
                    )
                else:
                    when = zones.midnight(when, line=event.line(prop), element=event.element)
                add(when)
    starts: list[dt.datetime] = []
    for when in dates:
        starts.append(when)
        if len(starts) > MAX_OCCURRENCES:
            raise ScheduleFormatError(
                f"the event recurs more than {MAX_OCCURRENCES} times",
                file=filename,
                line=line,
                element=event.element,
                field="RRULE",
            )
    if all_day:
        zones.warn_once("allday-rrule", f"{filename}: recurring all-day events were expanded")
    return starts


def _span(
    event: _Event, zones: _Zones, filename: str, warnings: list[str]
) -> tuple[dt.datetime, dt.datetime, bool]:
    comp = event.component
    element = event.element
    start_prop = comp.get("DTSTART")
    if start_prop is None:
        raise ScheduleFormatError(
            "VEVENT has no DTSTART",
            file=filename,
            line=event.lines.begin,
            element=element,
            field="DTSTART",
        )
    raw_start = start_prop.dt
    all_day = not isinstance(raw_start, dt.datetime)
    if all_day:
        start = zones.midnight(raw_start, line=event.line("DTSTART"), element=element)
        zones.warn_once(
            "allday",
            f"{filename}: all-day events (VALUE=DATE) were imported as whole days from "
            "local midnight",
        )
    else:
        start = zones.aware(
            raw_start,
            start_prop.params.get("TZID"),
            line=event.line("DTSTART"),
            element=element,
            prop="DTSTART",
        )
    end_prop = comp.get("DTEND")
    duration = comp.get("DURATION")
    if end_prop is not None:
        if duration is not None:
            warnings.append(
                f"{filename}:{event.line('DURATION')}: {element} has both DTEND and DURATION; "
                "used DTEND"
            )
        raw_end = end_prop.dt
        if isinstance(raw_end, dt.datetime):
            end = zones.aware(
                raw_end,
                end_prop.params.get("TZID"),
                line=event.line("DTEND"),
                element=element,
                prop="DTEND",
            )
        else:
            end = zones.midnight(raw_end, line=event.line("DTEND"), element=element)
    elif duration is not None:
        delta = duration.dt
        if not isinstance(delta, dt.timedelta):
            raise ScheduleFormatError(
                f"DURATION {duration.to_ical().decode()!r} is not a duration",
                file=filename,
                line=event.line("DURATION"),
                element=element,
                field="DURATION",
            )
        end = start + delta
    else:
        end = start + dt.timedelta(days=1) if all_day else start
    return start, end, all_day


# Properties an event has at most once (RFC 5545 3.6.1); icalendar returns a list otherwise.
_SINGLE_VALUED = ("UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")
_DATE_VALUED = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID"})


def _events(
    cal: icalendar.Calendar, scan: _Scan, filename: str, broken: list[ScheduleFormatError]
) -> list[_Event]:
    components = [c for c in cal.subcomponents if c.name == "VEVENT"]
    if len(components) != len(scan.events):  # pragma: no cover - both walk the same lines
        raise ScheduleFormatError("VEVENTs could not be matched to lines", file=filename)
    events: list[_Event] = []
    for component, lines in zip(components, scan.events, strict=True):
        try:
            events.append(_event(component, lines, filename))
        except ScheduleFormatError as error:
            broken.append(error)
    return events


def _event(component: icalendar.Event, lines: _EventLines, filename: str) -> _Event:
    uid = _text(component, "UID")
    for name in _SINGLE_VALUED:
        if isinstance(component.get(name), list):
            raise ScheduleFormatError(
                f"{name} appears more than once in one VEVENT (is an END:VEVENT missing?)",
                file=filename,
                line=lines.props.get(name, lines.begin),
                element=f"VEVENT UID={uid!r}" if uid else "VEVENT",
                field=name,
            )
        try:
            value = getattr(component.get(name), "dt", None)
        except ValueError:  # a broken value: _check_events names it with the parser's words
            continue
        if name in _DATE_VALUED and value is not None and not isinstance(value, dt.date):
            # icalendar reads a duration, period or bare time here without complaint.
            raise ScheduleFormatError(
                f"{name} {component[name].to_ical().decode(errors='replace')!r} is not a "
                "date or date-time",
                file=filename,
                line=lines.props.get(name, lines.begin),
                element=f"VEVENT UID={uid!r}" if uid else "VEVENT",
                field=name,
            )
    try:
        recurrence = getattr(component.get("RECURRENCE-ID"), "dt", None)
    except ValueError as error:
        raise ScheduleFormatError(
            f"cannot parse RECURRENCE-ID: {error}",
            file=filename,
            line=lines.props.get("RECURRENCE-ID", lines.begin),
            element=f"VEVENT UID={uid!r}" if uid else "VEVENT",
            field="RECURRENCE-ID",
        ) from None
    return _Event(component, lines, uid, recurrence)


def _check_events(
    events: Iterable[_Event],
    filename: str,
    warnings: list[str],
    broken: list[ScheduleFormatError],
    kept: set[str],
) -> list[_Event]:
    """The events whose essential values can be read and that have a UID; the others go to
    ``broken``. Broken inessential values are warnings."""
    good: list[_Event] = []
    for event in events:
        try:
            _check_event(event, filename, warnings)
        except ScheduleFormatError as error:
            broken.append(error)
            if event.uid:
                kept.add(event.uid)
        else:
            good.append(event)
    return good


def _check_event(event: _Event, filename: str, warnings: list[str]) -> None:
    for prop, message in event.component.errors:
        name = (prop or "").upper()
        line = event.lines.props.get(name, event.lines.begin)
        if name in _ESSENTIAL or not name:
            raise ScheduleFormatError(
                f"cannot parse {name or 'a line'}: {message}",
                file=filename,
                line=line,
                element=f"VEVENT UID={event.uid!r}" if event.uid else "VEVENT",
                field=name or None,
            )
        warnings.append(f"{filename}:{line}: ignored unparsable {name}: {message}")
    if not event.uid:
        raise ScheduleFormatError(
            "VEVENT has no UID; the importer needs it to recognise the event in the "
            "next version of the file",
            file=filename,
            line=event.lines.begin,
            element="VEVENT",
            field="UID",
        )


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    filename = options.filename
    check_size(data, filename)
    text = decode_text(data, filename)
    scan = _scan(text, filename)
    parsed = ParsedSchedule(format=ImportFormat.ICAL, covers=frozenset({"rooms", "sessions"}))
    warnings = parsed.warnings
    readable = _check_calendar_properties(scan, filename, warnings)
    try:
        # Bytes, never str: icalendar treats a one-line str as a path to open.
        cal = icalendar.Calendar.from_ical(readable.encode())
    except ValueError as error:  # pragma: no cover - the scan above catches what it refuses
        raise ScheduleFormatError(f"not valid iCalendar: {error}", file=filename) from None

    broken: list[ScheduleFormatError] = []
    kept: set[str] = set()  # the UIDs of events skipped as unreadable
    events = _check_events(_events(cal, scan, filename, broken), filename, warnings, broken, kept)
    zones = _Zones(cal, options, warnings, scan)

    entries: list[_Entry] = []
    rooms: dict[str, RoomData] = {}
    tracks: dict[str, TrackData] = {}
    for event in events:
        try:
            entries.append(_entry(event, zones, filename, warnings))
        except ScheduleFormatError as error:
            broken.append(error)
            kept.add(event.uid)
            continue
    tolerate_broken(broken, len(scan.events), filename=filename, warnings=warnings)

    sessions: dict[str, SessionData] = {}
    overrides: list[tuple[str, SessionData]] = []
    for entry in _resolve_repeats(entries, filename, warnings):
        base = entry.session
        if base.room:
            rooms.setdefault(base.room, RoomData(key=base.room, name=base.room))
        if base.track:
            tracks.setdefault(base.track, TrackData(name=base.track))
        if entry.override:
            overrides.append((base.key, base))
        elif entry.instances:
            for instance in entry.instances:
                sessions[instance.key] = instance
        else:
            sessions[base.key] = base
    for key, session in overrides:
        sessions[key] = session  # an override replaces the instance its master generated

    parsed.sessions = sorted(sessions.values(), key=lambda s: (s.start, s.key))
    parsed.rooms = list(rooms.values())
    parsed.tracks = list(tracks.values())
    parsed.conference = _conference(cal, zones, parsed.sessions)
    parsed.kept = frozenset(kept)
    return parsed


@dataclass(slots=True)
class _Entry:
    """One readable VEVENT: its session (key = UID, or UID#RECURRENCE-ID for an override)
    and, for a recurring master, the instances it expands to."""

    event: _Event
    session: SessionData
    override: bool = False
    instances: list[SessionData] = field(default_factory=list)


def _entry(event: _Event, zones: _Zones, filename: str, warnings: list[str]) -> _Entry:
    comp = event.component
    start, end, all_day = _span(event, zones, filename, warnings)
    start, end = checked_span(
        start,
        end,
        filename=filename,
        warnings=warnings,
        element=event.element,
        line=event.line("DTEND") if "DTEND" in event.lines.props else event.line("DTSTART"),
    )
    title = _text(comp, "SUMMARY")
    if not title:
        title = "(untitled)"
        warnings.append(f"{filename}:{event.lines.begin}: {event.element} has no SUMMARY")
    categories = _categories(comp)
    location = _text(comp, "LOCATION")
    url = absolute_url(_text(comp, "URL"))
    room = None
    if location:
        if _is_link(location):
            url = url or absolute_url(location)
            zones.warn_once(
                "location-link",
                f"{filename}: LOCATION values that are links were not used as rooms",
            )
        else:
            room = location
    track = categories[0] if categories else None
    base = SessionData(
        key=event.uid,
        title=title,
        kind=session_kind(" ".join(categories), title),
        start=start,
        end=end,
        room=room,
        track=track,
        description=_text(comp, "DESCRIPTION"),
        url=url,
        cancelled=_text(comp, "STATUS").upper() == "CANCELLED",
    )
    entry = _Entry(event=event, session=base)
    if event.recurrence_id is not None:
        recurrence = event.recurrence_id
        if isinstance(recurrence, dt.datetime):
            prop = comp["RECURRENCE-ID"]
            recurrence = zones.aware(
                recurrence,
                prop.params.get("TZID"),
                line=event.line("RECURRENCE-ID"),
                element=event.element,
                prop="RECURRENCE-ID",
            )
        base.key = f"{event.uid}#{_stamp(recurrence)}"
        base.ref = event.uid
        entry.override = True
    elif "RRULE" in comp or "RDATE" in comp:
        length = end - start
        for when in _occurrences(event, start, all_day, zones, filename):
            key = f"{event.uid}#{_stamp(when.date() if all_day else when)}"
            entry.instances.append(
                dataclasses.replace(base, key=key, start=when, end=when + length, ref=event.uid)
            )
    return entry


def _resolve_repeats(entries: list[_Entry], filename: str, warnings: list[str]) -> list[_Entry]:
    """Entries with their keys made unique. Exporters reuse a UID for different events
    (moca-2024 has 5 UIDs for 88 events): an entry equal in every field to an earlier one with
    the same UID is dropped, with a warning; other plain events that share a UID are keyed
    ``UID#<start as UTC>`` (the key a recurrence instance at that time would have; with the
    room added when two start together), each reuse a warning naming both lines. A UID shared
    with a recurring event, or a RECURRENCE-ID given twice, cannot be told apart: refused."""
    groups: dict[str, list[_Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.session.key, []).append(entry)
    kept: list[_Entry] = []
    for key, group in groups.items():
        distinct: list[_Entry] = []
        for entry in group:
            twin = next(
                (
                    d
                    for d in distinct
                    if same_fields(d.session, entry.session, ignore=())
                    and [i.start for i in d.instances] == [i.start for i in entry.instances]
                ),
                None,
            )
            if twin is None:
                distinct.append(entry)
                continue
            warnings.append(
                f"{filename}:{entry.event.lines.begin}: {entry.event.element} repeats the VEVENT "
                f"at line {twin.event.lines.begin} exactly; imported once"
            )
        if len(distinct) == 1:
            kept.append(distinct[0])
            continue
        first = distinct[0]
        for entry in distinct[1:]:
            if entry.override or entry.instances or first.instances:
                what = f"UID {entry.event.uid!r}" + (
                    " with the same RECURRENCE-ID" if entry.override else ""
                )
                raise ScheduleFormatError(
                    f"{what} is used by two events that cannot be told apart: the VEVENT at "
                    f"line {first.event.lines.begin} "
                    f"(SUMMARY {_text(first.event.component, 'SUMMARY')!r}) and this one at "
                    f"line {entry.event.lines.begin} "
                    f"(SUMMARY {_text(entry.event.component, 'SUMMARY')!r})",
                    file=filename,
                    line=entry.event.line("UID"),
                    element=entry.event.element,
                    field="UID",
                )
        stamps = [utc_stamp(d.session.start) for d in distinct]
        clash = len(set(stamps)) < len(stamps)
        seen: dict[str, _Entry] = {}
        for entry, stamp in zip(distinct, stamps, strict=True):
            new_key = f"{key}#{stamp}"
            if clash and stamps.count(stamp) > 1:
                new_key += f"@{entry.session.room or ''}"
            if new_key in seen:
                other = seen[new_key]
                raise ScheduleFormatError(
                    f"UID {key!r} is used by two different events at the same time and place: "
                    f"the VEVENT at line {other.event.lines.begin} and this one",
                    file=filename,
                    line=entry.event.line("UID"),
                    element=entry.event.element,
                    field="UID",
                )
            seen[new_key] = entry
            entry.session.key = new_key
            entry.session.ref = key
            kept.append(entry)
        for entry in distinct[1:]:
            warnings.append(
                f"{filename}:{entry.event.lines.begin}: {entry.event.element} "
                f"(SUMMARY {entry.session.title!r}) reuses the UID of the VEVENT at line "
                f"{first.event.lines.begin} (SUMMARY {first.session.title!r}); both were "
                "imported, each keyed by UID and start"
            )
    return kept


def _conference(
    cal: icalendar.Calendar, zones: _Zones, sessions: list[SessionData]
) -> ConferenceInfo:
    zone = zones.calendar_zone
    if zone is None and len(zones.used) == 1:
        zone = zoneinfo.ZoneInfo(next(iter(zones.used)))
    info = ConferenceInfo(name=str(cal.get("X-WR-CALNAME", "") or "").strip())
    if zone is not None:
        info.timezone = zone.key
        if sessions:
            info.start_date = min(s.start.astimezone(zone).date() for s in sessions)
            info.end_date = max(s.end.astimezone(zone).date() for s in sessions)
    return info
