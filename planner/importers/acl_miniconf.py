"""ACL MiniConf: the ``conference.json`` of ACL's MiniConf fork, or a folder (zip) of its files.

ACL and EACL run their virtual sites on ``acl-org/acl-*-miniconf``; what they publish is
JSON, in two layouts:

``conference.json`` (ACL 2023)
    ``{"sessions": {id: {name, type, start_time, end_time, events: {id: event}}},
    "papers": {id: paper}, "events": {id: event}}``. A *session* is a time block
    ("Session 10"); its *events* run in parallel, each with a ``type`` (Oral, Poster, Virtual
    Poster, Spotlight, Plenary Sessions, Tutorials, Workshops, Socials), a ``room``, a
    ``track`` and its ``paper_ids`` in order. Papers carry ordered ``authors``, ``category``
    (Main-Oral, Findings, TACL…), ``underline_url``, ``paper_pdf``, ``event_ids``.
A build folder (EACL 2024), zipped
    ``papers.json`` (a list of papers as above), ``calendar.json`` / ``schedule.json`` (the
    FullCalendar feed: ``{title, type, start, end, location, url}`` with RFC 1123 GMT times),
    ``break.json`` (coffee and lunch breaks → meals), ``plenaries.json`` (speakers and bios,
    no times: joined to the calendar's plenaries by title), ``event.json`` (socials with naive
    local times), ``bof.json`` (affinity meetings; pandas wrote bare ``NaN`` for rooms) and a
    ``conference.json`` of the first layout (read like one).

What becomes what: every *event* is a Boardwalk session (the time block's name goes into its
title: "Session 10: Generation (Oral)", the topic of a paper session is its track); its kind
from the type (Virtual Poster → poster in a
virtual room, Spotlight → oral, Plenary → keynote). The papers of a poster event are posters;
the file has no board numbers, so each is labelled with its paper id (a warning says so). The
papers of any other event are its talks (orals) in the listed order; the file gives no
per-talk times, so each spans its session (a warning says so). Keys: events and papers by
their ids, orals and posters ``<paper id>@<event id>``, people ``name:`` + casefolded name.

The FullCalendar feed lists many items twice (once for the day tab, once for the session
list) and the time blocks next to their parallel sessions; each item is kept once (the
listing with a room wins), blocks that only group parallel sessions are dropped, and a
warning counts both. Signed video links (``X-Amz-Signature``, expired within days) are not
kept.

ACL 2023's conference.json writes UTC wall clocks with Toronto's offset for everything outside
its paper sessions (the opening keynote at "13:00-04:00", 09:00 in Toronto); in a folder with
socials_data.json (honest UTC) that lists the same socials at the same wall clock, those
events are read as UTC, with a warning (see :func:`_utc_labelled_local`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import io
import json
import math
import re
import zipfile
from collections import defaultdict
from pathlib import PurePosixPath
from typing import Any, TypeGuard

from planner.enums import ImportFormat, MealKind, RoomKind, SessionKind
from planner.importers.base import (
    ConferenceInfo,
    ImportOptions,
    MealData,
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
    is_zip,
    json_document,
    json_list,
    json_object,
    lmt_corrected,
    localize,
    meal_kind,
    normalize_name,
    normalize_title,
    parse_iso_datetime,
    person_key,
    read_zip,
    resolve_zone,
    session_kind,
    tolerate_broken,
)

_BOM = b"\xef\xbb\xbf"
_CALENDAR_NAMES = ("calendar.json", "schedule.json")
# The files of an ACL build folder; each may also come on its own (named so).
_FILES = frozenset(
    {
        "papers.json",
        "conference.json",
        *_CALENDAR_NAMES,
        "break.json",
        "bof.json",
        "socials_data.json",
        "event.json",
        "plenaries.json",
    }
)
_KINDS = {
    "oral": SessionKind.ORAL,
    "spotlight": SessionKind.ORAL,
    "poster": SessionKind.POSTER,
    "virtual poster": SessionKind.POSTER,
    "plenary sessions": SessionKind.KEYNOTE,
    "plenary": SessionKind.KEYNOTE,
    "keynote": SessionKind.KEYNOTE,
    "tutorials": SessionKind.TUTORIAL,
    "tutorial": SessionKind.TUTORIAL,
    "workshops": SessionKind.WORKSHOP,
    "workshop": SessionKind.WORKSHOP,
    "socials": SessionKind.SOCIAL,
    "social": SessionKind.SOCIAL,
    "breaks": SessionKind.BREAK,
}
# Event types whose title says the type, since the kind alone does not (virtual, spotlight).
_LABELS = {"oral", "poster", "virtual poster", "spotlight"}
_BREAK_TITLE = re.compile(r"(?:coffee|lunch|tea)(?: break)?(?: \d+)?")
_ANCHOR = re.compile(r"^link-[a-z]+\d+-(.+)$")


# --- detection ---------------------------------------------------------------------------------


def _is_conference(document: object) -> TypeGuard[dict[str, Any]]:
    if not isinstance(document, dict):
        return False
    sessions, papers = document.get("sessions"), document.get("papers")
    if not isinstance(sessions, dict) or not isinstance(papers, dict):
        return False
    if not sessions and not papers:
        return isinstance(document.get("events"), dict)
    return any(isinstance(s, dict) and "events" in s for s in sessions.values()) or any(
        isinstance(p, dict) and "event_ids" in p for p in papers.values()
    )


def _is_papers_list(head: bytes) -> bool:
    text = head.removeprefix(_BOM).lstrip()
    return text.startswith(b"[") and b'"event_ids"' in text and b'"title"' in text


def sniff(data: bytes, filename: str) -> bool:
    if is_zip(data):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = {
                    PurePosixPath(info.filename).name.casefold(): info
                    for info in archive.infolist()[:MAX_ZIP_MEMBERS]
                    if not info.is_dir()
                }
                if "papers.json" in infos:
                    with archive.open(infos["papers.json"]) as handle:
                        return _is_papers_list(handle.read(65536))
                info = infos.get("conference.json")
                if info is not None and info.file_size <= 20 * 1024 * 1024:
                    with archive.open(info) as handle:
                        return _is_conference(json.loads(handle.read().removeprefix(_BOM)))
        except (*ZIP_ERRORS, RecursionError):
            return False
        return False
    head = data[:65536].removeprefix(_BOM).lstrip()
    base = PurePosixPath(filename).name.casefold()
    if base == "papers.json":
        return _is_papers_list(head)
    if not head.startswith((b"{", b"[")) or len(data) > 20 * 1024 * 1024:
        return False
    if b'"sessions"' not in head and base not in _FILES:
        return False
    try:
        document = json.loads(data.removeprefix(_BOM))
    except (ValueError, RecursionError):
        return False
    return _is_conference(document) or _is_part(base, document)


def _is_part(base: str, document: object) -> bool:
    """One file of a build folder on its own, recognized by its name and shape."""
    items: list = []
    if isinstance(document, list):
        items = document[:20]
    elif isinstance(document, dict):
        items = list(document.values())[:20]
    items = [item for item in items if isinstance(item, dict)]
    if base in _CALENDAR_NAMES:
        return bool(items) and all({"title", "start", "end", "type"} <= set(i) for i in items)
    if base in ("break.json", "bof.json", "socials_data.json", "plenaries.json"):
        return bool(items) and all({"start_time", "end_time"} <= set(i) for i in items)
    if base == "event.json":
        return isinstance(document, dict) and isinstance(document.get("social_events"), list)
    return False


# --- helpers -----------------------------------------------------------------------------------


def _text(value: object) -> str:
    """A string field; ``null`` and pandas' ``NaN`` are empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return normalize_name(str(value))


def _load(data: bytes, name: str) -> Any:
    return json_document(data, name)


def _room_kind(name: str) -> str:
    folded = name.casefold()
    if "virtual" in folded or "gathertown" in folded or "zoom" in folded:
        return RoomKind.VIRTUAL
    if "poster" in folded:
        return RoomKind.POSTER_HALL
    return RoomKind.ROOM


class _Job:
    def __init__(self, options: ImportOptions) -> None:
        self.options = options
        self.warnings: list[str] = []
        self.parsed = ParsedSchedule(format=ImportFormat.ACL_MINICONF, warnings=self.warnings)
        self.zone = resolve_zone(
            "", fallback=options.timezone, filename=options.filename, warnings=self.warnings
        )
        self.people: dict[str, PersonData] = {}
        self.papers: dict[str, PaperData] = {}
        self.sessions: dict[str, SessionData] = {}
        self.rooms: dict[str, RoomData] = {}
        self.members: dict[str, list[str]] = defaultdict(list)  # event key → paper ids in order
        self.signed_videos = 0
        self.covers: set[str] = set()
        self.kept: set[str] = set()  # keys of events skipped as unreadable
        self.block_type: dict[str, str] = {}  # conference.json event key → its block's type
        # Socials of conference.json that a UTC socials file retimed: (event key, its wall
        # clock read as UTC is the UTC file's instant).
        self.retimed: list[tuple[str, bool]] = []

    # --- values ---
    def when(self, value: object, *, file: str, element: str, field: str) -> dt.datetime:
        moment = parse_iso_datetime(
            _text(value), tz=self.zone, filename=file, element=element, field=field
        )
        # MiniConf data is written by Python scripts: an offset that is the zone's local mean
        # time (+00:58 for Europe/Malta) is the pytz LMT bug; the wall time is meant.
        return lmt_corrected(
            moment, self.zone, filename=file, warnings=self.warnings, element=element, field=field
        )

    def room(self, value: object) -> str | None:
        name = _text(value)
        if not name:
            return None
        if name not in self.rooms:
            self.rooms[name] = RoomData(key=name, name=name, kind=_room_kind(name))
        return name

    # --- papers ---
    def add_paper(self, raw: object, file: str, where: str) -> None:
        if not isinstance(raw, dict):
            raise ScheduleFormatError("a paper is not a JSON object", file=file, element=where)
        key = _key(_text(raw.get("id") or raw.get("UID")))
        title = _text(raw.get("title"))
        if not key or not title:
            raise ScheduleFormatError(
                f"paper needs an id and a title (got id {key!r})",
                file=file,
                element=where,
                field="title" if key else "id",
            )
        if key in self.papers:
            raise ScheduleFormatError(f"paper {key!r} appears twice", file=file, element=where)
        authors = raw.get("authors") or []
        if isinstance(authors, str):
            authors = [a for a in re.split(r"\s*[,|]\s*", authors) if a]
        authors = json_list(authors, file=file, element=where, field="authors")
        keys = []
        for name in authors:
            name = _text(name)
            if not name:
                continue
            pkey = person_key(name)
            self.people.setdefault(pkey, PersonData(key=pkey, name=name))
            if pkey not in keys:
                keys.append(pkey)
        video = absolute_url(_text(raw.get("video_url")))
        if "X-Amz-Signature=" in video:
            self.signed_videos += 1
            video = ""
        keywords = json_list(raw.get("keywords"), file=file, element=where, field="keywords")
        keywords = [k for k in (_text(k) for k in keywords) if k]
        self.papers[key] = PaperData(
            key=key,
            title=title,
            abstract=_text(raw.get("abstract")) or _text(raw.get("tldr")),
            keywords=keywords,
            authors=keys,
            pdf_url=absolute_url(_text(raw.get("paper_pdf"))),
            site_url=absolute_url(_text(raw.get("underline_url")))
            or absolute_url(_text(raw.get("anthology_url"))),
            video_url=video,
            status=_text(raw.get("category"))[:40],
        )

    # --- sessions ---
    def add_event(self, raw: object, *, block: str, file: str) -> None:
        if not isinstance(raw, dict):
            raise ScheduleFormatError("an event is not a JSON object", file=file, element=block)
        key = _key(_text(raw.get("id")))
        where = f"event {key!r}"
        if not key:
            raise ScheduleFormatError("event has no id", file=file, element=block, field="id")
        kind_text = _text(raw.get("type"))
        track = _text(raw.get("track"))
        title = _event_title(kind_text, track, block, key)
        start = self.when(raw.get("start_time"), file=file, element=where, field="start_time")
        end = self.when(raw.get("end_time"), file=file, element=where, field="end_time")
        start, end = checked_span(start, end, filename=file, warnings=self.warnings, element=where)
        kind = _KINDS.get(kind_text.casefold()) or session_kind(kind_text, title)
        if kind == SessionKind.SOCIAL and _BREAK_TITLE.fullmatch(normalize_title(title)):
            kind = session_kind(title)  # ACL files its coffee and lunch breaks as "Socials"
        session = SessionData(
            key=key,
            title=title,
            kind=kind,
            start=start,
            end=end,
            room=self.room(raw.get("room")),
            track=track if track and kind_text.casefold() in _LABELS else None,
            url=absolute_url(_text(raw.get("link"))),
        )
        if key in self.sessions:
            if _same(self.sessions[key], session):
                self.warnings.append(f"{file}: {where} is listed twice; imported once")
                return
            raise ScheduleFormatError(
                "event id used by two different events", file=file, element=where
            )
        self.sessions[key] = session
        for paper in json_list(raw.get("paper_ids"), file=file, element=where, field="paper_ids"):
            paper = _key(_text(paper))
            if paper and paper not in self.members[key]:
                self.members[key].append(paper)

    # --- orals and posters ---
    def link_papers(self, file: str) -> None:
        missing: dict[str, int] = defaultdict(int)
        orals = posters = 0
        for event_key, paper_ids in self.members.items():
            session = self.sessions.get(event_key)
            if session is None:
                continue
            order = 0
            for paper in paper_ids:
                if paper not in self.papers:
                    missing[event_key] += 1
                    continue
                if session.kind == SessionKind.POSTER:
                    self.parsed.posters.append(
                        PosterData(
                            key=f"{paper}@{event_key}",
                            session=event_key,
                            board=paper[:20],
                            paper=paper,
                        )
                    )
                    posters += 1
                else:
                    order += 1
                    self.parsed.orals.append(
                        OralData(
                            key=f"{paper}@{event_key}",
                            session=event_key,
                            start=session.start,
                            end=session.end,
                            order=order,
                            paper=paper,
                        )
                    )
                    orals += 1
        if missing:
            total = sum(missing.values())
            sample = ", ".join(sorted(missing)[:3])
            self.warnings.append(
                f"{file}: {total} paper id(s) in {len(missing)} event(s) ({sample}…) are not "
                "among the papers; those papers were skipped"
            )
        if posters:
            self.warnings.append(
                f"{file}: the file has no poster board numbers; {posters} posters are labelled "
                "with their paper id"
            )
        if orals:
            self.warnings.append(
                f"{file}: the file gives no per-talk times; {orals} talks span their session, "
                "in the listed order"
            )

    def finish(self) -> ParsedSchedule:
        if self.signed_videos:
            self.warnings.append(
                f"{self.options.filename}: {self.signed_videos} signed video links (expiring "
                "X-Amz-Signature URLs) were not kept"
            )
        parsed = self.parsed
        parsed.people = list(self.people.values())
        parsed.papers = list(self.papers.values())
        parsed.sessions = list(self.sessions.values())
        parsed.rooms = list(self.rooms.values())
        parsed.covers = frozenset(self.covers)
        parsed.kept = frozenset(self.kept - {""})
        times = [s.start for s in parsed.sessions] + [m.start for m in parsed.meals]
        ends = [s.end for s in parsed.sessions] + [m.end for m in parsed.meals]
        if times:
            local = self.zone
            parsed.conference = ConferenceInfo(
                start_date=min(t.astimezone(local) if local else t for t in times).date(),
                end_date=max(t.astimezone(local) if local else t for t in ends).date(),
            )
        return parsed


def _key(text: str) -> str:
    """An id short enough to store with a paper id in front (ACL workshop ids run to 232
    characters; an oral's key is ``<paper>@<event>`` and keys hold 200): a long one keeps
    its first 80 characters and a digest of the whole."""
    if len(text) <= 97:
        return text
    return f"{text[:80]}~{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _event_title(kind_text: str, track: str, block: str, key: str) -> str:
    title = track or block or key
    if kind_text.casefold() in _LABELS:
        if block and block.casefold() not in title.casefold():
            title = f"{block}: {title}"
        title = f"{title} ({kind_text})"
    return title


def _same(a: SessionData, b: SessionData) -> bool:
    return (a.title, a.kind, a.start, a.end, a.room) == (b.title, b.kind, b.start, b.end, b.room)


# --- conference.json -------------------------------------------------------------------------------


def _read_conference(job: _Job, document: object, file: str) -> None:
    if not _is_conference(document):
        raise ScheduleFormatError(
            "not an ACL MiniConf conference.json (needs the objects sessions and papers)",
            file=file,
        )
    job.covers |= {"sessions", "rooms", "orals", "posters"}
    for key, raw in document["papers"].items():
        job.add_paper(raw, file, f"paper {key!r}")
    seen: set[str] = set()
    broken: list[ScheduleFormatError] = []
    total = 0

    def add(event: object, block: str) -> None:
        nonlocal total
        total += 1
        before = set(job.sessions)
        try:
            job.add_event(event, block=block, file=file)
        except ScheduleFormatError as error:
            broken.append(error)  # that event is skipped (see tolerate_broken)
            for added in set(job.sessions) - before:
                job.sessions.pop(added)
                job.members.pop(added, None)
            if isinstance(event, dict):
                # What an earlier import made of it (the session, its talks and posters) is
                # left as it was, not cancelled.
                key = _key(_text(event.get("id")))
                papers = event.get("paper_ids")
                papers = papers if isinstance(papers, list) else []
                job.kept |= {key} | {f"{_key(_text(p))}@{key}" for p in papers}

    for key, block in document["sessions"].items():
        if not isinstance(block, dict) or not isinstance(block.get("events") or {}, dict):
            raise ScheduleFormatError(
                "a session is not an object with an events object",
                file=file,
                element=f"session {key!r}",
            )
        name = _text(block.get("name")) or _text(key)
        for event in (block.get("events") or {}).values():
            add(event, name)
            if isinstance(event, dict):
                seen.add(_key(_text(event.get("id"))))
                job.block_type[_key(_text(event.get("id")))] = _text(block.get("type"))
    events = json_object(document.get("events"), file=file, field="events")
    for key, event in events.items():
        if _key(_text(key)) in seen:
            continue
        add(event, _text(event.get("session")) if isinstance(event, dict) else "")
    tolerate_broken(broken, total, filename=file, warnings=job.warnings)
    ignored = [
        name
        for name in ("tutorials", "workshops", "plenaries")
        if isinstance(document.get(name), dict) and document[name]
    ]
    if ignored:
        job.warnings.append(
            f"{file}: {', '.join(ignored)} not read from here (they carry placeholder times; "
            "the calendar and the sessions have the real ones)"
        )


# --- the build folder ---------------------------------------------------------------------------


def _rfc1123(value: object, *, file: str, element: str, field: str) -> dt.datetime:
    text = _text(value)
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ScheduleFormatError(
            f"{text!r} is not a date-time like 'Tue, 19 Mar 2024 12:00:00 GMT'",
            file=file,
            element=element,
            field=field,
        )
    return parsed


def _read_calendar(job: _Job, entries: object, file: str, *, meals_elsewhere: bool) -> None:
    if not isinstance(entries, list):
        raise ScheduleFormatError("expected a list of calendar entries", file=file)
    job.covers |= {"sessions", "rooms"}
    rows = []
    broken: list[ScheduleFormatError] = []
    for index, entry in enumerate(entries, start=1):
        where = f"entry {index}"
        if not isinstance(entry, dict):
            raise ScheduleFormatError("entry is not an object", file=file, element=where)
        url = _text(entry.get("url"))
        anchor = url.split("#", 1)[1] if "#" in url else ""
        match = _ANCHOR.match(anchor)
        try:
            start = _rfc1123(entry.get("start"), file=file, element=where, field="start")
            end = _rfc1123(entry.get("end"), file=file, element=where, field="end")
            start, end = checked_span(
                start, end, filename=file, warnings=job.warnings, element=where
            )
        except ScheduleFormatError as error:
            # That entry is skipped (see tolerate_broken); what an earlier import made of it
            # is left as it was.
            broken.append(error)
            if match:
                job.kept.add(_key(match[1]))
            continue
        location = re.sub(r"^[,\s]*Room:\s*", "", _text(entry.get("location")))
        rows.append(
            {
                "where": where,
                "type": _text(entry.get("type")),
                "title": _text(entry.get("title")),
                "start": start,
                "end": end,
                "id": match[1] if match else "",
                "tab": anchor.startswith("tab-"),
                "room": location,
                "url": url,
            }
        )
    tolerate_broken(
        broken, len(entries), filename=file, warnings=job.warnings, what="calendar entries"
    )
    ids = {row["id"] for row in rows if row["id"]}
    blocks = {
        row["id"]: row["title"]
        for row in rows
        if row["id"] and any(other.startswith(row["id"] + "_-") for other in ids)
    }
    spans = defaultdict(list)
    for row in rows:
        spans[(row["type"], row["start"], row["end"])].append(row)
    grouping = tabs = breaks = 0
    meals: dict[str, MealData] = {}
    for row in rows:
        if row["id"] in blocks:
            grouping += 1
            continue
        if row["tab"] and _listed_again(row, spans[(row["type"], row["start"], row["end"])]):
            tabs += 1
            continue
        if row["type"].casefold() == "breaks":
            if meals_elsewhere:
                breaks += 1
                continue
            key = row["id"] or f"break:{row['start'].isoformat()}"
            meals.setdefault(
                key,
                MealData(
                    key=key,
                    kind=meal_kind(row["title"]) or MealKind.COFFEE,
                    title=row["title"],
                    start=row["start"],
                    end=row["end"],
                    room=job.room(row["room"]),
                ),
            )
            continue
        title, label = row["title"], ""
        prefix = re.match(r"^(Oral|Poster|Plenary|Spotlight|Virtual Poster):\s*(.+)$", title)
        if prefix:
            label, title = prefix[1], prefix[2]
        block = ""
        if row["id"] and "_-" in row["id"]:
            block = blocks.get(row["id"].split("_-", 1)[0], "")
        kind_text = label if label and label != "Plenary" else row["type"]
        if label == "Plenary":
            kind_text = "Plenary"
        key = row["id"] or (
            f"{row['type'].casefold()}:{row['start'].isoformat()}:{normalize_title(title)}"
        )
        raw = {
            "id": key,
            "type": kind_text,
            "track": title,
            "start_time": row["start"].isoformat(),
            "end_time": row["end"].isoformat(),
            "room": row["room"] or None,
        }
        job.add_event(raw, block=block, file=file)
        session = job.sessions[_key(key)]
        session.url = session.url or absolute_url(row["url"])
    if meals:
        job.parsed.meals.extend(meals.values())
        job.covers.add("meals")
    notes = []
    if grouping:
        notes.append(f"{grouping} time blocks that only group parallel sessions were dropped")
    if tabs:
        notes.append(f"{tabs} day-tab repeats of other entries were imported once")
    if breaks:
        notes.append(f"{breaks} breaks were taken from break.json instead")
    if notes:
        job.warnings.append(f"{file}: " + "; ".join(notes))


def _listed_again(row: dict[str, Any], group: list[dict[str, Any]]) -> bool:
    """A day-tab entry that another entry of the same type and span lists again: one whose
    title or page ("workshop_CASE.html") contains its title, or the only other entry there."""
    others = [other for other in group if not other["tab"]]
    title = normalize_title(row["title"])
    if any(
        title and title in normalize_title(f"{other['title']} {other['url']}") for other in others
    ):
        return True
    return len(others) == 1 and len(group) == 2


def _read_breaks(job: _Job, document: object, file: str) -> None:
    if not isinstance(document, dict):
        raise ScheduleFormatError("expected an object of breaks", file=file)
    job.covers.add("meals")
    for key, raw in document.items():
        where = f"break {key!r}"
        if not isinstance(raw, dict):
            raise ScheduleFormatError("break is not an object", file=file, element=where)
        start = job.when(raw.get("start_time"), file=file, element=where, field="start_time")
        end = job.when(raw.get("end_time"), file=file, element=where, field="end_time")
        start, end = checked_span(start, end, filename=file, warnings=job.warnings, element=where)
        title = _text(raw.get("session")) or _text(raw.get("track")) or _text(key)
        job.parsed.meals.append(
            MealData(
                key=_text(raw.get("id")) or _text(key),
                kind=meal_kind(title, _text(raw.get("track"))) or MealKind.COFFEE,
                title=title,
                start=start,
                end=end,
                room=job.room(raw.get("room")),
            )
        )


def _socials_at(job: _Job) -> set[tuple[dt.datetime, dt.datetime]]:
    return {(s.start, s.end) for s in job.sessions.values() if s.kind == SessionKind.SOCIAL}


def _read_bof(job: _Job, document: object, file: str) -> None:
    """bof.json ({name: meeting}) or socials_data.json ([social]): socials, each once."""
    if isinstance(document, list):
        items = [
            ((_text(raw.get("name")) if isinstance(raw, dict) else "") or str(index), raw)
            for index, raw in enumerate(document, start=1)
        ]
    elif isinstance(document, dict):
        items = list(document.items())
    else:
        raise ScheduleFormatError("expected an object or a list of meetings", file=file)
    taken = _socials_at(job)
    socials = [s for s in job.sessions.values() if s.kind == SessionKind.SOCIAL]
    repeats, retimed = 0, []
    for key, raw in items:
        where = f"meeting {key!r}"
        if not isinstance(raw, dict):
            raise ScheduleFormatError("meeting is not an object", file=file, element=where)
        start = job.when(raw.get("start_time"), file=file, element=where, field="start_time")
        end = job.when(raw.get("end_time"), file=file, element=where, field="end_time")
        start, end = checked_span(start, end, filename=file, warnings=job.warnings, element=where)
        if (start, end) in taken:
            repeats += 1
            continue
        room = _text(raw.get("room")) or None
        events = raw.get("events")
        for event in events.values() if isinstance(events, dict) else []:
            if isinstance(event, dict):
                room = room or _text(event.get("room")) or None
        label, name = _text(key), _text(raw.get("display_name") or raw.get("name"))
        same = _same_social(socials, name)
        if same is not None:
            # The same social under the same name at another time: this file (the later,
            # UTC one at ACL 2023) has its time and room; the other listing is kept once.
            repeats += 1
            if (same.start, same.end) != (start, end):
                retimed.append(f"{same.title!r} {same.start.isoformat()} → {start.isoformat()}")
                # Evidence only when the start moved: at a zero offset (UTC, Lisbon in
                # winter) the wall clock read as UTC is the same instant, so a social that
                # only ends later would count.
                moved_clock = start != same.start and _as_utc(same.start) == start
                job.retimed.append((same.key, moved_clock))
                same.start, same.end = start, end
            same.room = same.room or job.room(room)
            continue
        job.add_event(
            {
                "id": f"bof:{_text(raw.get('id')) or label}",
                "type": _text(raw.get("type")) or "Socials",
                "track": f"{label}: {name}" if name and name != label else label,
                "start_time": start.isoformat(),
                "end_time": end.isoformat(),
                "room": room,
                "link": raw.get("link"),
            },
            block="",
            file=file,
        )
    if repeats:
        job.warnings.append(
            f"{file}: {repeats} meeting(s) are already in the program (same time or same "
            "name); imported once"
        )
    if retimed:
        job.warnings.append(
            f"{file}: {len(retimed)} social(s) listed elsewhere at another time took this "
            f"file's time: {'; '.join(retimed[:3])}"
        )


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """The same wall clock read as UTC (``13:00-04:00`` → ``13:00Z``)."""
    return moment.replace(tzinfo=dt.UTC)


def _utc_labelled_local(job: _Job, conference_file: str, socials_file: str) -> None:
    """ACL 2023's conference.json gives the times of everything outside its paper sessions
    (plenaries, tutorials, workshops, socials, the Findings poster blocks) as UTC wall clocks
    labelled with Toronto's offset: the welcome keynote at "13:00-04:00", 09:00 in Toronto;
    socials_data.json, in honest UTC, lists the same socials at the same wall clock.

    When at least three socials a UTC file retimed, and two thirds of them at least, moved by
    exactly that (same wall clock, the offset dropped; at ACL 2023, 7 of 9: the other two
    really moved to another day), the other events of conference.json outside the blocks of
    type "Paper Sessions" are read the same way, with a warning. Without that evidence
    nothing moves."""
    same_clock = sum(matches for _, matches in job.retimed)
    if same_clock < 3 or 3 * same_clock < 2 * len(job.retimed):
        return
    done = {key for key, _ in job.retimed}
    moved: list[SessionData] = []
    for key, kind in job.block_type.items():
        session = job.sessions.get(key)
        if session is None or key in done or kind.casefold() == "paper sessions":
            continue
        offset = session.start.utcoffset()
        if not offset:
            continue
        session.start, session.end = _as_utc(session.start), _as_utc(session.end)
        moved.append(session)
    if moved:
        first = min(moved, key=lambda s: s.start)
        job.warnings.append(
            f"{conference_file}: gives UTC wall clocks with the local offset outside its paper "
            f"sessions ({socials_file} lists {same_clock} of the same socials at the same "
            f"wall clock in UTC); {len(moved)} plenaries, tutorials, workshops, socials and "
            f"poster blocks were read as UTC, e.g. {first.title!r} at "
            f"{first.start.isoformat()}"
        )


def _same_social(socials: list[SessionData], name: str) -> SessionData | None:
    """The program's social with this name (one title containing the other), if only one."""
    folded = normalize_title(name)
    if len(folded) < 5:
        return None
    found = [
        s
        for s in socials
        if folded in normalize_title(s.title) or normalize_title(s.title) in folded
    ]
    return found[0] if len(found) == 1 else None


def _read_socials(job: _Job, document: object, file: str) -> None:
    events = document.get("social_events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        raise ScheduleFormatError("expected {'social_events': [...]}", file=file)
    if job.zone is None:
        job.warnings.append(
            f"{file}: {len(events)} social event(s) have local times without a zone; "
            "not imported (pass the conference's time zone to read them)"
        )
        return
    taken = _socials_at(job)
    repeats = 0
    for index, raw in enumerate(events, start=1):
        where = f"social {index}"
        if not isinstance(raw, dict):
            raise ScheduleFormatError("social event is not an object", file=file, element=where)
        times = []
        for field in ("start_time", "end_time"):
            value = job.when(raw.get(field), file=file, element=where, field=field)
            if value.tzinfo is job.zone:
                value = localize(
                    value.replace(tzinfo=None),
                    job.zone,
                    filename=file,
                    warnings=job.warnings,
                    element=where,
                    field=field,
                )
            times.append(value)
        if tuple(times) in taken:
            repeats += 1
            continue
        job.add_event(
            {
                "id": f"social:{_text(raw.get('id')) or index}",
                "type": "Socials",
                "track": _text(raw.get("title")) or f"Social {index}",
                "start_time": times[0].isoformat(),
                "end_time": times[1].isoformat(),
                "room": _text(raw.get("location")) or None,
            },
            block="",
            file=file,
        )
    if repeats:
        job.warnings.append(
            f"{file}: {repeats} social event(s) are already in the calendar at the same time; "
            "imported once"
        )


def _read_plenaries(job: _Job, document: object, file: str) -> None:
    if not isinstance(document, dict):
        raise ScheduleFormatError("expected an object of plenaries", file=file)
    by_title = {
        normalize_title(s.title): s for s in job.sessions.values() if s.kind == SessionKind.KEYNOTE
    }
    unplaced = []
    for key, raw in document.items():
        if not isinstance(raw, dict):
            raise ScheduleFormatError(
                "plenary is not an object", file=file, element=f"plenary {key!r}"
            )
        title = _text(raw.get("title")) or _text(key)
        session = by_title.get(normalize_title(title))
        if session is None:
            unplaced.append(title)
            continue
        presenter = _text(raw.get("presenter"))
        institution = _text(raw.get("institution"))
        bio = _text(raw.get("bio"))
        lines = [f"{presenter} ({institution})" if institution else presenter]
        if bio and bio.casefold() != "tbd":
            lines.append(bio)
        session.description = "\n\n".join(line for line in lines if line)
    if unplaced:
        job.warnings.append(
            f"{file}: {len(unplaced)} plenar{'y' if len(unplaced) == 1 else 'ies'} not in the "
            f"calendar, so without a time, were not imported: {'; '.join(unplaced[:3])}"
        )


def _read_folder(job: _Job, data: bytes) -> None:
    files: dict[str, tuple[str, bytes]] = {}
    for member, content in read_zip(data, job.options.filename):
        base = PurePosixPath(member).name.casefold()
        name = f"{job.options.filename}/{member}"
        if base in files:
            raise ScheduleFormatError(f"the zip holds two files named {base}", file=name)
        files[base] = (name, content)
    if not set(files) & _FILES:
        raise ScheduleFormatError(
            f"the zip holds none of the ACL MiniConf files ({', '.join(sorted(_FILES))})",
            file=job.options.filename,
        )
    _read_files(job, files)


def _read_files(job: _Job, files: dict[str, tuple[str, bytes]]) -> None:
    """The files of a build folder by base name; any subset of them."""
    papers: Any = []
    if "papers.json" in files:
        name, content = files.pop("papers.json")
        papers = _load(content, name)
        if not isinstance(papers, list):
            raise ScheduleFormatError("expected a list of papers", file=name)
    for index, raw in enumerate(papers, start=1):
        job.add_paper(raw, name, f"paper {index}")
    if papers and {"conference.json", *_CALENDAR_NAMES} & set(files):
        job.covers |= {"orals", "posters"}
    elif papers:
        # Papers without the program: like a Paper Copilot list, they enrich one.
        job.parsed.enrich_papers = True
        job.warnings.append(
            f"{name}: the events its papers name are not in this upload; the papers are "
            "imported without sessions (matched by title to a program already there)"
        )
    calendar = next((files.pop(n) for n in _CALENDAR_NAMES if n in files), None)
    breaks = files.pop("break.json", None)
    if calendar is not None:
        _read_calendar(
            job, _load(calendar[1], calendar[0]), calendar[0], meals_elsewhere=breaks is not None
        )
    if breaks is not None:
        _read_breaks(job, _load(breaks[1], breaks[0]), breaks[0])
    if "conference.json" in files:
        name, content = files.pop("conference.json")
        document = _load(content, name)
        if not _is_conference(document):
            raise ScheduleFormatError(
                "not an ACL MiniConf conference.json (needs the objects sessions and papers)",
                file=name,
            )
        known = set(job.sessions)
        events = json_object(document.get("events"), file=name, field="events")
        for key, event in events.items():
            if _key(_text(key)) in known and isinstance(event, dict):
                # The calendar placed it; this file adds the papers' order.
                paper_ids = json_list(
                    event.get("paper_ids"), file=name, element=f"event {key!r}", field="paper_ids"
                )
                job.members[_key(_text(key))] = [_key(_text(p)) for p in paper_ids]
        if document["sessions"] or document["papers"]:
            _read_conference(job, document, name)
    for base, reader in (
        ("socials_data.json", _read_bof),
        ("bof.json", _read_bof),
        ("event.json", _read_socials),
        ("plenaries.json", _read_plenaries),
    ):
        if base in files:
            name, content = files.pop(base)
            reader(job, _load(content, name), name)
            if base == "socials_data.json" and job.block_type:
                _utc_labelled_local(job, f"{job.options.filename}/conference.json", name)
    # Papers name their events; the conference.json order (when given) came first.
    for paper in papers:
        if not isinstance(paper, dict):
            continue
        key = _key(_text(paper.get("id") or paper.get("UID")))
        event_ids = paper.get("event_ids")
        for event in event_ids if isinstance(event_ids, list) else []:
            event = _key(_text(event))
            if key not in job.members[event]:
                job.members[event].append(key)
    unknown = sorted(e for e in job.members if e not in job.sessions)
    if unknown and not job.parsed.enrich_papers:
        job.warnings.append(
            f"{job.options.filename}: {len(unknown)} event(s) named by papers are in no "
            f"calendar file, so their papers have no session there: {', '.join(unknown[:3])}"
        )
    for base in sorted(files):
        job.warnings.append(f"{job.options.filename}: ignored {base} (not an ACL MiniConf file)")
    if job.parsed.enrich_papers:
        job.members.clear()
    job.link_papers(job.options.filename)


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    check_size(data, options.filename)
    job = _Job(options)
    if is_zip(data):
        _read_folder(job, data)
    else:
        document = _load(data, options.filename)
        base = PurePosixPath(options.filename).name.casefold()
        if not _is_conference(document) and base in _FILES - {"conference.json"}:
            _read_files(job, {base: (options.filename, data)})
        else:
            _read_conference(job, document, options.filename)
            job.link_papers(options.filename)
    parsed = job.finish()
    if not (parsed.papers or parsed.sessions or parsed.meals):
        raise ScheduleFormatError(
            "nothing to import: "
            + ("; ".join(parsed.warnings) or "the upload lists no papers, events or breaks"),
            file=options.filename,
        )
    return parsed
