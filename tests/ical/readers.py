"""Independent readers for our iCalendar feeds, and a check that they agree.

Calendar apps do not share a parser: Thunderbird and many web calendars use Mozilla's
ical.js, Python services use icalendar or vobject. A feed is only right if every one of them
puts every event at the same instant, so ``assert_readers_agree`` reads the bytes with all
three and compares what each would show.

Each ``read_*`` returns ``{key: item}`` for every VEVENT and VTODO (VALARMs and other
subcomponents are skipped, not errors). The key is the UID, with ``|RECURRENCE-ID=...``
appended for an overridden instance. An item is a dict::

    component  "VEVENT" or "VTODO"
    start      DTSTART as an aware UTC datetime (a date for an all-day value, a naive
               datetime if floating, None if absent)
    end        DTEND, or DTSTART + DURATION; DUE for a VTODO (same types as start)
    floating   True if a date-time has neither TZID nor Z
    sequence   int (0 if absent)
    status     str ("" if absent)
    summary    str

How each reader resolves a TZID, which is the point of having three:

- icalendar: a TZID that names a zone in the tz database is read with zoneinfo and the
  file's VTIMEZONE is ignored; only an unknown TZID is built from the VTIMEZONE (and cached
  process-wide under that name, first file wins).
- vobject: builds a dateutil ``tzical`` from the file's VTIMEZONE. Its TZID registry is
  process-wide and keeps the first zone registered under a name, so ``read_vobject``
  registers this file's zones before parsing; otherwise a second feed would be read with the
  first feed's VTIMEZONE.
- ical.js: registers the file's VTIMEZONEs with ``ICAL.TimezoneService`` and converts with
  ``toUnixTime()``, which walks the VTIMEZONE's observances (see ``icaljs_dump.mjs``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
import vobject.icalendar

from tests.infra import in_ci

Item = dict[str, Any]
Reading = dict[str, Item]
Instant = dt.datetime | dt.date | None

ICALJS_DUMP = Path(__file__).with_name("icaljs_dump.mjs")
ICALJS_ENTRY = (
    Path(__file__).resolve().parents[2]
    / "frontend"
    / "node_modules"
    / "ical.js"
    / "dist"
    / "ical.js"
)
COMPONENTS = ("VEVENT", "VTODO")
COMPARED = ("component", "start", "end", "floating", "sequence", "status", "summary")


class FeedUnreadable(AssertionError):
    """A reader rejected the feed, or could not resolve one of its time zones."""


# --- shared normalisation ---------------------------------------------------------------------


def _instant(value: dt.datetime | dt.date | None) -> tuple[Instant, bool]:
    """(the value in UTC, floating?). Floating values stay naive: a reader would place them
    in the viewer's zone, so there is no instant to compare."""
    if value is None:
        return None, False
    if not isinstance(value, dt.datetime):
        return value, False  # an all-day DATE
    if value.tzinfo is None or value.utcoffset() is None:
        return value, True
    return value.astimezone(dt.UTC), False


def _plus_duration(start: dt.datetime | dt.date, duration: dt.timedelta) -> dt.datetime | dt.date:
    """DTSTART + DURATION per RFC 5545 3.3.6: days and weeks are nominal (same wall-clock
    time on a later day), hours, minutes and seconds are exact. Adding a timedelta to an
    aware datetime in Python is all wall-clock, which is wrong for PT3H across a DST change.
    (A timedelta cannot tell PT24H from P1D; both come out as one nominal day.)"""
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        return start + duration
    sign = -1 if duration < dt.timedelta(0) else 1
    magnitude = abs(duration)
    nominal = dt.timedelta(days=magnitude.days)
    exact = magnitude - nominal
    on_day = start + sign * nominal
    # Stay in UTC: dateutil's tzical (vobject's zones) gets UTC -> local wrong in the hour
    # after a fall-back (00:30Z on 25 Oct 2026 comes out 03:30+02:00, not 02:30+02:00).
    return on_day.astimezone(dt.UTC) + sign * exact


def _key(uid: str, recurrence_id: Instant) -> str:
    if recurrence_id is None:
        return uid
    shown = recurrence_id.isoformat() if isinstance(recurrence_id, dt.date) else recurrence_id
    return f"{uid}|RECURRENCE-ID={shown}"


def _item(
    *,
    component: str,
    start: dt.datetime | dt.date | None,
    end: dt.datetime | dt.date | None,
    sequence: Any,
    status: Any,
    summary: Any,
) -> Item:
    start_utc, start_floating = _instant(start)
    end_utc, end_floating = _instant(end)
    return {
        "component": component,
        "start": start_utc,
        "end": end_utc,
        "floating": start_floating or end_floating,
        "sequence": int(sequence or 0),
        "status": str(status or ""),
        "summary": str(summary or ""),
    }


def _add(reading: Reading, key: str, item: Item, reader: str) -> None:
    if key in reading:
        raise FeedUnreadable(f"{reader}: UID {key} appears twice in the feed")
    reading[key] = item


# --- icalendar --------------------------------------------------------------------------------


def _icalendar_value(component: icalendar.cal.Component, name: str) -> Any:
    if name not in component:
        return None
    value = component.decoded(name)
    tzid = component[name].params.get("TZID")
    if tzid and isinstance(value, dt.datetime) and value.tzinfo is None:
        raise FeedUnreadable(
            f"icalendar: {component.name} {component['UID']}: {name};TZID={tzid} did not "
            "resolve (not in the tz database and no VTIMEZONE in the file)"
        )
    return value


def read_icalendar(body: bytes) -> Reading:
    calendar = icalendar.Calendar.from_ical(body)
    reading: Reading = {}
    for component in calendar.walk():
        if component.name not in COMPONENTS:
            continue  # VCALENDAR, VTIMEZONE and its observances, VALARM
        start = _icalendar_value(component, "DTSTART")
        if component.name == "VTODO":
            end = _icalendar_value(component, "DUE")
        elif "DTEND" in component:
            end = _icalendar_value(component, "DTEND")
        elif "DURATION" in component and start is not None:
            end = _plus_duration(start, component.decoded("DURATION"))
        else:
            end = start
        recurrence_id, _ = _instant(_icalendar_value(component, "RECURRENCE-ID"))
        _add(
            reading,
            _key(str(component["UID"]), recurrence_id),
            _item(
                component=component.name,
                start=start,
                end=end,
                sequence=component.get("SEQUENCE"),
                status=component.get("STATUS"),
                summary=component.get("SUMMARY"),
            ),
            "icalendar",
        )
    return reading


# --- vobject ----------------------------------------------------------------------------------


def _vobject_value(component: Any, prop: str, zones: dict[str, dt.tzinfo]) -> Any:
    line = component.contents.get(prop, [None])[0]
    if line is None:
        return None
    tzid = line.params.get("X-VOBJ-ORIGINAL-TZID", [None])[0]
    if tzid is not None and line.value.tzinfo is not zones.get(tzid):
        raise FeedUnreadable(
            f"vobject: {component.name} {component.uid.value}: {prop.upper()};TZID={tzid} "
            "has no VTIMEZONE in the file (vobject would guess it with pytz)"
        )
    return line.value


def read_vobject(body: bytes) -> Reading:
    text = body.decode("utf-8")
    # vobject keeps the first tzinfo registered under a TZID for the life of the process and
    # otherwise falls back to pytz; register this file's own zones first, as an app that
    # imports this one feed would have them.
    raw = vobject.readOne(text, transform=False)
    zones: dict[str, dt.tzinfo] = {}
    for vtimezone in raw.contents.get("vtimezone", []):
        tzid = vtimezone.tzid.value
        zones[tzid] = vobject.icalendar.TimezoneComponent.gettzinfo(vtimezone)
        vobject.icalendar.registerTzid(tzid, zones[tzid])

    calendar = vobject.readOne(text)
    reading: Reading = {}
    for name in ("vevent", "vtodo"):
        for component in calendar.contents.get(name, []):
            start = _vobject_value(component, "dtstart", zones)
            if name == "vtodo":
                end = _vobject_value(component, "due", zones)
            elif "dtend" in component.contents:
                end = _vobject_value(component, "dtend", zones)
            elif "duration" in component.contents and start is not None:
                end = _plus_duration(start, component.duration.value)
            else:
                end = start
            recurrence_id, _ = _instant(_vobject_value(component, "recurrence-id", zones))
            _add(
                reading,
                _key(component.uid.value, recurrence_id),
                _item(
                    component=name.upper(),
                    start=start,
                    end=end,
                    sequence=_vobject_value(component, "sequence", zones),
                    status=_vobject_value(component, "status", zones),
                    summary=_vobject_value(component, "summary", zones),
                ),
                "vobject",
            )
    return reading


# --- ical.js ----------------------------------------------------------------------------------


def _missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"ical.js reader unavailable in CI: {reason}", pytrace=False)
    pytest.skip(f"ical.js reader unavailable: {reason}")


def _parse_utc(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def _icaljs_instant(utc: str | None, date: str | None, local: str | None = None) -> Any:
    if utc is not None:
        return _parse_utc(utc)
    if date is not None:
        return dt.date.fromisoformat(date)
    if local is not None:
        return dt.datetime.fromisoformat(local)  # floating: naive, flagged by _item
    return None


def read_icaljs(body: bytes, tmp_path: Path) -> Reading:
    node = shutil.which("node")
    if node is None:
        _missing("node is not on PATH")
    if not ICALJS_ENTRY.is_file():
        _missing(f"{ICALJS_ENTRY} is missing (run npm ci in frontend/)")
    with tempfile.NamedTemporaryFile(dir=tmp_path, suffix=".ics", delete=False) as handle:
        handle.write(body)
    result = subprocess.run(  # noqa: S603 (our own script on a file we just wrote)
        [node, str(ICALJS_DUMP), handle.name],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode == 2:
        _missing(result.stderr.strip())
    if result.returncode != 0:
        raise FeedUnreadable(f"ical.js: {result.stderr.strip() or f'exit {result.returncode}'}")
    dump = json.loads(result.stdout)
    reading: Reading = {}
    for event in dump["events"]:
        start = _icaljs_instant(event["start_utc"], event["start_date"], event["start_local"])
        end = _icaljs_instant(event["end_utc"], event["end_date"])
        item = _item(
            component="VEVENT",
            start=start,
            end=end,
            sequence=event["sequence"],
            status=event["status"],
            summary=event["summary"],
        )
        # ical.js reports a floating end without a local time; the flag is what matters.
        item["floating"] = item["floating"] or event["floating"]
        recurrence_id = event["recurrence_id"]
        _add(reading, _key(event["uid"], _parse_utc(recurrence_id)), item, "ical.js")
    for todo in dump["todos"]:
        item = _item(
            component="VTODO",
            start=_icaljs_instant(todo["start_utc"], todo["start_date"]),
            end=_icaljs_instant(todo["due_utc"], todo["due_date"]),
            sequence=todo["sequence"],
            status=todo["status"],
            summary=todo["summary"],
        )
        item["floating"] = todo["floating"]
        _add(reading, todo["uid"], item, "ical.js")
    return reading


# --- agreement --------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat() + (" (floating)" if isinstance(value, dt.datetime) else "")
    return repr(value)


def _readings(body: bytes, tmp_path: Path) -> dict[str, Reading]:
    readers: dict[str, Callable[[], Reading]] = {
        "icalendar": lambda: read_icalendar(body),
        "vobject": lambda: read_vobject(body),
        "ical.js": lambda: read_icaljs(body, tmp_path),
    }
    readings: dict[str, Reading] = {}
    errors = []
    for name, read in readers.items():
        try:
            readings[name] = read()
        except FeedUnreadable as exc:
            errors.append(str(exc))
        except Exception as exc:  # any parser error is a finding about the feed
            errors.append(f"{name} could not parse the feed: {type(exc).__name__}: {exc}")
    if errors:
        raise FeedUnreadable("\n".join(errors))
    return readings


def assert_readers_agree(
    body: bytes,
    tmp_path: Path,
    expected: dict[str, tuple[Instant, Instant]] | None = None,
) -> Reading:
    """Read ``body`` with icalendar, vobject and ical.js; assert that all three see the same
    UIDs, and per UID the same start and end instants (UTC), SEQUENCE, STATUS and SUMMARY,
    with no floating times. With ``expected`` ({uid: (start, end)}, aware datetimes in any
    zone; a VTODO's end is its DUE), every reader must also match it and see exactly those
    UIDs. Returns the agreed reading (icalendar's, equal to the others)."""
    readings = _readings(body, tmp_path)
    problems: list[str] = []

    every_key = sorted(set().union(*readings.values()))
    for name, reading in readings.items():
        missing = [key for key in every_key if key not in reading]
        if missing:
            problems.append(f"{name} does not see {missing}")
        for key, item in reading.items():
            if item["floating"]:
                problems.append(
                    f"{name}: {key} has a floating time (no TZID, no Z): start "
                    f"{_show(item['start'])}, end {_show(item['end'])}"
                )

    for key in every_key:
        seen = {name: reading[key] for name, reading in readings.items() if key in reading}
        for field in COMPARED:
            values = {name: item[field] for name, item in seen.items()}
            if len(set(map(repr, values.values()))) > 1:
                shown = ", ".join(f"{name} {_show(value)}" for name, value in values.items())
                problems.append(f"{key}: readers disagree on {field}: {shown}")

    if expected is not None:
        for name, reading in readings.items():
            unexpected = sorted(set(reading) - set(expected))
            absent = sorted(set(expected) - set(reading))
            if unexpected or absent:
                problems.append(
                    f"{name}: UIDs not expected {unexpected}, expected but absent {absent}"
                )
            for key, (start, end) in expected.items():
                if key not in reading:
                    continue
                want = {"start": _instant(start)[0], "end": _instant(end)[0]}
                for field, value in want.items():
                    got = reading[key][field]
                    if got != value:
                        problems.append(
                            f"{name}: {key} {field} is {_show(got)}, expected {_show(value)}"
                        )

    if problems:
        raise AssertionError("iCalendar readers disagree:\n  " + "\n  ".join(problems))
    return readings["icalendar"]
