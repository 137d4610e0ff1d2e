"""ACL MiniConf: ACL 2023's conference.json and EACL 2024's build folder (real files), plus
small files written here for the rules (NaN, long ids, missing papers, bad values)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections import Counter

import pytest

from planner.enums import ImportFormat, MealKind, RoomKind, SessionKind
from planner.importers import acl_miniconf, detect_format, parse_schedule
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.models import Authorship, Meal, Oral, Paper, Poster, Room, Session
from planner.services.schedule_upsert import schedule_upsert
from tests import factories as f
from tests.infra import REAL_DATA

ACL = REAL_DATA / "acl-2023" / "conference.json"


def folder_zip(directory: str, *, leave_out: tuple[str, ...] = ()) -> bytes:
    """The folder as the CLI sends it (manage.py import_schedule zips a directory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((REAL_DATA / directory).iterdir()):
            if path.name not in leave_out:
                archive.write(path, path.name)
    return buffer.getvalue()


def make_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# --- ACL 2023 -------------------------------------------------------------------------------------


def test_acl_2023_sessions_events_papers():
    raw = json.loads(ACL.read_text())
    parsed = parse_schedule(ACL.read_bytes(), ImportOptions(filename="conference.json"))

    assert parsed.format == ImportFormat.ACL_MINICONF
    assert len(parsed.papers) == 1676
    # The 91 time blocks and every one of their 408 events, at the block's event times.
    assert len(raw["sessions"]) == 91
    by_key = {s.key: s for s in parsed.sessions}
    assert len(by_key) == 408
    for block in raw["sessions"].values():
        for event in block["events"].values():
            session = by_key[event["id"]] if len(event["id"]) <= 97 else None
            if session is None:  # long workshop ids are shortened, see test_long_ids
                continue
            assert session.start == dt.datetime.fromisoformat(event["start_time"])
            assert session.end == dt.datetime.fromisoformat(event["end_time"])
    # The 23 "Socials" include 12 coffee and lunch breaks.
    assert Counter(s.kind for s in parsed.sessions) == {
        SessionKind.POSTER: 206 + 77,
        SessionKind.ORAL: 39 + 3,
        SessionKind.WORKSHOP: 38,
        SessionKind.SOCIAL: 11,
        SessionKind.BREAK: 8,
        SessionKind.MEAL: 4,
        SessionKind.TUTORIAL: 12,
        SessionKind.KEYNOTE: 10,
    }
    oral = by_key["session-10_-generation-(oral)"]
    assert oral.title == "Session 10: Generation (Oral)"
    assert oral.track == "Generation"
    assert oral.room == raw["events"]["session-10_-generation-(oral)"]["room"]
    rooms = {r.name: r.kind for r in parsed.rooms}
    assert rooms["Virtual Poster Session"] == RoomKind.VIRTUAL
    assert rooms["Poster Session"] == RoomKind.POSTER_HALL
    assert rooms["Pier 2&3"] == RoomKind.ROOM
    assert sum("(Spotlight)" in s.title for s in parsed.sessions) == 3
    assert sum("(Virtual Poster)" in s.title for s in parsed.sessions) == 77

    # Papers: ordered authors and links; the talks of an oral session in the listed order.
    paper = next(p for p in parsed.papers if p.key == "T4419")
    assert paper.title == "Multilingual Coreference Resolution in Multiparty Dialogue"
    assert paper.authors == [
        "name:boyuan zheng",
        "name:patrick xia",
        "name:mahsa yarmohammadi",
        "name:benjamin van durme",
    ]
    assert paper.site_url.startswith("https://underline.io/lecture/78292-")
    assert paper.status == "TACL"
    event = raw["events"]["session-10_-discourse-and-pragmatics-(oral)"]
    talks = sorted((o for o in parsed.orals if o.session == event["id"]), key=lambda o: o.order)
    assert [o.paper for o in talks] == event["paper_ids"]
    assert all(
        (o.start, o.end) == (by_key[event["id"]].start, by_key[event["id"]].end) for o in talks
    )
    assert len(parsed.orals) + len(parsed.posters) == sum(
        len(e["paper_ids"]) for e in raw["events"].values()
    )
    poster = parsed.posters[0]
    assert poster.board == poster.paper  # no boards in the file: labelled by paper id
    assert any("no poster board numbers; 1376 posters" in w for w in parsed.warnings)
    assert any("no per-talk times; 547 talks" in w for w in parsed.warnings)
    # Signed (expired) video links are not kept.
    assert not any("X-Amz-Signature" in p.video_url for p in parsed.papers)
    assert parsed.conference.start_date == dt.date(2023, 7, 9)
    assert parsed.conference.end_date == dt.date(2023, 7, 14)


@pytest.mark.django_db
def test_acl_2023_import_and_unchanged_reimport():
    conference = f.ConferenceFactory(
        timezone="America/Toronto", start_date=dt.date(2023, 7, 9), end_date=dt.date(2023, 7, 14)
    )
    data = ACL.read_bytes()
    first = schedule_upsert(
        conference=conference,
        parsed=parse_schedule(data, ImportOptions(filename="conference.json")),
    )
    assert first.writes > 0
    assert Paper.objects.filter(conference=conference).count() == 1676
    assert Session.objects.filter(conference=conference).count() == 408
    assert Oral.objects.filter(conference=conference).count() == 547
    assert Poster.objects.filter(conference=conference).count() == 1376
    assert Room.objects.get(conference=conference, name="Virtual Poster Session").kind == (
        RoomKind.VIRTUAL
    )
    paper = Paper.objects.get(conference=conference, external_id="T4419")
    assert list(
        Authorship.objects.filter(paper=paper)
        .order_by("position")
        .values_list("person__name", flat=True)
    ) == ["Boyuan Zheng", "Patrick Xia", "Mahsa Yarmohammadi", "Benjamin Van Durme"]
    generation = Session.objects.get(
        conference=conference, external_id="session-10_-generation-(oral)"
    )
    assert generation.track.name == "Generation"
    listed = json.loads(ACL.read_text())["events"]["session-10_-generation-(oral)"]["paper_ids"]
    assert (
        list(generation.orals.order_by("order").values_list("paper__external_id", flat=True))
        == listed
    )

    again = schedule_upsert(
        conference=conference,
        parsed=parse_schedule(data, ImportOptions(filename="conference.json")),
    )
    assert again.writes == 0
    assert again.summary() == "no changes"
    assert again.schedule_version == first.schedule_version


def test_acl_2023_folder_adds_the_socials_once():
    data = folder_zip("acl-2023")
    assert detect_format(data, "acl-2023.zip") == ImportFormat.ACL_MINICONF
    parsed = parse_schedule(data, ImportOptions(filename="acl-2023.zip"))

    assert len(parsed.papers) == 1676
    # socials_data.json: 17 socials, 9 of them already in conference.json by name.
    assert len(parsed.sessions) == 408 + 17 - 9
    reception = [s for s in parsed.sessions if "welcome reception" in s.title.casefold()]
    assert len(reception) == 1
    # Its time and room come from socials_data.json (UTC), which conference.json lacks.
    assert reception[0].start == dt.datetime(2023, 7, 9, 23, 0, tzinfo=dt.UTC)
    assert reception[0].room == "Metropolitan Ballroom"
    queer = next(s for s in parsed.sessions if s.key == "bof:birds-of-a-feather-1")
    assert (queer.title, queer.room) == ("Birds of a Feather 1: Queer in AI Workshop", "Pier 9")
    assert any("9 social(s) listed elsewhere at another time" in w for w in parsed.warnings)


def test_acl_2023_folder_reads_conference_json_utc_wall_clocks_outside_paper_sessions():
    """conference.json labels UTC wall clocks with Toronto's -04:00 outside its paper
    sessions (socials_data.json, in UTC, lists 7 of the same socials at the same wall
    clock): the keynote, tutorials, workshops and poster blocks land in the morning."""
    toronto = dt.timezone(dt.timedelta(hours=-4))  # EDT, all of July
    folder = parse_schedule(folder_zip("acl-2023"), ImportOptions(filename="acl-2023.zip"))
    alone = parse_schedule(ACL.read_bytes(), ImportOptions(filename="conference.json"))

    def local(parsed, kind):
        return Counter(
            s.start.astimezone(toronto).strftime("%H:%M") for s in parsed.sessions if s.kind == kind
        )

    assert any("7 of the same socials" in w and "83 plenaries" in w for w in folder.warnings)
    # Tutorials in the four slots of the day, workshops at 09:00, the keynotes from 09:00.
    assert local(folder, SessionKind.TUTORIAL) == {"09:00": 3, "11:00": 3, "14:00": 3, "16:00": 3}
    assert local(folder, SessionKind.WORKSHOP)["09:00"] == 25
    assert min(local(folder, SessionKind.KEYNOTE)) == "09:00"
    # The Findings poster blocks fall into the paper sessions' slots; nothing after 20:00.
    assert set(local(folder, SessionKind.POSTER)) == {"09:00", "11:00", "14:00", "16:15"}
    assert all(s.start.astimezone(toronto).hour < 20 for s in folder.sessions)
    # The paper sessions keep their (honest) local times: the same instants as alone.
    papers = {s.key: s.start for s in alone.sessions if s.kind == SessionKind.ORAL}
    assert {s.key: s.start for s in folder.sessions if s.key in papers} == papers
    # conference.json alone gives no evidence: its times are taken as written (a 13:00
    # workshop), nothing said.
    assert local(alone, SessionKind.WORKSHOP)["13:00"] == 25
    assert not any("wall clocks" in w for w in alone.warnings)


def test_socials_moved_to_other_days_are_no_evidence_of_utc_wall_clocks():
    """Three socials, two of them really moved (another day): no reading as UTC."""

    def event(key, start, kind="Socials"):
        return {
            "id": key,
            "type": kind,
            "track": key,
            "start_time": f"2023-07-10T{start}:00-04:00",
            "end_time": f"2023-07-10T{start[:2]}:59:00-04:00",
            "room": "Pier 9",
            "paper_ids": [],
        }

    conference = {
        "sessions": {
            "s": {
                "name": "Socials",
                "type": "Socials",
                "start_time": "2023-07-10T13:00:00-04:00",
                "end_time": "2023-07-10T20:00:00-04:00",
                "events": {
                    k: event(k, t)
                    for k, t in (
                        ("alpha-social", "13:00"),
                        ("beta-social", "15:00"),
                        ("gamma-social", "17:00"),
                    )
                },
            },
            "w": {
                "name": "Workshops",
                "type": "Workshops",
                "start_time": "2023-07-13T13:00:00-04:00",
                "end_time": "2023-07-13T14:00:00-04:00",
                "events": {"ws": event("ws", "13:00", "Workshops")},
            },
        },
        "papers": {},
        "events": {},
    }
    socials = [
        {
            "id": "a",
            "name": "alpha-social",
            "start_time": "2023-07-10T13:00:00+00:00",
            "end_time": "2023-07-10T13:59:00+00:00",
            "room": "Pier 9",
        },
        {
            "id": "b",
            "name": "beta-social",
            "start_time": "2023-07-12T09:00:00+00:00",
            "end_time": "2023-07-12T10:00:00+00:00",
            "room": "Pier 9",
        },
        {
            "id": "c",
            "name": "gamma-social",
            "start_time": "2023-07-13T09:00:00+00:00",
            "end_time": "2023-07-13T10:00:00+00:00",
            "room": "Pier 9",
        },
    ]
    data = make_zip(
        {"conference.json": json.dumps(conference), "socials_data.json": json.dumps(socials)}
    )

    parsed = parse_schedule(data, ImportOptions(filename="acl.zip"))

    workshop = next(s for s in parsed.sessions if s.key == "ws")
    assert workshop.start == dt.datetime(2023, 7, 10, 17, 0, tzinfo=dt.UTC)  # as written
    assert not any("wall clocks" in w for w in parsed.warnings)


# --- EACL 2024: the build folder ------------------------------------------------------------------


def test_eacl_2024_folder():
    data = folder_zip("eacl-2024")
    assert detect_format(data, "eacl-2024.zip") == ImportFormat.ACL_MINICONF
    parsed = parse_schedule(data, ImportOptions(filename="eacl-2024.zip", timezone="Europe/Malta"))

    assert len(parsed.papers) == 427
    assert Counter(s.kind for s in parsed.sessions) == {
        SessionKind.POSTER: 59,
        SessionKind.ORAL: 24,
        SessionKind.WORKSHOP: 19,
        SessionKind.KEYNOTE: 7,
        SessionKind.SOCIAL: 6,
        SessionKind.TUTORIAL: 5,
    }
    # break.json: 15 meals (10 coffee, 5 lunch); the calendar's 30 break entries are not used.
    assert Counter(m.kind for m in parsed.meals) == {MealKind.COFFEE: 10, MealKind.LUNCH: 5}
    lunch = next(m for m in parsed.meals if m.key == "lunch-break-1")
    assert lunch.start == dt.datetime(2024, 3, 18, 11, 30, tzinfo=dt.UTC)
    # Every paper's event is a session; 2 papers are in two poster sessions.
    assert len(parsed.posters) + len(parsed.orals) == 427 + 2
    # The day-tab repeats, grouping blocks and socials listed in three files appear once.
    titles = Counter(s.title for s in parsed.sessions)
    assert titles.most_common(1)[0][1] == 1
    assert "Welcome reception" in titles
    assert "Social Event Dinner & Entertainment" in titles
    assert not any(t.startswith("Session 8") and "(" not in t for t in titles)
    # RFC 1123 GMT times; the plenary gets its speaker from plenaries.json.
    keynote = next(s for s in parsed.sessions if s.title.startswith("Quality Data for LLMs"))
    assert keynote.start == dt.datetime(2024, 3, 19, 8, 0, tzinfo=dt.UTC)
    assert keynote.room == "Radisson"
    assert keynote.description
    assert any("37 day-tab repeats" in w for w in parsed.warnings)
    assert any("bof.json: 4 meeting(s) are already in the program" in w for w in parsed.warnings)
    assert any(
        "event.json: 2 social event(s) are already in the calendar" in w for w in parsed.warnings
    )


def test_eacl_2024_folder_without_zone_skips_naive_socials_with_a_warning():
    parsed = parse_schedule(folder_zip("eacl-2024"), ImportOptions(filename="eacl-2024.zip"))
    assert any("event.json: 2 social event(s) have local times" in w for w in parsed.warnings)
    assert len(parsed.sessions) == 120


@pytest.mark.django_db
def test_eacl_2024_import_and_unchanged_reimport():
    conference = f.ConferenceFactory(
        timezone="Europe/Malta", start_date=dt.date(2024, 3, 17), end_date=dt.date(2024, 3, 22)
    )
    data = folder_zip("eacl-2024")
    options = ImportOptions(filename="eacl-2024.zip", timezone="Europe/Malta")
    schedule_upsert(conference=conference, parsed=parse_schedule(data, options))
    assert Meal.objects.filter(conference=conference).count() == 15
    assert Session.objects.filter(conference=conference).count() == 120
    again = schedule_upsert(conference=conference, parsed=parse_schedule(data, options))
    assert again.writes == 0


# --- rules, on small files ------------------------------------------------------------------------


def _conference(events: list[dict], papers: dict | None = None) -> bytes:
    return json.dumps(
        {
            "sessions": {
                "session-1": {
                    "id": "session-1",
                    "name": "Session 1",
                    "type": "Paper Sessions",
                    "start_time": "2024-05-01T09:00:00+02:00",
                    "end_time": "2024-05-01T10:30:00+02:00",
                    "events": {e["id"]: e for e in events},
                }
            },
            "papers": papers or {},
            "events": {e["id"]: e for e in events},
        }
    ).encode()


def _event(event_id: str, **fields) -> dict:
    return {
        "id": event_id,
        "session": "Session 1",
        "track": "Parsing",
        "type": "Oral",
        "start_time": "2024-05-01T09:00:00+02:00",
        "end_time": "2024-05-01T10:30:00+02:00",
        "chairs": [],
        "paper_ids": [],
        "link": None,
        "room": "Hall A",
        **fields,
    }


PAPERS = {
    "P1": {"id": "P1", "title": "Paper one", "authors": ["Ann Lee", "Bo Chen"], "event_ids": []},
    "P2": {"id": "P2", "title": "Paper two", "authors": ["Bo Chen"], "event_ids": []},
}


def test_nan_room_long_ids_and_missing_papers():
    long_id = "w1_-" + "a-very-long-workshop-name-" * 8
    text = _conference(
        [
            _event("oral-1", paper_ids=["P2", "P1", "P9"]),
            _event(long_id, type="Workshops", track="A workshop", room=float("nan"), paper_ids=[]),
        ],
        PAPERS,
    )
    assert b"NaN" in text
    parsed = acl_miniconf.parse(text, ImportOptions(filename="conference.json"))

    workshop = next(s for s in parsed.sessions if s.kind == SessionKind.WORKSHOP)
    assert workshop.room is None
    assert len(workshop.key) <= 97
    assert workshop.key.startswith("w1_-a-very-long")
    assert [(o.paper, o.order) for o in parsed.orals] == [("P2", 1), ("P1", 2)]
    assert all(len(o.key) <= 200 for o in parsed.orals)
    assert any("1 paper id(s) in 1 event(s)" in w for w in parsed.warnings)


@pytest.mark.django_db
def test_small_file_reimport_and_a_moved_event():
    conference = f.ConferenceFactory(timezone="Europe/Berlin")
    text = _conference([_event("oral-1", paper_ids=["P1", "P2"])], PAPERS)
    options = ImportOptions(filename="conference.json")
    schedule_upsert(conference=conference, parsed=acl_miniconf.parse(text, options))
    assert (
        schedule_upsert(conference=conference, parsed=acl_miniconf.parse(text, options)).writes == 0
    )
    moved = text.replace(b"09:00:00+02:00", b"09:30:00+02:00")
    result = schedule_upsert(conference=conference, parsed=acl_miniconf.parse(moved, options))
    assert result.counts["session"]["updated"] == 1
    assert Session.objects.get(conference=conference, external_id="oral-1").start == dt.datetime(
        2024, 5, 1, 7, 30, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"start_time": "soon"}, "is not an ISO 8601 date-time", "start_time"),
        ({"end_time": "2024-05-01T08:00:00+02:00"}, "before it starts", "end"),
        ({"start_time": "2024-05-01T09:00:00"}, "has no UTC offset", "start_time"),
    ],
)
def test_bad_values_name_the_event_and_field(change, message, field):
    text = _conference([_event("oral-1", **change)])
    with pytest.raises(ScheduleFormatError) as caught:
        acl_miniconf.parse(text, ImportOptions(filename="conference.json"))
    assert message in caught.value.message
    assert caught.value.element == "event 'oral-1'"
    assert caught.value.field == field
    assert str(caught.value).startswith("conference.json: event 'oral-1'")


def test_folder_with_rfc1123_calendar_and_breaks():
    papers = [
        {"id": "7", "title": "A poster", "authors": ["Ann Lee"], "event_ids": ["s1_-nlp-(poster)"]}
    ]
    calendar = [
        {
            "title": "Session 1",
            "type": "Paper Sessions",
            "start": "Mon, 18 Mar 2024 10:00:00 GMT",
            "end": "Mon, 18 Mar 2024 11:00:00 GMT",
            "location": "",
            "url": "sessions.html#link-march18-s1",
        },
        {
            "title": "Poster: NLP",
            "type": "Paper Sessions",
            "start": "Mon, 18 Mar 2024 10:00:00 GMT",
            "end": "Mon, 18 Mar 2024 11:00:00 GMT",
            "location": ", Room: Hall B",
            "url": "/sessions.html#link-march18-s1_-nlp-(poster)",
        },
        {
            "title": "Coffee Break",
            "type": "Breaks",
            "start": "Mon, 18 Mar 2024 11:00:00 GMT",
            "end": "Mon, 18 Mar 2024 11:30:00 GMT",
            "location": "",
            "url": "/sessions.html#link-march18-coffee-break-1",
        },
    ]
    data = make_zip({"papers.json": json.dumps(papers), "calendar.json": json.dumps(calendar)})
    parsed = parse_schedule(data, ImportOptions(filename="site.zip"))

    assert parsed.format == ImportFormat.ACL_MINICONF
    (session,) = parsed.sessions
    assert (session.key, session.title, session.kind, session.room) == (
        "s1_-nlp-(poster)",
        "Session 1: NLP (Poster)",
        SessionKind.POSTER,
        "Hall B",
    )
    assert [(p.paper, p.board) for p in parsed.posters] == [("7", "7")]
    (meal,) = parsed.meals
    assert (meal.kind, meal.start) == (MealKind.COFFEE, dt.datetime(2024, 3, 18, 11, tzinfo=dt.UTC))

    bad = make_zip(
        {
            "papers.json": json.dumps(papers),
            "calendar.json": json.dumps([{**calendar[1], "start": "Monday morning"}]),
        }
    )
    with pytest.raises(ScheduleFormatError) as caught:
        parse_schedule(bad, ImportOptions(filename="site.zip"))
    assert str(caught.value).startswith("site.zip/calendar.json: entry 1: start: 'Monday morning'")


def test_detection_leaves_other_json_alone():
    assert not acl_miniconf.sniff(b'{"schedule": {"conference": {"days": []}}}', "x.json")
    assert not acl_miniconf.sniff(b'{"sessions": [1, 2]}', "x.json")
    assert not acl_miniconf.sniff(make_zip({"papers.csv": "UID,title,authors\n"}), "x.zip")
    assert acl_miniconf.sniff(ACL.read_bytes(), "conference.json")


@pytest.mark.parametrize(
    ("name", "zone", "counts"),
    [
        ("papers.json", "", {"papers": 427}),
        ("calendar.json", "", {"sessions": 120, "meals": 15}),
        ("break.json", "", {"meals": 15}),
        ("bof.json", "", {"sessions": 4}),
        ("event.json", "Europe/Malta", {"sessions": 2}),
        ("conference.json", "", {"sessions": 1}),
    ],
)
def test_eacl_files_one_by_one(name, zone, counts):
    data = (REAL_DATA / "eacl-2024" / name).read_bytes()
    assert detect_format(data, name) == ImportFormat.ACL_MINICONF
    parsed = parse_schedule(data, ImportOptions(filename=name, timezone=zone))
    assert {k: v for k, v in parsed.counts().items() if v and k in counts} == counts
    if name == "papers.json":
        assert parsed.enrich_papers is True
        assert parsed.covers == frozenset()


@pytest.mark.parametrize(
    ("name", "zone", "message"),
    [
        ("plenaries.json", "", "nothing to import: plenaries.json: 7 plenaries not in the"),
        ("event.json", "", "nothing to import: event.json: 2 social event(s) have local times"),
    ],
)
def test_eacl_files_that_cannot_stand_alone_say_why(name, zone, message):
    data = (REAL_DATA / "eacl-2024" / name).read_bytes()
    with pytest.raises(ScheduleFormatError) as caught:
        parse_schedule(data, ImportOptions(filename=name, timezone=zone))
    assert message in str(caught.value)


def test_acl_socials_data_alone():
    data = (REAL_DATA / "acl-2023" / "socials_data.json").read_bytes()
    parsed = parse_schedule(data, ImportOptions(filename="socials_data.json"))
    assert len(parsed.sessions) == 17
    assert {s.kind for s in parsed.sessions} == {SessionKind.SOCIAL}


# --- the tolerance rules, in this format too ------------------------------------------------------


def _one_block(starts: list[str]) -> bytes:
    events = {
        f"e{n}": {
            "id": f"e{n}",
            "type": "Oral",
            "track": f"Topic {n}",
            "start_time": start,
            "end_time": "2024-03-19T23:00:00" + start[19:],
            "room": "Hall",
            "paper_ids": [],
        }
        for n, start in enumerate(starts)
    }
    return json.dumps(
        {"sessions": {"s1": {"name": "Session 1", "events": events}}, "papers": {}, "events": {}}
    ).encode()


@pytest.mark.django_db
def test_a_skipped_event_keeps_what_an_earlier_import_made_of_it():
    starts = [f"2024-03-19T{9 + n:02d}:00:00+01:00" for n in range(12)]
    options = ImportOptions(filename="conference.json", timezone="Europe/Malta")
    conference = f.ConferenceFactory(timezone="Europe/Malta")
    schedule_upsert(conference=conference, parsed=acl_miniconf.parse(_one_block(starts), options))

    broken = [*starts[:5], "soon", *starts[6:]]
    again = schedule_upsert(
        conference=conference, parsed=acl_miniconf.parse(_one_block(broken), options)
    )

    assert again.writes == 0
    assert not Session.objects.get(conference=conference, external_id="e5").cancelled


def test_one_malformed_event_is_skipped_more_than_a_tenth_refuses():
    starts = [f"2024-03-19T{9 + n:02d}:00:00+01:00" for n in range(12)]
    options = ImportOptions(filename="conference.json", timezone="Europe/Malta")

    parsed = acl_miniconf.parse(_one_block([*starts[:5], "soon", *starts[6:]]), options)
    assert len(parsed.sessions) == 11
    assert any("event 'e5'" in w and "was skipped" in w for w in parsed.warnings)

    with pytest.raises(ScheduleFormatError, match="2 of 12 events cannot be read"):
        acl_miniconf.parse(_one_block(["soon", *starts[1:5], "later", *starts[6:]]), options)


def test_lmt_offset_is_read_as_wall_time_in_the_conference_zone():
    """+00:58 is Europe/Malta's local mean time: a MiniConf script's pytz bug."""
    parsed = acl_miniconf.parse(
        _one_block(["2024-03-19T09:00:00+00:58"]),
        ImportOptions(filename="conference.json", timezone="Europe/Malta"),
    )
    assert parsed.sessions[0].start == dt.datetime(2024, 3, 19, 8, tzinfo=dt.UTC)
    assert any("local mean time of Europe/Malta" in w for w in parsed.warnings)


def test_a_calendar_entry_with_a_bad_time_is_skipped():
    entries = [
        {
            "title": f"Oral: Topic {n}",
            "type": "Paper Sessions",
            "start": f"Tue, 19 Mar 2024 {8 + n:02d}:00:00 GMT",
            "end": f"Tue, 19 Mar 2024 {8 + n:02d}:30:00 GMT",
            "location": ", Room: Hall",
            "url": f"papers.html#link-x{n}-topic-{n}",
        }
        for n in range(12)
    ]
    entries[4]["start"] = "Tuesday morning"
    parsed = acl_miniconf.parse(
        json.dumps(entries).encode(),
        ImportOptions(filename="calendar.json", timezone="Europe/Malta"),
    )

    assert len(parsed.sessions) == 11
    assert any("this calendar entry was skipped" in w for w in parsed.warnings)
    assert "topic-4" in parsed.kept


def test_socials_that_only_end_later_are_no_evidence_of_utc_wall_clocks():
    """Lisbon in late October: summer time (+01:00) ends on the 29th. Three evening socials
    after it (+00:00, honest) end later in socials_data.json, at the same start: their start
    did not move, so they say nothing of conference.json's offsets, and the workshop on the
    28th stays at 09:00 local (08:00 UTC), not read as 09:00 UTC."""

    def event(key, day, start, end, offset, kind="Socials"):
        return {
            "id": key,
            "type": kind,
            "track": key,
            "start_time": f"2023-10-{day}T{start}:00{offset}",
            "end_time": f"2023-10-{day}T{end}:00{offset}",
            "room": "Sala 1",
            "paper_ids": [],
        }

    evenings = (("alpha-social", 29), ("beta-social", 30), ("gamma-social", 31))
    conference = {
        "sessions": {
            "s": {
                "name": "Socials",
                "type": "Socials",
                "events": {k: event(k, d, "19:00", "21:00", "+00:00") for k, d in evenings},
            },
            "w": {
                "name": "Workshops",
                "type": "Workshops",
                "events": {"ws": event("ws", 28, "09:00", "12:00", "+01:00", "Workshops")},
            },
        },
        "papers": {},
        "events": {},
    }
    socials = [
        {
            "id": key,
            "name": key,
            "start_time": f"2023-10-{day}T19:00:00+00:00",
            "end_time": f"2023-10-{day}T22:00:00+00:00",  # an hour longer
            "room": "Sala 1",
        }
        for key, day in evenings
    ]
    data = make_zip(
        {"conference.json": json.dumps(conference), "socials_data.json": json.dumps(socials)}
    )

    parsed = parse_schedule(data, ImportOptions(filename="acl.zip"))

    workshop = next(s for s in parsed.sessions if s.key == "ws")
    assert workshop.start == dt.datetime(2023, 10, 28, 8, 0, tzinfo=dt.UTC)  # as written
    assert not any("wall clocks" in w for w in parsed.warnings)
