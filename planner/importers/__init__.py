"""Schedule importers: one module per format, each ``parse(data, options) -> ParsedSchedule``
and ``sniff(data, filename) -> bool``. :func:`parse_schedule` detects the format when not given."""

from __future__ import annotations

import importlib
from types import ModuleType

from planner.enums import ImportFormat
from planner.importers.base import ImportOptions, ParsedSchedule, ScheduleFormatError

# Sniffing order matters: the first module that recognizes the bytes wins.
MODULES: dict[str, str] = {
    ImportFormat.FRAB_XML: "planner.importers.frab_xml",
    ImportFormat.SCHEDULE_JSON: "planner.importers.schedule_json",
    ImportFormat.ICAL: "planner.importers.ical",
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
    return _module(fmt).parse(data, options)


__all__ = [
    "ImportOptions",
    "ParsedSchedule",
    "ScheduleFormatError",
    "detect_format",
    "parse_schedule",
]
