"""`manage.py import_schedule` on every real file: the rows its README counts, or a clean
failure that names the place and writes nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from planner.management.commands import import_schedule
from planner.models import Conference, ImportRun, Paper, Poster, Room, Session
from planner.services.imports import schedule_import
from tests import factories as f

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


@dataclass(frozen=True)
class Case:
    path: str
    sessions: int
    rooms: int | None = None
    zone: str = ""  # --timezone, for files that name none
    papers: int = 0
    posters: int = 0
    expect_zone: str = ""
    # A list of papers cannot say when a conference takes place: it goes into one that exists.
    existing: bool = False


CASES = [
    # frab XML
    Case("fosdem-2025/schedule.xml", 943, 40, expect_zone="Europe/Brussels"),
    Case("fosdem-2026/schedule.xml", 883, 30, expect_zone="Europe/Brussels"),
    Case("39c3/everything.schedule.xml", 895, 58, expect_zone="Europe/Berlin"),
    Case("39c3/himmel3.schedule.xml", 0, 0, expect_zone="Europe/Berlin"),
    Case("31c3/schedule.xml", 138, 4, zone="Europe/Berlin"),
    Case("good-2025/schedule.xml", 72, 5, expect_zone="America/New_York"),
    Case("lswt-2019/schedule.xml", 31, 4, zone="Europe/Berlin"),
    # c3voc / pretalx schedule JSON
    Case("39c3/everything.schedule.json", 895, 58, expect_zone="Europe/Berlin"),
    Case("39c3/himmel3.schedule.json", 0, 0, expect_zone="Europe/Berlin"),
    Case("good-2025/schedule.json", 72, 5, expect_zone="America/New_York"),
    Case("c3voc-examples/pretalx-rc3.json", 48, 5, zone="Europe/Berlin"),
    Case("c3voc-examples/frab-camp2019.json", 79, 2, expect_zone="Europe/Berlin"),
    Case("c3voc-examples/hub-schedule2.json", 2, expect_zone="Europe/Berlin"),
    # iCalendar
    Case("good-2025/schedule.ics", 72, 5, expect_zone="America/New_York"),
    Case("iclr-2020-miniconf/sample_cal.ics", 56, expect_zone="America/New_York"),
    Case("acm-chil-2020/acm-chil-2020.ics", 21, expect_zone="America/Toronto"),
    Case("pyconuk-2015/schedule.ics", 162, 11, zone="Europe/London"),
    # A stray calendar-level DTSTART (skipped, with a warning); a UID reused by 67 events
    # (each imported, keyed by UID and start).
    Case("ismir-2022/ISMIR_2022.ics", 36, 0, expect_zone="Asia/Kolkata"),
    Case("moca-2024/schedule.ics", 88, 4, zone="Europe/Rome"),
    # MiniConf sitedata folders
    Case("iclr-2020-miniconf", 56, zone="Africa/Addis_Ababa", papers=687),
    # 51 sessions from track_pldi.csv + 19 social times from socials.yml
    Case("pldi-2021-miniconf", 70, zone="America/New_York", papers=87, posters=174),
    Case("ismir-2022", 36, zone="Asia/Kolkata", papers=113, posters=113),
    # ACL MiniConf: conference.json alone, the ACL folder (+ socials_data.json), EACL's build
    Case("acl-2023/conference.json", 408, 8, "America/Toronto", papers=1676, posters=1376),
    Case("acl-2023", 416, 14, "America/Toronto", papers=1676, posters=1376),
    Case("eacl-2024", 120, 23, "Europe/Malta", papers=427, posters=285),
    # paper lists: papers without sessions, into a conference that exists
    Case("cvpr-2025-papercopilot/cvpr2025.json", 0, 0, "America/Chicago", 2872, existing=True),
    Case("colm-2024/accepted_papers.yml", 0, 0, "America/New_York", 299, existing=True),
    Case("colm-2024", 0, 0, "America/New_York", papers=299, existing=True),
    Case("colm-2024/sponsors.yml", 0, 0, "America/New_York", existing=True),
    Case("pldi-2021-miniconf/sponsors.yml", 0, 0, "America/New_York", existing=True),
    Case("eacl-2024/papers.json", 0, 0, "Europe/Malta", papers=427, existing=True),
    Case("eccv-2024-papercopilot/eccv2024.json", 0, 0, "Europe/Rome", 2387, existing=True),
    # MiniConf socials, Pentabarf xCal, pretalx API dump
    Case("pldi-2021-miniconf/socials.yml", 19, 3, "America/New_York"),
    Case("good-2025/schedule.xcal", 72, 5, "America/New_York"),
    Case("pyconfr-2025/schedule.json", 93, 13, "Europe/Paris"),
]

BROKEN = [
    # Folders holding several complete schedules: which one is meant is the user's call.
    ("39c3", "the zip (or folder) holds 4 schedules", "Europe/Berlin"),
    ("c3voc-examples", "the zip (or folder) holds 3 schedules", "Europe/Berlin"),
]


def _bytes(path: Path) -> bytes:
    """The bytes the command imports: a folder is zipped as it zips it."""
    if not path.is_dir():
        return path.read_bytes()
    return import_schedule._read(str(path))[0]


def _import(path: Path, slug: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("import_schedule", slug, str(path), *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.path for c in CASES])
def test_real_file_imports_with_readme_counts(case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    extra = ("--timezone", case.zone) if case.zone else ()
    if case.existing:
        f.ConferenceFactory(slug="real", timezone=case.zone)

    output = _import(REAL / case.path, "real", *extra)

    conference = Conference.objects.get(slug="real")
    assert Session.objects.filter(conference=conference).count() == case.sessions, output
    if case.rooms is not None:
        assert Room.objects.filter(conference=conference).count() == case.rooms
    assert Paper.objects.filter(conference=conference).count() == case.papers
    assert Poster.objects.filter(conference=conference).count() == case.posters
    assert conference.timezone == (case.expect_zone or case.zone)
    run = ImportRun.objects.get(conference=conference)
    assert run.status in ("succeeded", "no_changes")


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.sessions or c.existing],
    ids=[c.path for c in CASES if c.sessions or c.existing],
)
def test_real_file_reimport_writes_nothing(case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    extra = ("--timezone", case.zone) if case.zone else ()
    if case.existing:
        f.ConferenceFactory(slug="real", timezone=case.zone)
    _import(REAL / case.path, "real", *extra)
    version = Conference.objects.get(slug="real").schedule_version

    output = _import(REAL / case.path, "real", *extra)

    assert "no changes" in output
    assert Conference.objects.get(slug="real").schedule_version == version
    assert ImportRun.objects.filter(conference__slug="real").first().status == "no_changes"
    # The same bytes are not even parsed again (above); parsed and compared, they write nothing.
    conference = Conference.objects.get(slug="real")
    data = _bytes(REAL / case.path)
    outcome = schedule_import(conference=conference, data=data, filename=case.path, zone=case.zone)
    assert outcome.result.writes == 0
    assert outcome.result.changes == []


@pytest.mark.parametrize(("path", "names", "zone"), BROKEN)
def test_broken_real_file_fails_cleanly(path, names, zone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    with pytest.raises(CommandError) as caught:
        _import(REAL / path, "broken", "--timezone", zone)

    assert caught.value.returncode == 1
    assert names in str(caught.value)
    assert not Conference.objects.filter(slug="broken").exists()
    assert Session.objects.count() == 0


def test_failed_import_into_existing_conference_writes_nothing_and_records_run(
    conference, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    bad = tmp_path / "bad.xml"
    bad.write_text(
        "<schedule><day date='2026-10-22'><room name='A'><event guid='g1'><title>x</title>"
    )

    with pytest.raises(CommandError) as caught:
        _import(bad, conference.slug)

    assert caught.value.returncode == 1
    assert "bad.xml" in str(caught.value)
    run = ImportRun.objects.get(conference=conference)
    assert run.status == "failed"
    assert run.errors[0]["file"] == "bad.xml"
    assert Session.objects.count() == 0
    conference.refresh_from_db()
    assert conference.schedule_version == 0


def test_dry_run_reports_changes_and_writes_nothing(conference, good_dates, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    output = _import(REAL / "good-2025/schedule.xml", conference.slug, "--dry-run")

    assert "would change: 72 changes" in output
    assert Session.objects.count() == 0
    conference.refresh_from_db()
    assert conference.schedule_version == 0


def test_unknown_timezone_is_a_usage_error(tmp_path):
    with pytest.raises(CommandError) as caught:
        _import(REAL / "good-2025/schedule.xml", "x", "--timezone", "EST")

    assert caught.value.returncode == 2


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(CommandError) as caught:
        _import(tmp_path / "nope.xml", "x")

    assert caught.value.returncode == 2
    assert "nope.xml" in str(caught.value)


def test_empty_export_does_not_silently_cancel_everything(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _import(REAL / "39c3/everything.schedule.xml", "c3")

    with pytest.raises(CommandError) as caught:
        _import(REAL / "39c3/himmel3.schedule.xml", "c3")
    assert caught.value.returncode == 1
    assert "would cancel all 895 sessions" in str(caught.value)
    assert Session.objects.filter(conference__slug="c3", cancelled=True).count() == 0

    _import(REAL / "39c3/himmel3.schedule.xml", "c3", "--allow-empty")
    assert Session.objects.filter(conference__slug="c3", cancelled=True).count() == 895
