"""Helpers every importer shares: decoding, zones, times, durations, kinds, duplicate keys."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import lzma
import re
import unicodedata
import zipfile
import zlib
import zoneinfo
from collections.abc import Iterable, Iterator

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
    warnings: list[str] | None = None,
) -> dt.datetime:
    """An ISO 8601 date-time; a naive one is local time in ``tz`` (an error if there is none).
    With ``warnings``, an offset that is ``tz``'s local mean time is read as wall time
    (:func:`lmt_corrected`)."""
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
    elif tz is not None and warnings is not None:
        parsed = lmt_corrected(
            parsed,
            tz,
            filename=filename,
            warnings=warnings,
            element=element,
            line=line,
            field=field,
        )
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


_KIND_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(word) for word, _ in _KIND_WORDS) + r")(?:s|es)?\b", re.IGNORECASE
)
_KIND_OF = dict(_KIND_WORDS)


def session_kind(*hints: str) -> str:
    """A SessionKind from free-text type/category/title hints, first hint first.

    Whole words only ("Late Breaking Demo" is no break); within one hint the earliest word
    wins ("Talk before breakfast" is a talk)."""
    for hint in hints:
        match = _KIND_PATTERN.search(hint or "")
        if match:
            return _KIND_OF[match.group(1).lower()]
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


# --- Helpers added for the iCalendar, CSV-template and MiniConf importers ---------------------

_WHITESPACE = re.compile(r"\s+")


def normalize_name(name: str | None) -> str:
    """A person's name as displayed: surrounding space dropped, inner runs collapsed."""
    return _WHITESPACE.sub(" ", name or "").strip()


def person_key(name: str) -> str:
    """The key of a person known only by name: ``"name:"`` + casefolded, collapsed name."""
    return "name:" + normalize_name(name).casefold()


def localize(
    naive: dt.datetime,
    tz: dt.tzinfo,
    *,
    filename: str,
    warnings: list[str],
    element: str | None = None,
    line: int | None = None,
    field: str | None = None,
) -> dt.datetime:
    """Wall-clock time in ``tz``. A time skipped by a DST change is an error; a time that
    happens twice (the hour the clocks go back) takes the first, with a warning."""
    aware = naive.replace(tzinfo=tz, fold=0)
    back = aware.astimezone(dt.UTC).astimezone(tz)
    if back.replace(tzinfo=None) != naive:
        raise ScheduleFormatError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name(tz) or tz} "
            "(the clocks skip it when daylight saving time starts)",
            file=filename,
            element=element,
            line=line,
            field=field,
        )
    if aware.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        where = f"{filename}:{line}" if line else filename
        warnings.append(
            f"{where}: {naive:%Y-%m-%d %H:%M} happens twice in {zone_name(tz) or tz} "
            "(clocks go back); used the first (daylight saving) one"
        )
    return aware


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


MAX_ZIP_MEMBERS = 200
# What zipfile and its decompressors raise for a damaged archive or member: a bad header
# offset is a ValueError ("negative seek value"), damaged deflate data a zlib.error, bzip2 an
# OSError, lzma an LZMAError, a truncated member an EOFError.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    NotImplementedError,
    ValueError,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
)


def read_zip(
    data: bytes,
    filename: str,
    *,
    limit: int = MAX_IMPORT_BYTES,
    max_members: int = MAX_ZIP_MEMBERS,
) -> list[tuple[str, bytes]]:
    """The files in a zip upload as (path, bytes), refusing what could hurt us.

    Directories, macOS resource forks (``__MACOSX/``, ``._*``) and hidden files are skipped.
    Refused: paths with ``..``, absolute or drive paths, encrypted members, more than
    ``max_members`` files, and declared uncompressed sizes adding up to more than ``limit``
    (checked before anything is inflated; zipfile never returns more than the declared
    size, so a lying header cannot inflate past it either).
    """
    check_size(data, filename, limit)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (*ZIP_ERRORS, zipfile.LargeZipFile) as error:
        raise ScheduleFormatError(f"not a readable zip file ({error})", file=filename) from None
    members = []
    total = 0
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
            raise ScheduleFormatError(
                f"zip member {name!r} has an unsafe path (absolute or containing '..')",
                file=filename,
            )
        if info.is_dir():
            continue
        base = parts[-1]
        if parts[0] == "__MACOSX" or base.startswith(".") or not base:
            continue
        if info.flag_bits & 0x1:
            raise ScheduleFormatError(f"zip member {name!r} is encrypted", file=filename)
        members.append(info)
        if len(members) > max_members:
            raise ScheduleFormatError(f"zip holds more than {max_members} files", file=filename)
        total += info.file_size
        if info.file_size > limit or total > limit:
            raise ScheduleFormatError(
                f"zip member {name!r} unpacks to {info.file_size:,} bytes; the limit for all "
                f"members together is {limit:,} bytes",
                file=filename,
            )
    out = []
    for info in members:
        try:
            with archive.open(info) as handle:
                content = handle.read(info.file_size + 1)
        except ZIP_ERRORS as error:
            raise ScheduleFormatError(
                f"zip member {info.filename!r} cannot be read ({error})", file=filename
            ) from None
        if len(content) > info.file_size:  # pragma: no cover - zipfile enforces this already
            raise ScheduleFormatError(
                f"zip member {info.filename!r} is larger than it declares", file=filename
            )
        out.append((info.filename, content))
    return out


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the physical line each starts on (1-based). Rows that are empty or all
    blank cells (spreadsheets export those) and rows whose first cell starts with ``#``
    (comments) are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row or row[0].lstrip().startswith("#") or not any(c.strip() for c in row):
                continue
            yield line, row
    except csv.Error as error:
        raise ValueError(f"line {reader.line_num}: {error}") from None


def absolute_url(value: str | None) -> str:
    """``value`` when it is an absolute http(s) URL, else ""."""
    text = (value or "").strip()
    return text if re.match(r"^https?://[^\s/]+\S*$", text, re.IGNORECASE) else ""


def normalize_title(title: str | None) -> str:
    """A title for matching across lists: Unicode NFKC, casefolded, punctuation and symbols
    dropped, whitespace runs collapsed ("BERT: Pre-training…" == "bert pre training")."""
    text = unicodedata.normalize("NFKC", title or "").casefold()
    text = "".join(" " if unicodedata.category(char)[0] in "PSZ" else char for char in text)
    return _WHITESPACE.sub(" ", text).strip()


def json_document(data: bytes, file: str) -> object:
    """``data`` (a file named ``file``) parsed as JSON; ScheduleFormatError naming the line
    and column when it is not JSON, or when it nests too deeply for the parser."""
    try:
        return json.loads(decode_text(data, file))
    except json.JSONDecodeError as error:
        raise ScheduleFormatError(
            f"not valid JSON ({error.msg}, column {error.colno})", file=file, line=error.lineno
        ) from None
    except RecursionError:
        raise ScheduleFormatError("JSON nested too deeply", file=file) from None


def json_list(
    value: object, *, file: str, element: str | None = None, field: str | None = None
) -> list:
    """A JSON/YAML value that must be a list: null or absent is empty; another type refused."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScheduleFormatError(
            f"expected a list, found {type(value).__name__}",
            file=file,
            element=element,
            field=field,
        )
    return value


def json_object(
    value: object, *, file: str, element: str | None = None, field: str | None = None
) -> dict:
    """A JSON/YAML value that must be an object: null or absent is empty; another type refused."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScheduleFormatError(
            f"expected an object, found {type(value).__name__}",
            file=file,
            element=element,
            field=field,
        )
    return value


# --- Tolerance: broken items, pytz LMT offsets, repeated identities ---------------------------

# A file in which at most this share of the events cannot be read imports without them (each
# named in a warning); above it the file is refused with the list, because then it is more
# likely the wrong file, or a broken export, than an export with a few bad entries.
BROKEN_SHARE_LIMIT = 0.10
BROKEN_LISTED = 20


def tolerate_broken(
    broken: list[ScheduleFormatError],
    total: int,
    *,
    filename: str,
    warnings: list[str],
    what: str = "events",
) -> None:
    """Skip the items that could not be read, with a warning each, unless more than
    :data:`BROKEN_SHARE_LIMIT` of the ``total`` are broken: then raise the first error, its
    message extended with how many are broken and the list of the others."""
    if not broken:
        return
    if len(broken) > total * BROKEN_SHARE_LIMIT:
        first = broken[0]
        if total > 1:
            others = [str(error) for error in broken[1 : 1 + BROKEN_LISTED]]
            more = len(broken) - 1 - len(others)
            first.message = (
                f"{first.message} — {len(broken)} of {total} {what} cannot be read (more than "
                f"{BROKEN_SHARE_LIMIT:.0%}), so the file is refused"
                + (f"; the others: {'; '.join(others)}" if others else "")
                + (f"; … and {more} more" if more > 0 else "")
            )
        raise first
    singular = (
        what[:-3] + "y" if what.endswith("ies") else what[:-1] if what.endswith("s") else what
    )
    for error in broken:
        warnings.append(f"{error}; this {singular} was skipped")
    warnings.append(
        f"{filename}: {len(broken)} of {total} {what} could not be read and were skipped "
        f"(the limit is {BROKEN_SHARE_LIMIT:.0%}); what an earlier import made of them is left "
        "as it was"
    )


def lmt_offset(tz: dt.tzinfo) -> dt.timedelta | None:
    """The zone's local mean time offset (its earliest, pre-standard-time offset)."""
    return dt.datetime(1800, 1, 1, tzinfo=tz).utcoffset()


def lmt_corrected(
    moment: dt.datetime,
    tz: dt.tzinfo | None,
    *,
    filename: str,
    warnings: list[str],
    element: str | None = None,
    line: int | None = None,
    field: str | None = None,
) -> dt.datetime:
    """``moment`` unless its UTC offset is ``tz``'s local mean time rounded to the minute
    (``+05:53`` for Asia/Kolkata, ``+00:50`` for Europe/Rome): the classic
    ``datetime(..., tzinfo=pytz.timezone(...))`` bug, whose author meant the wall-clock time
    in the zone. Then the wall time is read in ``tz``, with a warning (once per offset)."""
    if tz is None or moment.tzinfo is None or zone_name(tz) in ("", "UTC"):
        return moment
    offset = moment.utcoffset()
    lmt = lmt_offset(tz)
    if offset is None or lmt is None or not lmt:
        return moment
    if round(lmt.total_seconds() / 60) * 60 != offset.total_seconds():
        return moment
    wall = moment.replace(tzinfo=None)
    if wall.replace(tzinfo=tz).utcoffset() == offset:  # pragma: no cover - the zone uses it now
        return moment
    corrected = localize(
        wall, tz, filename=filename, warnings=warnings, element=element, line=line, field=field
    )
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = int(abs(offset.total_seconds()) // 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    message = (
        f"{filename}: UTC offset {text} is the local mean time of {zone_name(tz)}, not an "
        f"offset the zone uses today (the pytz LMT bug); times with it were read as wall-clock "
        f"times in {zone_name(tz)}"
    )
    if message not in warnings:
        warnings.append(message)
    return corrected


def same_fields(first: object, second: object, *, ignore: tuple[str, ...] = ("key",)) -> bool:
    """Two dataclass items equal in every field but ``ignore`` (an exact duplicate entry)."""
    return all(
        getattr(first, f.name) == getattr(second, f.name)
        for f in dataclasses.fields(first)  # type: ignore[arg-type]
        if f.name not in ignore
    )


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
