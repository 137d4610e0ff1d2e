"""Clear words when a file is refused: what it looked like and what it was checked against,
a DOCTYPE named as such, the file named when a zone is missing, and a papers-only file that
does not give a new conference today's date."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from planner.importers import parse_schedule
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.models import Conference, Paper
from tests.infra import REAL_DATA

CHECKED = (
    "which is none of the formats checked: frab XML (root element <schedule>); schedule JSON "
    '(an object with "schedule": {"conference": …}); Pentabarf xCal (<iCalendar> holding '
    "<vcalendar>); a pretalx REST dump (schedule: {date: {minute: {room: talk}}}, rooms); ACL "
    "MiniConf (conference.json with sessions → events, or a folder with papers.json and "
    "calendar.json); a Paper Copilot list (papers with title, author, status, site); iCalendar "
    "(BEGIN:VCALENDAR); MiniConf YAML (.yml: accepted papers, sponsors, socials); MiniConf "
    "sitedata (papers.csv with UID, title, authors; a session file: *calendar*.json, a CSV with "
    "UID, title, start, end; or a zip or folder holding papers.csv); a Boardwalk CSV template "
    "(or a zip of them). Pass --format (in the API and admin: format) to say which"
)


def refused(data: bytes, filename: str) -> ScheduleFormatError:
    with pytest.raises(ScheduleFormatError) as caught:
        parse_schedule(data, ImportOptions(filename=filename, timezone="UTC"))
    return caught.value


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b'{"sessions": {}, "papers": {}}', "a JSON object with the keys sessions, papers"),
        (
            b'[{"id": 1, "title": "x", "author": "A"}]',
            "a JSON list of 1 items whose first has the keys id, title, author",
        ),
        (b"- authors: A, B\n  title: T\n", "a YAML document starting '- authors: A, B'"),
        (b"Day,Slot,Session\n1,2,3\n", "a CSV table whose header is 'Day,Slot,Session'"),
        (
            b'<?xml version="1.0"?>\n<rss><channel/></rss>',
            "an XML document whose root element is <rss>",
        ),
        (b"hello there\n", "text starting 'hello there'"),
    ],
    ids=["json-object", "json-list", "yaml", "csv", "xml", "text"],
)
def test_unknown_format_says_what_the_file_looked_like_and_what_was_checked(data, looks_like):
    error = refused(data, "upload.bin")

    assert (
        str(error)
        == f"upload.bin: cannot tell the format: the file looks like {looks_like}, {CHECKED}"
    )


def test_a_zip_of_unknown_files_lists_them():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
        archive.writestr("logo.png", b"\x89PNG")

    error = refused(buffer.getvalue(), "site.zip")

    assert "the file looks like a zip holding notes.txt, logo.png, which is none" in str(error)


def test_xml_with_a_doctype_says_so_without_format():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE schedule [\n  <!ENTITY lol "lol">\n'
        b'  <!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n<schedule><conference/></schedule>\n'
    )

    error = refused(bomb, "schedule.xml")

    assert error.element == "<!DOCTYPE>"
    assert str(error) == (
        "schedule.xml: <!DOCTYPE>: the file is XML with a <!DOCTYPE schedule> declaration, "
        "which is not accepted (a DTD can define entities that expand without bound or read "
        "local files); export the schedule without it"
    )


@pytest.mark.django_db
def test_missing_zone_names_the_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    with pytest.raises(CommandError) as caught:
        call_command(
            "import_schedule",
            "new",
            str(REAL_DATA / "31c3/schedule.xml"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "schedule.xml names no time zone, and conference 'new' does not exist yet to take one "
        "from; pass --timezone (an IANA name such as Europe/Berlin)"
    )
    assert not Conference.objects.filter(slug="new").exists()


@pytest.mark.django_db
def test_papers_only_file_does_not_date_a_new_conference_today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    with pytest.raises(CommandError) as caught:
        call_command(
            "import_schedule",
            "pldi",
            str(REAL_DATA / "pldi-2021-miniconf/papers.csv"),
            "--timezone",
            "America/New_York",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "papers.csv holds 349 people, 87 papers but no sessions or dates, so it cannot say when "
        "conference 'pldi' takes place; create the conference first (in the admin, or by "
        "importing its program) and then import this file into it"
    )
    assert not Conference.objects.filter(slug="pldi").exists()
    assert Paper.objects.count() == 0
