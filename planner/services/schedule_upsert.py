"""Write a parsed schedule into the database: the one upsert every import goes through.

Identity: every imported row is found again by (conference, source, external_id), where the
external id is the importer's key (a guid where the file has one). Rooms and tracks are
matched by name within the conference (a room is the same room whichever feed names it).

Side effects, all inside the caller's transaction (``schedule_upsert`` is atomic itself):
- rows created, updated, cancelled (timetable items a covering file no longer lists) and
  restored; nothing is deleted, because attendees' plans and logs point at these rows;
- one ScheduleChange per changed timetable item (new, moved in time, moved room,
  retitled, cancelled, restored, updated), with {field: [old, new]};
- ``Conference.schedule_version`` bumped once when anything changed (the conference row
  is locked first, so concurrent imports of one conference queue up).
It enqueues nothing: the caller fans out notifications on commit (``schedule_import``
syncs the reminders of the plan items on changed rows; ``Change.pk`` says which).
An unchanged file writes nothing at all.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from planner.enums import ChangeAction, RoomKind
from planner.exceptions import ValidationFailed
from planner.importers.base import PAPER_LINK_FIELDS, ParsedSchedule
from planner.importers.common import normalize_title
from planner.models import (
    Authorship,
    Booth,
    BoothHours,
    Conference,
    ImportRun,
    Meal,
    MenuItem,
    Oral,
    Paper,
    Person,
    Poster,
    Room,
    ScheduleChange,
    Session,
    Track,
)

BATCH = 1000
# The order in which a change is named when one item changed in several ways.
_PRECEDENCE = [
    ChangeAction.CANCELLED,
    ChangeAction.RESTORED,
    ChangeAction.MOVED_TIME,
    ChangeAction.MOVED_ROOM,
    ChangeAction.RETITLED,
    ChangeAction.UPDATED,
]


@dataclass(slots=True)
class Change:
    action: str
    kind: str  # "session", "oral", "poster", "booth", "meal"
    key: str
    title: str
    fields: dict[str, list[Any]] = field(default_factory=dict)
    pk: int = 0  # the changed row's id (not in as_dict: the stored diff names it by key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "fields": self.fields,
        }


@dataclass(slots=True)
class UpsertResult:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    schedule_version: int = 0
    writes: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.writes > 0

    def summary(self) -> str:
        if not self.changed:
            return "no changes"
        parts = []
        for kind, stats in self.counts.items():
            done = ", ".join(
                f"{n} {what}" for what, n in stats.items() if n and what != "unchanged"
            )
            if done:
                parts.append(f"{kind}: {done}")
        return "; ".join(parts) or "no changes"


def describe_value(value: Any) -> Any:
    """A JSON-friendly value for a ScheduleChange: instants as UTC ISO strings, models by name."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value


def _check_lengths(model: type[models.Model], values: dict[str, Any], kind: str, key: str) -> None:
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        model_field = model._meta.get_field(name)
        limit = getattr(model_field, "max_length", None)
        if limit and len(value) > limit:
            raise ValidationFailed(
                f"{kind} {key!r}: {name} is {len(value)} characters; the limit is {limit}",
                field=name,
            )


@dataclass
class _Spec:
    model: type[models.Model]
    kind: str
    fields: tuple[str, ...]
    timetable: bool  # has `cancelled`, gets ScheduleChanges
    # A unique-per-parent field that a re-import may swap between rows (boards, orders,
    # booth numbers): changed rows first take a placeholder so no statement sees a duplicate.
    swap_field: str | None = None
    # Fields an empty value in the file never clears: links that another list (a Paper
    # Copilot enrichment) may have added to the program's papers.
    keep_when_empty: tuple[str, ...] = ()


SPECS = {
    "people": _Spec(Person, "person", ("name", "affiliation"), False),
    "papers": _Spec(
        Paper,
        "paper",
        (
            "title",
            "abstract",
            "keywords",
            "arxiv_id",
            "openreview_id",
            "pdf_url",
            "project_url",
            "code_url",
            "video_url",
            "site_url",
            "status",
        ),
        False,
        keep_when_empty=PAPER_LINK_FIELDS,
    ),
    "sessions": _Spec(
        Session,
        "session",
        (
            "title",
            "kind",
            "start",
            "end",
            "room_id",
            "track_id",
            "description",
            "url",
            "external_ref",
            "cancelled",
        ),
        True,
    ),
    "orals": _Spec(
        Oral,
        "oral",
        ("session_id", "paper_id", "title", "start", "end", "order", "cancelled"),
        True,
        swap_field="order",
    ),
    "posters": _Spec(
        Poster,
        "poster",
        ("session_id", "paper_id", "title", "board", "cancelled"),
        True,
        swap_field="board",
    ),
    "booths": _Spec(
        Booth,
        "booth",
        ("exhibitor", "number", "room_id", "tier", "tags", "website", "description", "cancelled"),
        True,
        swap_field="number",
    ),
    "meals": _Spec(
        Meal,
        "meal",
        ("kind", "title", "start", "end", "room_id", "dietary_options", "notes", "cancelled"),
        True,
    ),
}


def classify_change(diff: dict[str, tuple[Any, Any]]) -> str:
    """The one action that names a change to a timetable item (see _PRECEDENCE)."""
    actions = set()
    for name, (_old, new) in diff.items():
        if name == "cancelled":
            actions.add(ChangeAction.CANCELLED if new else ChangeAction.RESTORED)
        elif name in ("start", "end"):
            actions.add(ChangeAction.MOVED_TIME)
        elif name == "room_id":
            actions.add(ChangeAction.MOVED_ROOM)
        elif name == "title":
            actions.add(ChangeAction.RETITLED)
        else:
            actions.add(ChangeAction.UPDATED)
    return next(action for action in _PRECEDENCE if action in actions)


class _Upsert:
    def __init__(
        self,
        conference: Conference,
        source: str,
        parsed: ParsedSchedule,
        allow_empty: bool = False,
        new_version: int = 1,
    ) -> None:
        self.conference = conference
        self.source = source
        self.parsed = parsed
        self.allow_empty = allow_empty
        self.new_version = new_version  # what schedule_version becomes if anything changes
        self.result = UpsertResult()
        self.changes: list[
            tuple[str, str, int, dict[str, list[Any]]]
        ] = []  # (action, kind, id, fields)
        self.room_ids: dict[str, int] = {}
        self.room_names: dict[int, str] = {}
        self.track_ids: dict[str, int] = {}
        self.track_names: dict[int, str] = {}
        self.ids: dict[str, dict[str, int]] = {}

    # --- counting ---------------------------------------------------------------------------------
    def _count(self, kind: str, what: str, n: int = 1) -> None:
        stats = self.result.counts.setdefault(
            kind, {"created": 0, "updated": 0, "cancelled": 0, "restored": 0, "unchanged": 0}
        )
        stats[what] = stats.get(what, 0) + n

    def _wrote(self, n: int) -> None:
        self.result.writes += n

    # --- rooms and tracks: matched by name ------------------------------------------------------
    def rooms(self) -> None:
        rooms = list(Room.objects.filter(conference=self.conference))
        by_name = {r.name: r for r in rooms}
        by_external = {r.external_id: r for r in rooms if r.source == self.source and r.external_id}
        kinds_in_room: dict[str, set[str]] = defaultdict(set)
        for session in self.parsed.sessions:
            if session.room:
                kinds_in_room[session.room].add(session.kind)
        next_position = max((r.position for r in rooms), default=0) + 1
        chosen: dict[str, Room] = {}
        new = []
        for data in self.parsed.rooms:
            _check_lengths(Room, {"name": data.name}, "room", data.key)
            room = by_external.get(data.key) or by_name.get(data.name)
            if room is None:
                kind = data.kind
                if kind == RoomKind.ROOM and kinds_in_room.get(data.key) == {"poster"}:
                    kind = RoomKind.POSTER_HALL
                has_guid = data.key != data.name
                room = Room(
                    conference=self.conference,
                    name=data.name,
                    kind=kind,
                    position=data.position or next_position,
                    capacity=data.capacity,
                    source=self.source if has_guid else "",
                    external_id=data.key if has_guid else "",
                )
                next_position += 1
                new.append(room)
                by_name[data.name] = room
            chosen[data.key] = room
        if new:
            Room.objects.bulk_create(new, batch_size=BATCH)
            self._wrote(len(new))
            self._count("room", "created", len(new))
        # Any room of the conference may be named by its name; the file's rooms also by key.
        self.room_ids = {name: room.pk for name, room in by_name.items()}
        self.room_ids.update({key: room.pk for key, room in chosen.items()})
        self.room_names = {room.pk: name for name, room in by_name.items()}

    def tracks(self) -> None:
        existing = {t.name: t for t in Track.objects.filter(conference=self.conference)}
        wanted = {t.name: t for t in self.parsed.tracks}
        for session in self.parsed.sessions:
            if session.track and session.track not in wanted:
                wanted[session.track] = None  # named by a session only
        new, recoloured = [], []
        taken_slugs = {t.slug for t in existing.values()}
        for name, data in wanted.items():
            _check_lengths(Track, {"name": name}, "track", name)
            track = existing.get(name)
            colour = (data.colour if data else "") or ""
            if track is None:
                slug = base = Track.slug_for(name)
                n = 2
                while slug in taken_slugs:
                    slug = f"{base}-{n}"
                    n += 1
                taken_slugs.add(slug)
                track = Track(conference=self.conference, name=name, slug=slug)
                if colour:
                    track.colour = colour
                new.append(track)
            elif colour and colour.lower() != track.colour.lower():
                track.colour = colour
                recoloured.append(track)
        if new:
            Track.objects.bulk_create(new, batch_size=BATCH)
            self._count("track", "created", len(new))
        if recoloured:
            Track.objects.bulk_update(recoloured, ["colour"])
            self._count("track", "updated", len(recoloured))
        self._wrote(len(new) + len(recoloured))
        for track in Track.objects.filter(conference=self.conference).only("id", "name"):
            self.track_ids[track.name] = track.pk
            self.track_names[track.pk] = track.name

    # --- the generic keyed sync ----------------------------------------------------------------------
    def sync(self, collection: str, rows: dict[str, dict[str, Any]]) -> dict[str, int]:
        """Create/update rows keyed by external id; cancel missing timetable items if covered."""
        spec = SPECS[collection]
        model = spec.model
        covered = collection in self.parsed.covers
        existing = {
            row["external_id"]: row
            for row in model.objects.filter(conference=self.conference, source=self.source).values(
                "id", "external_id", *spec.fields
            )
        }
        to_create: list[models.Model] = []
        updates: list[tuple[int, dict[str, tuple[Any, Any]]]] = []
        for key, values in rows.items():
            _check_lengths(model, values, spec.kind, key)
            old = existing.get(key)
            if old is None:
                to_create.append(
                    model(
                        conference=self.conference,
                        source=self.source,
                        external_id=key,
                        changed_in=self.new_version,
                        **values,
                    )
                )
                continue
            diff = {
                name: (old[name], values[name])
                for name in values
                if old[name] != values[name]
                and not (name in spec.keep_when_empty and not values[name])
            }
            if diff:
                updates.append((old["id"], diff))
            else:
                self._count(spec.kind, "unchanged")
        cancels = []
        if covered and spec.timetable:
            cancels = [
                row for key, row in existing.items() if key not in rows and not row["cancelled"]
            ]
            if cancels and not rows and not self.allow_empty:
                # An empty export is far more often a broken CfP tool than a cancelled conference.
                raise ValidationFailed(
                    f"the file lists no {collection}, which would cancel all {len(cancels)} {collection} "
                    "imported before from this source; if that is really meant, import with allow_empty",
                    field=collection,
                )
        # Placeholders first, so swapped boards / orders / numbers never collide mid-update.
        if spec.swap_field:
            self._park(
                model, spec.swap_field, [pk for pk, diff in updates if spec.swap_field in diff]
            )
        if to_create:
            model.objects.bulk_create(to_create, batch_size=BATCH)
            self._count(spec.kind, "created", len(to_create))
        if updates:
            self._apply_updates(model, updates)
            self._count(spec.kind, "updated", len(updates))
        if cancels:
            model.objects.filter(pk__in=[row["id"] for row in cancels]).update(
                cancelled=True, changed_in=self.new_version
            )
            self._count(spec.kind, "cancelled", len(cancels))
        self._wrote(len(to_create) + len(updates) + len(cancels))

        ids = {key: row["id"] for key, row in existing.items()}
        ids.update({obj.external_id: obj.pk for obj in to_create})
        if spec.timetable:
            for obj in to_create:
                self._record(ChangeAction.CREATED, spec.kind, obj.pk, {})
            for pk, diff in updates:
                action = classify_change(diff)
                if action == ChangeAction.RESTORED:
                    self._count(spec.kind, "restored")
                self._record(action, spec.kind, pk, self._describe(diff))
            for row in cancels:
                self._record(
                    ChangeAction.CANCELLED, spec.kind, row["id"], {"cancelled": [False, True]}
                )
        return ids

    @staticmethod
    def _park(model: type[models.Model], name: str, pks: list[int]) -> None:
        """Move rows out of the way of a unique (parent, ``name``) while values swap."""
        if not pks:
            return
        parked = []
        for i, pk in enumerate(pks):
            obj = model(pk=pk)
            # Orders are small integers (max 32767); boards and booth numbers are text.
            setattr(obj, name, 32767 - i if name == "order" else f"~{pk}")
            parked.append(obj)
        model.objects.bulk_update(parked, [name], batch_size=BATCH)

    def _apply_updates(
        self, model: type[models.Model], updates: list[tuple[int, dict[str, tuple[Any, Any]]]]
    ) -> None:
        """One bulk_update per set of changed fields (usually one or two sets)."""
        groups: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
        for pk, diff in updates:
            names = (*sorted(diff), "changed_in")
            obj = model(pk=pk, changed_in=self.new_version)
            for name, (_, new) in diff.items():
                setattr(obj, name, new)
            groups[names].append(obj)
        for names, objs in groups.items():
            model.objects.bulk_update(objs, list(names), batch_size=BATCH)

    def _describe(self, diff: dict[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
        described = {}
        for name, (old, new) in diff.items():
            if name == "room_id":
                described["room"] = [self.room_names.get(old), self.room_names.get(new)]
            elif name == "track_id":
                described["track"] = [self.track_names.get(old), self.track_names.get(new)]
            elif name in ("description", "abstract", "notes"):
                described[name] = ["…", "…"]  # long text: say it changed, not what
            else:
                described[name.removesuffix("_id")] = [describe_value(old), describe_value(new)]
        return described

    def _record(self, action: str, kind: str, pk: int, fields: dict[str, list[Any]]) -> None:
        self.changes.append((action, kind, pk, fields))

    # --- many-to-many and child rows ------------------------------------------------------------------
    def replace_links(
        self,
        through: type[models.Model],
        parent_field: str,
        child_field: str,
        wanted: dict[int, list[int]],
        existing_filter: dict[str, Any],
        ordered: bool = False,
    ) -> list[int]:
        """Make each parent's linked children equal ``wanted`` (order too when ``ordered``)."""
        current: dict[int, list[int]] = defaultdict(list)
        order_by = [parent_field, "position"] if ordered else [parent_field, child_field]
        for parent_id, child_id in (
            through.objects.filter(**existing_filter)
            .order_by(*order_by)
            .values_list(parent_field, child_field)
        ):
            current[parent_id].append(child_id)
        stale = [
            parent
            for parent, children in wanted.items()
            if (current.get(parent, []) if ordered else sorted(current.get(parent, [])))
            != (children if ordered else sorted(children))
        ]
        if not stale:
            return []
        through.objects.filter(**{f"{parent_field}__in": stale}).delete()
        rows = []
        for parent in stale:
            for position, child in enumerate(dict.fromkeys(wanted[parent]), start=1):
                values = {parent_field: parent, child_field: child}
                if ordered:
                    values["position"] = position
                rows.append(through(**values))
        through.objects.bulk_create(rows, batch_size=BATCH)
        self._wrote(len(stale))
        return stale

    # --- reference resolution -------------------------------------------------------------------------
    def resolve(
        self, collection: str, key: str | None, *, owner: str, owner_key: str
    ) -> int | None:
        if key is None:
            return None
        ids = self.ids.get(collection, {})
        if key in ids:
            return ids[key]
        model = SPECS[collection].model
        found = (
            model.objects.filter(conference=self.conference, source=self.source, external_id=key)
            .values_list("id", flat=True)
            .first()
        )
        if found is None:
            raise ValidationFailed(
                f"{owner} {owner_key!r} refers to {SPECS[collection].kind} {key!r}, which is neither "
                "in this file nor imported before from this source",
                field=SPECS[collection].kind,
            )
        ids[key] = found
        return found

    def room(self, key: str | None) -> int | None:
        if not key:
            return None
        if key not in self.room_ids:
            raise ValidationFailed(f"unknown room {key!r}", field="room")
        return self.room_ids[key]

    # --- the whole run -----------------------------------------------------------------------------------
    def run(self) -> None:
        parsed = self.parsed
        self.rooms()
        self.tracks()
        papers, people = parsed.papers, parsed.people
        matched: dict[str, int] = {}
        if parsed.enrich_papers:
            # Matched papers keep the program's authors: their people are not written.
            matched = self.enrich_papers()
            papers = [p for p in papers if p.key not in matched]
            named = {key for p in papers for key in p.authors}
            named |= {key for s in parsed.sessions for key in (*s.speakers, *s.chairs)}
            named |= {key for o in parsed.orals for key in o.speakers}
            people = [p for p in people if p.key in named]
        self.ids["people"] = self.sync(
            "people", {p.key: {"name": p.name, "affiliation": p.affiliation} for p in people}
        )
        self.ids["papers"] = self.sync(
            "papers",
            {
                p.key: {
                    "title": p.title,
                    "abstract": p.abstract,
                    "keywords": list(p.keywords),
                    **{name: getattr(p, name) for name in PAPER_LINK_FIELDS},
                }
                for p in papers
            },
        )
        self.ids["papers"].update(matched)
        if papers:
            relinked = self.replace_links(
                Authorship,
                "paper_id",
                "person_id",
                {
                    self.ids["papers"][p.key]: [
                        self.resolve("people", a, owner="paper", owner_key=p.key) for a in p.authors
                    ]
                    for p in papers
                },
                {"paper__conference": self.conference, "paper__source": self.source},
                ordered=True,
            )
            self._touch(Paper, relinked)
        self.ids["sessions"] = self.sync(
            "sessions",
            {
                s.key: {
                    "title": s.title,
                    "kind": s.kind,
                    "start": s.start,
                    "end": s.end,
                    "room_id": self.room(s.room),
                    "track_id": self.track_ids.get(s.track) if s.track else None,
                    "description": s.description,
                    "url": s.url,
                    "external_ref": s.ref,
                    "cancelled": s.cancelled,
                }
                for s in parsed.sessions
            },
        )
        for name in ("speakers", "chairs"):
            self._link_people(getattr(Session, name).through, "session", parsed.sessions, name)
        self.ids["orals"] = self.sync(
            "orals",
            {
                o.key: {
                    "session_id": self.resolve(
                        "sessions", o.session, owner="oral", owner_key=o.key
                    ),
                    "paper_id": self.resolve("papers", o.paper, owner="oral", owner_key=o.key),
                    "title": o.title,
                    "start": o.start,
                    "end": o.end,
                    "order": o.order,
                    "cancelled": False,
                }
                for o in parsed.orals
            },
        )
        self._link_people(Oral.speakers.through, "oral", parsed.orals, "speakers")
        self.ids["posters"] = self.sync(
            "posters",
            {
                p.key: {
                    "session_id": self.resolve(
                        "sessions", p.session, owner="poster", owner_key=p.key
                    ),
                    "paper_id": self.resolve("papers", p.paper, owner="poster", owner_key=p.key),
                    "title": p.title,
                    "board": p.board,
                    "cancelled": False,
                }
                for p in parsed.posters
            },
        )
        self.ids["booths"] = self.sync(
            "booths",
            {
                b.key: {
                    "exhibitor": b.exhibitor,
                    "number": b.number,
                    "room_id": self.room(b.room),
                    "tier": b.tier,
                    "tags": list(b.tags),
                    "website": b.website,
                    "description": b.description,
                    "cancelled": False,
                }
                for b in parsed.booths
            },
        )
        if parsed.booths:
            self._child_rows(
                BoothHours,
                "booth_id",
                {self.ids["booths"][b.key]: [(s, e) for s, e in b.hours] for b in parsed.booths},
                lambda parent, item: BoothHours(booth_id=parent, start=item[0], end=item[1]),
                lambda row: (row.start, row.end),
            )
        self.ids["meals"] = self.sync(
            "meals",
            {
                m.key: {
                    "kind": m.kind,
                    "title": m.title,
                    "start": m.start,
                    "end": m.end,
                    "room_id": self.room(m.room),
                    "dietary_options": list(m.dietary_options),
                    "notes": m.notes,
                    "cancelled": False,
                }
                for m in parsed.meals
            },
        )
        if parsed.meals:
            self._child_rows(
                MenuItem,
                "meal_id",
                {
                    self.ids["meals"][m.key]: [
                        (i.name, list(i.dietary), i.description) for i in m.menu
                    ]
                    for m in parsed.meals
                },
                lambda parent, item: MenuItem(
                    meal_id=parent, name=item[0], dietary=item[1], description=item[2]
                ),
                lambda row: (row.name, row.dietary, row.description),
            )

    def enrich_papers(self) -> dict[str, int]:
        """Match the file's papers that this source never imported to the conference's other
        papers (another file's, even under the same source name, or typed into the admin) by
        normalized title, and fill in the link fields those lack. Returns {key: paper id} of
        the matched ones; the caller syncs the rest as papers of this source. A program paper
        is matched once (first come)."""
        keys = {paper.key for paper in self.parsed.papers}
        own: set[str] = set()
        by_title: dict[str, dict[str, Any]] = {}
        for row in (
            Paper.objects.filter(conference=self.conference)
            .order_by("pk")
            .values("id", "title", "source", "external_id", *PAPER_LINK_FIELDS)
        ):
            if row["source"] == self.source and row["external_id"] in keys:
                own.add(row["external_id"])
                continue
            by_title.setdefault(normalize_title(row["title"]), row)
        matched: dict[str, int] = {}
        updates: list[tuple[int, dict[str, tuple[Any, Any]]]] = []
        taken: set[int] = set()
        for paper in self.parsed.papers:
            if paper.key in own:
                continue
            row = by_title.get(normalize_title(paper.title))
            if row is None or row["id"] in taken:
                continue
            taken.add(row["id"])
            matched[paper.key] = row["id"]
            diff = {
                name: (row[name], getattr(paper, name))
                for name in PAPER_LINK_FIELDS
                if getattr(paper, name) and not row[name]
            }
            if diff:
                updates.append((row["id"], diff))
        for values in ({name: new for name, (_, new) in diff.items()} for _, diff in updates):
            _check_lengths(Paper, values, "paper", "")
        self._count("paper", "matched", len(matched))
        if updates:
            self._apply_updates(Paper, updates)
            self._count("paper", "enriched", len(updates))
            self._wrote(len(updates))
        return matched

    def _link_people(self, through: type[models.Model], kind: str, items: list, attr: str) -> None:
        """Make the people linked to each item (speakers, chairs) those the file names."""
        if not items:
            return
        collection = f"{kind}s"
        relinked = self.replace_links(
            through,
            f"{kind}_id",
            "person_id",
            {
                self.ids[collection][item.key]: [
                    self.resolve("people", person, owner=kind, owner_key=item.key)
                    for person in getattr(item, attr)
                ]
                for item in items
            },
            {f"{kind}__conference": self.conference, f"{kind}__source": self.source},
        )
        self._touch(SPECS[collection].model, relinked)

    def _touch(self, model: type[models.Model], pks: list[int]) -> None:
        """Rows whose links or child rows changed are changed too, for the bundle's deltas."""
        if pks:
            model.objects.filter(pk__in=pks).update(changed_in=self.new_version)

    def _child_rows(
        self,
        model: type[models.Model],
        parent_field: str,
        wanted: dict[int, list[tuple]],
        build: Callable[[int, tuple], models.Model],
        identity: Callable[[Any], tuple],
    ) -> None:
        current: dict[int, list[tuple]] = defaultdict(list)
        for row in model.objects.filter(**{f"{parent_field}__in": list(wanted)}).order_by("pk"):
            current[getattr(row, parent_field)].append(identity(row))
        stale = [parent for parent, items in wanted.items() if current.get(parent, []) != items]
        if not stale:
            return
        model.objects.filter(**{f"{parent_field}__in": stale}).delete()
        rows = []
        for parent in stale:
            for position, item in enumerate(wanted[parent]):
                row = build(parent, item)
                if hasattr(row, "position"):
                    row.position = position
                rows.append(row)
        model.objects.bulk_create(rows, batch_size=BATCH)
        self._wrote(len(stale))
        parent = model._meta.get_field(parent_field.removesuffix("_id")).related_model
        self._touch(parent, stale)


def schedule_upsert(
    *,
    conference: Conference,
    parsed: ParsedSchedule,
    source: str = "import",
    import_run: ImportRun | None = None,
    allow_empty: bool = False,
) -> UpsertResult:
    """Make the conference's program from ``source`` match ``parsed``. See the module docstring.

    A file that lists none of a covered kind of timetable item while live ones exist is
    refused (ValidationFailed) unless ``allow_empty``: it would cancel all of them."""
    started = time.perf_counter()
    with transaction.atomic():
        # Lock the conference row: two imports of one conference never interleave.
        Conference.objects.select_for_update().filter(pk=conference.pk).first()
        version = Conference.objects.values_list("schedule_version", flat=True).get(
            pk=conference.pk
        )
        upsert = _Upsert(conference, source, parsed, allow_empty, new_version=version + 1)
        upsert.run()
        result = upsert.result
        if result.changed:
            version += 1
            Conference.objects.filter(pk=conference.pk).update(schedule_version=version)
            _write_changes(conference, upsert, version, import_run)
        conference.schedule_version = version
        result.schedule_version = version
    result.seconds = time.perf_counter() - started
    return result


def _write_changes(
    conference: Conference, upsert: _Upsert, version: int, import_run: ImportRun | None
) -> None:
    rows = [
        ScheduleChange(
            conference=conference,
            import_run=import_run,
            schedule_version=version,
            action=action,
            fields=fields,
            **{f"{kind}_id": pk},
        )
        for action, kind, pk, fields in upsert.changes
    ]
    ScheduleChange.objects.bulk_create(rows, batch_size=BATCH)
    titles = _titles(upsert.changes)
    keys = {
        (SPECS[collection].kind, pk): key
        for collection, ids in upsert.ids.items()
        for key, pk in ids.items()
    }
    upsert.result.changes = [
        Change(action, kind, keys.get((kind, pk), str(pk)), titles.get((kind, pk), ""), fields, pk)
        for action, kind, pk, fields in upsert.changes
    ]


def _titles(changes: Iterable[tuple[str, str, int, dict]]) -> dict[tuple[str, int], str]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for _, kind, pk, _ in changes:
        by_kind[kind].append(pk)
    titles: dict[tuple[str, int], str] = {}
    for kind, pks in by_kind.items():
        model = {s.kind: s.model for s in SPECS.values()}[kind]
        for chunk_start in range(0, len(pks), 5000):
            chunk = pks[chunk_start : chunk_start + 5000]
            if kind in ("oral", "poster"):
                rows = model.objects.filter(pk__in=chunk).values_list("pk", "title", "paper__title")
                titles.update(
                    {(kind, pk): title or paper_title or "" for pk, title, paper_title in rows}
                )
            else:
                name = "exhibitor" if kind == "booth" else "title"
                titles.update(
                    {
                        (kind, pk): t
                        for pk, t in model.objects.filter(pk__in=chunk).values_list("pk", name)
                    }
                )
    return titles
