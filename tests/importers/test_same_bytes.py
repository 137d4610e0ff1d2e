"""A byte-identical re-import is answered "no changes" without parsing, as long as the program
has not changed since the run that imported those bytes; an admin edit in between disables it
(the file is parsed and compared again, and puts the file's version back)."""

from __future__ import annotations

import pytest

from planner.models import ImportRun, Session
from planner.services.imports import import_run_create, import_run_execute
from planner.services.program import Edit, program_edits_record
from tests.infra import REAL_DATA

pytestmark = pytest.mark.django_db

GOOD = (REAL_DATA / "good-2025" / "schedule.xml").read_bytes()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _run(conference, data: bytes = GOOD, **options) -> ImportRun:
    run = import_run_create(conference=conference, source="schedule.xml", data=data, **options)
    return import_run_execute(import_run_id=run.pk)


def test_same_bytes_are_not_parsed_again(conference, good_dates):
    first = _run(conference)
    assert first.status == "succeeded"
    assert "parse" in first.timings

    again = _run(conference)

    assert again.status == "no_changes"
    assert "parse" not in again.timings
    assert again.counts == {"changes": 0, "writes": 0, "same_bytes_as": first.pk}
    assert again.format == "frab_xml"
    assert again.schedule_version == first.schedule_version
    assert again.warnings == [
        f"schedule.xml: the same bytes (SHA-256 {first.checksum[:12]}…) as import run "
        f"#{first.pk}, and the program has not changed since (schedule version "
        f"{first.schedule_version}): not parsed"
    ]


def test_an_admin_edit_in_between_disables_the_skip(conference, good_dates):
    first = _run(conference)
    session = Session.objects.get(conference=conference, title="Contributor Jam")
    session.title = "Contributor Jam (room changed)"
    session.save(update_fields=["title"])
    program_edits_record(
        conference=conference,
        edits=[Edit(item=session, diff={"title": ("Contributor Jam", session.title)})],
    )

    again = _run(conference)

    assert "parse" in again.timings
    assert again.status == "succeeded"
    assert again.counts["changes"] == 1  # the file's title is put back
    session.refresh_from_db()
    assert session.title == "Contributor Jam"
    # And then the same bytes again: nothing has changed since this run.
    assert "parse" not in _run(conference).timings
    assert first.checksum == again.checksum


@pytest.mark.parametrize(
    "options",
    [{"zone": "America/Chicago"}, {"fmt": "schedule_json"}, {"source_key": "second-feed"}],
    ids=["other-zone", "other-format", "other-source"],
)
def test_other_options_are_not_the_same_import(conference, good_dates, options):
    _run(conference)

    again = _run(conference, **options)

    assert "same_bytes_as" not in again.counts
    assert again.status in ("succeeded", "no_changes", "failed")
    assert again.status == "failed" or "parse" in again.timings


def test_a_dry_run_does_not_count_as_the_last_import(conference, good_dates):
    _run(conference, dry_run=True)

    real = _run(conference)

    assert real.status == "succeeded"
    assert Session.objects.filter(conference=conference).count() == 72
