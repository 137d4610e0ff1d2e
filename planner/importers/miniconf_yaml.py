"""MiniConf sitedata YAML: accepted papers and sponsors.

=================================  ==========================================  ===========
file (example)                     shape                                       becomes
=================================  ==========================================  ===========
``accepted_papers.yml`` (COLM)     a list of ``{title, authors, url,           papers
                                   oral_spotlight}`` (authors one string)
``sponsors.yml`` (COLM 2024)       ``{sponsors: [{tier, vals: [{name, url}]}]}``  booths
``sponsors.yml`` (PLDI 2021)       a list of ``{UID, level, name, website,     booths
                                   description}``
``socials.yml`` (PLDI 2021)        a list of ``{UID, title, schedule: [{start,  sessions
                                   end or duration (hours), gather}]}``         (social)
``special-sessions.yml`` (COLM)    a list of ``{name, mod, participants}``     refused: no
                                                                               times
=================================  ==========================================  ===========

Papers: key = the OpenReview id of ``url`` (else ``title:`` + normalized title); COLM's
``oral_spotlight`` becomes the status "Oral/Spotlight". A paper list has no sessions, so like
a Paper Copilot list it enriches a program that has the papers already (matched by
normalized title) and adds the rest. Sponsors: one booth each, without a number (the files
have none), tier = ``tier`` / ``level``; key = ``UID``, else ``sponsor:`` + normalized name.
The file is the whole truth about booths: a sponsor dropped from it is cancelled.

A zipped sitedata folder without ``papers.csv`` (COLM 2024's: accepted papers, sponsors,
special sessions) is read as all its papers and sponsors YAML together; other YAML is ignored
with a warning. With ``papers.csv`` the folder is MiniConf's (:mod:`.miniconf`), which reads
``sponsors.yml`` through :func:`sitedata`.
YAML is read with the safe loader (no tags, no objects).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zoneinfo
from pathlib import PurePosixPath
from typing import Any

import yaml

from planner.enums import ImportFormat, RoomKind, SessionKind
from planner.importers.base import (
    BoothData,
    ImportOptions,
    PaperData,
    ParsedSchedule,
    PersonData,
    RoomData,
    ScheduleFormatError,
    SessionData,
)
from planner.importers.common import (
    ZIP_ERRORS,
    absolute_url,
    check_size,
    checked_span,
    decode_text,
    is_zip,
    json_list,
    normalize_name,
    normalize_title,
    person_key,
    read_zip,
)
from planner.timezones import canonical_zone

_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([A-Za-z0-9_-]{5,40})")
_SUFFIXES = (".yml", ".yaml")


def _shape(document: object) -> str | None:
    if isinstance(document, dict) and isinstance(document.get("sponsors"), list):
        tiers = document["sponsors"]
        if tiers and all(isinstance(t, dict) and "vals" in t for t in tiers):
            return "tiers"
        return None
    if not isinstance(document, list) or not document:
        return None
    items = [item for item in document if isinstance(item, dict)]
    if len(items) != len(document):
        return None
    if all("title" in item and "authors" in item for item in items):
        return "papers"
    if all("title" in item and isinstance(item.get("schedule") or [], list) for item in items) and (
        any(item.get("schedule") for item in items)
    ):
        return "socials"
    if all("name" in item and ("participants" in item or "mod" in item) for item in items):
        return "panels"
    if all("name" in item and ("level" in item or "tier" in item) for item in items):
        return "sponsors"
    return None


def _load(data: bytes, filename: str) -> Any:
    text = decode_text(data, filename)
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ScheduleFormatError(
            f"not valid YAML ({getattr(error, 'problem', None) or error})",
            file=filename,
            line=mark.line + 1 if mark else None,
        ) from None
    except RecursionError:
        raise ScheduleFormatError("YAML nested too deeply", file=filename) from None


def sniff(data: bytes, filename: str) -> bool:
    if is_zip(data):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [PurePosixPath(i.filename).name.casefold() for i in archive.infolist()]
        except ZIP_ERRORS:
            return False
        if {"papers.csv", "papers.json", "conference.json"} & set(names):
            return False  # a MiniConf / ACL site: its importer reads the YAML it knows
        if not any(name.endswith(_SUFFIXES) for name in names):
            return False
        try:
            return any(
                sitedata(content, name) is not None
                for name, content in read_zip(data, filename)
                if name.casefold().endswith(_SUFFIXES)
            )
        except ScheduleFormatError:
            return False
    if not filename.casefold().endswith(_SUFFIXES) or len(data) > 20 * 1024 * 1024:
        return False
    try:
        return _shape(_load(data, filename)) is not None
    except ScheduleFormatError:
        return False


def sitedata(data: bytes, filename: str) -> ParsedSchedule | None:
    """The papers or sponsors in one YAML file of a site folder; None when the file is
    something else (socials, config) or not readable YAML."""
    try:
        document = _load(data, filename)
    except ScheduleFormatError:
        return None
    if _shape(document) in (None, "panels"):
        return None
    return parse(data, ImportOptions(filename=filename))


def _text(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return normalize_name(str(value))


def _papers(items: list[dict], parsed: ParsedSchedule, file: str) -> None:
    parsed.enrich_papers = True
    people: dict[str, PersonData] = {}
    keys: dict[str, int] = {}
    for index, raw in enumerate(items, start=1):
        title = _text(raw.get("title"))
        if not title:
            raise ScheduleFormatError(
                "paper has no title", file=file, element=f"paper {index}", field="title"
            )
        url = absolute_url(_text(raw.get("url")))
        match = _OPENREVIEW.search(url)
        key = _text(raw.get("UID") or raw.get("id")) or (
            match[1] if match else f"title:{normalize_title(title)}"
        )
        if key in keys:
            raise ScheduleFormatError(
                f"paper {key!r} is listed twice (first as paper {keys[key]})",
                file=file,
                element=f"paper {index}",
            )
        keys[key] = index
        authors = raw.get("authors")
        names = authors if isinstance(authors, list) else re.split(r"\s*[,|]\s*", _text(authors))
        author_keys = []
        for name in names:
            name = _text(name)
            if name:
                pkey = person_key(name)
                people.setdefault(pkey, PersonData(key=pkey, name=name))
                if pkey not in author_keys:
                    author_keys.append(pkey)
        parsed.papers.append(
            PaperData(
                key=key,
                title=title,
                abstract=_text(raw.get("abstract")),
                authors=author_keys,
                openreview_id=match[1] if match else "",
                site_url="" if match else url,
                status="Oral/Spotlight" if raw.get("oral_spotlight") is True else "",
            )
        )
    parsed.people = list(people.values())


def _when(value: object, *, file: str, where: str, field: str, zone: str) -> dt.datetime:
    """YAML reads most timestamps itself (aware when they carry an offset); strings are ISO
    8601, tolerating a one-digit hour ("2021-06-23T8:30:00-04:00")."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = re.sub(r"T(\d):", r"T0\1:", _text(value))
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ScheduleFormatError(
                f"{text!r} is not an ISO 8601 date-time", file=file, element=where, field=field
            ) from None
    if moment.tzinfo is None:
        tz = canonical_zone(zone) if zone else None
        if tz is None:
            raise ScheduleFormatError(
                f"{moment.isoformat()} has no UTC offset and no time zone was given; pass "
                "--timezone",
                file=file,
                element=where,
                field=field,
            )
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(tz))
    return moment


def _socials(items: list[dict], parsed: ParsedSchedule, file: str, zone: str) -> None:
    """PLDI's socials.yml: each social with one or more times (``schedule``) and a Gather room."""
    parsed.covers = frozenset({"sessions", "rooms"})
    rooms: dict[str, RoomData] = {}
    for index, raw in enumerate(items, start=1):
        uid = _text(raw.get("UID")) or f"social-{index}"
        where = f"social {uid!r}"
        title = _text(raw.get("title")) or uid
        times = json_list(raw.get("schedule"), file=file, element=where, field="schedule")
        times = [t for t in times if isinstance(t, dict)]
        if not times:
            parsed.warnings.append(f"{file}: {where} has no times; not imported")
        for slot in times:
            start = _when(slot.get("start"), file=file, where=where, field="start", zone=zone)
            hours = slot.get("duration")
            if slot.get("end") is None and isinstance(hours, int | float) and hours > 0:
                end = start + dt.timedelta(hours=hours)  # "duration: 1.25" (hours)
            else:
                end = _when(slot.get("end"), file=file, where=where, field="end", zone=zone)
            start, end = checked_span(
                start, end, filename=file, warnings=parsed.warnings, element=where
            )
            room = _text(slot.get("gather")) or _text(slot.get("trackUID")) or None
            if room:
                rooms.setdefault(room, RoomData(key=room, name=room, kind=RoomKind.VIRTUAL))
            key = uid if len(times) == 1 else f"{uid}@{start.astimezone(dt.UTC):%Y%m%dT%H%MZ}"
            if any(s.key == key for s in parsed.sessions):
                raise ScheduleFormatError(
                    f"two times of {uid!r} start together", file=file, element=where
                )
            parsed.sessions.append(
                SessionData(
                    key=key,
                    title=title,
                    kind=SessionKind.SOCIAL,
                    start=start,
                    end=end,
                    room=room,
                    description=str(raw.get("description") or "").strip(),
                )
            )
    parsed.rooms = list(rooms.values())


def _booth(parsed: ParsedSchedule, raw: dict, tier: str, where: str, file: str) -> None:
    name = _text(raw.get("name"))
    if not name:
        raise ScheduleFormatError("sponsor has no name", file=file, element=where, field="name")
    key = _text(raw.get("UID")) or f"sponsor:{normalize_title(name)}"
    if any(b.key == key for b in parsed.booths):
        raise ScheduleFormatError(f"sponsor {key!r} is listed twice", file=file, element=where)
    parsed.booths.append(
        BoothData(
            key=key,
            exhibitor=name,
            tier=tier[:40],
            website=absolute_url(_text(raw.get("url") or raw.get("website"))),
            description=_text(raw.get("description")),
        )
    )


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    check_size(data, options.filename)
    if is_zip(data):
        return _parse_folder(data, options)
    file = options.filename
    document = _load(data, file)
    shape = _shape(document)
    if shape is None:
        raise ScheduleFormatError(
            "not a MiniConf papers or sponsors YAML (a list of {title, authors}, a list of "
            "{name, level} or {sponsors: [{tier, vals}]})",
            file=file,
        )
    parsed = ParsedSchedule(format=ImportFormat.MINICONF_YAML)
    if shape == "papers":
        _papers(document, parsed, file)
        return parsed
    if shape == "panels":
        raise ScheduleFormatError(
            f"special sessions (panels: {len(document)}, with moderators and participants) "
            "carry no times; there is nothing to place in the timetable",
            file=file,
        )
    if shape == "socials":
        _socials(document, parsed, file, options.timezone)
        return parsed
    parsed.covers = frozenset({"booths"})
    if shape == "tiers":
        for number, tier in enumerate(document["sponsors"], start=1):
            vals = json_list(tier.get("vals"), file=file, element=f"tier {number}", field="vals")
            for index, raw in enumerate(vals, start=1):
                where = f"tier {number}, sponsor {index}"
                if not isinstance(raw, dict):
                    raise ScheduleFormatError("sponsor is not a mapping", file=file, element=where)
                _booth(parsed, raw, _text(tier.get("tier")), where, file)
    else:
        for index, raw in enumerate(document, start=1):
            _booth(
                parsed, raw, _text(raw.get("level") or raw.get("tier")), f"sponsor {index}", file
            )
    return parsed


def _parse_folder(data: bytes, options: ImportOptions) -> ParsedSchedule:
    """A zipped sitedata folder without papers.csv (COLM's): every papers or sponsors YAML."""
    merged = ParsedSchedule(format=ImportFormat.MINICONF_YAML)
    covers: set[str] = set()
    found = False
    for member, content in read_zip(data, options.filename):
        name = f"{options.filename}/{member}"
        if not member.casefold().endswith(_SUFFIXES):
            merged.warnings.append(f"{options.filename}: ignored {member} (not YAML)")
            continue
        part = sitedata(content, name)
        if part is None:
            merged.warnings.append(
                f"{options.filename}: ignored {member} (neither papers nor sponsors)"
            )
            continue
        if part.papers and merged.papers:
            raise ScheduleFormatError("a second list of papers in the folder", file=name)
        if part.booths and merged.booths:
            raise ScheduleFormatError("a second list of sponsors in the folder", file=name)
        found = True
        merged.papers.extend(part.papers)
        merged.people.extend(part.people)
        merged.booths.extend(part.booths)
        merged.enrich_papers |= part.enrich_papers
        covers |= part.covers
    if not found:
        raise ScheduleFormatError("the zip holds no papers or sponsors YAML", file=options.filename)
    merged.covers = frozenset(covers)
    return merged
