"""The demo program, generated in memory from the word lists; no database access."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import zoneinfo
from dataclasses import dataclass, field

from django.utils.text import slugify

from planner.demo.data import (
    ABSTRACT_SENTENCES,
    ADJECTIVES,
    AFFILIATION_PATTERNS,
    APPROACHES,
    BOOTH_ACTIVITIES,
    BOOTH_COUNT,
    CONFERENCE_DAYS,
    DATA_SOURCES,
    DEMO_TIMEZONE,
    FIRST_NAMES,
    KEYNOTE_TITLES,
    LAST_NAMES,
    MEAL_TITLES,
    MENUS,
    METHOD_HEADS,
    METHOD_TAILS,
    MOVE_BY,
    PAPER_COUNT,
    PERSON_COUNT,
    PLACES,
    PRODUCTS,
    ROOMS,
    SECTORS,
    SYLLABLES_A,
    SYLLABLES_B,
    TASKS,
    TITLE_PATTERNS,
    TRACK_WEIGHTS,
    TRACKS,
    WORKSHOP_ORDINALS,
    Row,
)
from planner.enums import (
    BoothTag,
    Dietary,
    MealKind,
    SessionKind,
)
from planner.models import (
    Track,
)

# --- the generated program ------------------------------------------------------------------


@dataclass
class Program:
    """Rows keyed by external id; references to other rows are external ids too."""

    rooms: dict[str, Row] = field(default_factory=dict)
    tracks: dict[str, Row] = field(default_factory=dict)  # by slug
    people: dict[str, Row] = field(default_factory=dict)
    papers: dict[str, Row] = field(default_factory=dict)
    authors: dict[str, list[str]] = field(default_factory=dict)
    sessions: dict[str, Row] = field(default_factory=dict)
    chairs: dict[str, list[str]] = field(default_factory=dict)
    orals: dict[str, Row] = field(default_factory=dict)
    speakers: dict[str, list[str]] = field(default_factory=dict)
    posters: dict[str, Row] = field(default_factory=dict)
    booths: dict[str, Row] = field(default_factory=dict)
    booth_hours: dict[str, list[tuple[dt.datetime, dt.datetime]]] = field(default_factory=dict)
    meals: dict[str, Row] = field(default_factory=dict)
    menus: dict[str, list[Row]] = field(default_factory=dict)
    # The organizer's later edits the demo replays (the move is by MOVE_BY).
    moved_session: str = ""
    cancelled_session: str = ""
    retitled_paper: str = ""
    old_title: str = ""

    def checksum(self) -> str:
        payload = {
            name: getattr(self, name)
            for name in (
                "rooms",
                "tracks",
                "people",
                "papers",
                "authors",
                "sessions",
                "chairs",
                "orals",
                "speakers",
                "posters",
                "booths",
                "booth_hours",
                "meals",
                "menus",
            )
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def _at(day: dt.date, hour: int, minute: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """Local wall-clock time in the conference zone (UTC offset resolved per day)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def _company(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(SYLLABLES_A)}{rng.choice(SYLLABLES_B)} {rng.choice(SECTORS)}"
        if name not in taken:
            taken.add(name)
            return name


def generate_program(*, first_day: dt.date, seed: int) -> Program:
    """Build the whole program in memory; no database access."""
    rng = random.Random(seed)  # noqa: S311 -- deterministic demo data, not security
    tz = zoneinfo.ZoneInfo(DEMO_TIMEZONE)
    days = [first_day + dt.timedelta(days=i) for i in range(CONFERENCE_DAYS)]
    program = Program()

    for position, (key, name, kind, building, floor, capacity, x, y) in enumerate(ROOMS):
        program.rooms[f"room-{key}"] = {
            "name": name,
            "kind": str(kind),
            "building": building,
            "floor": floor,
            "capacity": capacity,
            "map_x": x,
            "map_y": y,
            "position": position,
        }
    for name, colour in TRACKS:
        program.tracks[Track.slug_for(name)] = {"name": name, "colour": colour}
    track_slugs = list(program.tracks)

    # People: unique names, a senior pool that recurs as last author and chair.
    companies: set[str] = set()
    affiliations = sorted(
        {
            pattern.format(place=place, company=_company(rng, companies).split()[0])
            for pattern in AFFILIATION_PATTERNS
            for place in rng.sample(PLACES, 6)
        }
    )
    names = rng.sample([(f, la) for f in FIRST_NAMES for la in LAST_NAMES], PERSON_COUNT)
    for index, (first, last) in enumerate(names, start=1):
        homepage = (
            f"https://example.org/~{slugify(f'{first} {last}')}" if rng.random() < 0.3 else ""
        )
        program.people[f"person-{index:04d}"] = {
            "name": f"{first} {last}",
            "affiliation": rng.choice(affiliations),
            "homepage": homepage,
        }
    person_ids = list(program.people)
    senior, junior = person_ids[:300], person_ids[300:]

    # Papers, each in one track.
    paper_track: dict[str, str] = {}
    titles: set[str] = set()
    arxiv_numbers = rng.sample(range(1, 10000), PAPER_COUNT)
    for index in range(1, PAPER_COUNT + 1):
        ext = f"paper-{index:04d}"
        track_name = rng.choices([name for name, _ in TRACKS], weights=TRACK_WEIGHTS)[0]
        slots = {
            "method": rng.choice(METHOD_HEADS) + rng.choice(METHOD_TAILS),
            "adj": rng.choice(ADJECTIVES),
            "approach": rng.choice(APPROACHES),
            "task": rng.choice(TASKS[track_name]),
            "data": rng.choice(DATA_SOURCES),
        }
        title = rng.choice(TITLE_PATTERNS).format(**slots)
        while title in titles:
            slots["method"] = (
                rng.choice(METHOD_HEADS) + rng.choice(METHOD_TAILS) + str(rng.randint(2, 9))
            )
            title = rng.choice(TITLE_PATTERNS).format(**slots)
        titles.add(title)
        lowered = {f"{k}_l": v.lower() for k, v in slots.items() if k != "method"}
        sentences = [
            ABSTRACT_SENTENCES[0],
            ABSTRACT_SENTENCES[1],
            *rng.sample(ABSTRACT_SENTENCES[2:], rng.randint(2, 4)),
        ]
        abstract = " ".join(s.format(**slots, **lowered) for s in sentences)
        abstract = abstract[0].upper() + abstract[1:]
        keywords = [slots["task"].lower(), slots["approach"].lower()]
        keywords += [
            t.lower() for t in rng.sample(TASKS[track_name], 2) if t.lower() not in keywords
        ]
        program.papers[ext] = {
            "title": title,
            "abstract": abstract,
            "keywords": keywords,
            "arxiv_id": f"2207.{arxiv_numbers[index - 1]:05d}" if rng.random() < 0.65 else "",
            "openreview_id": "".join(
                rng.choices("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=10)
            )
            if rng.random() < 0.4
            else "",
            "pdf_url": f"https://example.org/eccv-demo/papers/{ext}.pdf",
            "project_url": f"https://example.org/projects/{slugify(slots['method'])}-{index}"
            if rng.random() < 0.3
            else "",
        }
        paper_track[ext] = Track.slug_for(track_name)
        count = rng.choices([2, 3, 4, 5, 6], weights=[10, 25, 30, 22, 13])[0]
        last_author = rng.choice(senior)
        others = [p for p in rng.sample(junior, count) if p != last_author][: count - 1]
        program.authors[ext] = [*others, last_author]

    # Kept for the demo's "retitled" change: the title the paper had in the first import.
    program.retitled_paper = "paper-0007"
    program.old_title = "Preliminary: " + program.papers["paper-0007"]["title"]

    def session(
        ext: str,
        title: str,
        kind: str,
        day: dt.date,
        start: tuple[int, int],
        end: tuple[int, int],
        room: str,
        track: str | None = None,
        description: str = "",
    ) -> None:
        program.sessions[ext] = {
            "title": title,
            "kind": str(kind),
            "start": _at(day, *start, tz),
            "end": _at(day, *end, tz),
            "room": f"room-{room}",
            "track": track,
            "description": description,
            "url": f"https://example.org/eccv-demo/sessions/{ext}",
            "cancelled": False,
        }

    def meal(
        ext: str,
        kind: str,
        day: dt.date,
        start: tuple[int, int],
        end: tuple[int, int],
        room: str,
        title: str = "",
    ) -> None:
        items = MENUS[kind]
        chosen = sorted(rng.sample(range(len(items)), min(len(items), rng.randint(3, 5))))
        menu = [
            {
                "name": items[i][0],
                "description": items[i][1],
                "dietary": list(items[i][2]),
                "position": p,
            }
            for p, i in enumerate(chosen, start=1)
        ]
        offered = {tag for item in menu for tag in item["dietary"]}
        program.meals[ext] = {
            "kind": str(kind),
            "title": title or MEAL_TITLES[kind],
            "start": _at(day, *start, tz),
            "end": _at(day, *end, tz),
            "room": f"room-{room}",
            "dietary_options": [d.value for d in Dietary if d.value in offered],
            "notes": "All catering is kosher-certified." if kind != MealKind.COFFEE else "",
            "cancelled": False,
        }
        program.menus[ext] = menu

    def chairs(count: int) -> list[str]:
        return rng.sample(senior, count)

    # Days 1-2: workshops and tutorials.
    workshop_no = 0
    for d, day in enumerate(days[:2]):
        prefix = f"d{d}"
        meal(f"{prefix}-breakfast", MealKind.BREAKFAST, day, (8, 0), (9, 0), "foyer")
        for slot, (start, end) in (("am", ((10, 30), (11, 0))), ("pm", ((15, 30), (16, 0)))):
            session(
                f"{prefix}-break-{slot}",
                "Coffee break",
                SessionKind.BREAK,
                day,
                start,
                end,
                "foyer",
            )
            meal(f"{prefix}-coffee-{slot}", MealKind.COFFEE, day, start, end, "foyer")
        meal(f"{prefix}-lunch", MealKind.LUNCH, day, (12, 30), (13, 30), "expo")
        blocks = [
            ("plenary", "am", SessionKind.TUTORIAL, (9, 0), (12, 30)),
            ("plenary", "pm", SessionKind.TUTORIAL, (13, 30), (17, 30)),
            ("r21", "day", SessionKind.WORKSHOP, (9, 0), (17, 30)),
            ("r22", "day", SessionKind.WORKSHOP, (9, 0), (17, 30)),
            ("r23", "day", SessionKind.WORKSHOP, (9, 0), (17, 30)),
            ("r101", "am", SessionKind.WORKSHOP, (9, 0), (12, 30)),
            ("r101", "pm", SessionKind.WORKSHOP, (13, 30), (17, 30)),
            ("r102", "am", SessionKind.TUTORIAL, (9, 0), (12, 30)),
            ("r102", "pm", SessionKind.WORKSHOP, (13, 30), (17, 30)),
        ]
        for room, slot, kind, start, end in blocks:
            track = rng.choice(track_slugs)
            track_name = program.tracks[track]["name"]
            task = rng.choice(TASKS[track_name])
            if kind == SessionKind.WORKSHOP:
                title = (
                    f"{rng.choice(WORKSHOP_ORDINALS)} Workshop on {rng.choice(ADJECTIVES)} {task}"
                )
                description = (
                    f"Invited talks, contributed papers and a panel on {task.lower()}. "
                    "Workshop posters are shown in the room during the breaks."
                )
                workshop_no += 1
            else:
                title = f"Tutorial: {rng.choice(APPROACHES)} for {task}"
                description = (
                    f"A hands-on introduction to {task.lower()}, with notebooks to follow along."
                )
            ext = f"{prefix}-{'ws' if kind == SessionKind.WORKSHOP else 'tut'}-{room}-{slot}"
            session(ext, title, kind, day, start, end, room, track, description)
            program.chairs[ext] = chairs(2)

    # Days 3-5: the main conference.
    paper_ids = list(program.papers)
    oral_papers: dict[str, str] = {}  # paper → poster session ext on the same day
    poster_sessions: list[str] = []
    oral_number = 0
    keynote_speakers = rng.sample(senior, 3)
    for d, day in enumerate(days[2:], start=2):
        prefix = f"d{d}"
        last_day = d == CONFERENCE_DAYS - 1
        meal(f"{prefix}-breakfast", MealKind.BREAKFAST, day, (8, 0), (9, 0), "foyer")
        if d == 2:
            session(
                f"{prefix}-opening",
                "Opening remarks",
                SessionKind.OTHER,
                day,
                (8, 45),
                (9, 0),
                "plenary",
            )
        speaker = keynote_speakers[d - 2]
        speaker_name = program.people[speaker]["name"]
        session(
            f"{prefix}-keynote",
            f"Keynote: {KEYNOTE_TITLES[d - 2]}",
            SessionKind.KEYNOTE,
            day,
            (9, 0),
            (10, 0),
            "plenary",
            description=f"{speaker_name} ({program.people[speaker]['affiliation']}).",
        )
        program.chairs[f"{prefix}-keynote"] = chairs(1)
        program.orals[f"{prefix}-keynote-talk"] = {
            "session": f"{prefix}-keynote",
            "paper": None,
            "title": KEYNOTE_TITLES[d - 2],
            "start": _at(day, 9, 0, tz),
            "end": _at(day, 10, 0, tz),
            "order": 1,
            "cancelled": False,
        }
        program.speakers[f"{prefix}-keynote-talk"] = [speaker]
        for slot, (start, end) in (("am", ((10, 0), (10, 30))), ("pm", ((15, 15), (15, 45)))):
            session(
                f"{prefix}-break-{slot}",
                "Coffee break",
                SessionKind.BREAK,
                day,
                start,
                end,
                "foyer",
            )
            meal(f"{prefix}-coffee-{slot}", MealKind.COFFEE, day, start, end, "foyer")
        meal(f"{prefix}-lunch", MealKind.LUNCH, day, (12, 45), (14, 0), "expo")

        poster_am, poster_pm = f"{prefix}-poster-am", f"{prefix}-poster-pm"
        for slot, (start, end, room) in (
            ("am", ((11, 45), (13, 15), "posters-a")),
            ("pm", ((15, 45), (17, 15), "posters-b")),
        ):
            number = len(poster_sessions) + 1
            session(
                f"{prefix}-poster-{slot}",
                f"Poster Session {number}",
                SessionKind.POSTER,
                day,
                start,
                end,
                room,
                description="Boards are grouped by track; authors stand by their poster.",
            )
            poster_sessions.append(f"{prefix}-poster-{slot}")

        for slot, (hour, minute), poster_ext in (
            ("am", (10, 30), poster_am),
            ("pm", (14, 0), poster_pm),
        ):
            oral_number += 1
            for letter, room in (("a", "plenary"), ("b", "r21")):
                ext = f"{prefix}-oral-{slot}-{letter}"
                track = track_slugs[(oral_number * 2 + (letter == "b")) % len(track_slugs)]
                track_name = program.tracks[track]["name"]
                session(
                    ext,
                    f"Oral Session {oral_number}{letter.upper()}: {track_name}",
                    SessionKind.ORAL,
                    day,
                    (hour, minute),
                    (hour + 1, minute + 15),
                    room,
                    track,
                )
                program.chairs[ext] = chairs(2)
                candidates = [
                    p for p in paper_ids if paper_track[p] == track and p not in oral_papers
                ]
                talks = rng.sample(candidates, rng.choice([5, 6]))
                slot_start = _at(day, hour, minute, tz)
                for order, paper in enumerate(talks, start=1):
                    oral_ext = f"{ext}-{order}"
                    program.orals[oral_ext] = {
                        "session": ext,
                        "paper": paper,
                        "title": "",
                        "start": slot_start + dt.timedelta(minutes=12 * (order - 1)),
                        "end": slot_start + dt.timedelta(minutes=12 * order),
                        "order": order,
                        "cancelled": False,
                    }
                    program.speakers[oral_ext] = program.authors[paper][:1]
                    oral_papers[paper] = poster_ext

        if d == 2:
            session(
                f"{prefix}-reception",
                "Welcome reception",
                SessionKind.SOCIAL,
                day,
                (19, 0),
                (22, 0),
                "garden",
                description="Drinks, food and music in the garden. Badge required.",
            )
            meal(f"{prefix}-reception", MealKind.RECEPTION, day, (19, 0), (22, 0), "garden")
        if last_day:
            session(
                f"{prefix}-closing",
                "Closing remarks and awards",
                SessionKind.OTHER,
                day,
                (17, 15),
                (17, 45),
                "plenary",
            )

    # Posters: every paper once (orals on their talk's day), about 15 % twice.
    assignment: dict[str, list[str]] = {ext: [] for ext in poster_sessions}
    for paper in paper_ids:
        assignment[oral_papers.get(paper) or rng.choice(poster_sessions)].append(paper)
    for paper in rng.sample(paper_ids, PAPER_COUNT * 15 // 100):
        first = next(ext for ext, papers in assignment.items() if paper in papers)
        assignment[rng.choice([ext for ext in poster_sessions if ext != first])].append(paper)
    for ext in poster_sessions:
        hall_b = ext.endswith("-pm")
        papers = sorted(assignment[ext], key=lambda p: (paper_track[p], p))
        per_row = 20
        rows = (len(papers) + per_row - 1) // per_row
        for number, paper in enumerate(papers, start=1):
            board = f"B-{number:03d}" if hall_b else f"{number:03d}"
            row, col = divmod(number - 1, per_row)
            program.posters[f"{ext}-{board}"] = {
                "session": ext,
                "paper": paper,
                "title": "",
                "board": board,
                "map_x": round(0.05 + 0.9 * col / (per_row - 1), 3),
                "map_y": round(0.08 + 0.84 * row / max(rows - 1, 1), 3),
                "cancelled": False,
            }

    # Booths on the expo floor, open on the main days (shorter on the last).
    tiers = ["Platinum"] * 3 + ["Gold"] * 6 + ["Silver"] * 10 + ["Bronze"] * (BOOTH_COUNT - 19)
    for index, tier in enumerate(tiers, start=1):
        exhibitor = _company(rng, companies)
        startup = tier == "Bronze" and rng.random() < 0.5
        tags = sorted(
            rng.sample(
                [BoothTag.HIRING, BoothTag.DEMO, BoothTag.SWAG, BoothTag.RESEARCH],
                rng.randint(1, 3),
            )
        )
        if startup:
            tags.append(BoothTag.STARTUP)
        ext = f"booth-{index:02d}"
        row, col = divmod(index - 1, 9)
        program.booths[ext] = {
            "exhibitor": exhibitor,
            "description": f"{exhibitor} builds {rng.choice(PRODUCTS)}. "
            f"Visit us for {rng.choice(BOOTH_ACTIVITIES)}.",
            "number": f"B{index:02d}",
            "room": "room-expo",
            "tier": tier,
            "tags": [str(t) for t in tags],
            "website": f"https://{slugify(exhibitor)}.example.com/",
            "map_x": round(0.06 + 0.88 * col / 8, 3),
            "map_y": round(0.1 + 0.8 * row / 3, 3),
            "cancelled": False,
        }
        program.booth_hours[ext] = [
            (_at(day, 9, 30, tz), _at(day, 14, 0, tz) if day == days[-1] else _at(day, 17, 30, tz))
            for day in days[2:]
        ]

    # The organizer's edits after the import: a poster session on the DST day moves 15
    # minutes later, and a half-day workshop is cancelled.
    program.moved_session = "d3-poster-pm"
    program.sessions["d3-poster-pm"]["start"] += MOVE_BY
    program.sessions["d3-poster-pm"]["end"] += MOVE_BY
    program.cancelled_session = "d1-ws-r101-pm"
    program.sessions["d1-ws-r101-pm"]["cancelled"] = True
    return program
