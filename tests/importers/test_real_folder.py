"""Every file and folder in ../shared/data/real either imports, with the counts its README
gives, or is refused for a reason this table names. ONE table, path → expected outcome:
update it when an importer learns a format (then its rows move from Refused to Imports).

Through ``manage.py import_schedule`` into a new conference (made from the file), as an
organizer would; papers-only (and booths-only) files go into a conference that exists, because
a list of papers cannot say when a conference takes place. A folder is imported as the CLI
does it: zipped. Each is imported twice: the second time says "no changes", 0 writes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from planner.importers import acl_miniconf
from planner.models import (
    Booth,
    Conference,
    ImportRun,
    Meal,
    Oral,
    Paper,
    Poster,
    Room,
    Session,
)
from tests import factories as f
from tests.infra import REAL_DATA

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Imports:
    sessions: int
    rooms: int | None = None  # None: not counted by the README
    papers: int = 0
    posters: int = 0
    orals: int = 0
    meals: int = 0
    booths: int = 0
    zone: str = ""  # --timezone, for files that name none
    existing: bool = False  # papers or booths only: into a conference that already exists


@dataclass(frozen=True)
class Refused:
    says: str  # the refusal must say this
    why: str  # the reason, for the reader of this table
    zone: str = ""  # --timezone: refused even when the zone is given


NOT_RECOGNIZED = "cannot tell the format: the file looks like"
SEVERAL = "the zip (or folder) holds"
NO_TIMES = "instants unknowable: the file gives no times"

TABLE: dict[str, Imports | Refused] = {
    # frab XML
    "31c3/schedule.xml": Imports(138, 4, zone="Europe/Berlin"),
    "31c3": Imports(138, 4, zone="Europe/Berlin"),
    "39c3/everything.schedule.xml": Imports(895, 58),
    "39c3/everything.schedule.json": Imports(895, 58),
    "39c3/himmel3.schedule.xml": Imports(0, 0),
    "39c3/himmel3.schedule.json": Imports(0, 0),
    "39c3": Refused(f"{SEVERAL} 4 schedules", "two stages, each as XML and JSON: pick one"),
    "fosdem-2025/schedule.xml": Imports(943, 40),
    "fosdem-2025": Imports(943, 40),
    "fosdem-2026/schedule.xml": Imports(883, 30),
    "fosdem-2026": Imports(883, 30),
    "lswt-2019/schedule.xml": Imports(31, 4, zone="Europe/Berlin"),
    "lswt-2019": Imports(31, 4, zone="Europe/Berlin"),
    # c3voc / pretalx schedule JSON
    "c3voc-examples/pretalx-rc3.json": Imports(48, 5, zone="Europe/Berlin"),
    "c3voc-examples/frab-camp2019.json": Imports(79, 2),
    "c3voc-examples/hub-schedule2.json": Imports(2),
    "c3voc-examples": Refused(f"{SEVERAL} 3 schedules", "three unrelated examples: pick one"),
    # the same event in several formats (the xCal names no zone: its times are local)
    "good-2025/schedule.xml": Imports(72, 5),
    "good-2025/schedule.json": Imports(72, 5),
    "good-2025/schedule.ics": Imports(72, 5),
    "good-2025/schedule.xcal": Imports(72, 5, zone="America/New_York"),
    "good-2025": Refused(
        f"{SEVERAL} 4 schedules", "the same program as XML, JSON, iCal and xCal: pick one"
    ),
    # iCalendar
    "acm-chil-2020/acm-chil-2020.ics": Imports(21),
    "acm-chil-2020": Imports(21),
    "iclr-2020-miniconf/sample_cal.ics": Imports(56),
    "ismir-2022/ISMIR_2022.ics": Imports(36, 0),  # its stray calendar-level DTSTART: a warning
    "moca-2024/schedule.ics": Imports(88, 4, zone="Europe/Rome"),  # reused UIDs: warnings
    "moca-2024": Imports(88, 4, zone="Europe/Rome"),
    "pyconuk-2015/schedule.ics": Imports(162, 11, zone="Europe/London"),
    "pyconuk-2015": Imports(162, 11, zone="Europe/London"),
    # MiniConf sitedata
    "iclr-2020-miniconf": Imports(56, papers=687, zone="Africa/Addis_Ababa"),
    "iclr-2020-miniconf/papers.csv": Imports(0, papers=687, existing=True),
    # A MiniConf session file on its own: its sessions, without papers.
    "iclr-2020-miniconf/main_calendar.json": Imports(56, zone="Africa/Addis_Ababa"),
    # The folder: 51 sessions of track_pldi.csv + 19 of socials.yml (6 socials, their
    # schedule entries), 174 talk slots and 174 boards of calendar_papers.csv, 14 sponsors.
    "pldi-2021-miniconf": Imports(
        70,
        5,
        papers=87,
        orals=174,
        posters=174,
        booths=14,
        zone="America/New_York",
    ),
    "pldi-2021-miniconf/papers.csv": Imports(0, papers=87, existing=True),
    "pldi-2021-miniconf/calendar_papers.csv": Refused(
        f"{NOT_RECOGNIZED} a CSV table whose header is 'session,start,end,paperUID,posterNumber'",
        f"{NO_TIMES} for its 174 poster boards (they take their session's, in track_pldi.csv) "
        "and no session names: import the folder",
    ),
    "pldi-2021-miniconf/track_pldi.csv": Imports(51, zone="America/New_York"),
    "pldi-2021-miniconf/socials.yml": Imports(19, 3, zone="America/New_York"),
    "pldi-2021-miniconf/sponsors.yml": Imports(0, 0, booths=14, existing=True),
    "ismir-2022": Imports(36, papers=113, posters=113, zone="Asia/Kolkata"),
    "ismir-2022/papers.csv": Imports(0, papers=113, existing=True),
    "ismir-2022/events.csv": Imports(36, zone="Asia/Kolkata"),  # naive local times
    "ismir-2022/paper_schedule.csv": Refused(
        f"{NOT_RECOGNIZED} a CSV table whose header is 'Day,Slot,Session,Paper ID",
        "a slot table without times (instants unknowable)",
    ),
    # ACL MiniConf. conference.json: its 91 sessions (time blocks) hold 408 events, each a
    # Boardwalk session (see test_acl_2023_its_papers_91_sessions_and_their_events); 8 rooms:
    # the README's 9 counts the events without a room. Times carry -04:00 but no zone name.
    "acl-2023/conference.json": Imports(
        408, 8, papers=1676, orals=547, posters=1376, zone="America/Toronto"
    ),
    # socials_data.json: 17 socials (times in UTC), in 6 rooms.
    "acl-2023/socials_data.json": Imports(17, 6, zone="America/Toronto"),
    # The folder: the socials the program does not list already (8) join it, with their rooms.
    "acl-2023": Imports(416, 14, papers=1676, orals=547, posters=1376, zone="America/Toronto"),
    # EACL 2024's build folder: the calendar's 197 entries less the blocks that only group
    # parallel sessions and the day-tab repeats (warnings count both); its 30 breaks are the
    # 15 meals of break.json (each listed twice).
    "eacl-2024": Imports(
        120, 23, papers=427, orals=144, posters=285, meals=15, zone="Europe/Malta"
    ),
    "eacl-2024/papers.json": Imports(0, papers=427, existing=True),
    "eacl-2024/calendar.json": Imports(120, 23, meals=15, zone="Europe/Malta"),
    "eacl-2024/break.json": Imports(0, 0, meals=15, zone="Europe/Malta"),
    "eacl-2024/bof.json": Imports(4, 0, zone="Europe/Malta"),  # bare NaN rooms: no room
    # Naive local times: without --timezone it is refused (test_eacl_socials_need_a_zone).
    "eacl-2024/event.json": Imports(2, 2, zone="Europe/Malta"),
    # Partially filled: one event; the tutorials' placeholder times (start = end, July) are
    # warnings, not sessions.
    "eacl-2024/conference.json": Imports(1, 1, zone="Europe/Malta"),
    "eacl-2024/plenaries.json": Refused(
        "nothing to import: plenaries.json: 7 plenaries not in the calendar",
        f"{NO_TIMES} (only inside the free-text abstract); import the folder",
        zone="Europe/Malta",
    ),
    # Paper Copilot lists: papers only, into a conference that exists (enrichment: see
    # tests/importers/test_paper_copilot.py).
    "cvpr-2025-papercopilot/cvpr2025.json": Imports(0, papers=2872, existing=True),
    "cvpr-2025-papercopilot": Imports(0, papers=2872, existing=True),
    "eccv-2024-papercopilot/eccv2024.json": Imports(0, papers=2387, existing=True),
    "eccv-2024-papercopilot": Imports(0, papers=2387, existing=True),
    # COLM: papers and sponsors (booths with tiers), into a conference that exists.
    "colm-2024/accepted_papers.yml": Imports(0, papers=299, existing=True),
    "colm-2024/sponsors.yml": Imports(0, 0, booths=25, existing=True),
    "colm-2024/special-sessions.yml": Refused(
        "special sessions (panels: 2, with moderators and participants) carry no times",
        f"{NO_TIMES}: panels with their people only",
        zone="America/New_York",
    ),
    "colm-2024": Imports(0, papers=299, booths=25, existing=True),
    # pretalx REST dump: 75 talks + 18 sprints; times carry +01:00 but no zone name.
    "pyconfr-2025/schedule.json": Imports(93, 13, zone="Europe/Paris"),
    "pyconfr-2025": Imports(93, 13, zone="Europe/Paris"),
}


def _real_paths() -> set[str]:
    paths = set()
    for folder in REAL_DATA.iterdir():
        if folder.is_dir():
            paths.add(folder.name)
            paths.update(
                f"{folder.name}/{file.name}" for file in folder.iterdir() if file.is_file()
            )
    return paths


def test_the_table_names_every_file_and_folder():
    assert set(TABLE) == _real_paths()


def _import(slug: str, path: str, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_schedule", slug, str(REAL_DATA / path), *extra, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


@pytest.mark.parametrize("path", sorted(TABLE), ids=sorted(TABLE))
def test_real_input_imports_or_is_refused_for_a_named_reason(path, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    expected = TABLE[path]
    extra = ("--timezone", expected.zone) if expected.zone else ()

    if isinstance(expected, Refused):
        with pytest.raises(CommandError) as caught:
            _import("real", path, *extra)
        assert caught.value.returncode == 1
        assert expected.says in str(caught.value), expected.why
        assert not Conference.objects.filter(slug="real").exists()
        assert Session.objects.count() == Paper.objects.count() == 0
        return

    if expected.existing:
        existing = f.ConferenceFactory(slug="real")
    output = _import("real", path, *extra)

    conference = Conference.objects.get(slug="real")
    assert Session.objects.filter(conference=conference).count() == expected.sessions, output
    if expected.rooms is not None:
        assert Room.objects.filter(conference=conference).count() == expected.rooms
    assert Paper.objects.filter(conference=conference).count() == expected.papers
    assert Oral.objects.filter(conference=conference).count() == expected.orals
    assert Poster.objects.filter(conference=conference).count() == expected.posters
    assert Meal.objects.filter(conference=conference).count() == expected.meals
    assert Booth.objects.filter(conference=conference).count() == expected.booths
    if expected.existing:
        # A list of papers (or booths) does not give the conference today's date; the
        # summary counts what it wrote.
        assert "schedule version 1: " in output
        conference.refresh_from_db()
        assert (conference.start_date, conference.end_date) == (
            existing.start_date,
            existing.end_date,
        )
        if expected.papers:
            assert f"paper: {expected.papers:,} created" in output
        if expected.booths:
            assert f"booth: {expected.booths:,} created" in output

    # The same file again: no changes, nothing written.
    again = _import("real", path, *extra)
    assert "no changes" in again, again
    assert ImportRun.objects.filter(conference=conference).latest("pk").counts["writes"] == 0


def test_acl_2023_its_papers_91_sessions_and_their_events(settings, tmp_path):
    """The issue's words: ACL 2023 imports with its 1,676 papers, 91 sessions and their events.
    A session of the file is a time block ("Session 10") whose events run in parallel; each
    event is a Boardwalk session, within its block's time, titled with the block's name."""
    settings.MEDIA_ROOT = tmp_path
    document = json.loads((REAL_DATA / "acl-2023" / "conference.json").read_text())
    blocks = document["sessions"]
    assert len(blocks) == 91
    _import("real", "acl-2023/conference.json", "--timezone", "America/Toronto")

    conference = Conference.objects.get(slug="real")
    assert Paper.objects.filter(conference=conference).count() == 1676
    imported = {
        s.external_id: s for s in Session.objects.filter(conference=conference, cancelled=False)
    }
    events = 0
    for block in blocks.values():
        for event in block["events"].values():
            events += 1
            session = imported[acl_miniconf._key(event["id"])]
            assert session.start == dt.datetime.fromisoformat(event["start_time"])
            assert session.end == dt.datetime.fromisoformat(event["end_time"])
            assert dt.datetime.fromisoformat(block["start_time"]) <= session.start
            assert session.end <= dt.datetime.fromisoformat(block["end_time"])
            assert {acl_miniconf._key(p) for p in event["paper_ids"]} == set(
                session.orals.values_list("paper__external_id", flat=True)
            ) | set(session.posters.values_list("paper__external_id", flat=True))
    assert events == len(imported) == 408
    generation = imported["session-10_-generation-(oral)"]
    assert generation.title == "Session 10: Generation (Oral)"


def test_eacl_socials_need_a_zone(settings, tmp_path):
    """event.json gives naive local times: without --timezone the instants are unknowable."""
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CommandError) as caught:
        _import("real", "eacl-2024/event.json")
    assert "2 social event(s) have local times without a zone" in str(caught.value)
    assert not Conference.objects.filter(slug="real").exists()
