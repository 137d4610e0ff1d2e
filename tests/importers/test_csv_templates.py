"""CSV templates importer: the published templates, a realistic multi-file upload, and errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from planner.enums import ImportFormat, RoomKind, SessionKind
from planner.importers import csv_templates
from planner.importers.base import MAX_IMPORT_BYTES, ImportOptions, ScheduleFormatError
from planner.importers.csv_templates import KINDS, KNOWN, REQUIRED, TEMPLATES, template_csv

DOCS = Path(__file__).resolve().parents[2] / "docs" / "csv-templates.md"
ZONE = "Asia/Jerusalem"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def parse_csv(text: str, filename: str = "upload.csv", timezone: str = ZONE):
    return csv_templates.parse(text.encode(), ImportOptions(filename=filename, timezone=timezone))


def make_zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def parse_zip(files: dict[str, str | bytes], timezone: str = ZONE):
    return csv_templates.parse(
        make_zip(files), ImportOptions(filename="program.zip", timezone=timezone)
    )


def one_row(kind: str, row: str) -> str:
    return ",".join(TEMPLATES[kind][0]) + "\n" + row + "\n"


def error_of(text: str, filename: str = "upload.csv", timezone: str = ZONE) -> ScheduleFormatError:
    with pytest.raises(ScheduleFormatError) as caught:
        parse_csv(text, filename, timezone)
    return caught.value


# --- the published templates ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_template_example_row_parses(kind):
    parsed = parse_csv(template_csv(kind), filename=f"{kind}.csv")

    assert parsed.format == ImportFormat.CSV
    assert parsed.covers == frozenset({kind})
    assert len(getattr(parsed, kind)) == 1
    assert parsed.warnings == []


@pytest.mark.parametrize("kind", KINDS)
def test_template_headers_identify_exactly_one_kind(kind):
    header, example = TEMPLATES[kind]
    assert len(header) == len(example)
    required_in_order = [c for c in header if c in REQUIRED[kind]]
    for columns in (set(header), set(required_in_order)):
        assert [k for k in KINDS if REQUIRED[k] <= columns <= KNOWN[k]] == [kind]


@pytest.mark.parametrize("kind", KINDS)
def test_docs_show_each_template_verbatim(kind):
    docs = DOCS.read_text()

    assert template_csv(kind).replace("\r\n", "\n") in docs
    for column in TEMPLATES[kind][0]:
        assert f"| `{column}` |" in docs


def test_template_examples_have_the_documented_values():
    meal = parse_csv(template_csv("meals")).meals[0]
    booth = parse_csv(template_csv("booths")).booths[0]
    paper = parse_csv(template_csv("papers"))

    assert meal.kind == "lunch"
    assert meal.dietary_options == ["vegetarian", "vegan", "kosher", "gluten_free"]
    assert [(i.name, i.dietary) for i in meal.menu][:2] == [
        ("Shakshuka", ["vegetarian", "kosher"]),
        ("Hummus with pita", ["vegan", "kosher"]),
    ]
    assert (meal.start, meal.end) == (utc(2026, 10, 24, 9, 30), utc(2026, 10, 24, 10, 30))
    assert booth.tags == ["hiring", "demo"]
    assert booth.hours == [
        (utc(2026, 10, 24, 6, 30), utc(2026, 10, 24, 14, 30)),  # IDT, +03:00
        (utc(2026, 10, 25, 7, 30), utc(2026, 10, 25, 12, 0)),  # IST, +02:00
    ]
    assert paper.papers[0].authors == ["name:maya levi", "name:ido ben-ami", "name:noa friedman"]
    assert [(p.name, p.affiliation) for p in paper.people][1] == ("Ido Ben-Ami", "Technion")


def test_template_csv_refuses_an_unknown_kind():
    with pytest.raises(KeyError):
        template_csv("speakers")


# --- a realistic upload --------------------------------------------------------------------------

PAPERS = """\
id,title,authors,affiliations,abstract,keywords,arxiv_id,openreview_id,pdf_url,project_url
P-1,Event Cameras for Drone Racing,Yael Cohen; Omer  Azulay,Technion; ,,event cameras; drones,arXiv:2407.00001v2,https://openreview.net/forum?id=AbC_123-x,,
P-2,Zero-Shot Segmentation of Desert Scenes,omer azulay;Lior Peretz,Ben-Gurion University;BGU,"Abstract, with a comma.",,,,https://eccv.example.org/p2.pdf,
P-3,Self-Supervised Depth Under Haze,Lior Peretz,,,,,,,https://depth-haze.example.org
"""
SESSIONS = """\
id,title,kind,date,start,end,end_date,room,track,description,url,speakers,chairs
S-K1,Keynote: Vision at the Edge,keynote,2026-10-24,09:00,10:00,,Hall A,Plenary,,,Tali Dekel,Yael Cohen
S-O1,Oral 1: Robots,Oral session,2026-10-24,10:30,11:00,,Hall A,Robotics,,,,Lior Peretz
S-P1,Poster session 1,poster,2026-10-25,9:00,11:00:00,,Pavilion 1,,,,,
S-X,Beach party,social,2026-10-25,21:00,01:00,2026-10-26,Banana Beach,,,,,
"""
ORALS = """\
id,session_id,order,date,start,end,paper_id,title,speakers
O-1,S-O1,1,2026-10-24,10:30,10:45,P-1,,Yael Cohen
O-2,S-O1,2,2026-10-24,10:45,11:00,,Industry talk: mapping Tel Aviv,Dana Shapira
"""
POSTERS = """\
id,session_id,board,paper_id,title
PO-1,S-P1,001,P-2,
PO-2,S-P1,002,P-3,
PO-3,S-P1,003,,Late-breaking: haze removal demo
"""
BOOTHS = """\
id,exhibitor,number,room,tags,hours
B-1,Negev Vision Labs,B14,Expo Hall,Hiring;demo,2026-10-24 09:30-17:30
B-2,Carmel Robotics,B15,Expo Hall,startup,
"""
MEALS = """\
id,kind,title,date,start,end,end_date,room,dietary,menu,notes
M-1,coffee,Coffee break,2026-10-24,10:00,10:30,,Hall A foyer,vegan,"Rugelach [vegetarian]; Dates [vegan, Gluten-free]",
M-2,Dinner,Gala dinner,2026-10-25,20:00,00:30,2026-10-26,Old Jaffa Port,kosher,,
"""


def test_multi_kind_zip_round_trips():
    parsed = parse_zip(
        {
            "program/meals.csv": MEALS,
            "program/booths.csv": BOOTHS,
            "program/posters.csv": POSTERS,
            "program/orals.csv": ORALS,
            "program/sessions.csv": "\ufeff" + SESSIONS,
            "program/papers.csv": PAPERS,
            "program/README.txt": "filled by the program chairs",
            "__MACOSX/program/._papers.csv": b"\x00\x05\x16\x07",
        }
    )

    assert parsed.covers == frozenset(KINDS)
    assert parsed.counts() == {
        "rooms": 6,
        "tracks": 2,
        "people": 5,
        "papers": 3,
        "sessions": 4,
        "orals": 2,
        "posters": 3,
        "booths": 2,
        "meals": 2,
    }
    assert parsed.warnings == ["program.zip: ignored program/README.txt (not a .csv file)"]
    people = {p.key: (p.name, p.affiliation) for p in parsed.people}
    assert people["name:omer azulay"] == ("Omer Azulay", "Ben-Gurion University")
    assert people["name:yael cohen"] == ("Yael Cohen", "Technion")
    assert people["name:tali dekel"] == ("Tali Dekel", "")
    p1, p2, p3 = parsed.papers
    assert p1.authors == ["name:yael cohen", "name:omer azulay"]
    assert p1.arxiv_id == "2407.00001v2"
    assert p1.openreview_id == "AbC_123-x"
    assert p1.keywords == ["event cameras", "drones"]
    assert p2.abstract == "Abstract, with a comma."
    assert p2.pdf_url == "https://eccv.example.org/p2.pdf"
    assert p3.project_url == "https://depth-haze.example.org"

    keynote, oral_session, poster_session, party = parsed.sessions
    assert keynote.kind == SessionKind.KEYNOTE
    assert (keynote.start, keynote.end) == (utc(2026, 10, 24, 6, 0), utc(2026, 10, 24, 7, 0))
    assert keynote.speakers == ["name:tali dekel"]
    assert keynote.chairs == ["name:yael cohen"]
    assert keynote.track == "Plenary"
    assert oral_session.kind == SessionKind.ORAL  # the label "Oral session" is accepted
    # The clocks go back in the night of 24/25 October 2026: 09:00 is 07:00Z on the 25th.
    assert (poster_session.start, poster_session.end) == (
        utc(2026, 10, 25, 7, 0),
        utc(2026, 10, 25, 9, 0),
    )
    assert (party.start, party.end) == (utc(2026, 10, 25, 19, 0), utc(2026, 10, 25, 23, 0))

    o1, o2 = parsed.orals
    assert (o1.key, o1.session, o1.order, o1.paper, o1.speakers) == (
        "O-1",
        "S-O1",
        1,
        "P-1",
        ["name:yael cohen"],
    )
    assert (o2.paper, o2.title) == (None, "Industry talk: mapping Tel Aviv")
    assert (o2.start, o2.end) == (utc(2026, 10, 24, 7, 45), utc(2026, 10, 24, 8, 0))
    assert [(p.key, p.session, p.board, p.paper, p.title) for p in parsed.posters] == [
        ("PO-1", "S-P1", "001", "P-2", ""),
        ("PO-2", "S-P1", "002", "P-3", ""),
        ("PO-3", "S-P1", "003", None, "Late-breaking: haze removal demo"),
    ]
    b1, b2 = parsed.booths
    assert (b1.number, b1.room, b1.tags, b1.tier) == ("B14", "Expo Hall", ["hiring", "demo"], "")
    assert b1.hours == [(utc(2026, 10, 24, 6, 30), utc(2026, 10, 24, 14, 30))]
    assert b2.hours == []
    coffee, dinner = parsed.meals
    assert [(i.name, i.dietary) for i in coffee.menu] == [
        ("Rugelach", ["vegetarian"]),
        ("Dates", ["vegan", "gluten_free"]),
    ]
    assert dinner.kind == "dinner"
    assert (dinner.start, dinner.end) == (utc(2026, 10, 25, 18, 0), utc(2026, 10, 25, 22, 30))
    rooms = {r.key: r.kind for r in parsed.rooms}
    assert rooms["Expo Hall"] == RoomKind.EXPO
    assert rooms["Hall A"] == RoomKind.ROOM
    assert all(r.key == r.name for r in parsed.rooms)


def test_references_to_kinds_not_in_the_upload_are_kept_as_keys():
    parsed = parse_csv(POSTERS, filename="posters.csv")

    assert parsed.covers == frozenset({"posters"})
    assert [(p.session, p.paper) for p in parsed.posters] == [
        ("S-P1", "P-2"),
        ("S-P1", "P-3"),
        ("S-P1", None),
    ]


def test_comments_blank_rows_and_column_order_are_free():
    text = (
        "# ECCV 2026 posters, exported from the program sheet\n"
        "Board,Session ID,ID,Paper_ID\n"
        "\n"
        "# Monday\n"
        ",,,\n"
        "001,S-P1,PO-1,P-1\n"
    )

    parsed = parse_csv(text)

    assert [(p.key, p.board, p.session) for p in parsed.posters] == [("PO-1", "001", "S-P1")]


def test_posters_need_no_time_zone():
    parsed = parse_csv(POSTERS, timezone="")

    assert len(parsed.posters) == 3


# --- errors: each names file, line and column ----------------------------------------------------


def assert_names(error: ScheduleFormatError, file: str, line: int, column: str) -> None:
    assert (error.file, error.line, error.field) == (file, line, column)
    assert str(error).startswith(f"{file}:{line}: {column}: ")


def test_unknown_column_is_named():
    header = ",".join(TEMPLATES["sessions"][0]).replace("title", "titel")

    error = error_of(header + "\n")

    assert_names(error, "upload.csv", 1, "titel")
    assert "unknown column(s) 'titel'" in str(error)
    assert "missing required column(s) 'title'" in str(error)


def test_header_error_uses_the_file_name_as_a_hint():
    error = error_of("id,session_id,bord\n", filename="posters.csv")

    assert_names(error, "posters.csv", 1, "bord")
    assert "posters template" in str(error)


def test_missing_required_value():
    text = one_row("posters", "PO-1,S-P1,,P-1,")

    assert_names(error_of(text), "upload.csv", 2, "board")


def test_bad_date():
    text = one_row("orals", "O-1,S-1,1,24/10/2026,09:00,09:15,P-1,,")

    error = error_of(text)

    assert_names(error, "upload.csv", 2, "date")
    assert "YYYY-MM-DD" in str(error)


def test_bad_time():
    text = one_row("orals", "O-1,S-1,1,2026-10-24,9.30,09:45,P-1,,")

    assert_names(error_of(text), "upload.csv", 2, "start")


def test_end_before_start_suggests_end_date():
    text = one_row("sessions", "S-X,Party,social,2026-10-25,21:00,01:00,,,,,,,")

    error = error_of(text)

    assert_names(error, "upload.csv", 2, "end")
    assert "fill end_date" in str(error)


def test_unknown_session_kind():
    text = one_row("sessions", "S-1,Talk,talk,2026-10-25,09:00,10:00,,,,,,,")

    error = error_of(text)

    assert_names(error, "upload.csv", 2, "kind")
    assert "choose from oral, poster" in str(error)


def test_unknown_meal_kind():
    text = one_row("meals", "M-1,brunch,Brunch,2026-10-25,10:00,11:00,,,,,")

    assert_names(error_of(text), "upload.csv", 2, "kind")


def test_unknown_dietary_value():
    text = one_row("meals", "M-1,lunch,Lunch,2026-10-25,12:00,13:00,,,vegan; paleo,,")

    error = error_of(text)

    assert_names(error, "upload.csv", 2, "dietary")
    assert "'paleo'" in str(error)


def test_unknown_menu_tag():
    text = one_row("meals", "M-1,lunch,Lunch,2026-10-25,12:00,13:00,,,,Falafel [fried],")

    assert_names(error_of(text), "upload.csv", 2, "menu")


def test_unknown_booth_tag():
    text = "id,exhibitor,tags\nB-1,Acme,hiring; free beer\n"

    assert_names(error_of(text), "upload.csv", 2, "tags")


def test_duplicate_id_names_both_lines():
    text = one_row("posters", "PO-1,S-P1,001,P-1,\nPO-1,S-P1,002,P-2,")

    error = error_of(text)

    assert_names(error, "upload.csv", 3, "id")
    assert "duplicate id 'PO-1' (first on line 2)" in str(error)


def test_duplicate_board_in_a_session():
    text = one_row("posters", "PO-1,S-P1,001,P-1,\nPO-2,S-P1,001,P-2,")

    assert_names(error_of(text), "upload.csv", 3, "board")


def test_broken_reference_within_the_upload():
    with pytest.raises(ScheduleFormatError) as caught:
        parse_zip(
            {"sessions.csv": SESSIONS, "posters.csv": POSTERS.replace("PO-2,S-P1", "PO-2,S-P9")}
        )

    assert_names(caught.value, "program.zip/posters.csv", 3, "session_id")
    assert "'S-P9' is not an id in the sessions file of this upload" in str(caught.value)


def test_broken_paper_reference_within_the_upload():
    with pytest.raises(ScheduleFormatError) as caught:
        parse_zip({"papers.csv": PAPERS, "orals.csv": ORALS.replace(",P-1,", ",P-404,")})

    assert_names(caught.value, "program.zip/orals.csv", 2, "paper_id")


def test_non_utf8_names_line_and_column():
    text = one_row("posters", "PO-1,S-P1,001,P-1,\nPO-2,S-P1,002,,Caf\xe9 poster")

    with pytest.raises(ScheduleFormatError) as caught:
        csv_templates.parse(text.encode("cp1252"), ImportOptions(filename="posters.csv"))

    assert_names(caught.value, "posters.csv", 3, "title")
    assert "not UTF-8" in str(caught.value)


def test_missing_time_zone_is_an_error_on_the_first_time():
    error = error_of(SESSIONS, timezone="")

    assert_names(error, "upload.csv", 2, "start")
    assert "time zone" in str(error)


def test_time_skipped_by_dst_is_an_error():
    # Israel moves the clocks forward at 02:00 on Friday 27 March 2026.
    text = one_row("orals", "O-1,S-1,1,2026-03-27,02:30,03:30,P-1,,")

    error = error_of(text)

    assert_names(error, "upload.csv", 2, "start")
    assert "does not exist in Asia/Jerusalem" in str(error)


def test_physical_line_numbers_count_comments_and_multiline_values():
    text = (
        "id,title,authors,abstract\n"
        "# accepted papers\n"
        'P-1,First,Ada Lovelace,"line one\nline two"\n'
        "P-2,,Grace Hopper,\n"
    )

    assert_names(error_of(text), "upload.csv", 5, "title")


def test_too_many_cells_in_a_row():
    error = error_of("id,exhibitor\nB-1,Acme, Inc.\n")

    assert (error.file, error.line) == ("upload.csv", 2)
    assert "double quotes" in str(error)


def test_affiliations_must_align_with_authors():
    text = "id,title,authors,affiliations\nP-1,T,A; B; C,X; Y\n"

    assert_names(error_of(text), "upload.csv", 2, "affiliations")


def test_two_files_of_one_kind_in_a_zip():
    with pytest.raises(ScheduleFormatError, match="two posters files"):
        parse_zip({"posters.csv": POSTERS, "posters-late.csv": POSTERS})


def test_zip_with_dotdot_path_is_refused():
    with pytest.raises(ScheduleFormatError) as caught:
        parse_zip({"../posters.csv": POSTERS})

    assert caught.value.file == "program.zip"
    assert "'../posters.csv' has an unsafe path" in str(caught.value)


def test_zip_bomb_is_refused_before_inflating():
    bomb = make_zip({"posters.csv": b"\0" * (MAX_IMPORT_BYTES + 1)})
    assert len(bomb) < 200_000

    with pytest.raises(ScheduleFormatError) as caught:
        csv_templates.parse(bomb, ImportOptions(filename="program.zip"))

    assert caught.value.file == "program.zip"
    assert "'posters.csv' unpacks to 52,428,801 bytes" in str(caught.value)


# --- sniff ---------------------------------------------------------------------------------------


def test_sniff_accepts_templates_and_near_misses():
    assert csv_templates.sniff(template_csv("booths").encode(), "booths.csv")
    assert csv_templates.sniff(b"# comment\nid,session_id,bord,paper_id\n", "x.csv")
    assert csv_templates.sniff(make_zip({"a/papers.csv": PAPERS, "notes.txt": "x"}), "p.zip")


def test_sniff_rejects_other_csv_and_miniconf_papers():
    assert not csv_templates.sniff(b"UID,title,authors,abstract,keywords,sessions\n", "papers.csv")
    assert not csv_templates.sniff(b"name,email\nAda,ada@example.org\n", "people.csv")
    assert not csv_templates.sniff(b"BEGIN:VCALENDAR\r\n", "x.ics")
    assert not csv_templates.sniff(make_zip({"papers.csv": "UID,title,authors\n"}), "m.zip")
