"""The streaming writer: any text survives escaping and folding, read back by icalendar and
vobject exactly (control characters other than tab and newline are dropped); no physical line
is longer than 75 octets; instants come back as the same UTC instant."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.ical.writer import IcsWriter, escape_text, fold

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # no lone surrogates: not encodable
    max_size=400,
)
JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")


def _expected(value: str) -> str:
    return "".join(c for c in value if not (ord(c) < 0x20 and c not in "\t\n") and c not in "\x7f")


def _calendar(summary: str, description: str) -> bytes:
    w = IcsWriter()
    w.begin("VCALENDAR")
    w.raw("VERSION", "2.0")
    w.text("PRODID", "-//test//EN")
    w.begin("VEVENT")
    w.text("UID", "x@test")
    w.text("SUMMARY", summary)
    w.text("DESCRIPTION", description)
    w.utc("DTSTAMP", dt.datetime(2026, 10, 25, tzinfo=dt.UTC))
    w.utc("DTSTART", dt.datetime(2026, 10, 25, 9, tzinfo=dt.UTC))
    w.end("VEVENT")
    w.end("VCALENDAR")
    return w.to_bytes()


@settings(max_examples=300, deadline=None)
@given(summary=TEXT, description=TEXT)
def test_writer_text_round_trips_through_two_readers(summary, description):
    body = _calendar(summary, description)

    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    vevent = vobject.readOne(body.decode()).vevent

    assert str(event["SUMMARY"]) == _expected(summary)
    assert str(event["DESCRIPTION"]) == _expected(description)
    assert vevent.summary.value == _expected(summary)
    assert vevent.description.value == _expected(description)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


@given(line=st.text(min_size=1, max_size=600).filter(lambda s: "\n" not in s and "\r" not in s))
def test_fold_unfolds_to_the_same_line_and_never_splits_a_character(line):
    line = line.encode("utf-8", "ignore").decode()
    folded = fold(line)

    assert folded.replace("\r\n ", "") == line
    for physical in folded.split("\r\n"):
        assert len(physical.encode()) <= 75
        physical.encode().decode()  # a split inside a UTF-8 sequence would raise here


def test_escape_text_escapes_the_four_specials():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_instant_writes_local_time_with_tzid_or_utc_with_z():
    w = IcsWriter()
    w.instant("DTSTART", dt.datetime(2026, 10, 26, 9, tzinfo=JERUSALEM), "Asia/Jerusalem")
    w.instant("DTEND", dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC), "Asia/Jerusalem")

    assert w.to_bytes() == (
        b"DTSTART;TZID=Asia/Jerusalem:20261026T090000\r\nDTEND:20261024T233000Z\r\n"
    )
