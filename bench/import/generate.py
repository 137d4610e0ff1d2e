#!/usr/bin/env python
"""Generate an ECCV/NeurIPS-shaped program for the import benchmark.

    python bench/import/generate.py OUT_DIR [--items 20000] [--seed 1] [--moved 0.01]

Writes OUT_DIR/program.xml (frab XML, every program item an event) and OUT_DIR/program.zip
(Boardwalk CSV templates: papers, sessions, orals, posters, booths, meals). Both describe
about --items items over five days in Asia/Jerusalem across the end of summer time: 40 rooms,
six poster sessions of about 1,000 boards, oral sessions, booths with hours, meals. With
--moved F it also writes program-moved.xml / program-moved.zip where a fraction F of the
timed items start 15 minutes later. Deterministic for a given seed; synthetic text only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
import uuid
import zipfile
import zlib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, for its CSV templates

TZ = zoneinfo.ZoneInfo("Asia/Jerusalem")
FIRST_DAY = dt.date(2026, 10, 22)
DAYS = 5
ROOMS = [f"Room {i:02d}" for i in range(1, 35)] + [
    "Poster Hall A",
    "Poster Hall B",
    "Expo",
    "Plenary",
    "Foyer",
    "Garden",
]
WORDS = (
    "learning vision transformer diffusion neural implicit scene graph contrastive self-supervised "
    "depth segmentation detection tracking video 3D point cloud radiance field generative adversarial "
    "robust efficient sparse attention multimodal language grounding pose estimation reconstruction "
    "few-shot zero-shot domain adaptation benchmark dataset optical flow event camera medical"
).split()
FIRST = (
    "Noa Yael Omer Maya Daniel Lior Tamar Itai Shira Amir Hila Eitan Dana Yuval Roni Gal".split()
)
LAST = "Levi Cohen Mizrahi Peretz Biton Friedman Katz Azoulay Shapiro Weiss Klein Rosen Ben-David".split()


@dataclass
class Item:
    kind: str  # session kind
    title: str
    day: dt.date
    start: dt.time
    minutes: int
    room: str
    track: str
    guid: str
    authors: list[str] = field(default_factory=list)


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.randint(1, 400)}"


def _local(day: dt.date, at: dt.time, shift: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=TZ) + dt.timedelta(minutes=shift)


def build(items: int, seed: int) -> dict[str, list]:
    """The program as plain rows: papers, sessions, orals, posters, booths, meals."""
    rng = random.Random(seed)
    poster_sessions = 6
    boards_per_session = max(1, round(items * 0.30 / poster_sessions))  # ~1,000 at 20,000 items
    n_posters = boards_per_session * poster_sessions
    n_orals = max(1, round(items * 0.05))
    n_booths = max(1, round(items * 0.02))
    n_meals = DAYS * 4
    n_sessions_talks = max(1, n_orals // 8)
    n_keynotes = DAYS  # one a day in the plenary hall
    n_papers = max(
        1,
        items
        - n_posters
        - n_orals
        - n_booths
        - n_meals
        - n_sessions_talks
        - poster_sessions
        - n_keynotes,
    )
    papers = [
        {
            "id": f"paper-{i}",
            "title": _title(rng),
            "authors": list(dict.fromkeys(_person(rng) for _ in range(rng.randint(2, 6)))),
        }
        for i in range(n_papers)
    ]
    sessions, orals, posters = [], [], []
    talk_rooms = ROOMS[:34]
    for i in range(n_sessions_talks):
        day = FIRST_DAY + dt.timedelta(days=i % DAYS)
        # Room and day both follow i, so every (room, day) pair is used once per slot.
        slot = i // (len(talk_rooms) * DAYS)
        start = dt.time(8 + 2 * (slot % 6), 0)
        sessions.append(
            {
                "id": f"oral-session-{i}",
                "title": f"Oral session {i + 1}",
                "kind": "oral",
                "day": day,
                "start": start,
                "minutes": 100,
                "room": talk_rooms[i % len(talk_rooms)],
                "track": rng.choice(WORDS).capitalize(),
            }
        )
    for i in range(n_orals):
        session = sessions[i % len(sessions)]
        order = i // len(sessions) + 1
        orals.append(
            {
                "id": f"oral-{i}",
                "session": session["id"],
                "order": order,
                "paper": papers[i % n_papers]["id"],
                "day": session["day"],
                "start": (
                    dt.datetime.combine(session["day"], session["start"])
                    + dt.timedelta(minutes=12 * (order - 1))
                ).time(),
                "minutes": 12,
            }
        )
    for d in range(n_keynotes):
        sessions.append(
            {
                "id": f"keynote-{d}",
                "title": f"Keynote, day {d + 1}",
                "kind": "keynote",
                "day": FIRST_DAY + dt.timedelta(days=d),
                "start": dt.time(9, 0),
                "minutes": 60,
                "room": "Plenary",
                "track": "",
            }
        )
    for s in range(poster_sessions):
        day = FIRST_DAY + dt.timedelta(days=1 + s // 2)
        session_id = f"poster-session-{s}"
        sessions.append(
            {
                "id": session_id,
                "title": f"Poster session {s + 1}",
                "kind": "poster",
                "day": day,
                "start": dt.time(10, 30) if s % 2 == 0 else dt.time(15, 30),
                "minutes": 90,
                "room": "Poster Hall A" if s % 2 == 0 else "Poster Hall B",
                "track": "",
            }
        )
        for b in range(boards_per_session):
            index = s * boards_per_session + b
            posters.append(
                {
                    "id": f"poster-{index}",
                    "session": session_id,
                    "board": f"{b + 1:04d}",
                    "paper": papers[index % n_papers]["id"],
                }
            )
    booths = [
        {
            "id": f"booth-{i}",
            "exhibitor": f"{rng.choice(WORDS).capitalize()} Labs {i}",
            "number": f"E{i:04d}",
            "hours": [
                (FIRST_DAY + dt.timedelta(days=d), dt.time(9, 30), dt.time(17, 30))
                for d in range(2, DAYS)
            ],
        }
        for i in range(n_booths)
    ]
    meals = []
    for d in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=d)
        for kind, start, minutes in (
            ("breakfast", dt.time(8), 60),
            ("coffee", dt.time(10), 30),
            ("lunch", dt.time(12, 30), 75),
            ("coffee", dt.time(15), 30),
        ):
            meals.append(
                {
                    "id": f"meal-{d}-{start:%H%M}",
                    "kind": kind,
                    "title": kind.capitalize(),
                    "day": day,
                    "start": start,
                    "minutes": minutes,
                    "room": "Foyer" if kind != "lunch" else "Garden",
                }
            )
    return {
        "papers": papers,
        "sessions": sessions,
        "orals": orals,
        "posters": posters,
        "booths": booths,
        "meals": meals,
    }


def all_keys(program: dict[str, list]) -> list[str]:
    return [row["id"] for rows in program.values() for row in rows]


def frab_xml(program: dict[str, list], moved: frozenset[str] = frozenset()) -> bytes:
    """Every program item as a frab event (frab has no papers/booths: they become events too).
    Events whose key is in ``moved`` start 15 minutes later."""
    events: list[tuple[dt.date, str, str]] = []
    namespace = uuid.UUID("7b0f5c4e-3c86-4a55-9b61-0d3c8c1e9a10")

    def event(
        key: str,
        title: str,
        kind: str,
        day: dt.date,
        start: dt.time,
        minutes: int,
        room: str,
        track: str,
        persons: list[str],
    ) -> None:
        if key in moved:
            start = (dt.datetime.combine(day, start) + dt.timedelta(minutes=15)).time()
        when = _local(day, start)
        people = "".join(
            f'<person id="{zlib.crc32(p.encode())}">{escape(p)}</person>' for p in persons
        )
        events.append(
            (
                day,
                room,
                f'<event guid="{uuid.uuid5(namespace, key)}" id="{len(events) + 1}"><date>{when.isoformat()}</date>'
                f"<start>{start:%H:%M}</start><duration>{minutes // 60:02d}:{minutes % 60:02d}</duration>"
                f"<room>{escape(room)}</room><title>{escape(title)}</title><track>{escape(track)}</track>"
                f"<type>{kind}</type><abstract></abstract><persons>{people}</persons></event>",
            )
        )

    for s in program["sessions"]:
        event(
            s["id"],
            s["title"],
            s["kind"],
            s["day"],
            s["start"],
            s["minutes"],
            s["room"],
            s["track"],
            [],
        )
    papers = {p["id"]: p for p in program["papers"]}
    sessions = {s["id"]: s for s in program["sessions"]}
    for o in program["orals"]:
        p = papers[o["paper"]]
        event(
            o["id"],
            p["title"],
            "talk",
            o["day"],
            o["start"],
            o["minutes"],
            sessions[o["session"]]["room"],
            "",
            p["authors"][:1],
        )
    for i, poster in enumerate(program["posters"]):
        s = sessions[poster["session"]]
        event(
            poster["id"],
            f"#{poster['board']} {papers[poster['paper']]['title']}",
            "poster",
            s["day"],
            s["start"],
            s["minutes"],
            ROOMS[i % 34],
            "Posters",
            papers[poster["paper"]]["authors"][:2],
        )
    for i, paper in enumerate(program["papers"]):
        day = FIRST_DAY + dt.timedelta(days=i % DAYS)
        event(
            paper["id"],
            paper["title"],
            "lightning talk",
            day,
            dt.time(8 + (i // DAYS) % 12, 5 * ((i // 60) % 12)),
            5,
            ROOMS[i % 34],
            "Lightning",
            paper["authors"][:1],
        )
    for b in program["booths"]:
        day, start, _end = b["hours"][0]
        event(b["id"], b["exhibitor"], "expo", day, start, 480, "Expo", "Expo", [])
    for m in program["meals"]:
        event(m["id"], m["title"], m["kind"], m["day"], m["start"], m["minutes"], m["room"], "", [])
    by_day: dict[dt.date, dict[str, list[str]]] = {}
    for day, room, text in events:
        by_day.setdefault(day, {}).setdefault(room, []).append(text)
    parts = [
        "<?xml version='1.0' encoding='utf-8'?>\n<schedule><version>bench</version><conference>"
        "<acronym>bench</acronym><title>Benchmark Vision Conference</title>"
        f"<start>{FIRST_DAY}</start><end>{FIRST_DAY + dt.timedelta(days=DAYS - 1)}</end><days>{DAYS}</days>"
        "<timeslot_duration>00:05</timeslot_duration><time_zone_name>Asia/Jerusalem</time_zone_name></conference>"
    ]
    for index, day in enumerate(sorted(by_day), start=1):
        parts.append(f'<day index="{index}" date="{day}">')
        for room, texts in sorted(by_day[day].items()):
            parts.append(f'<room name="{escape(room)}">' + "".join(texts) + "</room>")
        parts.append("</day>")
    parts.append("</schedule>\n")
    return "".join(parts).encode()


def _rows_csv(kind: str, rows: list[dict[str, str]]) -> str:
    """A CSV in the importer's own template columns (so the two never drift apart)."""
    from planner.importers.csv_templates import TEMPLATES

    header = TEMPLATES[kind][0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return buffer.getvalue()


def csv_zip(program: dict[str, list], moved: frozenset[str] = frozenset()) -> bytes:
    """The program as a zip of Boardwalk CSV templates (see docs/csv-templates.md)."""

    def at(row: dict) -> dict[str, str]:
        start = dt.datetime.combine(row["day"], row["start"])
        if row["id"] in moved:
            start += dt.timedelta(minutes=15)
        end = start + dt.timedelta(minutes=row["minutes"])
        return {"date": f"{start:%Y-%m-%d}", "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}

    files = {
        "papers": [
            {"id": p["id"], "title": p["title"], "authors": "; ".join(p["authors"])}
            for p in program["papers"]
        ],
        "sessions": [
            {
                "id": s["id"],
                "title": s["title"],
                "kind": s["kind"],
                "room": s["room"],
                "track": s["track"],
                **at(s),
            }
            for s in program["sessions"]
        ],
        "orals": [
            {
                "id": o["id"],
                "session_id": o["session"],
                "order": str(o["order"]),
                "paper_id": o["paper"],
                **at(o),
            }
            for o in program["orals"]
        ],
        "posters": [
            {"id": p["id"], "session_id": p["session"], "board": p["board"], "paper_id": p["paper"]}
            for p in program["posters"]
        ],
        "booths": [
            {
                "id": b["id"],
                "exhibitor": b["exhibitor"],
                "number": b["number"],
                "room": "Expo",
                "hours": "; ".join(f"{d} {s:%H:%M}-{e:%H:%M}" for d, s, e in b["hours"]),
            }
            for b in program["booths"]
        ],
        "meals": [
            {
                "id": m["id"],
                "kind": m["kind"],
                "title": m["title"],
                "room": m["room"],
                "dietary": "vegetarian; kosher",
                **at(m),
            }
            for m in program["meals"]
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, rows in files.items():
            archive.writestr(f"{kind}.csv", _rows_csv(kind, rows))
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--moved", type=float, default=0.01)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    program = build(args.items, args.seed)
    (args.out / "program.xml").write_bytes(frab_xml(program))
    (args.out / "program.zip").write_bytes(csv_zip(program))
    if args.moved:
        keys = all_keys(program)
        moved = frozenset(random.Random(args.seed + 1).sample(keys, round(len(keys) * args.moved)))
        (args.out / "program-moved.xml").write_bytes(frab_xml(program, moved))
        (args.out / "program-moved.zip").write_bytes(csv_zip(program, moved))
        (args.out / "moved.txt").write_text(f"{len(moved)}\n")
    counts = {kind: len(rows) for kind, rows in program.items()}
    print(f"wrote {args.out}/program.xml and program.zip: {sum(counts.values()):,} items {counts}")


if __name__ == "__main__":
    main()
