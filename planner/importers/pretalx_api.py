"""A dump of the pretalx REST API, as PyConFR 2025 publishes it (``schedule.json``).

Not the c3voc/frab schedule JSON: ``{"schedule": {date: {minute-of-day: {room id:
submission}}}, "sprints": {same}, "rooms": [pretalx room], "extra": {date: {minute:
{id, title}}}, "speakers": {...}}``. A submission is the pretalx API object: ``code``,
``title``, ``speakers`` [{code, name, biography}], ``submission_type.name`` ({en, fr}),
``state``, ``description`` and ``slots`` [{room, start, end}] with ISO times and offsets;
empty ``{}`` cells are free slots. Multilingual names take English, else the first given.

Each cell is a session at the slot the cell names (the slot in that room whose local start is
that minute, else the submission's only slot). Keys: the submission ``code``; a code in
several cells (a sprint on two days) is ``<code>@<start>`` from its second cell on, a warning
naming both. A talk that cannot be read (no code, no slot there, a malformed time) is skipped
with a warning unless more than a set share of them is (``common.tolerate_broken``); an offset
that is the conference zone's local mean time (the pytz LMT bug) is read as wall time in that
zone, with a warning (``common.lmt_corrected``). Kind from
the submission type (Talk → oral, Workshop → workshop, Short plenary → keynote…). Speakers
keyed ``pretalx:<code>``. ``extra`` (breakfast, lunch at a minute, without an end) is not
imported: a warning says how many entries it holds.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from planner.enums import ImportFormat
from planner.importers.base import (
    ConferenceInfo,
    ImportOptions,
    ParsedSchedule,
    PersonData,
    RoomData,
    ScheduleFormatError,
    SessionData,
)
from planner.importers.common import (
    checked_span,
    json_document,
    json_list,
    json_object,
    lmt_corrected,
    normalize_name,
    parse_iso_datetime,
    resolve_zone,
    session_kind,
    tolerate_broken,
)
from planner.importers.frab_xml import normalize_url

_BOM = b"\xef\xbb\xbf"
_CANCELLED = frozenset({"canceled", "cancelled", "withdrawn", "rejected"})


def _text(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("en") or next((v for v in value.values() if v), "")
    if value is None or isinstance(value, list | dict):
        return ""
    return normalize_name(str(value))


def _is_dump(document: object) -> bool:
    if not isinstance(document, dict):
        return False
    schedule = document.get("schedule")
    if not isinstance(schedule, dict) or not isinstance(document.get("rooms"), list):
        return False
    for day, cells in schedule.items():
        try:
            dt.date.fromisoformat(str(day))
        except ValueError:
            return False
        if not isinstance(cells, dict) or not all(str(m).isdigit() for m in cells):
            return False
    return True


def sniff(data: bytes, filename: str) -> bool:
    head = data[:4096].removeprefix(_BOM).lstrip()
    if not head.startswith(b"{") or b'"schedule"' not in data[:65536]:
        return False
    try:
        return _is_dump(json.loads(data.removeprefix(_BOM)))
    except (ValueError, RecursionError):
        return False


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    file = options.filename
    document: Any = json_document(data, file)
    if not _is_dump(document):
        raise ScheduleFormatError(
            "not a pretalx API dump (needs schedule: {date: {minute: {room: submission}}} "
            "and rooms: [...])",
            file=file,
        )
    warnings: list[str] = []
    parsed = ParsedSchedule(format=ImportFormat.PRETALX_API, warnings=warnings)
    parsed.covers = frozenset({"sessions", "rooms"})
    rooms: dict[str, RoomData] = {}
    room_names: dict[str, str] = {}
    for position, raw in enumerate(document["rooms"], start=1):
        if not isinstance(raw, dict):
            raise ScheduleFormatError(
                "room is not an object", file=file, element=f"room {position}"
            )
        name = _text(raw.get("name")) or f"Room {raw.get('id')}"
        room_names[str(raw.get("id"))] = name
        capacity = raw.get("capacity")
        rooms.setdefault(
            name,
            RoomData(
                key=name,
                name=name,
                position=position,
                capacity=capacity if isinstance(capacity, int) and capacity > 0 else None,
            ),
        )
    people: dict[str, PersonData] = {}
    sessions: dict[str, SessionData] = {}
    zone = resolve_zone("", fallback=options.timezone, filename=file, warnings=[])
    broken: list[ScheduleFormatError] = []
    kept: set[str] = set()
    cells_seen = 0
    for part in ("schedule", "sprints"):
        days = document.get(part) or {}
        if not isinstance(days, dict):
            raise ScheduleFormatError(f"{part} is not an object", file=file, element=part)
        for day, cells in days.items():
            cells = json_object(cells, file=file, element=f"{part} {day}")
            for minute, by_room in cells.items():
                if not isinstance(by_room, dict):
                    raise ScheduleFormatError(
                        "cell is not an object", file=file, element=f"{part} {day} {minute}"
                    )
                for room_id, submission in by_room.items():
                    if not submission:
                        continue
                    cells_seen += 1
                    try:
                        _cell(
                            submission,
                            where=f"{part} {day} {minute} room {room_id}",
                            day=str(day),
                            minute=int(minute),
                            room_id=str(room_id),
                            file=file,
                            state=(rooms, room_names, people, sessions, warnings, zone),
                        )
                    except ScheduleFormatError as error:
                        broken.append(error)  # that talk is skipped (see tolerate_broken)
                        code = _text(submission.get("code")) if isinstance(submission, dict) else ""
                        if code:
                            kept.add(code)  # what an earlier import made of it stays
    tolerate_broken(broken, cells_seen, filename=file, warnings=warnings, what="talks")
    parsed.kept = frozenset(kept)
    extra_days = document.get("extra")
    extra = sum(len(c) for c in (extra_days.values() if isinstance(extra_days, dict) else []) if c)
    if extra:
        warnings.append(
            f"{file}: {extra} entries of 'extra' (meals at a minute, without an end) were not "
            "imported"
        )
    parsed.sessions = list(sessions.values())
    parsed.rooms = list(rooms.values())
    parsed.people = list(people.values())
    if parsed.sessions:
        parsed.conference = ConferenceInfo(
            start_date=min(s.start for s in parsed.sessions).date(),
            end_date=max(s.end for s in parsed.sessions).date(),
        )
    return parsed


def _cell(
    submission: object,
    *,
    where: str,
    day: str,
    minute: int,
    room_id: str,
    file: str,
    state: tuple,
) -> None:
    rooms, room_names, people, sessions, warnings, zone = state
    if not isinstance(submission, dict):
        raise ScheduleFormatError("submission is not an object", file=file, element=where)
    code = _text(submission.get("code"))
    title = _text(submission.get("title"))
    if not code or not title:
        raise ScheduleFormatError(
            "submission needs a code and a title", file=file, element=where, field="code"
        )
    where = f"{where} ({code})"
    slots = json_list(submission.get("slots"), file=file, element=where, field="slots")
    slots = [s for s in slots if isinstance(s, dict)]
    slot = None
    for candidate in slots:
        room = candidate.get("room")
        start = str(candidate.get("start") or "")
        if (
            isinstance(room, dict)
            and str(room.get("id")) == room_id
            and start[:10] == day
            and start[11:16] == f"{minute // 60:02d}:{minute % 60:02d}"
        ):
            slot = candidate
            break
    if slot is None and len(slots) == 1:
        slot = slots[0]
    if slot is None:
        raise ScheduleFormatError(
            f"none of its {len(slots)} slots is in room {room_id} at {minute // 60:02d}:"
            f"{minute % 60:02d} on {day}",
            file=file,
            element=where,
            field="slots",
        )
    start = parse_iso_datetime(
        str(slot.get("start") or ""), tz=None, filename=file, element=where, field="start"
    )
    end = parse_iso_datetime(
        str(slot.get("end") or ""), tz=None, filename=file, element=where, field="end"
    )
    start = lmt_corrected(start, zone, filename=file, warnings=warnings, element=where)
    end = lmt_corrected(end, zone, filename=file, warnings=warnings, element=where)
    start, end = checked_span(start, end, filename=file, warnings=warnings, element=where)
    room = slot.get("room")
    room_name = (_text(room.get("name")) if isinstance(room, dict) else "") or room_names.get(
        room_id
    )
    if room_name and room_name not in rooms:
        rooms[room_name] = RoomData(key=room_name, name=room_name, position=len(rooms) + 1)
    speakers = []
    for speaker in json_list(
        submission.get("speakers"), file=file, element=where, field="speakers"
    ):
        if not isinstance(speaker, dict) or not _text(speaker.get("name")):
            continue
        key = f"pretalx:{_text(speaker.get('code')) or _text(speaker.get('name')).casefold()}"
        people.setdefault(key, PersonData(key=key, name=_text(speaker.get("name"))))
        speakers.append(key)
    kind = submission.get("submission_type")
    kind_name = _text(kind.get("name")) if isinstance(kind, dict) else _text(kind)
    key = code
    if key in sessions:
        first = sessions[code]
        key = f"{code}@{start.astimezone(dt.UTC):%Y%m%dT%H%MZ}"
        if key in sessions:
            warnings.append(f"{file}: {where} is listed twice at the same time; imported once")
            return
        warnings.append(
            f"{file}: {where} repeats talk {code} (first at {first.start.isoformat()}"
            + (f" in {first.room}" if first.room else "")
            + "); kept as a repeat at its own start"
        )
    url = _text(submission.get("url"))
    sessions[key] = SessionData(
        key=key,
        title=title,
        kind=session_kind(kind_name, title),
        start=start,
        end=end,
        room=room_name or None,
        description=str(submission.get("description") or submission.get("abstract") or "").strip(),
        url=normalize_url(url) if url.startswith(("http://", "https://")) else "",
        ref=code if key != code else "",
        speakers=list(dict.fromkeys(speakers)),
        cancelled=_text(submission.get("state")).casefold() in _CANCELLED,
    )
