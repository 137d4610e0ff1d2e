"""MiniConf sitedata importer, on zips built in memory from the real sitedata of three sites."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from planner.enums import ImportFormat, SessionKind
from planner.importers import miniconf
from planner.importers.base import ImportOptions, ScheduleFormatError

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def make_zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def site_zip(directory: str, *, leave_out: tuple[str, ...] = ()) -> bytes:
    files = {
        f"sitedata/{path.name}": path.read_bytes()
        for path in sorted((REAL / directory).iterdir())
        if path.name not in leave_out
    }
    return make_zip(files)


def parse_site(directory: str, timezone: str = "", **kwargs):
    return miniconf.parse(
        site_zip(directory, **kwargs), ImportOptions(filename=f"{directory}.zip", timezone=timezone)
    )


# --- ICLR 2020: papers.csv + main_calendar.json (+ sample_cal.ics, ignored) ----------------------


def test_iclr_2020_papers_and_calendar():
    parsed = parse_site("iclr-2020-miniconf")

    assert parsed.format == ImportFormat.MINICONF
    assert len(parsed.papers) == 687
    assert len(parsed.sessions) == 56
    assert parsed.posters == []
    assert parsed.orals == []
    assert parsed.covers == frozenset({"papers", "people", "sessions", "rooms"})
    posters = [s for s in parsed.sessions if s.kind == SessionKind.POSTER]
    assert sorted(s.key for s in posters) == sorted(
        f"P{day}S{n}" for day in range(1, 5) for n in range(1, 6)
    )
    p1s3 = next(s for s in parsed.sessions if s.key == "P1S3")
    assert p1s3.title == "Poster Day 1 Session 3 (P1S3)"
    assert (p1s3.start, p1s3.end) == (utc(2020, 4, 27, 12, 0), utc(2020, 4, 27, 14, 0))
    assert p1s3.url == "https://iclr.cc/virtual/papers.html?session=Mon+Session+3&filter=keywords"
    assert p1s3.room is None  # the location is a link, not a place
    # Calendar entries without a code are keyed by title, repeats numbered in start order.
    risky = [s for s in parsed.sessions if s.title == "Anticipating Risky Research"]
    assert [(s.key, s.start) for s in risky] == [
        ("cal:anticipating risky research", utc(2020, 4, 28, 23, 0)),
        ("cal:anticipating risky research#2", utc(2020, 4, 29, 16, 0)),
    ]
    paper = parsed.papers[0]
    assert paper.key == "B1xSperKvH"
    assert paper.openreview_id == "B1xSperKvH"
    assert paper.authors[:2] == ["name:nitin rathi", "name:gopalakrishnan srinivasan"]
    assert any("1 paper(s) name poster sessions but no boards" in w for w in parsed.warnings)
    assert any("sample_cal.ics: ignored" in w for w in parsed.warnings)


def test_iclr_2020_bare_papers_csv():
    data = (REAL / "iclr-2020-miniconf" / "papers.csv").read_bytes()

    parsed = miniconf.parse(data, ImportOptions(filename="papers.csv"))

    assert len(parsed.papers) == 687
    assert parsed.sessions == []
    assert parsed.covers == frozenset({"papers", "people"})
    assert len(parsed.people) == len({a for p in parsed.papers for a in p.authors})


def test_ics_is_used_when_it_is_the_only_calendar():
    parsed = parse_site("iclr-2020-miniconf", leave_out=("main_calendar.json",))

    assert len(parsed.sessions) == 56
    p1s3 = next(s for s in parsed.sessions if s.title == "Poster Day 1 Session 3 (P1S3)")
    assert p1s3.start == utc(2020, 4, 27, 12, 0)


# --- PLDI 2021: papers.csv + track_pldi.csv + calendar_papers.csv --------------------------------


def test_pldi_2021_sessions_orals_and_poster_boards():
    parsed = parse_site("pldi-2021-miniconf")

    assert len(parsed.papers) == 87
    # track_pldi.csv: 58 rows minus 7 '# Tues,,,' comment rows; socials.yml: 19 social times.
    assert len(parsed.sessions) == 51 + 19
    assert len(parsed.orals) == 174
    assert len(parsed.posters) == 174
    assert parsed.covers == frozenset(
        {"papers", "people", "sessions", "rooms", "orals", "posters", "booths"}
    )
    assert len(parsed.booths) == 14  # sponsors.yml
    per_session = Counter(p.session for p in parsed.posters)
    assert len(per_session) == 12
    assert per_session["pldi_posters3"] == 16
    assert all(p.board for p in parsed.posters)
    poster = next(p for p in parsed.posters if p.key == "pldi.34@pldi_posters6")
    assert (poster.session, poster.board, poster.paper) == ("pldi_posters6", "86", "pldi.34")
    # Talks are numbered by start time within their session.
    talks = [o for o in parsed.orals if o.session == "pldi_talks1A"]
    assert [(o.order, o.paper) for o in talks[:2]] == [(1, "pldi.255"), (2, "pldi.369")]
    assert (talks[0].start, talks[0].end) == (utc(2021, 6, 23, 13, 0), utc(2021, 6, 23, 13, 5))
    src = next(s for s in parsed.sessions if s.key == "pldi_src_posters")
    assert src.kind == SessionKind.POSTER
    assert (src.start, src.end) == (utc(2021, 6, 22, 14, 0), utc(2021, 6, 22, 16, 0))  # -04:00
    assert src.room == "Gather"
    assert next(s for s in parsed.sessions if s.key == "pldi_talks1A").room == "pldi-A"
    assert any("174 time(s) with offset -00:00" in w for w in parsed.warnings)
    assert {"cafe", "business@20210624T1900Z"} <= {s.key for s in parsed.sessions}


# --- ISMIR 2022: papers.csv (session + position) + events.csv ------------------------------------


def test_ismir_2022_poster_boards_and_local_times():
    parsed = parse_site("ismir-2022", timezone="Asia/Kolkata")

    assert len(parsed.papers) == 113
    assert len(parsed.sessions) == 36
    assert len(parsed.posters) == 113
    poster_sessions = {s.key: s for s in parsed.sessions if s.kind == SessionKind.POSTER}
    assert len(poster_sessions) == 7
    assert Counter(p.session for p in parsed.posters) == {
        "12": 16, "14": 16, "20": 14, "22": 17, "28": 17, "30": 16, "35": 17,
    }  # fmt: skip
    assert {p.board for p in parsed.posters} == {str(n) for n in range(17)}
    first = next(p for p in parsed.posters if p.paper == "103")
    assert (first.key, first.session, first.board) == ("103@12", "12", "0")
    session_1 = poster_sessions["12"]
    assert session_1.title == "Posters Session 1"
    # 10:00-12:30 IST (+05:30) on 5 December 2022.
    assert (session_1.start, session_1.end) == (utc(2022, 12, 5, 4, 30), utc(2022, 12, 5, 7, 0))
    paper = next(p for p in parsed.papers if p.key == "103")
    assert paper.authors == [
        "name:yixiao zhang",
        "name:junyan jiang",
        "name:gus xia",
        "name:simon dixon",
    ]
    people = {p.key: p for p in parsed.people}
    assert people["name:yixiao zhang"].affiliation == (
        "Centre for Digital Music, Queen Mary University of London"
    )
    assert paper.keywords[0] == "MIR fundamentals and methodology -> lyrics and other textual data"
    lunch = next(s for s in parsed.sessions if s.key == "13")
    assert lunch.kind == SessionKind.MEAL
    assert any("paper_schedule.csv (columns not recognised)" in w for w in parsed.warnings)


def test_ismir_2022_needs_a_time_zone_for_naive_times():
    with pytest.raises(ScheduleFormatError) as caught:
        parse_site("ismir-2022")

    assert caught.value.file == "ismir-2022.zip/sitedata/events.csv"
    assert caught.value.line == 2
    assert caught.value.field == "start_time"


# --- privacy and errors --------------------------------------------------------------------------


def test_email_columns_are_never_imported():
    papers = (
        "uid,title,authors,primary_email,author_emails,abstract\n"
        "7,Music and Maths,Ada Lovelace|Alan Turing,ada@example.org,ada@example.org;alan@example.org,x\n"
    )

    parsed = miniconf.parse(papers.encode(), ImportOptions(filename="papers.csv"))

    assert [p.name for p in parsed.people] == ["Ada Lovelace", "Alan Turing"]
    assert "@" not in repr(parsed)


def test_slot_in_an_unknown_session_fails_naming_the_line():
    files = {
        "papers.csv": "UID,title,authors\np1,T,A B\n",
        "track.csv": "UID,title,start,end,category\ns1,Talks,2021-06-23T13:00:00+00:00,2021-06-23T14:00:00+00:00,paper-session\n",
        "calendar_papers.csv": "session,start,end,paperUID,posterNumber\n# Wed,,,,\ns2,,,p1,4\n",
    }

    with pytest.raises(ScheduleFormatError) as caught:
        miniconf.parse(make_zip(files), ImportOptions(filename="site.zip"))

    assert str(caught.value).startswith("site.zip/calendar_papers.csv:3: session: session 's2'")


def test_duplicate_board_fails():
    files = {
        "papers.csv": "UID,title,authors\np1,T,A B\np2,U,C D\n",
        "track.csv": "UID,title,start,end,category\ns1,Posters,2021-06-23T13:00:00Z,2021-06-23T14:00:00Z,poster\n",
        "calendar_papers.csv": "session,start,end,paperUID,posterNumber\ns1,,,p1,4\ns1,,,p2,4\n",
    }

    with pytest.raises(ScheduleFormatError) as caught:
        miniconf.parse(make_zip(files), ImportOptions(filename="site.zip"))

    assert (caught.value.line, caught.value.field) == (3, "posterNumber")


def test_zip_without_papers_csv_fails():
    with pytest.raises(ScheduleFormatError, match=r"no papers\.csv"):
        miniconf.parse(make_zip({"main_calendar.json": "[]"}), ImportOptions(filename="site.zip"))


# --- sniff ---------------------------------------------------------------------------------------


def test_sniff():
    assert miniconf.sniff(site_zip("pldi-2021-miniconf"), "site.zip")
    assert miniconf.sniff((REAL / "iclr-2020-miniconf" / "papers.csv").read_bytes(), "papers.csv")
    assert not miniconf.sniff(b"id,title,authors\nP-1,T,A\n", "papers.csv")  # a Boardwalk template
    assert not miniconf.sniff(make_zip({"posters.csv": "id,session_id,board\n"}), "x.zip")
    assert not miniconf.sniff(b"BEGIN:VCALENDAR\r\n", "x.ics")
