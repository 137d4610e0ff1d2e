"""Every file and folder in ../shared/data/real either imports, with the counts its README
gives, or is refused for a reason this table names. ONE table, path → expected outcome:
update it when an importer learns a format (then its rows move from Refused to Imports).

Through ``manage.py import_schedule`` into a new conference (made from the file), as an
organizer would; papers-only files go into a conference that exists, because a list of papers
cannot say when a conference takes place. A folder is imported as the CLI does it: zipped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from planner.models import Conference, Paper, Poster, Room, Session
from tests import factories as f
from tests.infra import REAL_DATA

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Imports:
    sessions: int
    rooms: int | None = None  # None: not counted by the README
    papers: int = 0
    posters: int = 0
    zone: str = ""  # --timezone, for files that name none
    existing: bool = False  # papers only: into a conference that already exists


@dataclass(frozen=True)
class Refused:
    says: str  # the refusal must say this
    why: str  # the reason, for the reader of this table


# Until h13b lands (ACL/EACL MiniConf, Paper Copilot, COLM, xCal, pretalx REST), these are
# refused as "format not recognized"; each such row says so. The lead moves them to Imports
# (with the README's counts) after merging h13b.
NOT_RECOGNIZED = "cannot tell the format: the file looks like"
H13B = "format not recognized yet (h13b adds it)"
SEVERAL = "the zip (or folder) holds"

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
    # the same event in several formats
    "good-2025/schedule.xml": Imports(72, 5),
    "good-2025/schedule.json": Imports(72, 5),
    "good-2025/schedule.ics": Imports(72, 5),
    "good-2025/schedule.xcal": Refused(
        f"{NOT_RECOGNIZED} an XML document whose root element is <iCalendar>", H13B
    ),
    "good-2025": Refused(SEVERAL, "the same program as XML, JSON and iCal: pick one"),
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
    "iclr-2020-miniconf/main_calendar.json": Refused(
        f"{NOT_RECOGNIZED} a JSON list of 56 items",
        "a MiniConf calendar is read with its papers.csv (import the folder)",
    ),
    "pldi-2021-miniconf": Imports(51, 4, papers=87, posters=174, zone="America/New_York"),
    "pldi-2021-miniconf/papers.csv": Imports(0, papers=87, existing=True),
    "pldi-2021-miniconf/calendar_papers.csv": Refused(
        f"{NOT_RECOGNIZED} a CSV table whose header is 'session,start,end,paperUID,posterNumber'",
        "slots without their sessions: import the folder",
    ),
    "pldi-2021-miniconf/track_pldi.csv": Refused(
        f"{NOT_RECOGNIZED} a CSV table whose header is 'UID,title,start,end,trackUID",
        "MiniConf sessions are read with their papers.csv: import the folder",
    ),
    "pldi-2021-miniconf/socials.yml": Refused(
        f"{NOT_RECOGNIZED} a YAML document", "MiniConf socials YAML is not a format we read"
    ),
    "pldi-2021-miniconf/sponsors.yml": Refused(f"{NOT_RECOGNIZED} a YAML document", H13B),
    "ismir-2022": Imports(36, papers=113, posters=113, zone="Asia/Kolkata"),
    "ismir-2022/papers.csv": Imports(0, papers=113, existing=True),
    "ismir-2022/events.csv": Refused(
        f"{NOT_RECOGNIZED} a CSV table whose header is 'uid,title,day,start_date",
        "MiniConf events are read with their papers.csv: import the folder",
    ),
    "ismir-2022/paper_schedule.csv": Refused(
        f"{NOT_RECOGNIZED} a CSV table whose header is 'Day,Slot,Session,Paper ID",
        "a slot table without times (instants unknowable)",
    ),
    # ACL / EACL MiniConf, Paper Copilot, COLM, pretalx REST: h13b's formats
    "acl-2023/conference.json": Refused(
        f"{NOT_RECOGNIZED} a JSON object with the keys sessions, papers, events", H13B
    ),
    "acl-2023/socials_data.json": Refused(f"{NOT_RECOGNIZED} a JSON list of 17 items", H13B),
    "acl-2023": Refused(f"{NOT_RECOGNIZED} a zip holding conference.json", H13B),
    "eacl-2024/papers.json": Refused(f"{NOT_RECOGNIZED} a JSON list of 427 items", H13B),
    "eacl-2024/calendar.json": Refused(f"{NOT_RECOGNIZED} a JSON list of 197 items", H13B),
    "eacl-2024/conference.json": Refused(f"{NOT_RECOGNIZED} a JSON object", H13B),
    "eacl-2024/break.json": Refused(f"{NOT_RECOGNIZED} a JSON object", H13B),
    "eacl-2024/event.json": Refused(
        f"{NOT_RECOGNIZED} a JSON object with the keys social_events", H13B
    ),
    "eacl-2024/bof.json": Refused(f"{NOT_RECOGNIZED} a JSON object", H13B),  # bare NaN inside
    "eacl-2024/plenaries.json": Refused(f"{NOT_RECOGNIZED} a JSON object", H13B),
    "eacl-2024": Refused(f"{NOT_RECOGNIZED} a zip holding bof.json", H13B),
    "cvpr-2025-papercopilot/cvpr2025.json": Refused(
        f"{NOT_RECOGNIZED} a JSON list of 2,872 items", H13B
    ),
    "cvpr-2025-papercopilot": Refused(f"{NOT_RECOGNIZED} a zip holding cvpr2025.json", H13B),
    "eccv-2024-papercopilot/eccv2024.json": Refused(
        f"{NOT_RECOGNIZED} a JSON list of 2,387 items", H13B
    ),
    "eccv-2024-papercopilot": Refused(f"{NOT_RECOGNIZED} a zip holding eccv2024.json", H13B),
    "colm-2024/accepted_papers.yml": Refused(f"{NOT_RECOGNIZED} a YAML document", H13B),
    "colm-2024/sponsors.yml": Refused(f"{NOT_RECOGNIZED} a YAML document", H13B),
    "colm-2024/special-sessions.yml": Refused(
        f"{NOT_RECOGNIZED} a YAML document", "panels without times (instants unknowable)"
    ),
    "colm-2024": Refused(f"{NOT_RECOGNIZED} a zip holding accepted_papers.yml", H13B),
    "pyconfr-2025/schedule.json": Refused(
        f"{NOT_RECOGNIZED} a JSON object with the keys schedule, sprints, rooms", H13B
    ),
    "pyconfr-2025": Refused(f"{NOT_RECOGNIZED} a zip holding schedule.json", H13B),
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
    extra = ("--timezone", expected.zone) if isinstance(expected, Imports) and expected.zone else ()

    if isinstance(expected, Refused):
        with pytest.raises(CommandError) as caught:
            _import("real", path)
        assert caught.value.returncode == 1
        assert expected.says in str(caught.value), expected.why
        assert not Conference.objects.filter(slug="real").exists()
        assert Session.objects.count() == Paper.objects.count() == 0
        return

    if expected.existing:
        f.ConferenceFactory(slug="real")
    output = _import("real", path, *extra)

    conference = Conference.objects.get(slug="real")
    assert Session.objects.filter(conference=conference).count() == expected.sessions, output
    if expected.rooms is not None:
        assert Room.objects.filter(conference=conference).count() == expected.rooms
    assert Paper.objects.filter(conference=conference).count() == expected.papers
    assert Poster.objects.filter(conference=conference).count() == expected.posters
    if expected.existing:
        # A papers list writes no session changes; the summary counts what it wrote.
        assert "schedule version 1: written: " in output
        assert f"paper: {expected.papers:,} created" in output
