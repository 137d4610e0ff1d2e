"""Schedule importers: one module per format, each ``parse(data, options) -> ParsedSchedule``
and ``sniff(data, filename) -> bool``. :func:`parse_schedule` detects the format when not given."""

from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType

from planner.enums import ImportFormat
from planner.importers.base import (
    ImportOptions,
    ParsedSchedule,
    ScheduleFormatError,
    storable,
    unstorable,
)
from planner.importers.common import is_zip, read_zip
from planner.importers.describe import describe, xml_doctype

# Sniffing order matters: the first module that recognizes the bytes wins.
MODULES: dict[str, str] = {
    ImportFormat.FRAB_XML: "planner.importers.frab_xml",
    ImportFormat.SCHEDULE_JSON: "planner.importers.schedule_json",
    ImportFormat.XCAL: "planner.importers.xcal",
    ImportFormat.PRETALX_API: "planner.importers.pretalx_api",
    ImportFormat.ACL_MINICONF: "planner.importers.acl_miniconf",
    ImportFormat.PAPER_COPILOT: "planner.importers.paper_copilot",
    ImportFormat.ICAL: "planner.importers.ical",
    ImportFormat.MINICONF_YAML: "planner.importers.miniconf_yaml",
    ImportFormat.MINICONF: "planner.importers.miniconf",
    ImportFormat.CSV: "planner.importers.csv_templates",
}


def _module(fmt: str) -> ModuleType:
    return importlib.import_module(MODULES[fmt])


# What each format looks like, for the refusal that lists what was checked. A format without
# an entry here is named by its ImportFormat label.
LOOKS_LIKE: dict[str, str] = {
    ImportFormat.FRAB_XML: "frab XML (root element <schedule>)",
    ImportFormat.SCHEDULE_JSON: 'schedule JSON (an object with "schedule": {"conference": …})',
    ImportFormat.XCAL: "Pentabarf xCal (<iCalendar> holding <vcalendar>)",
    ImportFormat.PRETALX_API: "a pretalx REST dump (schedule: {date: {minute: {room: talk}}}, "
    "rooms)",
    ImportFormat.ACL_MINICONF: "ACL MiniConf (conference.json with sessions → events, or a "
    "folder with papers.json and calendar.json)",
    ImportFormat.PAPER_COPILOT: "a Paper Copilot list (papers with title, author, status, site)",
    ImportFormat.ICAL: "iCalendar (BEGIN:VCALENDAR)",
    ImportFormat.MINICONF_YAML: "MiniConf YAML (.yml: accepted papers, sponsors, socials)",
    ImportFormat.MINICONF: "MiniConf sitedata (papers.csv with UID, title, authors; a session "
    "file: *calendar*.json, a CSV with UID, title, start, end; or a zip or folder holding "
    "papers.csv)",
    ImportFormat.CSV: "a Boardwalk CSV template (or a zip of them)",
}


def _checked_formats() -> str:
    labels = dict(ImportFormat.choices)
    return "; ".join(LOOKS_LIKE.get(fmt, labels.get(fmt, fmt)) for fmt in MODULES)


def detect_format(data: bytes, filename: str) -> str:
    for fmt in MODULES:
        if _module(fmt).sniff(data, filename):
            return fmt
    doctype = xml_doctype(data)
    if doctype is not None:
        # Detection cannot look past a DOCTYPE (it may hide anything); say what the XML
        # importer would: such files are refused whatever their format.
        raise ScheduleFormatError(
            f"the file is XML with a <!DOCTYPE {doctype}> declaration, which is not accepted "
            "(a DTD can define entities that expand without bound or read local files); "
            "export the schedule without it",
            file=filename,
            element="<!DOCTYPE>",
        )
    raise ScheduleFormatError(
        f"cannot tell the format: the file looks like {describe(data, filename)}, which is "
        f"none of the formats checked: {_checked_formats()}. Pass --format (in the API and "
        "admin: format) to say which",
        file=filename,
    )


def parse_schedule(data: bytes, options: ImportOptions, fmt: str = "") -> ParsedSchedule:
    if fmt and fmt not in MODULES:
        raise ScheduleFormatError(
            f"unknown format {fmt!r}; choose from {', '.join(MODULES)}", file=options.filename
        )
    if not fmt:
        try:
            fmt = detect_format(data, options.filename)
        except ScheduleFormatError:
            lone = _lone_schedule(data, options.filename)
            if lone is None:
                raise
            fmt, member, data = lone
            options = dataclasses.replace(options, filename=f"{options.filename}/{member}")
    parsed = _module(fmt).parse(data, options)
    _refuse_unstorable_text(parsed, options.filename)
    parsed.warnings = [storable(w) for w in parsed.warnings]
    return parsed


def _lone_schedule(data: bytes, filename: str) -> tuple[str, str, bytes] | None:
    """A zip (or folder) no format reads as a whole, holding one file that is a schedule in its
    own right: that file, to import as itself. Several such files (the same program as XML,
    JSON and iCal; two stages) are refused, listed: which one is meant is the user's call."""
    if not is_zip(data):
        return None
    found: list[tuple[str, str, bytes]] = []
    members = read_zip(data, filename)
    for member, content in members:
        why = unstorable(member)
        if why:
            raise ScheduleFormatError(
                f"zip member name {storable(member)!r} {why}", file=filename, element=member
            )
        for fmt in MODULES:
            if _module(fmt).sniff(content, member):
                found.append((fmt, member, content))
                break
    if len(found) == 1 and len(members) == 1:
        return found[0]
    if len(found) > 1:
        labels = dict(ImportFormat.choices)
        listing = ", ".join(f"{member} ({labels.get(fmt, fmt)})" for fmt, member, _ in found)
        raise ScheduleFormatError(
            f"the zip (or folder) holds {len(found)} schedules, each a complete file: {listing}; "
            "import them one at a time (or only the one you mean)",
            file=filename,
        )
    return None


def _refuse_unstorable_text(parsed: ParsedSchedule, filename: str) -> None:
    """Every format can carry a NUL or a lone surrogate (JSON ``\\u0000``/``\\ud800``, a CSV
    cell) that PostgreSQL refuses mid-write; refuse it here, naming the item and field."""

    def walk(value: object, where: str, field: str) -> None:
        if isinstance(value, str):
            why = unstorable(value)
            if why:
                raise ScheduleFormatError(why, file=filename, element=where, field=field)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name), where, f.name)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                walk(item, where, field)

    walk(parsed.conference, "conference", "")
    for collection in (
        "rooms",
        "tracks",
        "people",
        "papers",
        "sessions",
        "orals",
        "posters",
        "booths",
        "meals",
    ):
        for item in getattr(parsed, collection):
            key = getattr(item, "key", None) or getattr(item, "name", "")
            walk(item, f"{collection[:-1]} {storable(str(key))!r}", "")


__all__ = [
    "ImportOptions",
    "ParsedSchedule",
    "ScheduleFormatError",
    "detect_format",
    "parse_schedule",
]
