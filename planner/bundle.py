"""The offline bundle: a conference's whole program in one compact JSON document.

The PWA downloads it once, keeps it in IndexedDB and afterwards asks only for what changed
(``?since=<the version it has>``). Format (``"format": 1``)::

    {"format": 1, "version": 7, "since": null, "full": true,
     "conference": {"id": 3, "slug": "eccv-2026", "name": "ECCV 2026",
                    "timezone": "Asia/Jerusalem", "start_date": "2026-10-22", ...},
     "rooms":    [{"id": 1, "name": "Hall A", "kind": "hall", "position": 1}],
     "tracks":   [{"id": 2, "name": "3D Vision", "slug": "3d-vision", "colour": "#4a6fa5"}],
     "people":   [{"id": 9, "name": "Noa Levi", "affiliation": "Tel Aviv University"}],
     "papers":   [{"id": 5, "title": "…", "authors": [9, 12], "keywords": ["3D"]}],
     "sessions": [{"id": 4, "title": "Orals 1", "kind": "oral",
                   "start": "2026-10-24T06:00:00Z", "end": "2026-10-24T07:30:00Z",
                   "room": 1, "track": 2, "chairs": [9]}],
     "orals":    [{"id": 6, "session": 4, "paper": 5, "start": "…Z", "end": "…Z", "order": 1}],
     "posters":  [{"id": 8, "session": 11, "paper": 5, "board": "042", "cancelled": true}],
     "booths":   [{"id": 1, "exhibitor": "Acme", "number": "B14", "room": 3,
                   "hours": [{"start": "…Z", "end": "…Z"}]}],
     "meals":    [{"id": 2, "kind": "lunch", "title": "Lunch", "start": "…Z", "end": "…Z",
                   "menu": [{"name": "Shakshuka", "dietary": ["vegetarian"]}]}]}

- Ids are the database ids; references between rows are those ids (``room``, ``session``,
  ``paper``, ``authors``/``chairs``/``speakers`` → ``people``, in order).
- Times are UTC instants, ``YYYY-MM-DDTHH:MM:SSZ``; render them in ``conference.timezone``.
- In the row collections a field whose value is empty (null, "", [], false) is left out:
  a missing ``cancelled`` is false, a missing ``room`` is none, a missing list is empty.
  Fields that can never be empty (ids, titles, times, kinds, boards) are always there.
- Cancelled rows are included with ``"cancelled": true``: plans point at them.
- A delta (``"full": false``, ``"since": V``) holds every row changed after version V,
  cancelled rows as tombstones, plus all rooms and tracks and the conference. The client
  upserts each row by id and then remembers ``version``. Rows are never deleted.
- Authors live in ``people`` rather than inline in papers because a renamed person is one
  changed row: the paper does not change, so inlined names would go stale in deltas.

Bodies are built once per (conference, schedule version, since) with a handful of
``.values()`` queries (selectors/bundle.py) and kept in the cache gzip-compressed, under a
key that names the version: a build racing an import can never be served for another
version. The version is read before the rows, so a body may hold a row from a newer
version than it says; the next delta sends it again, which is harmless.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache

from planner.models import Conference
from planner.selectors import bundle as rows

BUNDLE_FORMAT = 1
FULL_TIMEOUT = 7 * 24 * 3600
DELTA_TIMEOUT = 24 * 3600  # clients only ask for deltas to the current version
GZIP_LEVEL = 9  # built once per version, served many times: the smallest body wins


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bundle_etag(*, conference: Conference, since: int | None) -> str:
    tag = f"bundle-{conference.pk}-v{conference.schedule_version}"
    return f'"{tag}"' if since is None else f'"{tag}-since{since}"'


def _cache_key(conference: Conference, since: int | None) -> str:
    # created_at besides the id: a recreated database (tests, a reseeded demo) reuses ids
    # and versions for different programs, and the cache may outlive it.
    born = int(conference.created_at.timestamp() * 1_000_000)
    part = "full" if since is None else f"since{since}"
    return f"bundle:f{BUNDLE_FORMAT}:{conference.pk}.{born}:v{conference.schedule_version}:{part}"


# --- shaping rows ------------------------------------------------------------------------

Field = tuple[str, str, Callable[[Any], Any] | None]  # (column, key, convert)


def _fields(*spec: str | tuple[str, str] | tuple[str, str, Callable[[Any], Any]]) -> list[Field]:
    """Columns as (column, key, convert): a bare name keeps its name and value."""
    return [
        (item, item, None)
        if isinstance(item, str)
        else (item[0], item[1], item[2] if len(item) == 3 else None)
        for item in spec
    ]


def _empty(value: Any) -> bool:
    # 0 and 0.0 are values (a capacity, a map position); only "nothing" is left out.
    return value is None or value is False or value == "" or value == []


def _compact(row: dict[str, Any], fields: list[Field]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column, key, convert in fields:
        value = row[column]
        if not _empty(value):
            item[key] = convert(value) if convert else value
    return item


def _shape(
    source: Iterable[dict[str, Any]],
    fields: list[Field],
    children: dict[str, dict[int, list[Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Compact rows, each with its child lists (by parent id) under ``children``' keys."""
    shaped = []
    for row in source:
        item = _compact(row, fields)
        for key, by_parent in (children or {}).items():
            found = by_parent.get(row["id"])
            if found:
                item[key] = found
        shaped.append(item)
    return shaped


def _grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for parent, child in pairs:
        grouped[parent].append(child)
    return grouped


ROOM = _fields(
    "id",
    "name",
    "kind",
    "building",
    "floor",
    "capacity",
    ("map_x", "x"),
    ("map_y", "y"),
    "position",
)
TRACK = _fields("id", "name", "slug", "colour")
PERSON = _fields("id", "name", "affiliation", "homepage")
PAPER = _fields(
    "id",
    "title",
    "abstract",
    "keywords",
    ("arxiv_id", "arxiv"),
    ("openreview_id", "openreview"),
    ("pdf_url", "pdf"),
    ("project_url", "project"),
    ("code_url", "code"),
    ("video_url", "video"),
    ("site_url", "site"),
    "status",
)
TIMES = (("start", "start", utc), ("end", "end", utc))
SESSION = _fields(
    "id",
    "title",
    "kind",
    *TIMES,
    ("room_id", "room"),
    ("track_id", "track"),
    "description",
    "url",
    "cancelled",
)
ORAL = _fields(
    "id", ("session_id", "session"), ("paper_id", "paper"), "title", *TIMES, "order", "cancelled"
)
POSTER = _fields(
    "id",
    ("session_id", "session"),
    ("paper_id", "paper"),
    "title",
    "board",
    ("map_x", "x"),
    ("map_y", "y"),
    "cancelled",
)
BOOTH = _fields(
    "id",
    "exhibitor",
    "number",
    ("room_id", "room"),
    "tier",
    "tags",
    "website",
    "description",
    ("map_x", "x"),
    ("map_y", "y"),
    "cancelled",
)
MEAL = _fields(
    "id",
    "kind",
    "title",
    *TIMES,
    ("room_id", "room"),
    ("dietary_options", "dietary"),
    "notes",
    "cancelled",
)
MENU_ITEM = _fields("name", "description", "dietary")


def _conference(conference: Conference) -> dict[str, Any]:
    return {
        "id": conference.pk,
        "slug": conference.slug,
        "name": conference.name,
        "timezone": conference.timezone,
        "start_date": conference.start_date.isoformat(),
        "end_date": conference.end_date.isoformat(),
        "venue": conference.venue,
        "city": conference.city,
        "country": conference.country,
        "website": conference.website,
        "schedule_version": conference.schedule_version,
    }


def bundle_document(*, conference: Conference, since: int | None) -> dict[str, Any]:
    """The bundle as a dict (see the module docstring): 15 queries whatever the size."""
    scope = {"conference": conference, "since": since}
    authors = _grouped(rows.authorship_rows(**scope))
    chairs = _grouped(rows.session_people_rows(**scope, relation="chairs"))
    speakers = _grouped(rows.session_people_rows(**scope, relation="speakers"))
    oral_speakers = _grouped(rows.oral_speaker_rows(**scope))
    hours = _grouped(
        (booth, {"start": utc(start), "end": utc(end)})
        for booth, start, end in rows.booth_hours_rows(**scope)
    )
    menus = _grouped(
        (item["meal_id"], _compact(item, MENU_ITEM)) for item in rows.menu_item_rows(**scope)
    )
    return {
        "format": BUNDLE_FORMAT,
        "version": conference.schedule_version,
        "since": since,
        "full": since is None,
        "conference": _conference(conference),
        "rooms": _shape(rows.room_rows(conference=conference), ROOM),
        "tracks": _shape(rows.track_rows(conference=conference), TRACK),
        "people": _shape(rows.person_rows(**scope), PERSON),
        "papers": _shape(rows.paper_rows(**scope), PAPER, {"authors": authors}),
        "sessions": _shape(
            rows.session_rows(**scope), SESSION, {"chairs": chairs, "speakers": speakers}
        ),
        "orals": _shape(rows.oral_rows(**scope), ORAL, {"speakers": oral_speakers}),
        "posters": _shape(rows.poster_rows(**scope), POSTER),
        "booths": _shape(rows.booth_rows(**scope), BOOTH, {"hours": hours}),
        "meals": _shape(rows.meal_rows(**scope), MEAL, {"menu": menus}),
    }


def bundle_json(*, conference: Conference, since: int | None) -> bytes:
    document = bundle_document(conference=conference, since=since)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def bundle_gzip(*, conference: Conference, since: int | None) -> bytes:
    """The gzip-compressed bundle for the conference's current schedule version, from the
    cache or built once and cached (concurrent first requests may both build; both bodies
    are for this version)."""
    key = _cache_key(conference, since)
    body = cache.get(key)
    if body is None:
        raw = bundle_json(conference=conference, since=since)
        body = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
        cache.set(key, body, timeout=FULL_TIMEOUT if since is None else DELTA_TIMEOUT)
    return body
