"""Paper Copilot lists (CVPR 2025, ECCV 2024, real files) and how they enrich a program."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from planner.enums import ImportFormat
from planner.importers import acl_miniconf, detect_format, paper_copilot, parse_schedule
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.importers.common import normalize_title
from planner.models import Authorship, Conference, Oral, Paper, Person
from planner.services.imports import schedule_import
from planner.services.program import Edit, program_edits_record
from planner.services.schedule_upsert import schedule_upsert
from tests import factories as f
from tests.infra import REAL_DATA

ECCV = REAL_DATA / "eccv-2024-papercopilot" / "eccv2024.json"
CVPR = REAL_DATA / "cvpr-2025-papercopilot" / "cvpr2025.json"


def test_cvpr_2025_list():
    data = CVPR.read_bytes()
    assert detect_format(data, "cvpr2025.json") == ImportFormat.PAPER_COPILOT
    parsed = parse_schedule(data, ImportOptions(filename="cvpr2025.json"))

    assert parsed.enrich_papers is True
    assert len(parsed.papers) == 2872
    assert Counter(p.status for p in parsed.papers) == {"Poster": 2484, "Highlight": 388}
    assert parsed.sessions == []
    assert parsed.orals == []
    assert parsed.posters == []
    first = parsed.papers[0]
    assert first.key == "site_b8ebd99ee4"
    assert first.site_url == "https://cvpr.thecvf.com/virtual/2025/poster/35072"
    assert first.authors[:2] == ["name:jingwei zhang", "name:anh tien nguyen"]
    assert sum(bool(p.code_url) for p in parsed.papers) == 196
    assert sum(bool(p.project_url) for p in parsed.papers) == 364
    assert any(p.project_url == "https://labelmaker.org" for p in parsed.papers)
    assert sum(bool(p.video_url) for p in parsed.papers) == 169


def test_eccv_2024_list_fixes_double_slashes_and_double_escaped_names():
    parsed = paper_copilot.parse(ECCV.read_bytes(), ImportOptions(filename="eccv2024.json"))

    assert len(parsed.papers) == 2387
    assert Counter(p.status for p in parsed.papers) == {"Poster": 2187, "Oral": 200}
    assert parsed.papers[0].site_url == "https://eccv2024.ecva.net/virtual/2024/poster/2392"
    assert parsed.papers[0].code_url == "https://github.com/islab-sophia/2S-ODIS"
    names = {p.name for p in parsed.people}
    assert "Stéphane D'Ascoli" in names
    assert "Alessandro D'Amelio" in names  # "D&amp;#x27;Amelio" in the file
    assert not any("&" in n and ";" in n for n in names)


def test_normalized_title():
    assert normalize_title("2S-ODIS:  Two-Stage\nOmni") == "2s odis two stage omni"
    assert normalize_title("３DEgo: 3D Editing on the Go!") == "3dego 3d editing on the go"
    assert normalize_title("ÉCLAIR — «fast»") == "éclair fast"


# --- enrichment ---------------------------------------------------------------------------------

# Three ECCV papers as a program would spell them (case, punctuation, spacing, full-width
# digits), with their own authors; one paper that the list does not have.
PROGRAM_TITLES = {
    "site_a571c8da69": "2s-odis two stage omni-directional image synthesis by geometric "
    "distortion correction",
    "site_6713c18e7d": "３DEgo:  3D Editing on the Go",
    "site_4c49730b4a": "A Closer Look at GAN Priors -- Exploiting Intermediate Features for "
    "Enhanced Model Inversion Attacks",
}


def _program() -> bytes:
    papers = {
        f"P{n}": {
            "id": f"P{n}",
            "title": title,
            "authors": [f"Program Author {n}"],
            "event_ids": ["oral-1"],
        }
        for n, title in enumerate([*PROGRAM_TITLES.values(), "A paper ECCV never listed"], 1)
    }
    papers["P1"]["underline_url"] = "https://underline.io/lecture/1"
    event = {
        "id": "oral-1",
        "session": "Session 1",
        "track": "Vision",
        "type": "Oral",
        "start_time": "2024-10-01T09:00:00+02:00",
        "end_time": "2024-10-01T10:30:00+02:00",
        "paper_ids": list(papers),
        "room": "Hall A",
    }
    return json.dumps(
        {
            "sessions": {"s1": {"id": "s1", "name": "Session 1", "events": {"oral-1": event}}},
            "papers": papers,
            "events": {"oral-1": event},
        }
    ).encode()


@pytest.mark.django_db
def test_list_enriches_a_program_without_duplicates():
    conference = f.ConferenceFactory(
        timezone="Europe/Rome", start_date=dt.date(2024, 9, 29), end_date=dt.date(2024, 10, 4)
    )
    program = _program()
    schedule_upsert(
        conference=conference,
        parsed=acl_miniconf.parse(program, ImportOptions(filename="conference.json")),
    )
    eccv = ECCV.read_bytes()

    # The same source name as the program (the CLI's default), on purpose.
    result = schedule_upsert(
        conference=conference,
        parsed=parse_schedule(eccv, ImportOptions(filename="eccv2024.json")),
    )

    assert result.counts["paper"]["matched"] == 3
    assert result.counts["paper"]["enriched"] == 3
    assert result.counts["paper"]["created"] == 2387 - 3
    assert Paper.objects.filter(conference=conference).count() == 4 + 2387 - 3
    titles = Counter(normalize_title(t) for t in Paper.objects.values_list("title", flat=True))
    assert titles.most_common(1)[0][1] == 1  # no paper twice
    odis = Paper.objects.get(conference=conference, external_id="P1")
    assert odis.title == PROGRAM_TITLES["site_a571c8da69"]  # the program's title stays
    assert odis.code_url == "https://github.com/islab-sophia/2S-ODIS"
    assert odis.status == "Poster"
    assert odis.site_url == "https://underline.io/lecture/1"  # a link it had is kept
    ego = Paper.objects.get(conference=conference, external_id="P2")
    assert ego.project_url == "https://3dego.github.io/"
    assert ego.video_url == "https://youtu.be/EqiwvXJ0UAI"
    assert ego.site_url.startswith("https://eccv2024.ecva.net/virtual/2024/poster/")
    gan = Paper.objects.get(conference=conference, external_id="P3")
    assert gan.status == "Oral"
    # The program's authors and talks are untouched; unmatched list papers have no session.
    assert list(Authorship.objects.filter(paper=ego).values_list("person__name", flat=True)) == [
        "Program Author 2"
    ]
    assert Oral.objects.filter(conference=conference).count() == 4
    # The list's authors of matched papers are not written (nobody would link to them).
    eccv_people = {p.key for p in paper_copilot.parse(eccv, ImportOptions("e.json")).people}
    matched_only = {"name:atsuya nakata", "name:takao yamanaka"}
    assert matched_only <= eccv_people
    assert not Person.objects.filter(conference=conference, external_id__in=matched_only).exists()
    added = Paper.objects.get(conference=conference, external_id="site_52f5aa1bc6")
    assert not added.orals.exists()
    assert not added.posters.exists()
    assert added.authorships.count() > 0

    # Both files again: nothing to do, and the program does not take the links away.
    again = schedule_upsert(
        conference=conference,
        parsed=parse_schedule(eccv, ImportOptions(filename="eccv2024.json")),
    )
    assert again.writes == 0
    assert again.summary() == "no changes"
    program_again = schedule_upsert(
        conference=conference,
        parsed=acl_miniconf.parse(program, ImportOptions(filename="conference.json")),
    )
    assert program_again.writes == 0
    assert Paper.objects.get(pk=ego.pk).project_url == "https://3dego.github.io/"


def _copilot(entries: list[dict]) -> bytes:
    base = {"author": "A B", "status": "Poster", "track": "main", "site": "", "github": ""}
    return json.dumps([{**base, **entry} for entry in entries]).encode()


def test_same_title_twice_is_one_paper_with_a_warning():
    parsed = paper_copilot.parse(
        _copilot([{"id": "a", "title": "Deep Nets"}, {"id": "b", "title": "deep  nets!"}]),
        ImportOptions(filename="list.json"),
    )
    assert [p.key for p in parsed.papers] == ["a"]
    assert any("'b' has the title of 'a'" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"id": "a", "title": ""}], "paper has no title"),
        ([{"id": "a", "title": "X"}, {"id": "a", "title": "Y"}], "id used twice"),
    ],
)
def test_bad_entries_are_refused_by_name(entries, message):
    with pytest.raises(ScheduleFormatError, match=message) as caught:
        paper_copilot.parse(_copilot(entries), ImportOptions(filename="list.json"))
    assert str(caught.value).startswith("list.json: paper")


def test_other_json_lists_are_not_paper_copilot():
    assert not paper_copilot.sniff(b'[{"title": "x", "authors": "y"}]', "x.json")
    assert not paper_copilot.sniff(b'{"status": "x", "site": "y"}', "x.json")


# --- the ways in: CLI and API -------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_says_how_many_papers_matched(tmp_path, settings):
    import io

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    program = tmp_path / "conference.json"
    program.write_bytes(_program())
    call_command(
        "import_schedule", "eccv", str(program), "--timezone", "Europe/Rome", stdout=io.StringIO()
    )

    out = io.StringIO()
    call_command("import_schedule", "eccv", str(ECCV), stdout=out, stderr=io.StringIO())
    assert "3 papers matched the program's by title; 3 of them got links they lacked" in (
        out.getvalue()
    )
    # The same bytes again, the program unchanged since: not even parsed.
    again = io.StringIO()
    call_command("import_schedule", "eccv", str(ECCV), stdout=again, stderr=io.StringIO())
    assert "the same bytes as import run" in again.getvalue()
    assert "no changes" in again.getvalue()

    # An organizer clears a link the list added: the list is read again and puts it back.
    conference = Conference.objects.get(slug="eccv")
    ego = Paper.objects.get(conference=conference, external_id="P2")
    ego.project_url = ""
    ego.save(update_fields=["project_url"])
    program_edits_record(
        conference=conference,
        edits=[Edit(item=ego, diff={"project_url": ("https://3dego.github.io/", "")})],
    )
    edited = io.StringIO()
    call_command("import_schedule", "eccv", str(ECCV), stdout=edited, stderr=io.StringIO())
    assert "3 papers matched the program's by title; 1 of them got links" in edited.getvalue()
    ego.refresh_from_db()
    assert ego.project_url == "https://3dego.github.io/"
    assert Paper.objects.filter(conference=conference).count() == 4 + 2387 - 3
    # Read and compared once more (the skip aside): matched, nothing left to add.
    outcome = schedule_import(
        conference=conference, data=ECCV.read_bytes(), filename="eccv2024.json"
    )
    assert outcome.result.writes == 0
    assert outcome.result.counts["paper"]["matched"] == 3


@pytest.mark.django_db
def test_api_import_of_a_list_and_a_broken_one(
    client, eager, django_capture_on_commit_callbacks, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    conference = f.ConferenceFactory()
    organizer = f.UserFactory(username="org", is_staff=True)
    conference.organizers.add(organizer)
    client.force_login(organizer)
    url = f"/api/v1/conferences/{conference.slug}/imports/"
    listed = _copilot(
        [
            {"id": "a", "title": "Deep Nets", "github": "https://github.com/a/b"},
            {"id": "b", "title": "Shallow Nets"},
        ]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("list.json", listed)})

    assert response.status_code == 202
    run = client.get(f"{url}{response.json()['id']}/").json()
    assert run["status"] == "succeeded"
    assert run["format"] == "paper_copilot"
    assert run["counts"]["paper"]["created"] == 2
    assert run["counts"]["paper"]["matched"] == 0
    assert Paper.objects.get(conference=conference, external_id="a").code_url == (
        "https://github.com/a/b"
    )

    broken = client.post(
        url, {"file": SimpleUploadedFile("list.json", _copilot([{"id": "a", "title": ""}]))}
    )
    assert broken.status_code == 400
    assert broken.json()["detail"] == "list.json: paper 1: title: paper has no title"


@pytest.mark.django_db
def test_admin_run_page_says_how_many_matched(client):
    from django.urls import reverse

    from planner.models import ImportRun

    conference = f.ConferenceFactory()
    run = ImportRun.objects.create(
        conference=conference,
        source="eccv2024.json",
        status="succeeded",
        counts={"paper": {"created": 2384, "updated": 0, "matched": 3, "enriched": 2}},
        started_at=dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 10, 1, 9, 1, tzinfo=dt.UTC),
    )
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:planner_importrun_change", args=[run.pk])).content.decode()

    assert "3 papers of the list matched the program's by title; 2 of them got" in page
