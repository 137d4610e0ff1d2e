"""Malformed input to every importer (issue 9): hypothesis mutates small valid files from
../shared/data/real (and the CSV templates) and feeds random bytes. An importer either
returns data or raises ScheduleFormatError, never anything else; through the import service
on the test database a refused file changes no program table and marks its run failed.

Bounded and reproducible for CI: a fixed number of examples, derandomized. To hunt for
more, run with e.g. ``FUZZ_EXAMPLES=2000`` (random, not derandomized).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.enums import ImportStatus
from planner.importers import parse_schedule
from planner.importers.base import ImportOptions, ParsedSchedule, ScheduleFormatError
from planner.importers.csv_templates import template_csv
from planner.models import ImportRun
from planner.services.imports import import_run_create, import_run_execute

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
ZONE = "Europe/Berlin"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _head(path: str, lines: int) -> bytes:
    return b"".join((REAL / path).read_bytes().splitlines(keepends=True)[:lines])


STANDALONE_KINDS = ["sessions", "papers", "booths", "meals"]


def _acl_conference() -> bytes:
    """Two of ACL 2023's time blocks (a paper session, a plenary) with their papers."""
    full = json.loads((REAL / "acl-2023/conference.json").read_bytes())
    sessions = {k: full["sessions"][k] for k in ("Session 10", "Welcome")}
    events = {e: v for s in sessions.values() for e, v in s["events"].items()}
    wanted = {p for e in events.values() for p in e["paper_ids"]}
    papers = {k: v for k, v in full["papers"].items() if k in wanted}
    return json.dumps({"sessions": sessions, "papers": papers, "events": events}).encode()


def _eacl_folder() -> bytes:
    """EACL 2024's build files, cut down: one morning's calendar, its papers, breaks, BoFs."""
    folder = REAL / "eacl-2024"
    calendar = [
        e
        for e in json.loads((folder / "calendar.json").read_bytes())
        if e["start"].startswith("Mon, 18 Mar")
    ][:12]
    ids = {e["url"].rsplit("-", 1)[-1] for e in calendar}
    papers = [
        p
        for p in json.loads((folder / "papers.json").read_bytes())
        if any(i.rsplit("-", 1)[-1] in ids for i in p["event_ids"])
    ][:10]
    return _zip(
        {
            "papers.json": json.dumps(papers).encode(),
            "calendar.json": json.dumps(calendar).encode(),
            "break.json": (folder / "break.json").read_bytes(),
            "bof.json": (folder / "bof.json").read_bytes(),
        }
    )


def _xcal_head(events: int) -> bytes:
    text = (REAL / "good-2025/schedule.xcal").read_text()
    cut = 0
    for _ in range(events):
        cut = text.index("</vevent>", cut) + len("</vevent>")
    return (text[:cut] + "\n    </vcalendar>\n</iCalendar>\n").encode()


def _pretalx_day() -> bytes:
    full = json.loads((REAL / "pyconfr-2025/schedule.json").read_bytes())
    day = full["schedule"]["2025-11-01"]
    cells = dict(list(day.items())[:12])
    return json.dumps(
        {"schedule": {"2025-11-01": cells}, "rooms": full["rooms"], "extra": full["extra"]}
    ).encode()


# format, file name, a small valid file of that format
SEEDS: dict[str, tuple[str, str, bytes]] = {
    "frab_xml": ("frab_xml", "schedule.xml", (REAL / "lswt-2019/schedule.xml").read_bytes()),
    "schedule_json": (
        "schedule_json",
        "schedule.json",
        (REAL / "c3voc-examples/hub-schedule2.json").read_bytes(),
    ),
    "ical": ("ical", "schedule.ics", (REAL / "acm-chil-2020/acm-chil-2020.ics").read_bytes()),
    "csv_single": ("csv", "sessions.csv", template_csv("sessions").encode()),
    "csv_zip": (
        "csv",
        "program.zip",
        # the kinds whose example rows stand alone (orals and posters name other files' ids)
        _zip({f"{kind}.csv": template_csv(kind).encode() for kind in STANDALONE_KINDS}),
    ),
    "miniconf_zip": (
        "miniconf",
        "site.zip",
        _zip(
            {
                "sitedata/papers.csv": (REAL / "pldi-2021-miniconf/papers.csv").read_bytes(),
                "sitedata/calendar_papers.csv": _head("pldi-2021-miniconf/calendar_papers.csv", 8),
                "sitedata/track_pldi.csv": (
                    REAL / "pldi-2021-miniconf/track_pldi.csv"
                ).read_bytes(),
            }
        ),
    ),
    "acl_conference": ("acl_miniconf", "conference.json", _acl_conference()),
    "acl_folder": ("acl_miniconf", "eacl.zip", _eacl_folder()),
    "paper_copilot": (
        "paper_copilot",
        "eccv2024.json",
        json.dumps(
            json.loads((REAL / "eccv-2024-papercopilot/eccv2024.json").read_bytes())[:6]
        ).encode(),
    ),
    "yaml_sponsors": (
        "miniconf_yaml",
        "sponsors.yml",
        (REAL / "colm-2024/sponsors.yml").read_bytes(),
    ),
    "yaml_socials": (
        "miniconf_yaml",
        "socials.yml",
        (REAL / "pldi-2021-miniconf/socials.yml").read_bytes(),
    ),
    "yaml_papers": (
        "miniconf_yaml",
        "accepted_papers.yml",
        _head("colm-2024/accepted_papers.yml", 30),
    ),
    "xcal": ("xcal", "schedule.xcal", _xcal_head(4)),
    "pretalx_api": ("pretalx_api", "schedule.json", _pretalx_day()),
    "miniconf_ics": (
        "miniconf",
        "site.zip",
        _zip(
            {
                "papers.csv": _head("iclr-2020-miniconf/papers.csv", 4),
                "sample_cal.ics": (REAL / "iclr-2020-miniconf/sample_cal.ics").read_bytes(),
            }
        ),
    ),
}

# Values that have broken parsers: wrong types, extremes, impossible dates, lone
# surrogates, NUL, control characters, markup.
WEIRD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\u202e",
    "-1",
    "0",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "9999-12-31",
    "0000-00-00",
    "2024-02-30",
    "2024-13-01T25:61:61",
    "2024-06-01T10:00:00+25:00",
    "10:00",
    "99:99",
    "-00:30",
    "P1000000D",
    "Not/A_Zone",
    "<b>",
    "&amp;",
    "\r\n",
    "a" * 5000,
]
WEIRD_JSON: list[object] = [
    *WEIRD_TEXT,
    None,
    True,
    False,
    0,
    -1,
    10**30,
    -(10**30),
    1.5e308,
    0.5,
    [],
    {},
    [None],
    {"": None},
    {"\ud800": "x"},
]

weird_text = st.sampled_from(WEIRD_TEXT) | st.text(max_size=40)


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _assert_parses_or_refuses(data: bytes, filename: str, fmt: str) -> ParsedSchedule | None:
    try:
        return parse_schedule(data, ImportOptions(filename=filename, timezone=ZONE), fmt)
    except ScheduleFormatError as error:
        refused = error
    assert refused.file  # names the file at least
    assert str(refused).startswith(refused.file.split("\x00")[0])
    return None


# --- mutations --------------------------------------------------------------------------------


@st.composite
def byte_mutations(draw, seed: bytes) -> bytes:
    """Truncation, flipped bytes, inserted NUL / invalid UTF-8 / surrogate bytes, spliced noise."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(
                st.sampled_from([b"\x00", b"\xed\xa0\x80", b"\xff\xfe", b"\r", b'"', b"<", b","])
                | st.binary(max_size=16)
            )
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


def _json_paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _json_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _json_paths(value, (*path, index))


@st.composite
def json_mutations(draw, seed: bytes) -> bytes:
    """Replace values anywhere in the tree with wrong types, extremes, odd strings."""
    tree = json.loads(seed)
    paths = [p for p in _json_paths(tree) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent = tree
        try:
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = draw(st.sampled_from(WEIRD_JSON))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    return json.dumps(tree).encode()  # ensure_ascii: lone surrogates travel as \ud800


@st.composite
def text_value_mutations(draw, seed: bytes) -> bytes:
    """Replace one value of a line-based or markup format with an odd string: an XML text
    node or attribute, an iCal property value, a CSV cell."""
    text = seed.decode("utf-8")
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        value = draw(weird_text)
        if ">" in line and "<" in line.split(">", 1)[1]:  # <tag ...>value</tag>
            head, rest = line.split(">", 1)
            lines[index] = f"{head}>{value}<{rest.split('<', 1)[1]}"
        elif '="' in line:
            head, rest = line.split('="', 1)
            lines[index] = f'{head}="{value}"{rest.split(chr(34), 1)[1] if chr(34) in rest else ""}'
        elif ":" in line and not line.startswith(" "):  # NAME;PARAMS:value
            lines[index] = line.split(":", 1)[0] + ":" + value
        elif "," in line:
            cells = line.split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = value
            lines[index] = ",".join(cells)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def zip_member_mutations(draw, seed: bytes) -> bytes:
    """A zip whose members are mutated (or missing, or replaced by a bad one)."""
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    name = draw(st.sampled_from(sorted(files)))
    action = draw(st.sampled_from(["mutate", "value", "drop", "garbage", "dir-traversal"]))
    if action == "mutate":
        files[name] = draw(byte_mutations(files[name]))
    elif action == "value":
        files[name] = draw(text_value_mutations(files[name]))
    elif action == "drop":
        del files[name]
    elif action == "garbage":
        files[name] = draw(st.binary(max_size=200))
    else:
        files["../" + name] = files.pop(name)
    return _zip(files)


def _mutations(key: str) -> st.SearchStrategy[bytes]:
    fmt, _name, seed = SEEDS[key]
    options = [byte_mutations(seed)]
    if fmt in ("schedule_json", "acl_miniconf", "paper_copilot", "pretalx_api") and seed[:1] in (
        b"{",
        b"[",
    ):
        options.append(json_mutations(seed))
    if seed[:2] == b"PK":
        options.append(zip_member_mutations(seed))
    else:
        options.append(text_value_mutations(seed))
    return st.one_of(options)


# --- the properties -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(SEEDS))
def test_seed_files_are_valid(key):
    fmt, name, seed = SEEDS[key]

    parsed = parse_schedule(seed, ImportOptions(filename=name, timezone=ZONE), fmt)

    assert parsed.format == fmt
    assert sum(parsed.counts().values()) > 0


@pytest.mark.parametrize("key", list(SEEDS))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None)
@given(data=st.data())
def test_mutated_file_parses_or_is_refused(key, data):
    fmt, name, _seed = SEEDS[key]
    mutated = data.draw(_mutations(key), label="file")

    _assert_parses_or_refuses(mutated, name, fmt)
    _assert_parses_or_refuses(mutated, name, "")  # detection too


@pytest.mark.parametrize("key", list(SEEDS))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None)
@given(blob=st.binary(max_size=2048))
def test_random_bytes_parse_or_are_refused(key, blob):
    fmt, name, _seed = SEEDS[key]

    _assert_parses_or_refuses(blob, name, fmt)


@pytest.mark.parametrize(
    ("fmt", "name", "data"),
    [
        ("schedule_json", "deep.json", _deep_json(100_000).encode()),
        (
            "schedule_json",
            "deep.json",
            ('{"schedule": {"conference": ' + _deep_json(50_000) + "}}").encode(),
        ),
        (
            "frab_xml",
            "deep.xml",
            b"<schedule>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</schedule>",
        ),
        ("ical", "deep.ics", b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\n" * 20_000),
        ("miniconf", "site.zip", _zip({"papers.csv": b"UID,title\n", "../../etc/x.json": b"[]"})),
        ("miniconf", "site.zip", b"PK\x03\x04" + b"\x00" * 100),
        ("csv", "program.zip", _zip({"sessions.csv": b"\xff\xfe\x00"})),
    ],
    ids=[
        "json-deep-list",
        "json-deep-field",
        "xml-deep",
        "ical-unclosed",
        "zip-traversal",
        "zip-broken",
        "zip-bad-member",
    ],
)
def test_pathological_inputs_are_refused_cleanly(fmt, name, data):
    parsed = _assert_parses_or_refuses(data, name, fmt)

    assert parsed is None or sum(parsed.counts().values()) == 0


# --- no partial writes through the import service --------------------------------------------------


def _program_counts(conference) -> dict[str, int]:
    """Rows of every planner table (but the import runs themselves) that hold this program."""
    counts = {}
    for model in apps.get_app_config("planner").get_models():
        if model is ImportRun:
            continue
        counts[model._meta.label] = model.objects.count()
    conference.refresh_from_db()
    counts["schedule_version"] = conference.schedule_version
    return counts


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(SEEDS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_import_service_writes_all_or_nothing(key, data, conference, media):
    fmt, name, _seed = SEEDS[key]
    mutated = data.draw(_mutations(key) | st.binary(max_size=512), label="file")
    # Each example in a savepoint rolled back afterwards: examples stay independent.
    with transaction.atomic():
        before = _program_counts(conference)
        run = import_run_create(conference=conference, source=name, data=mutated, fmt=fmt)

        result = import_run_execute(import_run_id=run.pk)

        run.refresh_from_db()
        assert result is not None
        assert run.status in (ImportStatus.FAILED, ImportStatus.SUCCEEDED, ImportStatus.NO_CHANGES)
        if run.status == ImportStatus.FAILED:
            assert run.errors
            assert run.errors[0]["text"]
            assert _program_counts(conference) == before
        transaction.set_rollback(True)


# --- what the fuzzing found, as plain regression tests --------------------------------------------


def _json_with_title(title: str) -> bytes:
    tree = json.loads(SEEDS["schedule_json"][2])
    tree["schedule"]["events"][0]["title"] = title  # the v2 flat layout
    return json.dumps(tree).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("schedule.json", _json_with_title("a\x00b"), "contains a NUL character"),
        ("schedule.json", _json_with_title("a\ud800b"), "contains a lone surrogate"),
        (
            "sessions.csv",
            template_csv("sessions").replace("Oral 1A", "Oral\x00 1A").encode(),
            "contains a NUL character",
        ),
        (
            "program.zip",
            _zip({"sessions\x00.csv": template_csv("sessions").encode(), "x.csv": b"\xff"}),
            "",
        ),
    ],
    ids=["json-nul", "json-surrogate", "csv-nul", "zip-member-name-nul"],
)
def test_unstorable_text_fails_the_run_cleanly(conference, media, name, data, says):
    before = _program_counts(conference)
    run = import_run_create(conference=conference, source=name, data=data)

    import_run_execute(import_run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert says in run.errors[0]["message"]
    assert run.errors[0]["file"].startswith(name.split("\x00")[0])
    assert _program_counts(conference) == before


def test_unstorable_text_error_names_the_item_and_field():
    with pytest.raises(ScheduleFormatError) as caught:
        parse_schedule(_json_with_title("a\x00b"), ImportOptions(filename="s.json", timezone=ZONE))

    assert caught.value.field == "title"
    assert caught.value.element.startswith("session '")


def test_ical_event_with_two_dtstarts_is_refused_naming_the_line():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        b"DTSTART:20250101T100000Z\r\nDTEND:20250101T110000Z\r\nSUMMARY:A\r\n"
        b"DTSTART:20250101T120000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    with pytest.raises(ScheduleFormatError) as caught:
        parse_schedule(data, ImportOptions(filename="s.ics", timezone=ZONE))

    assert str(caught.value).startswith("s.ics:")
    assert (caught.value.element, caught.value.field) == ("VEVENT UID='a'", "DTSTART")
    assert "more than once" in caught.value.message


@pytest.mark.parametrize("prop", ["DTSTART", "RECURRENCE-ID"])
@pytest.mark.parametrize("value", ["P1000000D", "20250101T100000Z/PT1H", "T100000"])
def test_ical_date_property_that_is_not_a_date_is_refused(prop, value):
    start = b"20250101T100000Z" if prop != "DTSTART" else value.encode()
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        b"DTSTART:"
        + start
        + b"\r\nDTEND:20250101T110000Z\r\nSUMMARY:A\r\n"
        + (b"RECURRENCE-ID:" + value.encode() + b"\r\n" if prop != "DTSTART" else b"")
        + b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    with pytest.raises(ScheduleFormatError) as caught:
        parse_schedule(data, ImportOptions(filename="s.ics", timezone=ZONE))

    assert (caught.value.line, caught.value.field) == (6 if prop == "DTSTART" else 9, prop)
