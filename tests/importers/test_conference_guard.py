"""The wrong file into the wrong conference is stopped before anything is written.

The motivating case: FOSDEM 2026's schedule.xml (883 sessions, 31 Jan - 1 Feb 2026) uploaded
into the ECCV-like demo conference (22-26 October 2026) "succeeded" with no warning. Now it
stops, says what it found, and imports only when told to: CLI ``--force``, API 409 then
``force``, admin a confirmation step with "Import anyway"."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from planner.demo import DEMO_SLUG
from planner.exceptions import ScheduleMismatch
from planner.models import Conference, ImportRun, Paper, Session
from planner.services.imports import import_run_create, import_run_execute, schedule_import
from tests import factories as f
from tests.infra import REAL_DATA

pytestmark = pytest.mark.django_db

FOSDEM = REAL_DATA / "fosdem-2026" / "schedule.xml"
FOSDEM_SESSIONS = 883
FINDINGS = [
    f"{FOSDEM_SESSIONS} of its {FOSDEM_SESSIONS} dated items fall outside the conference's dates "
    "by more than a day (the file runs 2026-01-31 to 2026-02-01)",
    "the file says its conference runs 2026-01-31 to 2026-02-01",
    "the file names its conference 'FOSDEM 2026 / fosdem-2026', which shares no word with "
    "'ECCV Demo 2026 (Tel Aviv)'",
]


NOON = dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)
DONE = {"started_at": NOON, "finished_at": NOON}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def eccv():
    """Shaped like the demo conference: its name, zone and dates."""
    return f.ConferenceFactory(
        slug="eccv-like",
        name="ECCV Demo 2026 (Tel Aviv)",
        timezone="Asia/Jerusalem",
        start_date=dt.date(2026, 10, 22),
        end_date=dt.date(2026, 10, 26),
    )


def _sessions(conference: Conference) -> int:
    return Session.objects.filter(conference=conference).count()


# --- the service ----------------------------------------------------------------------------------


def test_fosdem_into_the_eccv_conference_stops_before_writing(eccv):
    with pytest.raises(ScheduleMismatch) as caught:
        schedule_import(conference=eccv, data=FOSDEM.read_bytes(), filename="schedule.xml")

    error = caught.value
    assert error.findings == FINDINGS
    assert error.found["name"] == "FOSDEM 2026"
    assert (error.found["start_date"], error.found["end_date"]) == ("2026-01-31", "2026-02-01")
    assert error.found["items_outside"] == FOSDEM_SESSIONS
    assert error.target["start_date"] == "2026-10-22"
    assert len(error.warnings) == 21  # 20 items listed, then how many more
    assert error.warnings[-1] == (
        f"… and {FOSDEM_SESSIONS - 20} more items outside the conference's dates "
        "(2026-10-22 to 2026-10-26)"
    )
    assert _sessions(eccv) == 0
    eccv.refresh_from_db()
    assert eccv.schedule_version == 0


def test_forced_import_writes_and_lists_the_items_outside_the_dates(eccv):
    outcome = schedule_import(
        conference=eccv, data=FOSDEM.read_bytes(), filename="schedule.xml", force=True
    )

    assert _sessions(eccv) == FOSDEM_SESSIONS
    outside = [w for w in outcome.parsed.warnings if "outside the conference's dates" in w]
    assert len(outside) == 21
    assert outside[0].endswith("is outside the conference's dates (2026-10-22 to 2026-10-26)")


def _frab(title: str, *days: dt.date, start: str = "", end: str = "") -> bytes:
    events = "\n".join(
        f'<event guid="g{n}" id="{n}"><date>{day}T10:00:00+03:00</date><start>10:00</start>'
        f"<duration>01:00</duration><room>Hall</room><title>Talk {n}</title></event>"
        for n, day in enumerate(days)
    )
    dates = f"<start>{start}</start><end>{end}</end>" if start else ""
    return (
        f"<schedule><conference><title>{title}</title>{dates}"
        "<time_zone_name>Asia/Jerusalem</time_zone_name></conference>"
        f'<day index="1" date="{days[0]}"><room name="Hall">{events}</room></day></schedule>'
    ).encode()


def test_items_a_day_outside_the_dates_are_warnings_only(eccv):
    eve, after = dt.date(2026, 10, 21), dt.date(2026, 10, 27)

    outcome = schedule_import(
        conference=eccv, data=_frab("ECCV 2026", eve, after), filename="eccv.xml"
    )

    assert _sessions(eccv) == 2
    assert not any("outside the conference's dates" in w for w in outcome.parsed.warnings)


def test_an_item_two_days_out_stops_the_import_and_is_listed(eccv):
    early = dt.date(2026, 10, 20)

    with pytest.raises(ScheduleMismatch) as caught:
        schedule_import(
            conference=eccv,
            data=_frab("ECCV 2026", dt.date(2026, 10, 23), early),
            filename="eccv.xml",
        )

    assert caught.value.findings == [
        "1 of its 2 dated items fall outside the conference's dates by more than a day (the file "
        "runs 2026-10-20 to 2026-10-23)"
    ]
    assert caught.value.warnings == [
        "session 'Talk 1' on 2026-10-20 is outside the conference's dates (2026-10-22 to 2026-10-26)"
    ]


def test_title_is_checked_only_until_a_file_from_that_source_was_accepted(eccv):
    day = dt.date(2026, 10, 23)
    other_title = _frab("Main Track Program", day)

    with pytest.raises(ScheduleMismatch) as caught:
        schedule_import(conference=eccv, data=other_title, filename="p.xml")
    assert caught.value.findings == [
        "the file names its conference 'Main Track Program', which shares no word with "
        "'ECCV Demo 2026 (Tel Aviv)'"
    ]

    # Forced once (recorded as a run of that source), its next versions are not asked about.
    ImportRun.objects.create(
        conference=eccv, source="p.xml", source_key="import", status="succeeded", force=True, **DONE
    )
    schedule_import(conference=eccv, data=other_title, filename="p.xml")
    assert _sessions(eccv) == 1


def test_matching_title_and_dates_pass(eccv):
    data = _frab("ECCV 2026", dt.date(2026, 10, 23), start="2026-10-22", end="2026-10-26")

    outcome = schedule_import(conference=eccv, data=data, filename="eccv.xml")

    assert outcome.result.changed
    assert _sessions(eccv) == 1


# --- CLI -------------------------------------------------------------------------------------------


def _cli(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_schedule", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_refuses_fosdem_into_the_demo_conference_then_force_imports_it():
    call_command("seed_demo", verbosity=0)
    demo = Conference.objects.get(slug=DEMO_SLUG)
    before = _sessions(demo)

    with pytest.raises(CommandError) as caught:
        _cli(DEMO_SLUG, str(FOSDEM))

    assert caught.value.returncode == 1
    message = str(caught.value)
    assert message.startswith(
        f"schedule.xml: refused, nothing was written: this file does not look like the program "
        f"of '{DEMO_SLUG}':\n  - {FOSDEM_SESSIONS} of its {FOSDEM_SESSIONS} dated items fall "
        "outside the conference's dates"
    )
    assert "the file says its conference runs 2026-01-31 to 2026-02-01" in message
    assert message.endswith("If it is the right file, run again with --force to import it anyway.")
    assert _sessions(demo) == before
    refused = ImportRun.objects.get(conference=demo, source="schedule.xml")
    assert refused.status == "failed"
    assert refused.errors[0]["kind"] == "conference_mismatch"

    out, err = _cli(DEMO_SLUG, str(FOSDEM), "--force")

    assert _sessions(demo) == before + FOSDEM_SESSIONS
    assert f"{FOSDEM_SESSIONS} changes" in out
    assert "is outside the conference's dates" in err
    forced = ImportRun.objects.filter(conference=demo, force=True).get()
    assert forced.status == "succeeded"


# --- API -------------------------------------------------------------------------------------------


def test_api_answers_409_with_the_details_then_force_imports(
    client, eccv, eager, django_capture_on_commit_callbacks
):
    organizer = f.UserFactory(username="org", is_staff=True)
    eccv.organizers.add(organizer)
    client.force_login(organizer)
    url = f"/api/v1/conferences/{eccv.slug}/imports/"

    refused = client.post(url, {"file": SimpleUploadedFile("schedule.xml", FOSDEM.read_bytes())})

    assert refused.status_code == 409
    body = refused.json()
    assert body["errors"] == {"file": FINDINGS}
    assert body["detail"].startswith(
        "this file does not look like the program of ECCV Demo 2026 (Tel Aviv) (2026-10-22 to "
        "2026-10-26): "
    )
    mismatch = body["mismatch"]
    assert mismatch["findings"] == FINDINGS
    assert mismatch["found"] == {
        "name": "FOSDEM 2026",
        "acronym": "fosdem-2026",
        "start_date": "2026-01-31",
        "end_date": "2026-02-01",
        "first_item": "2026-01-31",
        "last_item": "2026-02-01",
        "items": FOSDEM_SESSIONS,
        "items_outside": FOSDEM_SESSIONS,
    }
    assert mismatch["conference"] == {
        "name": "ECCV Demo 2026 (Tel Aviv)",
        "slug": "eccv-like",
        "start_date": "2026-10-22",
        "end_date": "2026-10-26",
        "timezone": "Asia/Jerusalem",
    }
    assert len(mismatch["outside"]) == 21
    run = client.get(f"{url}{body['import_run']}/").json()
    assert run["status"] == "failed"
    assert run["force"] is False
    assert run["errors"][0]["findings"] == FINDINGS
    assert _sessions(eccv) == 0

    with django_capture_on_commit_callbacks(execute=True):
        forced = client.post(
            url, {"file": SimpleUploadedFile("schedule.xml", FOSDEM.read_bytes()), "force": "true"}
        )

    assert forced.status_code == 202
    run = client.get(f"{url}{forced.json()['id']}/").json()
    assert run["status"] == "succeeded"
    assert run["force"] is True
    assert sum("outside the conference's dates" in w for w in run["warnings"]) == 21
    assert _sessions(eccv) == FOSDEM_SESSIONS


# --- admin ---------------------------------------------------------------------------------------


def test_admin_shows_a_confirmation_step_then_imports_anyway(
    client, eccv, eager, django_capture_on_commit_callbacks
):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:planner_importrun_upload"),
            {
                "conference": eccv.pk,
                "file": SimpleUploadedFile("schedule.xml", FOSDEM.read_bytes()),
                "source_key": "import",
                "format": "",
                "timezone": "Asia/Jerusalem",
            },
        )

    refused = ImportRun.objects.get(conference=eccv)
    assert refused.status == "failed"
    page = client.get(response["Location"]).content.decode()
    assert "Is this the right file? Nothing was imported" in page
    for finding in FINDINGS:
        assert finding.replace("'", "&#x27;") in page
    force_url = reverse("admin:planner_importrun_force", args=[refused.pk])
    assert f'action="{force_url}"' in page
    assert 'value="Import anyway"' in page
    assert _sessions(eccv) == 0
    assert client.get(force_url).status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(force_url)

    forced = ImportRun.objects.get(conference=eccv, force=True)
    assert confirmed["Location"] == reverse("admin:planner_importrun_change", args=[forced.pk])
    assert forced.status == "succeeded"
    assert forced.source == "schedule.xml"
    assert forced.checksum == refused.checksum
    assert _sessions(eccv) == FOSDEM_SESSIONS
    page = client.get(confirmed["Location"]).content.decode()
    assert "Import anyway" not in page
    assert "is outside the conference" in page


def test_admin_force_is_only_for_runs_refused_as_another_conferences(client, eccv):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    other = ImportRun.objects.create(
        conference=eccv, source="x.xml", status="failed", errors=[{"text": "bad"}], **DONE
    )

    response = client.post(reverse("admin:planner_importrun_force", args=[other.pk]))

    assert response.status_code == 302
    assert ImportRun.objects.filter(conference=eccv).count() == 1


def test_admin_force_is_404_for_a_conference_one_does_not_organize(client, eccv):
    stranger = f.UserFactory(username="stranger", is_staff=True)
    mine = f.ConferenceFactory()
    mine.organizers.add(stranger)
    refused = ImportRun.objects.create(
        conference=eccv,
        source="x.xml",
        status="failed",
        errors=[{"text": "x", "kind": "conference_mismatch", "findings": ["x"]}],
        **DONE,
    )
    client.force_login(stranger)

    response = client.post(reverse("admin:planner_importrun_force", args=[refused.pk]))

    assert response.status_code in (403, 404)
    assert ImportRun.objects.filter(conference=eccv).count() == 1


def test_admin_upload_form_offers_zones_prefilled_from_the_conference(client, eccv):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(
        reverse("admin:planner_importrun_upload") + f"?conference={eccv.pk}"
    ).content.decode()

    assert 'list="iana-zones"' in page
    assert 'value="Asia/Jerusalem"' in page.split('<datalist id="iana-zones">')[0]
    assert '<option value="Asia/Kolkata">' in page
    assert '<option value="US/Eastern">' not in page  # deprecated aliases are not offered

    refused = client.post(
        reverse("admin:planner_importrun_upload"),
        {
            "conference": eccv.pk,
            "url": "https://example.org/schedule.xml",
            "source_key": "import",
            "timezone": "IST",
        },
    )
    assert refused.status_code == 200
    assert "Not an IANA time zone; choose one from the list" in refused.content.decode()


def test_a_source_confirmed_once_is_not_stopped_again(eccv, settings, tmp_path):
    """After "import anyway", the source's next versions (a URL refreshed on a timer) import
    with the findings as a warning instead of failing every refresh."""
    forced = _run_file(eccv, FOSDEM.read_bytes(), force=True)
    assert forced.status == "succeeded"
    next_version = FOSDEM.read_bytes().replace(b"<title>", b"<title>Updated: ", 1)

    again = _run_file(eccv, next_version)

    assert again.status == "no_changes"  # parsed (other bytes), its sessions all as they were
    assert "parse" in again.timings
    assert again.force is False
    assert any(
        w.startswith("imported although it does not look like the conference's program (")
        and w.endswith(f"this source was confirmed as the conference's in import run #{forced.pk}")
        for w in again.warnings
    )
    # Another source is asked again.
    assert _run_file(eccv, next_version, source_key="other").status == "failed"


def _run_file(conference, data: bytes, **options) -> ImportRun:
    run = import_run_create(conference=conference, source="schedule.xml", data=data, **options)
    return import_run_execute(import_run_id=run.pk)


def test_admin_zone_filled_in_for_another_conference_follows_the_choice(
    client, eccv, eager, django_capture_on_commit_callbacks
):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    kolkata = f.ConferenceFactory(timezone="Asia/Kolkata")
    page = client.get(reverse("admin:planner_importrun_upload") + f"?conference={kolkata.pk}")
    assert f'name="zone_from" value="{kolkata.pk}"' in page.content.decode()

    def upload(zone: str) -> ImportRun:
        with django_capture_on_commit_callbacks(execute=False):
            client.post(
                reverse("admin:planner_importrun_upload"),
                {
                    "conference": eccv.pk,  # another conference chosen after the page loaded
                    "zone_from": kolkata.pk,
                    "url": "https://example.org/schedule.xml",
                    "source_key": "import",
                    "timezone": zone,
                },
            )
        return ImportRun.objects.filter(conference=eccv).latest("pk")

    assert upload("Asia/Kolkata").timezone == ""  # as filled in: the chosen conference's zone
    assert upload("Europe/Rome").timezone == "Europe/Rome"  # typed by hand: kept


# --- a list of papers (no dates, no title) -----------------------------------------------------

CVPR_LIST = REAL_DATA / "cvpr-2025-papercopilot" / "cvpr2025.json"
ECCV_LIST = REAL_DATA / "eccv-2024-papercopilot" / "eccv2024.json"


@pytest.fixture
def cvpr_program():
    """A CVPR 2025 conference whose program holds 40 of the list's papers, imported under the
    source the list comes in by too (the CLI's default, "import")."""
    conference = f.ConferenceFactory(
        slug="cvpr-2025",
        name="CVPR 2025",
        timezone="America/Chicago",
        start_date=dt.date(2025, 6, 11),
        end_date=dt.date(2025, 6, 15),
    )
    for entry in json.loads(CVPR_LIST.read_text())[:40]:
        f.PaperFactory(
            conference=conference,
            source="import",
            external_id=entry["title"],
            title=entry["title"].upper(),
        )
    return conference


def test_a_paper_list_enriches_its_own_conference(cvpr_program):
    outcome = schedule_import(
        conference=cvpr_program, data=CVPR_LIST.read_bytes(), filename="cvpr2025.json"
    )

    assert outcome.result.counts["paper"]["matched"] == 40
    assert Paper.objects.filter(conference=cvpr_program).count() == 2872  # none twice
    again = schedule_import(
        conference=cvpr_program, data=CVPR_LIST.read_bytes(), filename="cvpr2025.json"
    )
    assert again.result.writes == 0


def test_another_conferences_paper_list_stops_until_forced(cvpr_program):
    """ECCV's list into CVPR: no dates to compare, no title; none of its titles is CVPR's."""
    with pytest.raises(ScheduleMismatch) as caught:
        schedule_import(conference=cvpr_program, data=ECCV_LIST.read_bytes(), filename="e.json")

    assert caught.value.findings == [
        "only 0 of its 2,387 paper titles match one of the 40 papers the conference already "
        "has (a list of another conference's papers?)"
    ]
    assert caught.value.found["papers_matched"] == 0
    assert Paper.objects.filter(conference=cvpr_program).count() == 40

    outcome = schedule_import(
        conference=cvpr_program, data=ECCV_LIST.read_bytes(), filename="e.json", force=True
    )
    assert outcome.result.counts["paper"]["created"] == 2387


def test_a_paper_list_into_a_conference_without_papers_is_not_compared(eccv):
    outcome = schedule_import(conference=eccv, data=ECCV_LIST.read_bytes(), filename="e.json")

    assert outcome.result.counts["paper"]["created"] == 2387
