"""The normalized shape every importer produces: bytes in, these dataclasses out, no ORM.

Every datetime is timezone-aware (any zone; the upsert stores UTC). Keys are strings that
identify an item within one import source and stay stable across versions of the file:
the guid when the format has one, else the file's id (see each importer). References between
items (a session's room, an oral's paper) use those keys.

Importers raise :class:`ScheduleFormatError` for input they cannot accept: it names the
file and, where known, the line or element and the field. Ambiguities that were resolved
(an alias zone mapped, a local time marked ``Z``) become warnings on the result, never
silent guesses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def storable(text: str) -> str:
    """``text`` with what PostgreSQL cannot store in text or jsonb (NUL, lone surrogates)
    written as escapes, for messages that quote the input."""
    if text.isascii() and "\x00" not in text:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored (a NUL character or a lone surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (invalid Unicode)"
    return None


class ScheduleFormatError(Exception):
    """Input that cannot be imported. ``str()`` reads like ``schedule.xml:120: <event id="7">: start: …``.

    Every part may quote the input (and callers add a field after the fact); ``str()`` and
    :meth:`as_dict` escape NUL and lone surrogates so the error can be stored
    (ImportRun.errors is jsonb) and shown."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        element: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.element = element
        self.field = field

    def location(self) -> str:
        where = storable(self.file)
        if self.line is not None:
            where += f":{self.line}"
        if self.element:
            where += f": {storable(self.element)}"
        return where

    def __str__(self) -> str:
        prefix = self.location()
        if self.field:
            prefix += f": {storable(self.field)}"
        return f"{prefix}: {storable(self.message)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "message": storable(self.message),
            "file": storable(self.file),
            "line": self.line,
            "element": None if self.element is None else storable(self.element),
            "field": None if self.field is None else storable(self.field),
        }


@dataclass(slots=True)
class ConferenceInfo:
    name: str = ""
    acronym: str = ""
    timezone: str = ""  # canonical IANA name, or "" when the file declares none
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    venue: str = ""
    url: str = ""


@dataclass(slots=True)
class RoomData:
    key: str  # guid if the file has one, else the name
    name: str
    kind: str = "room"  # planner.enums.RoomKind value
    position: int = 0
    capacity: int | None = None


@dataclass(slots=True)
class TrackData:
    name: str
    colour: str = ""  # "#rrggbb" or ""


@dataclass(slots=True)
class PersonData:
    key: str
    name: str
    affiliation: str = ""


@dataclass(slots=True)
class PaperData:
    key: str
    title: str
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # person keys, in author order
    arxiv_id: str = ""
    openreview_id: str = ""
    pdf_url: str = ""
    project_url: str = ""
    code_url: str = ""
    video_url: str = ""
    site_url: str = ""
    status: str = ""  # acceptance as published ("Oral", "Poster", "Highlight"), or ""


# Paper fields an enriching list (see ParsedSchedule.enrich_papers) may fill in when empty.
PAPER_LINK_FIELDS = (
    "arxiv_id",
    "openreview_id",
    "pdf_url",
    "project_url",
    "code_url",
    "video_url",
    "site_url",
    "status",
)


@dataclass(slots=True)
class SessionData:
    key: str
    title: str
    kind: str  # planner.enums.SessionKind value
    start: dt.datetime
    end: dt.datetime
    room: str | None = None  # room key
    track: str | None = None  # track name
    description: str = ""
    url: str = ""
    ref: str = ""  # the id the file shows, when it differs from the key
    speakers: list[str] = field(default_factory=list)  # person keys
    chairs: list[str] = field(default_factory=list)  # person keys
    cancelled: bool = False


@dataclass(slots=True)
class OralData:
    key: str
    session: str  # session key
    start: dt.datetime
    end: dt.datetime
    order: int
    paper: str | None = None  # paper key
    title: str = ""
    speakers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PosterData:
    key: str
    session: str  # session key
    board: str
    paper: str | None = None
    title: str = ""


@dataclass(slots=True)
class BoothData:
    key: str
    exhibitor: str
    number: str = ""
    room: str | None = None
    tier: str = ""
    tags: list[str] = field(default_factory=list)
    website: str = ""
    description: str = ""
    hours: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)


@dataclass(slots=True)
class MenuItemData:
    name: str
    dietary: list[str] = field(default_factory=list)
    description: str = ""


@dataclass(slots=True)
class MealData:
    key: str
    kind: str  # planner.enums.MealKind value
    title: str
    start: dt.datetime
    end: dt.datetime
    room: str | None = None
    dietary_options: list[str] = field(default_factory=list)
    menu: list[MenuItemData] = field(default_factory=list)
    notes: str = ""


@dataclass(slots=True)
class ParsedSchedule:
    format: str  # planner.enums.ImportFormat value
    conference: ConferenceInfo = field(default_factory=ConferenceInfo)
    rooms: list[RoomData] = field(default_factory=list)
    tracks: list[TrackData] = field(default_factory=list)
    people: list[PersonData] = field(default_factory=list)
    papers: list[PaperData] = field(default_factory=list)
    sessions: list[SessionData] = field(default_factory=list)
    orals: list[OralData] = field(default_factory=list)
    posters: list[PosterData] = field(default_factory=list)
    booths: list[BoothData] = field(default_factory=list)
    meals: list[MealData] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Which collections this file is the whole truth about. Items of a covered collection
    # that a previous import made and this file lacks are cancelled; uncovered collections
    # are left alone (a posters.csv on its own says nothing about booths).
    covers: frozenset[str] = frozenset()
    # A paper list that enriches a program (Paper Copilot): each paper not imported before
    # from this source is first matched by normalized title to the conference's papers from
    # any source; a match gains the links it lacks (nothing else changes), the rest are added.
    enrich_papers: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "rooms": len(self.rooms),
            "tracks": len(self.tracks),
            "people": len(self.people),
            "papers": len(self.papers),
            "sessions": len(self.sessions),
            "orals": len(self.orals),
            "posters": len(self.posters),
            "booths": len(self.booths),
            "meals": len(self.meals),
        }


COLLECTIONS = frozenset(
    {"rooms", "tracks", "people", "papers", "sessions", "orals", "posters", "booths", "meals"}
)


@dataclass(slots=True)
class ImportOptions:
    """What the caller knows that the file may not say."""

    filename: str
    timezone: str = ""  # the conference's zone (or --timezone); used for local times
