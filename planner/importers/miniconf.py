"""MiniConf sitedata → papers, sessions, orals and posters.

MiniConf (the static site generator behind ICLR 2020's virtual site and many ML conferences
since) keeps its program in ``sitedata/``. Sites differ in which files they have, so each
file is recognised by its columns (only ``papers.csv`` is also recognised by name):

========================  ===================================================  ============
file (example)            columns that identify it                            becomes
========================  ===================================================  ============
``papers.csv``            ``UID``, ``title``, ``authors`` (any case)           papers, people
``*calendar*.json``       a list of ``{title, start, end, location, link}``    sessions
(``main_calendar.json``)
track CSV                 ``UID, title, start, end`` (+ ``trackUID``,          sessions
(``track_pldi.csv``)      ``gather``, ``info_link``, ``category``)
events CSV                ``uid, title, start_date, start_time, end_time``     sessions
(ISMIR ``events.csv``)    (+ ``category``, ``description``, ``web_link``)
slots CSV                 ``session, paperUID`` + ``start, end`` and/or        orals, posters
(``calendar_papers.csv``) ``posterNumber``
an ``.ics``               (only when nothing above gives sessions)             sessions
========================  ===================================================  ============

A session file (calendar JSON, track or events CSV) also imports on its own: its sessions,
without papers (``papers.csv`` or the folder adds them later).
A ``sponsors.yml`` (PLDI 2021: ``UID, level, name``) becomes booths with their tiers and a
``socials.yml`` social sessions (see :mod:`.miniconf_yaml`). Anything else in the zip (other
YAML, images, a second calendar) is ignored with a warning.
A session listed by two files (``events.csv`` and ``main_calendar.json`` both describe the
program) is imported once: the session CSVs are read first, and a calendar entry with the
same id, or else the same title and start, is skipped (one warning per pair of files).

Layouts seen in real sites and what is made of them:

- ICLR 2020 (MiniConf's sample): ``papers.csv`` (UID = OpenReview id, ``|``-separated authors
  and keywords) + ``main_calendar.json``. Calendar entries have no id: the key is the code in
  the title's parentheses (``Poster Day 1 Session 3 (P1S3)`` → ``P1S3``), else
  ``cal:<title casefolded>`` with ``#2``, ``#3`` for repeats in start order. A ``location``
  or ``link`` that is a URL becomes the session's url, not a room. The ``sessions`` column
  of ``papers.csv`` names poster sessions but no boards; posters need a board, so none are
  made (a warning says how many papers this skips).
- PLDI 2021: ``papers.csv`` + ``track_pldi.csv`` (sessions; ``# Tues,,,`` comment rows
  skipped; room = ``trackUID`` (the parallel stream) or else ``gather``) +
  ``calendar_papers.csv``: rows with a ``posterNumber`` are posters at that board in that
  session, rows with start/end are talks (orals numbered by start time within the session).
- ISMIR 2022: ``papers.csv`` with ``session`` and ``position`` (the board) + ``events.csv``
  (naive local ``start_date`` + ``H:MM`` times → ``options.timezone``). A paper's
  ``session`` N is the poster-kind event whose title ends in N ("Posters Session 3").
  Authors and affiliations come from ``authors_and_affil`` ("Name (Affiliation)*; …"),
  keywords from ``primary_subject`` / ``secondary_subject``.

Keys: papers by UID, sessions by their UID (calendar JSON: see above), orals and posters
``<paper UID>@<session key>`` (a paper may be presented in a session and its mirror), people
``name:`` + casefolded name. E-mail columns (``emails``, ``primary_email``,
``author_emails``, ``organiser_emails``) are never read. Times: an offset is used as given;
``-00:00`` (RFC 3339 "local offset unknown") is read as UTC with a warning; naive times are
local to ``options.timezone`` (an error when it is not set).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import json
import re
import zipfile
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from planner.enums import ImportFormat, SessionKind
from planner.importers import ical, miniconf_yaml
from planner.importers.base import (
    ImportOptions,
    OralData,
    PaperData,
    ParsedSchedule,
    PersonData,
    PosterData,
    RoomData,
    ScheduleFormatError,
    SessionData,
)
from planner.importers.common import (
    MAX_ZIP_MEMBERS,
    ZIP_ERRORS,
    absolute_url,
    check_size,
    checked_span,
    csv_records,
    decode_text,
    is_zip,
    lmt_corrected,
    localize,
    normalize_name,
    person_key,
    read_zip,
    resolve_zone,
    session_kind,
)

_EMAIL_COLUMNS = frozenset(
    {"emails", "email", "primary_email", "author_emails", "organiser_emails"}
)
_OPENREVIEW_ID = re.compile(r"^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)[A-Za-z0-9_-]{9,12}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def sniff(data: bytes, filename: str) -> bool:
    if is_zip(data):
        # Only the head of papers.csv is read: sniffing never inflates a whole upload.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist()[:MAX_ZIP_MEMBERS]:
                    if PurePosixPath(info.filename).name.casefold() == "papers.csv":
                        with archive.open(info) as handle:
                            if _is_papers(info.filename, handle.read(65536)):
                                return True
        except ZIP_ERRORS:
            return False
        return False
    head = data[:65536].decode("utf-8-sig", errors="replace")
    row = _first_row(head)
    if _is_papers_header(row):
        return True
    # A session file of a site on its own (its papers come later, or never).
    base = PurePosixPath(filename).name.casefold()
    if base.endswith(".csv"):
        return _role_of({c.strip().casefold() for c in row}) in ("track", "events")
    if base.endswith(".json") and "calendar" in base and len(data) <= 20 * 1024 * 1024:
        return _is_calendar_json(data)
    return False


def _is_calendar_json(data: bytes) -> bool:
    try:
        entries = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(entries, list)
        and bool(entries)
        and all(isinstance(e, dict) and {"title", "start", "end"} <= set(e) for e in entries)
    )


def _first_row(text: str) -> list[str]:
    try:
        for _line, row in csv_records(text):
            return row
    except ValueError:
        return []
    return []


def _is_papers_header(row: list[str]) -> bool:
    columns = {c.strip().casefold() for c in row}
    return {"uid", "title", "authors"} <= columns


def _is_papers(name: str, head: bytes) -> bool:
    if PurePosixPath(name).name.casefold() != "papers.csv":
        return False
    return _is_papers_header(_first_row(head.decode("utf-8-sig", errors="replace")))


# --- CSV tables ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Table:
    """A CSV file: rows with their physical lines; cells looked up by casefolded column."""

    name: str
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]

    @classmethod
    def read(cls, data: bytes, name: str) -> _Table:
        text = decode_text(data, name)
        try:
            records = list(csv_records(text))
        except ValueError as error:
            raise ScheduleFormatError(f"not valid CSV: {error}", file=name) from None
        if not records:
            raise ScheduleFormatError("no header row", file=name)
        columns: dict[str, int] = {}
        for position, cell in enumerate(records[0][1]):
            columns.setdefault(cell.strip().casefold(), position)  # a repeated column: first wins
        return cls(name, columns, records[1:])

    def has(self, *names: str) -> bool:
        return all(n.casefold() in self.columns for n in names)

    def get(self, row: list[str], column: str) -> str:
        if column in _EMAIL_COLUMNS:  # pragma: no cover - guards against a future edit
            raise AssertionError("e-mail columns are never read")
        position = self.columns.get(column.casefold())
        if position is None or position >= len(row):
            return ""
        return row[position].strip()

    def error(self, line: int, column: str | None, message: str) -> ScheduleFormatError:
        return ScheduleFormatError(message, file=self.name, line=line, field=column)


# --- the import ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Import:
    options: ImportOptions
    parsed: ParsedSchedule = field(
        default_factory=lambda: ParsedSchedule(format=ImportFormat.MINICONF)
    )
    zone: zoneinfo.ZoneInfo | None = None
    people: dict[str, PersonData] = field(default_factory=dict)
    papers: dict[str, int] = field(default_factory=dict)  # key → line in papers.csv
    sessions: dict[str, SessionData] = field(default_factory=dict)
    session_where: dict[str, str] = field(default_factory=dict)
    rooms: dict[str, RoomData] = field(default_factory=dict)
    unknown_offsets: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    covers: set[str] = field(default_factory=set)
    board_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    poster_keys: set[str] = field(default_factory=set)
    session_file: dict[str, str] = field(default_factory=dict)  # key → the file that listed it
    by_title_start: dict[tuple[str, dt.datetime], str] = field(default_factory=dict)
    # (file, file listed first) → [sessions skipped, of which the times disagree]
    double_listed: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return self.parsed.warnings

    # --- shared ---
    def person(self, name: str, affiliation: str = "") -> str | None:
        name = normalize_name(name)
        if not name:
            return None
        key = person_key(name)
        known = self.people.get(key)
        if known is None:
            self.people[key] = PersonData(key=key, name=name, affiliation=affiliation)
        elif affiliation and not known.affiliation:
            known.affiliation = affiliation
        return key

    def need_zone(self, file: str, line: int | None, column: str) -> zoneinfo.ZoneInfo:
        if self.zone is None:
            raise ScheduleFormatError(
                "times without a UTC offset are local to the conference, and no conference "
                "time zone is set; set it (or pass --timezone)",
                file=file,
                line=line,
                field=column,
            )
        return self.zone

    def when(self, text: str, *, file: str, line: int | None, column: str) -> dt.datetime:
        """An ISO 8601 or RFC 1123 date-time; naive → the conference zone."""
        value = text.strip()
        if not value:
            raise ScheduleFormatError(f"{column} is missing", file=file, line=line, field=column)
        if re.match(r"^[A-Z][a-z]{2}, ", value):
            try:
                parsed = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed
        if value.endswith("-00:00"):
            self.unknown_offsets[file] += 1
        try:
            parsed = dt.datetime.fromisoformat(
                value[:-1] + "+00:00" if value.endswith("Z") else value
            )
        except ValueError:
            raise ScheduleFormatError(
                f"{value!r} is not an ISO 8601 date-time", file=file, line=line, field=column
            ) from None
        if parsed.tzinfo is None:
            parsed = localize(
                parsed,
                self.need_zone(file, line, column),
                filename=file,
                warnings=self.warnings,
                line=line,
                field=column,
            )
        elif self.zone is not None:
            parsed = lmt_corrected(
                parsed, self.zone, filename=file, warnings=self.warnings, line=line, field=column
            )
        return parsed

    def add_session(self, session: SessionData, where: str, *, file: str, line: int | None) -> None:
        twin = self.double_listing(session, file)
        if twin is not None:
            counts = self.double_listed.setdefault((file, self.session_file[twin]), [0, 0])
            counts[0] += 1
            first = self.sessions[twin]
            if (first.start, first.end) != (session.start, session.end):
                counts[1] += 1
            return
        if session.key in self.sessions:
            raise ScheduleFormatError(
                f"session {session.key!r} is defined twice (first at {self.session_where[session.key]})",
                file=file,
                line=line,
                field="UID",
            )
        self.sessions[session.key] = session
        self.session_where[session.key] = where
        self.session_file[session.key] = file
        self.by_title_start.setdefault((_title_key(session.title), session.start), session.key)
        if session.room:
            self.rooms.setdefault(session.room, RoomData(key=session.room, name=session.room))

    def double_listing(self, session: SessionData, file: str) -> str | None:
        """The key of the session another file of the site already listed as this one: the
        same id, else the same title (case and spacing aside) and start. Sites keep both
        ``events.csv`` and ``main_calendar.json``; each session is imported once."""
        if session.key in self.sessions:
            return session.key if self.session_file[session.key] != file else None
        twin = self.by_title_start.get((_title_key(session.title), session.start))
        if twin is not None and self.session_file[twin] != file:
            return twin
        return None

    # --- papers.csv ---
    def read_papers(self, table: _Table) -> None:
        self.covers |= {"papers", "people"}
        uid_column = "uid"
        ismir_authors = table.has("authors_and_affil")
        listed_sessions = 0
        for line, row in table.rows:
            key = table.get(row, uid_column)
            if not key:
                raise table.error(line, "UID", "UID is missing")
            if key in self.papers:
                raise table.error(
                    line, "UID", f"paper {key!r} appears twice (first on line {self.papers[key]})"
                )
            self.papers[key] = line
            title = normalize_name(table.get(row, "title"))
            if not title:
                raise table.error(line, "title", "title is missing")
            if ismir_authors:
                authors = self.ismir_authors(table, line, row)
            else:
                authors = self.authors(table.get(row, "authors"))
            if table.get(row, "sessions") and not table.has("position"):
                listed_sessions += 1
            self.parsed.papers.append(
                PaperData(
                    key=key,
                    title=title,
                    abstract=table.get(row, "abstract"),
                    keywords=self.keywords(table, row),
                    authors=authors,
                    openreview_id=key if _OPENREVIEW_ID.match(key) else "",
                )
            )
        if listed_sessions:
            self.warnings.append(
                f"{table.name}: {listed_sessions} paper(s) name poster sessions but no boards; "
                "posters need a board, so none were imported for them"
            )

    def authors(self, text: str) -> list[str]:
        separator = "|" if "|" in text else ";"
        keys: list[str] = []
        for name in text.split(separator):
            key = self.person(name.strip().rstrip("*"))
            if key and key not in keys:
                keys.append(key)
        return keys

    def ismir_authors(self, table: _Table, line: int, row: list[str]) -> list[str]:
        """'Name (Affiliation)*; Name (Affiliation)' — falls back to 'Last, First*; …'."""
        keys: list[str] = []
        for part in _split_top_level(table.get(row, "authors_and_affil")):
            match = re.fullmatch(r"(?P<name>[^()]+?)\s*(?:\((?P<affil>.*)\))?\s*\*?", part)
            if not match:
                keys = []
                break
            key = self.person(match["name"], normalize_name(match["affil"]))
            if key and key not in keys:
                keys.append(key)
        if keys:
            return keys
        for part in table.get(row, "authors").split(";"):
            last, _, first = part.strip().rstrip("*").partition(",")
            key = self.person(f"{first} {last}" if first else last)
            if key and key not in keys:
                keys.append(key)
        return keys

    def keywords(self, table: _Table, row: list[str]) -> list[str]:
        if table.has("keywords"):
            text = table.get(row, "keywords")
            parts = text.split("|") if "|" in text else text.split(";")
        else:
            parts = [
                table.get(row, "primary_subject"),
                *table.get(row, "secondary_subject").split(";"),
            ]
        found: list[str] = []
        for part in parts:
            word = normalize_name(part)
            if word and word not in found:
                found.append(word)
        return found

    # --- sessions ---
    def read_calendar_json(self, data: bytes, file: str) -> None:
        try:
            entries = json.loads(decode_text(data, file))
        except json.JSONDecodeError as error:
            raise ScheduleFormatError(
                f"not valid JSON: {error.msg}", file=file, line=error.lineno
            ) from None
        if isinstance(entries, dict):
            entries = entries.get("events") or entries.get("calendar") or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ScheduleFormatError("expected a list of calendar entries", file=file)
        self.covers |= {"sessions", "rooms"}
        prepared = []
        for position, entry in enumerate(entries):
            where = f"entry {position + 1}"
            title = normalize_name(str(entry.get("title") or ""))
            if not title:
                raise ScheduleFormatError(
                    "entry has no title", file=file, element=where, field="title"
                )
            start = self.when(str(entry.get("start") or ""), file=file, line=None, column="start")
            end = self.when(str(entry.get("end") or ""), file=file, line=None, column="end")
            prepared.append((start, title, position, entry, where, end))
        prepared.sort(key=lambda item: (item[0], item[1], item[2]))
        counts: dict[str, int] = defaultdict(int)
        for start, title, _position, entry, where, end in prepared:
            start, end = checked_span(
                start, end, filename=file, warnings=self.warnings, element=where
            )
            given = str(entry.get("id") or entry.get("uid") or entry.get("UID") or "").strip()
            code = re.search(r"\(([A-Za-z0-9_-]+)\)\s*$", title)
            if given:
                key = given
            elif code and (code[1] not in self.sessions or self.session_file[code[1]] != file):
                key = code[1]
            else:
                base = "cal:" + title.casefold()
                counts[base] += 1
                key = base if counts[base] == 1 else f"{base}#{counts[base]}"
            location = str(entry.get("location") or "").strip()
            location = re.sub(r"^[,\s]*Room:\s*", "", location)
            link = absolute_url(str(entry.get("link") or entry.get("url") or ""))
            room = None
            if location and not _is_link(location):
                room = location
            url = link or absolute_url(location)
            hints = [str(entry.get(k) or "") for k in ("type", "category")]
            calendar_id = str(entry.get("calendarId") or "")
            self.add_session(
                SessionData(
                    key=key,
                    title=title,
                    kind=session_kind(hints[0], title, calendar_id),
                    start=start,
                    end=end,
                    room=room,
                    url=url,
                    description=str(entry.get("description") or entry.get("abstract") or ""),
                ),
                f"{file} {where}",
                file=file,
                line=None,
            )

    def read_track_csv(self, table: _Table) -> None:
        self.covers |= {"sessions", "rooms"}
        for line, row in table.rows:
            key = table.get(row, "uid")
            if not key:
                raise table.error(line, "UID", "UID is missing")
            title = normalize_name(table.get(row, "title")) or key
            start = self.when(table.get(row, "start"), file=table.name, line=line, column="start")
            end = self.when(table.get(row, "end"), file=table.name, line=line, column="end")
            start, end = checked_span(
                start, end, filename=table.name, warnings=self.warnings, line=line
            )
            room = table.get(row, "trackUID") or table.get(row, "gather") or None
            self.add_session(
                SessionData(
                    key=key,
                    title=title,
                    kind=session_kind(table.get(row, "category"), title),
                    start=start,
                    end=end,
                    room=room,
                    url=absolute_url(table.get(row, "info_link")),
                ),
                f"{table.name}:{line}",
                file=table.name,
                line=line,
            )

    def read_events_csv(self, table: _Table) -> None:
        self.covers |= {"sessions", "rooms"}
        for line, row in table.rows:
            key = table.get(row, "uid")
            if not key:
                raise table.error(line, "uid", "uid is missing")
            title = normalize_name(table.get(row, "title")) or key
            day_text = table.get(row, "start_date")
            try:
                day = dt.date.fromisoformat(day_text)
            except ValueError:
                raise table.error(
                    line, "start_date", f"{day_text!r} is not a date (YYYY-MM-DD)"
                ) from None
            times = []
            for column in ("start_time", "end_time"):
                text = table.get(row, column)
                match = _TIME.match(text)
                if not match or int(match[1]) > 23 or int(match[2]) > 59:
                    raise table.error(line, column, f"{text!r} is not a time (H:MM)")
                times.append(
                    localize(
                        dt.datetime.combine(day, dt.time(int(match[1]), int(match[2]))),
                        self.need_zone(table.name, line, column),
                        filename=table.name,
                        warnings=self.warnings,
                        line=line,
                        field=column,
                    )
                )
            start, end = checked_span(
                times[0], times[1], filename=table.name, warnings=self.warnings, line=line
            )
            self.add_session(
                SessionData(
                    key=key,
                    title=title,
                    kind=session_kind(table.get(row, "category"), title),
                    start=start,
                    end=end,
                    description=table.get(row, "description"),
                    url=absolute_url(table.get(row, "web_link")),
                ),
                f"{table.name}:{line}",
                file=table.name,
                line=line,
            )

    def read_ics(self, data: bytes, file: str) -> None:
        self.covers |= {"sessions", "rooms"}
        parsed = ical.parse(data, ImportOptions(filename=file, timezone=self.options.timezone))
        self.warnings.extend(parsed.warnings)
        for session in parsed.sessions:
            self.add_session(session, f"{file} UID {session.key}", file=file, line=None)

    # --- orals and posters ---
    def check_session(self, table: _Table, line: int, column: str, key: str) -> SessionData:
        session = self.sessions.get(key)
        if session is None:
            raise table.error(line, column, f"session {key!r} is not in the upload's sessions")
        return session

    def check_paper(self, table: _Table, line: int, column: str, key: str) -> str:
        if self.papers and key not in self.papers:
            raise table.error(line, column, f"paper {key!r} is not in papers.csv")
        return key

    def add_poster(self, table: _Table, line: int, column: str, poster: PosterData) -> None:
        taken = self.board_lines.setdefault((poster.session, poster.board), line)
        if taken != line:
            raise table.error(
                line,
                column,
                f"board {poster.board!r} of session {poster.session!r} is already taken "
                f"(line {taken})",
            )
        if poster.key in self.poster_keys:
            raise table.error(
                line, column, f"paper {poster.paper!r} is twice in {poster.session!r}"
            )
        self.poster_keys.add(poster.key)
        self.parsed.posters.append(poster)

    def read_slots(self, table: _Table) -> None:
        """calendar_papers.csv: talk slots (start/end) and poster boards (posterNumber)."""
        self.covers |= {"orals", "posters"}
        talks: dict[str, list[tuple[dt.datetime, dt.datetime, str, int]]] = defaultdict(list)
        for line, row in table.rows:
            session_key = table.get(row, "session")
            session = self.check_session(table, line, "session", session_key)
            paper = self.check_paper(table, line, "paperUID", table.get(row, "paperUID"))
            board = table.get(row, "posterNumber")
            if board:
                if session.kind != SessionKind.POSTER:
                    self.warnings.append(
                        f"{table.name}:{line}: a poster board in session {session_key!r}, "
                        f"whose kind is {session.kind}"
                    )
                self.add_poster(
                    table,
                    line,
                    "posterNumber",
                    PosterData(
                        key=f"{paper}@{session_key}", session=session_key, board=board, paper=paper
                    ),
                )
                continue
            start = self.when(table.get(row, "start"), file=table.name, line=line, column="start")
            end = self.when(table.get(row, "end"), file=table.name, line=line, column="end")
            start, end = checked_span(
                start, end, filename=table.name, warnings=self.warnings, line=line
            )
            talks[session_key].append((start, end, paper, line))
        for session_key, slots in talks.items():
            seen: dict[str, int] = {}
            for order, (start, end, paper, line) in enumerate(sorted(slots), start=1):
                if paper in seen:
                    raise table.error(
                        line,
                        "paperUID",
                        f"paper {paper!r} is twice in session {session_key!r} (line {seen[paper]})",
                    )
                seen[paper] = line
                self.parsed.orals.append(
                    OralData(
                        key=f"{paper}@{session_key}",
                        session=session_key,
                        start=start,
                        end=end,
                        order=order,
                        paper=paper,
                    )
                )

    def read_paper_positions(self, table: _Table) -> None:
        """ISMIR papers.csv: ``session`` N + ``position`` (the board) → a poster in session N."""
        by_number: dict[str, list[str]] = defaultdict(list)
        for key, session in self.sessions.items():
            match = re.search(r"(\d+)\s*$", session.title)
            if session.kind == SessionKind.POSTER and match:
                by_number[str(int(match[1]))].append(key)
        self.covers.add("posters")
        for line, row in table.rows:
            number, board = table.get(row, "session"), table.get(row, "position")
            if not number and not board:
                continue
            if not number or not board:
                column = "position" if number else "session"
                raise table.error(line, column, f"{column} is missing (the other one is given)")
            candidates = by_number.get(str(int(number))) if number.isdigit() else None
            if not candidates or len(candidates) > 1:
                found = "no" if not candidates else "more than one"
                raise table.error(
                    line,
                    "session",
                    f"{found} poster session in the upload is numbered {number!r} "
                    "(its title should end with the number, e.g. 'Posters Session 3')",
                )
            paper = table.get(row, "uid")
            self.add_poster(
                table,
                line,
                "position",
                PosterData(
                    key=f"{paper}@{candidates[0]}", session=candidates[0], board=board, paper=paper
                ),
            )

    def finish(self) -> ParsedSchedule:
        for (file, first), (count, moved) in self.double_listed.items():
            self.warnings.append(
                f"{file}: {count} session(s) are also listed in {first} (same id, or same title "
                f"and start); each was imported once, as {first} gives it"
                + (f" ({moved} with different times there)" if moved else "")
            )
        for file, count in self.unknown_offsets.items():
            self.warnings.append(
                f"{file}: {count} time(s) with offset -00:00 (RFC 3339: local offset unknown) "
                "were read as UTC"
            )
        parsed = self.parsed
        parsed.people = list(self.people.values())
        parsed.sessions = list(self.sessions.values())
        parsed.rooms = list(self.rooms.values())
        parsed.covers = frozenset(self.covers)
        return parsed


def _title_key(title: str) -> str:
    return normalize_name(title).casefold()


def _split_top_level(text: str) -> list[str]:
    """Split on ';' outside parentheses (affiliations may contain ';')."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char == ";" and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _is_link(text: str) -> bool:
    if absolute_url(text):
        return True
    return not re.search(r"\s", text) and bool(re.search(r"\.html?\b|\?\w+=|^/", text))


# --- entry point ---------------------------------------------------------------------------------


def _role(table: _Table) -> str | None:
    return _role_of(set(table.columns))


def _role_of(columns: set[str]) -> str | None:
    if {"session", "paperuid"} <= columns:
        return "slots"
    if {"uid", "title", "start_date", "start_time", "end_time"} <= columns:
        return "events"
    if {"uid", "title", "start", "end"} <= columns:
        return "track"
    return None


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    check_size(data, options.filename)
    job = _Import(options=options)
    job.zone = resolve_zone(
        "", fallback=options.timezone, filename=options.filename, warnings=job.warnings
    )
    if not is_zip(data):
        if PurePosixPath(options.filename).suffix.casefold() == ".json":
            job.read_calendar_json(data, options.filename)  # a calendar on its own
            return job.finish()
        table = _Table.read(data, options.filename)
        role = _role(table)
        if not table.has("uid", "title", "authors") and role in ("track", "events"):
            # A session file on its own: the sessions, without their papers.
            if role == "track":
                job.read_track_csv(table)
            else:
                job.read_events_csv(table)
            return job.finish()
        if not table.has("uid", "title", "authors"):
            raise ScheduleFormatError(
                "not a MiniConf papers.csv (needs the columns UID, title, authors) nor a "
                "session file (UID, title, start, end)",
                file=options.filename,
                line=1,
            )
        job.read_papers(table)
        if table.has("session", "position"):
            job.warnings.append(
                f"{options.filename}: poster boards (session, position) were not imported; "
                "they need the sessions file (events.csv) in the same zip"
            )
        return job.finish()

    papers: _Table | None = None
    tables: dict[str, list[_Table]] = defaultdict(list)
    calendars: list[tuple[str, bytes]] = []
    icals: list[tuple[str, bytes]] = []
    for member, content in read_zip(data, options.filename):
        name = f"{options.filename}/{member}"
        base = PurePosixPath(member).name.casefold()
        suffix = PurePosixPath(base).suffix
        if base == "papers.csv":
            papers = _Table.read(content, name)
            if not papers.has("uid", "title", "authors"):
                raise ScheduleFormatError(
                    "not a MiniConf papers.csv (needs the columns UID, title, authors)",
                    file=name,
                    line=1,
                )
        elif suffix == ".csv":
            table = _Table.read(content, name)
            role = _role(table)
            if role is None:
                job.warnings.append(
                    f"{options.filename}: ignored {member} (columns not recognised)"
                )
            else:
                tables[role].append(table)
        elif suffix == ".json" and "calendar" in base:
            calendars.append((name, content))
        elif suffix == ".ics":
            icals.append((name, content))
        elif suffix in (".yml", ".yaml") and (part := miniconf_yaml.sitedata(content, name)):
            if part.booths:
                job.parsed.booths.extend(part.booths)
                job.covers.add("booths")
            elif part.sessions:
                for session in part.sessions:
                    job.add_session(session, f"{name} {session.key}", file=name, line=None)
                job.covers |= {"sessions", "rooms"}
            else:
                job.warnings.append(
                    f"{options.filename}: ignored {member} (papers come from papers.csv)"
                )
        else:
            job.warnings.append(
                f"{options.filename}: ignored {member} (not a MiniConf file read here)"
            )
    if papers is None:
        raise ScheduleFormatError("the zip holds no papers.csv", file=options.filename)

    job.read_papers(papers)
    # The session CSVs first: when a calendar JSON lists the same sessions again (sites keep
    # both), the CSV's entry, with its id, description and category, is the one kept.
    for table in tables["track"]:
        job.read_track_csv(table)
    for table in tables["events"]:
        job.read_events_csv(table)
    for name, content in calendars:
        job.read_calendar_json(content, name)
    if job.sessions or calendars or tables["track"] or tables["events"]:
        for name, _content in icals:
            job.warnings.append(f"{name}: ignored; the sessions come from the other calendar files")
    else:
        for name, content in icals:
            job.read_ics(content, name)
    for table in tables["slots"]:
        job.read_slots(table)
    if papers.has("session", "position"):
        job.read_paper_positions(papers)
    return job.finish()
