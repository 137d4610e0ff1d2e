"""Boardwalk CSV templates: the program an organizer fills in a spreadsheet.

Six kinds, one CSV file each: papers, sessions, orals, posters, booths, meals. A file's kind
is read from its header row: the header must hold every *required column* of exactly one
kind and nothing that kind does not know (a typo is an error naming the column, not a
silently empty field). Column order is free; headers are matched case-insensitively with
spaces and hyphens read as underscores. A zip of several such files imports them together.
``TEMPLATES`` (and :func:`template_csv`) publish the header and an example row of each kind;
docs/csv-templates.md documents every column.

Conventions:
- Lines whose first cell starts with ``#`` are comments; blank lines are skipped.
- Dates ``YYYY-MM-DD``; times ``HH:MM`` (or ``H:MM``, ``HH:MM:SS``), local wall-clock time in
  the conference zone (``options.timezone``, required when a file has times). ``end`` must be
  after ``start`` on the same day; an end of ``24:00`` means midnight, and a session or meal
  that runs past midnight says so with ``end_date``. A time the clocks skip is an error.
- Lists are separated by ``;`` (authors, speakers, keywords, tags, dietary, menu items).
- Keys: an item's key is its ``id`` as written. A person is keyed ``name:`` + the casefolded
  name with whitespace collapsed, so the same name is the same person across files.
- References (``session_id``, ``paper_id``) are checked when the referenced kind is in the
  same upload; otherwise they are kept as keys for the upsert to resolve against earlier
  imports from the same source.
- Errors name the file (``upload.zip/posters.csv`` inside a zip), the physical line
  (header = line 1) and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from planner.enums import BoothTag, Dietary, ImportFormat, MealKind, RoomKind, SessionKind
from planner.importers.base import (
    BoothData,
    ImportOptions,
    MealData,
    MenuItemData,
    OralData,
    PaperData,
    ParsedSchedule,
    PersonData,
    PosterData,
    RoomData,
    ScheduleFormatError,
    SessionData,
    TrackData,
)
from planner.importers.common import (
    ZIP_ERRORS,
    absolute_url,
    check_size,
    csv_records,
    decode_text,
    is_zip,
    localize,
    normalize_name,
    person_key,
    read_zip,
    resolve_zone,
)

# Processing order: what others refer to comes first.
KINDS = ("papers", "sessions", "orals", "posters", "booths", "meals")

TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "papers": (
        [
            "id",
            "title",
            "authors",
            "affiliations",
            "abstract",
            "keywords",
            "arxiv_id",
            "openreview_id",
            "pdf_url",
            "project_url",
        ],
        [
            "P-0421",
            "Gaussian Splatting in the Wild: Relighting Tel Aviv's Bauhaus Facades",
            "Maya Levi; Ido Ben-Ami; Noa Friedman",
            "Tel Aviv University; Technion; Weizmann Institute of Science",
            "We reconstruct relightable 3D scenes from unconstrained tourist photos of the "
            "White City and render them under novel illumination in real time.",
            "3D reconstruction; neural rendering; relighting",
            "2403.01234",
            "xK3fQ9pL2a",
            "https://eccv2026.example.org/papers/P-0421.pdf",
            "https://bauhaus-splats.example.org",
        ],
    ),
    "sessions": (
        [
            "id",
            "title",
            "kind",
            "date",
            "start",
            "end",
            "end_date",
            "room",
            "track",
            "description",
            "url",
            "speakers",
            "chairs",
        ],
        [
            "S-O1A",
            "Oral 1A: 3D Reconstruction and Rendering",
            "oral",
            "2026-10-24",
            "09:00",
            "10:30",
            "",
            "Hall A (Expo Tel Aviv, Pavilion 2)",
            "3D Vision",
            "Six orals on neural fields, Gaussian splatting and multi-view geometry.",
            "https://eccv2026.example.org/program/S-O1A",
            "",
            "Dana Shapira; Yoav Katz",
        ],
    ),
    "orals": (
        ["id", "session_id", "order", "date", "start", "end", "paper_id", "title", "speakers"],
        ["O-1A-1", "S-O1A", "1", "2026-10-24", "09:00", "09:15", "P-0421", "", "Maya Levi"],
    ),
    "posters": (
        ["id", "session_id", "board", "paper_id", "title"],
        ["PO-1-042", "S-P1", "042", "P-0421", ""],
    ),
    "booths": (
        [
            "id",
            "exhibitor",
            "number",
            "room",
            "tier",
            "tags",
            "website",
            "description",
            "hours",
        ],
        [
            "B-NVL",
            "Negev Vision Labs",
            "B14",
            "Expo Hall (Pavilion 1)",
            "Platinum",
            "hiring; demo",
            "https://negev-vision.example.com",
            "Live demo of event cameras for drones; meet our research team.",
            "2026-10-24 09:30-17:30; 2026-10-25 09:30-14:00",
        ],
    ),
    "meals": (
        [
            "id",
            "kind",
            "title",
            "date",
            "start",
            "end",
            "end_date",
            "room",
            "dietary",
            "menu",
            "notes",
        ],
        [
            "M-L1",
            "lunch",
            "Lunch, day 1",
            "2026-10-24",
            "12:30",
            "13:30",
            "",
            "Foyer, Pavilion 2",
            "vegetarian; vegan; kosher; gluten_free",
            "Shakshuka [vegetarian,kosher]; Hummus with pita [vegan,kosher]; "
            "Grilled chicken with freekeh [kosher]; Quinoa tabbouleh [vegan,gluten_free]",
            "All catering is kosher (dairy-free meat meal). Tell registration about allergies.",
        ],
    ),
}

# Columns that must be present in the header (a cell may still be blank where the value is
# optional). Together with the known columns they tell the kinds apart: no header can
# satisfy two kinds (sessions and meals differ by `dietary`/`menu`).
REQUIRED: dict[str, frozenset[str]] = {
    "papers": frozenset({"id", "title", "authors"}),
    "sessions": frozenset({"id", "title", "kind", "date", "start", "end"}),
    "orals": frozenset({"id", "session_id", "order", "date", "start", "end"}),
    "posters": frozenset({"id", "session_id", "board"}),
    "booths": frozenset({"id", "exhibitor"}),
    "meals": frozenset({"id", "kind", "title", "date", "start", "end", "dietary", "menu"}),
}
KNOWN: dict[str, frozenset[str]] = {kind: frozenset(t[0]) for kind, t in TEMPLATES.items()}

# Field lengths of the models the upsert writes (kept here so errors can name the line).
_MAX = {
    "id": 200,
    "title": 500,
    "exhibitor": 200,
    "number": 20,
    "board": 20,
    "tier": 40,
    "room": 200,
    "track": 200,
    "arxiv_id": 40,
    "openreview_id": 40,
    "url": 500,
    "pdf_url": 500,
    "project_url": 500,
    "website": 200,
}
_MAX_MEAL_TITLE = 200
_MAX_NAME = 200
_MAX_AFFILIATION = 300

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_HOURS = re.compile(
    r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s*[-–]\s*(\d{1,2}:\d{2}(?::\d{2})?)$"
)
_MENU_ITEM = re.compile(r"^(?P<name>[^\[\]]*?)\s*(?:\[(?P<tags>[^\[\]]*)\])?$")
_ARXIV = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
_OPENREVIEW = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


def template_csv(kind: str) -> str:
    """The header and example row of ``kind`` as CSV text, for the admin's downloads."""
    if kind not in TEMPLATES:
        raise KeyError(f"unknown template {kind!r}; choose from {', '.join(KINDS)}")
    header, example = TEMPLATES[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(example)
    return out.getvalue()


# --- header detection ----------------------------------------------------------------------------


def _column_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lstrip("\ufeff").casefold())


def _matching_kinds(columns: set[str]) -> list[str]:
    return [k for k in KINDS if REQUIRED[k] <= columns <= KNOWN[k]]


def _detect_kind(columns: list[str], *, file: str, line: int, hint: str) -> str:
    present = set(columns)
    matches = _matching_kinds(present)
    if len(matches) == 1:
        return matches[0]
    # No match: explain against the kind the file name or the header comes closest to.
    if hint in KNOWN:
        guess = hint
    else:
        guess = max(KINDS, key=lambda k: (len(present & KNOWN[k]), -len(present - KNOWN[k])))
    unknown = [c for c in columns if c not in KNOWN[guess]]
    missing = [c for c in TEMPLATES[guess][0] if c in REQUIRED[guess] and c not in present]
    problems = []
    if unknown:
        problems.append(f"unknown column(s) {', '.join(map(repr, unknown))}")
    if missing:
        problems.append(f"missing required column(s) {', '.join(map(repr, missing))}")
    raise ScheduleFormatError(
        f"header does not match the {guess} template: {'; '.join(problems)}. "
        f"The {guess} columns are: {', '.join(TEMPLATES[guess][0])}",
        file=file,
        line=line,
        field=(unknown or missing or [None])[0],
    )


def _header_kind(row: list[str]) -> str | None:
    """The kind whose template the header fits; for sniffing, near misses count too."""
    columns = {_column_name(c) for c in row if c.strip()}
    matches = _matching_kinds(columns)
    if matches:
        return matches[0]
    if "id" not in columns:
        return None
    best = max(KINDS, key=lambda k: len(columns & KNOWN[k]))
    return best if len(columns & KNOWN[best]) >= 3 else None


# --- rows ----------------------------------------------------------------------------------------


class _Row:
    __slots__ = ("cells", "file", "index", "line")

    def __init__(self, cells: list[str], index: dict[str, int], file: str, line: int) -> None:
        self.cells = cells
        self.index = index
        self.file = file
        self.line = line

    def get(self, column: str) -> str:
        position = self.index.get(column)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position].strip()

    def error(self, column: str | None, message: str) -> ScheduleFormatError:
        return ScheduleFormatError(message, file=self.file, line=self.line, field=column)

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value:
            raise self.error(column, f"{column} is required")
        return value

    def limited(self, column: str, value: str, limit: int | None = None) -> str:
        limit = limit or _MAX.get(column)
        if limit is not None and len(value) > limit:
            raise self.error(column, f"{len(value)} characters; the limit is {limit}")
        return value

    def text(self, column: str, *, required: bool = False, limit: int | None = None) -> str:
        value = self.required(column) if required else self.get(column)
        return self.limited(column, value, limit)

    def url(self, column: str) -> str:
        value = self.get(column)
        if not value:
            return ""
        if not absolute_url(value):
            raise self.error(column, f"{value!r} is not an http(s) URL")
        return self.limited(column, value)

    def items(self, column: str) -> list[str]:
        return [part.strip() for part in self.get(column).split(";") if part.strip()]


def _choice(row: _Row, column: str, value: str, choices: type) -> str:
    wanted = _column_name(value)
    for member in choices:
        if wanted in (member.value, _column_name(str(member.label))):
            return str(member.value)
    raise row.error(
        column,
        f"unknown {column} {value!r}; choose from {', '.join(m.value for m in choices)}",
    )


def _choices(row: _Row, column: str, text: str, choices: type) -> list[str]:
    found: list[str] = []
    for part in re.split(r"[;,]", text):
        if part.strip():
            value = _choice(row, column, part.strip(), choices)
            if value not in found:
                found.append(value)
    return found


# --- the parser ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Upload:
    """Everything one upload holds, with the line each key was first defined on."""

    options: ImportOptions
    parsed: ParsedSchedule
    zone: zoneinfo.ZoneInfo | None = None
    zone_checked: bool = False
    people: dict[str, PersonData] = field(default_factory=dict)
    rooms: dict[str, RoomData] = field(default_factory=dict)
    room_users: dict[str, set[str]] = field(default_factory=dict)
    tracks: dict[str, TrackData] = field(default_factory=dict)
    lines: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → key → "line N"
    session_kinds: dict[str, str] = field(default_factory=dict)

    # --- shared pieces ---
    def tz(self, row: _Row, column: str) -> zoneinfo.ZoneInfo:
        if not self.zone_checked:
            self.zone = resolve_zone(
                "",
                fallback=self.options.timezone,
                filename=self.options.filename,
                warnings=self.parsed.warnings,
            )
            self.zone_checked = True
        if self.zone is None:
            raise row.error(
                column,
                "times in the CSV templates are local to the conference, and no conference "
                "time zone is set; set it (or pass --timezone)",
            )
        return self.zone

    def key(self, row: _Row, kind: str) -> str:
        key = row.text("id", required=True)
        seen = self.lines.setdefault(kind, {})
        if key in seen:
            raise row.error("id", f"duplicate id {key!r} (first on {seen[key]})")
        seen[key] = f"line {row.line}"
        return key

    def person(self, row: _Row, column: str, name: str, affiliation: str = "") -> str:
        name = normalize_name(name)
        row.limited(column, name, _MAX_NAME)
        row.limited("affiliations", affiliation, _MAX_AFFILIATION)
        key = person_key(name)
        known = self.people.get(key)
        if known is None:
            self.people[key] = PersonData(key=key, name=name, affiliation=affiliation)
        elif affiliation and not known.affiliation:
            known.affiliation = affiliation
        return key

    def people_list(self, row: _Row, column: str) -> list[str]:
        keys: list[str] = []
        for name in row.items(column):
            key = self.person(row, column, name)
            if key in keys:
                raise row.error(column, f"{name!r} is listed twice")
            keys.append(key)
        return keys

    def room(self, row: _Row, user: str) -> str | None:
        name = row.text("room")
        if not name:
            return None
        self.rooms.setdefault(name, RoomData(key=name, name=name))
        self.room_users.setdefault(name, set()).add(user)
        return name

    def date(self, row: _Row, column: str, value: str | None = None) -> dt.date:
        text = row.get(column) if value is None else value
        if not text:
            raise row.error(column, f"{column} is required")
        if _DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        raise row.error(column, f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2026-10-24")

    def time(self, row: _Row, column: str, value: str | None = None) -> tuple[dt.time, bool]:
        """A wall-clock time; the flag says it was ``24:00`` (midnight at the day's end)."""
        text = row.get(column) if value is None else value
        if not text:
            raise row.error(column, f"{column} is required")
        match = _TIME.match(text)
        if match:
            hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
            if hour == 24 and minute == 0 and second == 0:
                return dt.time(), True
            if hour < 24 and minute < 60 and second < 60:
                return dt.time(hour, minute, second), False
        raise row.error(column, f"{text!r} is not a time; write HH:MM (24-hour), e.g. 09:30")

    def moment(
        self, row: _Row, day: dt.date, column: str, value: str | None = None, *, end: bool = False
    ) -> dt.datetime:
        when, midnight = self.time(row, column, value)
        if midnight:
            if not end:
                raise row.error(column, "24:00 can only end something; start at 00:00")
            day += dt.timedelta(days=1)
        return localize(
            dt.datetime.combine(day, when),
            self.tz(row, column),
            filename=row.file,
            warnings=self.parsed.warnings,
            line=row.line,
            field=column,
        )

    def span(self, row: _Row, *, end_date: bool) -> tuple[dt.datetime, dt.datetime]:
        day = self.date(row, "date")
        start = self.moment(row, day, "start")
        last_day = self.date(row, "end_date") if end_date and row.get("end_date") else day
        end = self.moment(row, last_day, "end", end=True)
        if end <= start:
            hint = (
                "; for something that runs past midnight fill end_date"
                if end_date and not row.get("end_date")
                else ""
            )
            raise row.error(
                "end",
                f"ends ({end:%Y-%m-%d %H:%M}) before or when it starts "
                f"({start:%Y-%m-%d %H:%M}){hint}",
            )
        return start, end

    def reference(
        self, row: _Row, column: str, kind: str, present: set[str], *, required: bool = False
    ) -> str | None:
        key = row.required(column) if required else row.get(column)
        if not key:
            return None
        if kind in present and key not in self.lines.get(kind, {}):
            raise row.error(
                column, f"{column} {key!r} is not an id in the {kind} file of this upload"
            )
        return key

    # --- kinds ---
    def papers(self, row: _Row, present: set[str]) -> None:
        key = self.key(row, "papers")
        names = row.items("authors")
        affiliations = [a.strip() for a in row.get("affiliations").split(";")]
        while len(affiliations) > len(names) and not affiliations[-1]:
            affiliations.pop()  # a trailing ';'
        if not row.get("affiliations"):
            affiliations = [""] * len(names)
        elif len(affiliations) != len(names):
            raise row.error(
                "affiliations",
                f"{len(names)} author(s) but {len(affiliations)} affiliation(s); give one per "
                "author in the same order, separated by ';' (leave one empty as ';;')",
            )
        authors: list[str] = []
        for name, affiliation in zip(names, affiliations, strict=True):
            person = self.person(row, "authors", name, affiliation)
            if person in authors:
                raise row.error("authors", f"{name!r} is listed twice")
            authors.append(person)
        self.parsed.papers.append(
            PaperData(
                key=key,
                title=row.text("title", required=True),
                abstract=row.get("abstract"),
                keywords=row.items("keywords"),
                authors=authors,
                arxiv_id=_arxiv(row),
                openreview_id=_openreview(row),
                pdf_url=row.url("pdf_url"),
                project_url=row.url("project_url"),
            )
        )

    def sessions(self, row: _Row, present: set[str]) -> None:
        key = self.key(row, "sessions")
        title = row.text("title", required=True)
        kind = _choice(row, "kind", row.required("kind"), SessionKind)
        start, end = self.span(row, end_date=True)
        track = row.text("track") or None
        if track:
            self.tracks.setdefault(track, TrackData(name=track))
        self.session_kinds[key] = kind
        self.parsed.sessions.append(
            SessionData(
                key=key,
                title=title,
                kind=kind,
                start=start,
                end=end,
                room=self.room(row, "sessions"),
                track=track,
                description=row.get("description"),
                url=row.url("url"),
                speakers=self.people_list(row, "speakers"),
                chairs=self.people_list(row, "chairs"),
            )
        )

    def orals(self, row: _Row, present: set[str]) -> None:
        key = self.key(row, "orals")
        session = self.reference(row, "session_id", "sessions", present, required=True) or ""
        order_text = row.required("order")
        if not order_text.isdigit() or not 1 <= int(order_text) <= 9999:
            raise row.error("order", f"{order_text!r} is not a whole number from 1")
        order = int(order_text)
        slot = (session, order)
        taken = self.lines.setdefault("orals:order", {})
        if repr(slot) in taken:
            raise row.error(
                "order", f"session {session!r} already has order {order} ({taken[repr(slot)]})"
            )
        taken[repr(slot)] = f"line {row.line}"
        start, end = self.span(row, end_date=False)
        paper = self.reference(row, "paper_id", "papers", present)
        title = row.text("title")
        if not paper and not title:
            raise row.error("paper_id", "give a paper_id or a title")
        self.parsed.orals.append(
            OralData(
                key=key,
                session=session,
                start=start,
                end=end,
                order=order,
                paper=paper,
                title=title,
                speakers=self.people_list(row, "speakers"),
            )
        )

    def posters(self, row: _Row, present: set[str]) -> None:
        key = self.key(row, "posters")
        session = self.reference(row, "session_id", "sessions", present, required=True) or ""
        board = row.text("board", required=True)
        slot = repr((session, board))
        taken = self.lines.setdefault("posters:board", {})
        if slot in taken:
            raise row.error(
                "board", f"board {board!r} is already used in session {session!r} ({taken[slot]})"
            )
        taken[slot] = f"line {row.line}"
        kind = self.session_kinds.get(session)
        if kind is not None and kind != SessionKind.POSTER:
            self.parsed.warnings.append(
                f"{row.file}:{row.line}: poster {key!r} is in session {session!r}, "
                f"whose kind is {kind}, not poster"
            )
        paper = self.reference(row, "paper_id", "papers", present)
        title = row.text("title")
        if not paper and not title:
            raise row.error("paper_id", "give a paper_id or a title")
        self.parsed.posters.append(
            PosterData(key=key, session=session, board=board, paper=paper, title=title)
        )

    def booths(self, row: _Row, present: set[str]) -> None:
        key = self.key(row, "booths")
        number = row.text("number")
        if number:
            taken = self.lines.setdefault("booths:number", {})
            if number in taken:
                raise row.error(
                    "number", f"booth number {number!r} is already used ({taken[number]})"
                )
            taken[number] = f"line {row.line}"
        self.parsed.booths.append(
            BoothData(
                key=key,
                exhibitor=row.text("exhibitor", required=True),
                number=number,
                room=self.room(row, "booths"),
                tier=row.text("tier"),
                tags=_choices(row, "tags", row.get("tags"), BoothTag),
                website=row.url("website"),
                description=row.get("description"),
                hours=self.hours(row),
            )
        )

    def hours(self, row: _Row) -> list[tuple[dt.datetime, dt.datetime]]:
        windows: list[tuple[dt.datetime, dt.datetime]] = []
        for part in row.items("hours"):
            match = _HOURS.match(part)
            if not match:
                raise row.error(
                    "hours",
                    f"{part!r} is not an opening window; write 'YYYY-MM-DD HH:MM-HH:MM', "
                    "several separated by ';'",
                )
            day = self.date(row, "hours", match[1])
            start = self.moment(row, day, "hours", match[2])
            end = self.moment(row, day, "hours", match[3], end=True)
            if end <= start:
                raise row.error("hours", f"{part!r} ends before it starts")
            windows.append((start, end))
        windows.sort()
        for (_, end), (start, _) in itertools.pairwise(windows):
            if start < end:
                raise row.error("hours", "opening windows overlap")
        return windows

    def meals(self, row: _Row, present: set[str]) -> None:
        key = self.key(row, "meals")
        kind = _choice(row, "kind", row.required("kind"), MealKind)
        title = row.text("title", required=True, limit=_MAX_MEAL_TITLE)
        start, end = self.span(row, end_date=True)
        menu: list[MenuItemData] = []
        for part in row.items("menu"):
            match = _MENU_ITEM.match(part)
            if not match or not match["name"]:
                raise row.error(
                    "menu",
                    f"{part!r} is not a menu item; write 'Name [tag,tag]', e.g. 'Hummus [vegan]'",
                )
            name = row.limited("menu", match["name"], _MAX_NAME)
            if any(item.name == name for item in menu):
                raise row.error("menu", f"{name!r} is on the menu twice")
            menu.append(
                MenuItemData(name=name, dietary=_choices(row, "menu", match["tags"] or "", Dietary))
            )
        self.parsed.meals.append(
            MealData(
                key=key,
                kind=kind,
                title=title,
                start=start,
                end=end,
                room=self.room(row, "meals"),
                dietary_options=_choices(row, "dietary", row.get("dietary"), Dietary),
                menu=menu,
                notes=row.get("notes"),
            )
        )

    def finish(self, kinds: set[str]) -> ParsedSchedule:
        parsed = self.parsed
        for name, room in self.rooms.items():
            if self.room_users.get(name) == {"booths"}:
                room.kind = RoomKind.EXPO
        parsed.rooms = list(self.rooms.values())
        parsed.tracks = list(self.tracks.values())
        parsed.people = list(self.people.values())
        parsed.covers = frozenset(kinds)
        return parsed


def _arxiv(row: _Row) -> str:
    value = row.get("arxiv_id")
    if not value:
        return ""
    text = re.sub(r"^(?:arxiv:|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/)", "", value, flags=re.I)
    text = re.sub(r"\.pdf$", "", text)
    if not _ARXIV.match(text):
        raise row.error("arxiv_id", f"{value!r} is not an arXiv id like 2403.01234")
    return text


def _openreview(row: _Row) -> str:
    value = row.get("openreview_id")
    if not value:
        return ""
    match = re.search(r"openreview\.net/(?:forum|pdf)\?id=([^&#\s]+)", value)
    text = match[1] if match else value
    if not _OPENREVIEW.match(text):
        raise row.error("openreview_id", f"{value!r} is not an OpenReview id like xK3fQ9pL2a")
    return text


@dataclass(slots=True)
class _File:
    name: str  # for errors: "upload.zip/posters.csv" or the upload's own name
    kind: str
    header_line: int
    index: dict[str, int]
    records: list[tuple[int, list[str]]]


def _read_file(data: bytes, name: str, stem: str) -> _File:
    try:
        text = decode_text(data, name)
    except ScheduleFormatError as error:
        error.field = error.field or _undecodable_column(data, error.line)
        raise
    try:
        records = list(csv_records(text))
    except ValueError as error:
        raise ScheduleFormatError(f"not valid CSV: {error}", file=name) from None
    if not records:
        raise ScheduleFormatError("no header row", file=name)
    header_line, header = records[0]
    columns = [_column_name(c) for c in header]
    while columns and not columns[-1]:  # trailing empty cells from spreadsheets
        columns.pop()
    for position, column in enumerate(columns):
        if not column:
            raise ScheduleFormatError(
                f"column {position + 1} of the header is empty", file=name, line=header_line
            )
        if columns.index(column) != position:
            raise ScheduleFormatError(
                f"column {column!r} appears twice in the header",
                file=name,
                line=header_line,
                field=column,
            )
    kind = _detect_kind(columns, file=name, line=header_line, hint=stem)
    return _File(name, kind, header_line, {c: i for i, c in enumerate(columns)}, records[1:])


def _undecodable_column(data: bytes, line: int | None) -> str | None:
    """The column of the first cell on ``line`` that is not UTF-8, for the error message."""
    if line is None:
        return None
    text = data.decode("utf-8-sig", errors="replace")
    try:
        records = list(csv_records(text))
    except ValueError:
        return None
    if not records:
        return None
    header = [_column_name(c) for c in records[0][1]]
    for start, cells in records:
        if start > line:
            break
        for position, cell in enumerate(cells):
            if "\ufffd" in cell and start <= line:
                return header[position] if position < len(header) else None
    return None


def _files(data: bytes, options: ImportOptions) -> tuple[list[_File], list[str]]:
    warnings: list[str] = []
    if not is_zip(data):
        stem = PurePosixPath(options.filename).stem.casefold()
        return [_read_file(data, options.filename, stem)], warnings
    files: list[_File] = []
    for member, content in read_zip(data, options.filename):
        path = PurePosixPath(member.replace("\\", "/"))
        if path.suffix.casefold() != ".csv":
            warnings.append(f"{options.filename}: ignored {member} (not a .csv file)")
            continue
        files.append(_read_file(content, f"{options.filename}/{member}", path.stem.casefold()))
    if not files:
        raise ScheduleFormatError("the zip holds no .csv file", file=options.filename)
    by_kind: dict[str, _File] = {}
    for item in files:
        if item.kind in by_kind:
            raise ScheduleFormatError(
                f"two {item.kind} files in one upload: {by_kind[item.kind].name} and {item.name}",
                file=options.filename,
            )
        by_kind[item.kind] = item
    return [by_kind[kind] for kind in KINDS if kind in by_kind], warnings


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    check_size(data, options.filename)
    files, warnings = _files(data, options)
    upload = _Upload(options=options, parsed=ParsedSchedule(format=ImportFormat.CSV))
    upload.parsed.warnings.extend(warnings)
    present = {f.kind for f in files}
    handlers: dict[str, Callable[[_Row, set[str]], None]] = {
        "papers": upload.papers,
        "sessions": upload.sessions,
        "orals": upload.orals,
        "posters": upload.posters,
        "booths": upload.booths,
        "meals": upload.meals,
    }
    for item in files:
        handle = handlers[item.kind]
        width = len(item.index)
        for line, cells in item.records:
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                raise ScheduleFormatError(
                    f"{len(cells)} cells but the header has {width} columns "
                    "(a comma inside a value needs the value in double quotes)",
                    file=item.name,
                    line=line,
                )
            handle(_Row(cells, item.index, item.name, line), present)
    return upload.finish(present)


def sniff(data: bytes, filename: str) -> bool:
    if is_zip(data):
        return _sniff_zip(data)
    head = data[:65536].decode("utf-8", errors="replace")
    if "\n" in head and len(data) > 65536:
        head = head[: head.rfind("\n")]
    try:
        for _line, row in csv_records(head):
            return _header_kind(row) is not None
    except ValueError:
        return False
    return False


def _sniff_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist()[:200]:
                if info.is_dir() or not info.filename.casefold().endswith(".csv"):
                    continue
                with archive.open(info) as handle:
                    head = handle.read(65536).decode("utf-8", errors="replace")
                for _line, row in csv_records(head.rsplit("\n", 1)[0] if "\n" in head else head):
                    if _header_kind(row) is not None:
                        return True
                    break
    except ZIP_ERRORS:
        return False
    return False
