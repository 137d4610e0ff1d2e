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


def detect_format(data: bytes, filename: str) -> str:
    for fmt in MODULES:
        if _module(fmt).sniff(data, filename):
            return fmt
    raise ScheduleFormatError(
        "cannot tell the format; expected frab XML, schedule JSON, iCalendar, MiniConf "
        "(zip of papers.csv + calendar JSON) or a Boardwalk CSV template. Pass --format to say which.",
        file=filename,
    )


def parse_schedule(data: bytes, options: ImportOptions, fmt: str = "") -> ParsedSchedule:
    if fmt and fmt not in MODULES:
        raise ScheduleFormatError(
            f"unknown format {fmt!r}; choose from {', '.join(MODULES)}", file=options.filename
        )
    fmt = fmt or detect_format(data, options.filename)
    parsed = _module(fmt).parse(data, options)
    _refuse_unstorable_text(parsed, options.filename)
    parsed.warnings = [storable(w) for w in parsed.warnings]
    return parsed


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
