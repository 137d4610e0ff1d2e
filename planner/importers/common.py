"""Helpers every importer shares: decoding, zones, times, durations, kinds, duplicate keys."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable

from planner.enums import MealKind, SessionKind
from planner.importers.base import MAX_IMPORT_BYTES, ScheduleFormatError
from planner.timezones import DEPRECATED_ALIASES, canonical_zone


def check_size(data: bytes, filename: str, limit: int = MAX_IMPORT_BYTES) -> None:
    if len(data) > limit:
        raise ScheduleFormatError(
            f"file is {len(data):,} bytes; the limit is {limit:,} bytes", file=filename
        )
    if not data.strip():
        raise ScheduleFormatError("file is empty", file=filename)


def decode_text(data: bytes, filename: str) -> str:
    """Strict UTF-8 (a BOM is dropped). Anything else names the line and byte it fails at."""
    check_size(data, filename)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScheduleFormatError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "re-export the file as UTF-8",
            file=filename,
            line=line,
        ) from None


def resolve_zone(
    declared: str, *, fallback: str, filename: str, warnings: list[str]
) -> zoneinfo.ZoneInfo | None:
    """The zone for local times: the file's own (aliases mapped, with a warning), else ``fallback``.

    Returns None when neither names a zone; the caller decides (and warns) what that means.
    """
    declared = (declared or "").strip()
    if declared:
        canonical = canonical_zone(declared)
        if canonical is None:
            raise ScheduleFormatError(
                f"unknown time zone {declared!r}", file=filename, field="time_zone_name"
            )
        if declared in DEPRECATED_ALIASES:
            warnings.append(
                f"{filename}: time zone {declared!r} is a deprecated alias; using {canonical}"
            )
        return zoneinfo.ZoneInfo(canonical)
    if fallback:
        canonical = canonical_zone(fallback)
        if canonical is None:
            raise ScheduleFormatError(
                f"unknown time zone {fallback!r}", file=filename, field="timezone"
            )
        return zoneinfo.ZoneInfo(canonical)
    return None


def zone_name(tz: dt.tzinfo | None) -> str:
    return getattr(tz, "key", "") if tz is not None else ""


_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,3}):(\d{2})(?::(\d{2}))?$")


def parse_duration(
    value: str, *, filename: str, element: str | None = None, line: int | None = None
) -> dt.timedelta:
    """frab durations: "01:30", "1:30:00" (h:m:s) or "00:05"; "D:HH:MM" is not used by frab."""
    text = (value or "").strip()
    match = _DURATION.match(text)
    if not match:
        raise ScheduleFormatError(
            f"duration {value!r} is not HH:MM or HH:MM:SS",
            file=filename,
            element=element,
            line=line,
            field="duration",
        )
    days, hours, minutes, seconds = match.groups()
    if seconds is not None and days is None:
        # "HH:MM:SS"
        return dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds))
    if days is not None and seconds is None:
        # "HH:MM:SS" matched as days/hours/minutes
        return dt.timedelta(hours=int(days), minutes=int(hours), seconds=int(minutes))
    return dt.timedelta(hours=int(hours), minutes=int(minutes))


def parse_iso_datetime(
    value: str,
    *,
    tz: zoneinfo.ZoneInfo | None,
    filename: str,
    field: str,
    element: str | None = None,
    line: int | None = None,
) -> dt.datetime:
    """An ISO 8601 date-time; a naive one is local time in ``tz`` (an error if there is none)."""
    text = (value or "").strip()
    if not text:
        raise ScheduleFormatError(
            "missing date-time", file=filename, element=element, line=line, field=field
        )
    try:
        parsed = dt.datetime.fromisoformat(
            text.replace("Z", "+00:00") if text.endswith("Z") else text
        )
    except ValueError:
        raise ScheduleFormatError(
            f"{value!r} is not an ISO 8601 date-time",
            file=filename,
            element=element,
            line=line,
            field=field,
        ) from None
    if parsed.tzinfo is None:
        if tz is None:
            raise ScheduleFormatError(
                f"{value!r} has no UTC offset and the file names no time zone; pass --timezone",
                file=filename,
                element=element,
                line=line,
                field=field,
            )
        parsed = parsed.replace(tzinfo=tz)
    return parsed


_KIND_WORDS: list[tuple[str, str]] = [
    ("keynote", SessionKind.KEYNOTE),
    ("plenary", SessionKind.KEYNOTE),
    ("poster", SessionKind.POSTER),
    ("tutorial", SessionKind.TUTORIAL),
    ("workshop", SessionKind.WORKSHOP),
    ("lunch", SessionKind.MEAL),
    ("breakfast", SessionKind.MEAL),
    ("dinner", SessionKind.MEAL),
    ("coffee", SessionKind.BREAK),
    ("break", SessionKind.BREAK),
    ("reception", SessionKind.SOCIAL),
    ("social", SessionKind.SOCIAL),
    ("party", SessionKind.SOCIAL),
    ("concert", SessionKind.SOCIAL),
    ("meetup", SessionKind.SOCIAL),
    ("oral", SessionKind.ORAL),
    ("talk", SessionKind.ORAL),
    ("lecture", SessionKind.ORAL),
    ("paper", SessionKind.ORAL),
    ("spotlight", SessionKind.ORAL),
    ("panel", SessionKind.OTHER),
]


def session_kind(*hints: str) -> str:
    """A SessionKind from free-text type/category/title hints, first hint first."""
    for hint in hints:
        text = (hint or "").lower()
        if not text:
            continue
        for word, kind in _KIND_WORDS:
            if word in text:
                return kind
    return SessionKind.OTHER


def meal_kind(*hints: str) -> str | None:
    for hint in hints:
        text = (hint or "").lower()
        for word, kind in (
            ("breakfast", MealKind.BREAKFAST),
            ("lunch", MealKind.LUNCH),
            ("dinner", MealKind.DINNER),
            ("reception", MealKind.RECEPTION),
            ("coffee", MealKind.COFFEE),
        ):
            if word in text:
                return kind
    return None


def check_unique(keys: Iterable[tuple[str, str | None]], *, filename: str, what: str) -> None:
    """Refuse a key used twice: ``keys`` yields (key, location) pairs."""
    seen: dict[str, str | None] = {}
    for key, where in keys:
        if key in seen:
            raise ScheduleFormatError(
                f"{what} {key!r} appears twice (first at {seen[key] or 'an earlier entry'})",
                file=filename,
                element=where,
            )
        seen[key] = where


def checked_span(
    start: dt.datetime,
    end: dt.datetime,
    *,
    filename: str,
    warnings: list[str],
    element: str | None = None,
    line: int | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """Refuse an end before the start; a zero-length item (real files have them) becomes one
    minute long, with a warning, because the timetable needs end > start."""
    if end < start:
        raise ScheduleFormatError(
            f"ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            file=filename,
            element=element,
            line=line,
            field="end",
        )
    if end == start:
        where = f"{filename}:{line}" if line else filename
        warnings.append(f"{where}: {element or 'item'} has zero length; shown as 1 minute")
        end = start + dt.timedelta(minutes=1)
    return start, end


def clean_text(value: str | None) -> str:
    return (value or "").strip()
