"""The private feed (``/feeds/<token>.ics``) and the public ones, end to end: what a calendar
app subscribed to them sees (read by ical.js, icalendar and vobject), how the secret URL is
issued, rotated and kept out of the database and the logs, and how revalidation stays cheap.

The conference is the factories' one: Asia/Jerusalem, 22–26 Oct 2026, across the end of
Israeli summer time (Sun 25 Oct 02:00 IDT → 01:00 IST)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import secrets
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import icalendar
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from gunicorn.config import Config
from rest_framework.test import APIClient

from conf.logging import RedactFeedTokens, RedactingGunicornLogger
from planner.enums import MealKind, SessionKind
from planner.models import Attendee, Session
from planner.services.feeds import feed_options_update, feed_token_rotate
from planner.services.plans import plan_item_put
from tests import factories as f
from tests.ical.readers import assert_readers_agree, read_icalendar, read_vobject
from tests.qr import decode_svg

pytestmark = pytest.mark.django_db

UTC = dt.UTC
OCT_24, OCT_25, OCT_26 = dt.date(2026, 10, 24), dt.date(2026, 10, 25), dt.date(2026, 10, 26)
TOKEN_URL = re.compile(r"^(?P<site>.+)(?P<path>/feeds/(?P<token>[A-Za-z0-9_\-]{43})\.ics)$")
LONG_ABSTRACT = (
    "We show that poster sessions can be planned like talks. "
    + "Attendees mark the boards they want to visit and the planner routes them. " * 10
).strip()


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    cache.clear()


@pytest.fixture
def user(db):
    return f.UserFactory()


@pytest.fixture
def attendee(user, conference):
    return f.AttendeeFactory(user=user, conference=conference, reminder_minutes=15)


@pytest.fixture
def api(user, attendee) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _feed_api(conference) -> str:
    return reverse("personal-feed", kwargs={"slug": conference.slug})


def _plan_api(conference, kind: str, target_id: int) -> str:
    return reverse(
        "personal-plan-item", kwargs={"slug": conference.slug, "kind": kind, "target_id": target_id}
    )


def _path(url: str) -> str:
    return urlsplit(url).path


def _issue(attendee) -> str:
    """The path of a freshly issued private feed URL (through the service)."""
    return _path(feed_token_rotate(attendee=attendee).url)


def _uid(conference, kind: str, pk) -> str:
    return f"{kind}-{pk}@{conference.slug}.boardwalk"


def _components(body: bytes) -> dict[str, icalendar.cal.Component]:
    calendar = icalendar.Calendar.from_ical(body)
    return {
        str(c["uid"]): c for c in calendar.walk() if c.name in ("VEVENT", "VTODO") and "uid" in c
    }


def _triggers(event: icalendar.cal.Component) -> list[dt.timedelta]:
    return [alarm.decoded("trigger") for alarm in event.walk("VALARM")]


# --- 1. the whole plan, read by three parsers ---------------------------------------------------


@pytest.fixture
def full_plan(conference, attendee):
    """A plan on both sides of the DST change with one item of every kind."""
    hall = f.RoomFactory(conference=conference, name="Hall A")
    poster_hall = f.RoomFactory(conference=conference, name="Poster Hall")
    session = f.SessionFactory(
        conference=conference,
        title="Opening keynote",
        kind=SessionKind.KEYNOTE,
        room=hall,
        start=f.local(OCT_24, 9),
        end=f.local(OCT_24, 10),
    )
    oral_session = f.SessionFactory(
        conference=conference, title="Orals 3", room=hall, start=f.local(OCT_26, 10)
    )
    oral = f.OralFactory(
        session=oral_session,
        start=f.local(OCT_26, 10, 12),
        end=f.local(OCT_26, 10, 24),
    )
    poster_session = f.SessionFactory(
        conference=conference,
        title="Posters B",
        kind=SessionKind.POSTER,
        room=poster_hall,
        start=f.local(OCT_26, 14),
        end=f.local(OCT_26, 15, 30),
    )
    paper = f.PaperFactory(
        conference=conference,
        title="Routing Attendees Through Poster Halls",
        abstract=LONG_ABSTRACT,
        arxiv_id="2410.01234",
        openreview_id="Xy7Qw9ZkLm",
    )
    # Second author saved first and alphabetically first: order must come from position.
    f.AuthorshipFactory(
        paper=paper, position=2, person=f.PersonFactory(conference=conference, name="Avi Aharoni")
    )
    f.AuthorshipFactory(
        paper=paper, position=1, person=f.PersonFactory(conference=conference, name="Yael Zilber")
    )
    poster = f.PosterFactory(session=poster_session, paper=paper, board="B17")
    meal = f.MealFactory(
        conference=conference,
        kind=MealKind.LUNCH,
        title="Lunch",
        room=hall,
        start=f.local(OCT_24, 12, 30),
    )
    booth = f.BoothFactory(conference=conference, exhibitor="Acme Robotics")
    unvisited = f.BoothFactory(conference=conference, exhibitor="Not Yet Robotics")

    def put(kind, target, **values):
        values = {"status": "going", "note": "", "reminder_minutes": None, **values}
        return plan_item_put(attendee=attendee, kind=kind, target_id=target.pk, **values).item

    put("session", session)
    put("oral", oral)
    put("poster", poster, reminder_minutes=30)
    put("meal", meal)
    booth_item = put(
        "booth",
        booth,
        visit_start=f.local(OCT_25, 10),  # IST, the morning after the change
        visit_end=f.local(OCT_25, 10, 20),
    )
    unvisited_item = put("booth", unvisited)
    conversation = f.PosterConversationFactory(
        attendee=attendee,
        poster=poster,
        talked_at=f.local(OCT_26, 14, 20),
        follow_up="Send them our routing dataset",
    )
    meetup = f.MeetupFactory(
        attendee=attendee, contact_name="Dana Levi", met_at=f.local(OCT_24, 10, 5)
    )
    feed_options_update(attendee=attendee, include_followups=True, include_meetups=True)
    return SimpleNamespace(
        session=session,
        oral=oral,
        poster=poster,
        meal=meal,
        booth=booth,
        booth_item=booth_item,
        unvisited_item=unvisited_item,
        conversation=conversation,
        meetup=meetup,
        paper=paper,
    )


def test_private_feed_all_readers_agree_on_every_planned_item_across_dst(
    client, conference, attendee, full_plan, tmp_path
):
    plan = full_plan
    poster_session = Session.objects.get(pk=plan.poster.session_id)
    followup = _uid(conference, "followup-conversation", plan.conversation.pk)
    expected = {
        _uid(conference, "session", plan.session.pk): (plan.session.start, plan.session.end),
        _uid(conference, "oral", plan.oral.pk): (plan.oral.start, plan.oral.end),
        _uid(conference, "poster", plan.poster.pk): (poster_session.start, poster_session.end),
        _uid(conference, "meal", plan.meal.pk): (plan.meal.start, plan.meal.end),
        _uid(conference, "boothvisit", plan.booth_item.pk): (
            plan.booth_item.visit_start,
            plan.booth_item.visit_end,
        ),
        _uid(conference, "meetup", plan.meetup.pk): (
            plan.meetup.met_at,
            plan.meetup.met_at + dt.timedelta(minutes=15),
        ),
        followup: (plan.conversation.talked_at, None),  # a follow-up has no DUE
    }

    response = client.get(_issue(attendee))

    assert response.status_code == 200
    served = response.content
    assert served.count(b"BEGIN:VTODO") == 1
    seen = assert_readers_agree(served, tmp_path, expected)
    # Both sides of the change really are in the file, at their true instants.
    assert seen[_uid(conference, "session", plan.session.pk)]["start"] == dt.datetime(
        2026, 10, 24, 6, tzinfo=UTC
    )
    assert seen[_uid(conference, "poster", plan.poster.pk)]["start"] == dt.datetime(
        2026, 10, 26, 12, tzinfo=UTC
    )
    assert seen[followup]["component"] == "VTODO"
    assert seen[followup]["status"] == "NEEDS-ACTION"
    for read in (read_icalendar, read_vobject):
        todo = read(served)[followup]
        assert (todo["start"], todo["end"], todo["floating"]) == (
            plan.conversation.talked_at.astimezone(UTC),
            None,
            False,
        )


def test_private_feed_alarms_location_description_and_url_of_a_poster(
    client, conference, attendee, full_plan
):
    plan = full_plan

    events = _components(client.get(_issue(attendee)).content)

    poster = events[_uid(conference, "poster", plan.poster.pk)]
    # The attendee's default (15 min) everywhere, the item's own 30 min on the poster.
    assert _triggers(poster) == [dt.timedelta(minutes=-30)]
    for kind, pk in [
        ("session", plan.session.pk),
        ("oral", plan.oral.pk),
        ("meal", plan.meal.pk),
        ("boothvisit", plan.booth_item.pk),
    ]:
        assert _triggers(events[_uid(conference, kind, pk)]) == [dt.timedelta(minutes=-15)], kind
    assert "TRIGGER:-PT30M" in poster.to_ical().decode()
    assert str(poster["location"]) == "Poster Hall, board B17"
    description = str(poster["description"])
    assert "Yael Zilber, Avi Aharoni" in description
    assert LONG_ABSTRACT[:120] in description
    assert LONG_ABSTRACT not in description  # an excerpt, not the whole abstract
    assert "https://arxiv.org/abs/2410.01234" in description
    assert "https://openreview.net/forum?id=Xy7Qw9ZkLm" in description
    assert str(poster["url"]).endswith(f"/conferences/{conference.slug}/posters/{plan.poster.pk}")
    assert str(poster["summary"]) == "Routing Attendees Through Poster Halls"
    assert _uid(conference, "boothvisit", plan.unvisited_item.pk) not in events
    assert "Not Yet Robotics" not in client.get(_issue(attendee)).content.decode()


# --- 2. a real re-import moves and cancels planned sessions ---------------------------------------


def _frab(*events: tuple[str, str, str]) -> str:
    """A frab XML schedule on Sat 24 Oct 2026 in Jerusalem: (guid, title, HH:MM) events of an
    hour each in one room."""
    body = "\n".join(
        f'    <event guid="{guid}" id="{index}">\n'
        f"      <date>2026-10-24T{start}:00+03:00</date>\n"
        f"      <start>{start}</start>\n"
        "      <duration>01:00</duration>\n"
        "      <room>Hall A</room>\n"
        f"      <title>{title}</title>\n"
        "      <type>talk</type>\n"
        "    </event>"
        for index, (guid, title, start) in enumerate(events, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<schedule>\n"
        "<conference><title>Test</title><acronym>t</acronym>"
        "<time_zone_name>Asia/Jerusalem</time_zone_name></conference>\n"
        '<day index="1" date="2026-10-24" start="2026-10-24T04:00:00+03:00" '
        'end="2026-10-25T03:59:00+03:00">\n'
        '  <room name="Hall A">\n'
        f"{body}\n"
        "  </room>\n"
        "</day>\n"
        "</schedule>\n"
    )


def _import(conference, tmp_path: Path, text: str, name: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_schedule", conference.slug, str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_private_feed_after_reimport_moves_and_cancels_with_higher_sequence(
    client, api, conference, attendee, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(
        conference,
        tmp_path,
        _frab(("g-keynote", "Keynote", "10:00"), ("g-panel", "Panel", "14:00")),
        "v1.xml",
    )
    keynote = Session.objects.get(conference=conference, title="Keynote")
    panel = Session.objects.get(conference=conference, title="Panel")
    for session in (keynote, panel):
        put = api.put(
            _plan_api(conference, "session", session.pk), {"status": "going"}, format="json"
        )
        assert put.status_code == 201
    issued = api.post(_feed_api(conference), {}, format="json").json()
    feed = _path(issued["url"])
    before = client.get(feed)
    public_before = client.get(f"/feeds/conference/{conference.slug}.ics")
    keynote_uid = _uid(conference, "session", keynote.pk)
    panel_uid = _uid(conference, "session", panel.pk)
    old = _components(before.content)[keynote_uid]

    output = _import(conference, tmp_path, _frab(("g-keynote", "Keynote", "10:30")), "v2.xml")

    after = client.get(feed, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200, output
    assert after["ETag"] != before["ETag"]
    public_after = client.get(
        f"/feeds/conference/{conference.slug}.ics", HTTP_IF_NONE_MATCH=public_before["ETag"]
    )
    assert public_after.status_code == 200
    assert public_after["ETag"] != public_before["ETag"]
    for body in (after.content, public_after.content):
        events = _components(body)
        moved = events[keynote_uid]
        assert moved.decoded("dtstart").astimezone(UTC) == dt.datetime(
            2026, 10, 24, 7, 30, tzinfo=UTC
        )
        assert moved.decoded("dtend").astimezone(UTC) == dt.datetime(
            2026, 10, 24, 8, 30, tzinfo=UTC
        )
        assert int(moved["sequence"]) > int(old["sequence"])
        assert str(moved["status"]) == "CONFIRMED"
        assert str(events[panel_uid]["status"]) == "CANCELLED"
    assert old.decoded("dtstart").astimezone(UTC) == dt.datetime(2026, 10, 24, 7, tzinfo=UTC)
    assert "VALARM" not in _components(after.content)[panel_uid].to_ical().decode()


# --- 3. issuing, rotating and revoking the secret URL ------------------------------------------


def test_feed_token_issue_rotate_revoke_and_storage(client, api, conference, attendee):
    session = f.SessionFactory(conference=conference, title="Planned talk")
    api.put(_plan_api(conference, "session", session.pk), {"status": "going"}, format="json")

    issued = api.post(_feed_api(conference), {}, format="json")

    assert issued.status_code == 201
    body = issued.json()
    match = TOKEN_URL.match(body["url"])
    assert match is not None, body["url"]
    assert match["site"] == django_settings.SITE_URL
    token = match["token"]
    assert body["webcal_url"] == "webcal://" + body["url"].split("://", 1)[1]
    assert body["webcal_url"].startswith("webcal://")
    assert body["webcal_url"].endswith(match["path"])
    assert decode_svg(body["qr_svg"]) == [body["webcal_url"]]
    assert body["active"] is True
    first = client.get(match["path"])
    assert first.status_code == 200
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    assert _uid(conference, "session", session.pk) in _components(first.content)

    # Only the SHA-256 is stored; the raw token is in no column of the attendee row.
    row = Attendee.objects.filter(pk=attendee.pk).values(
        *[field.attname for field in Attendee._meta.concrete_fields]
    )[0]
    assert row["feed_token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert [name for name, value in row.items() if token in str(value)] == []

    # Settings never show the URL again.
    shown = api.get(_feed_api(conference))
    assert shown.status_code == 200
    assert set(shown.json()) == {"active", "created_at", "include_followups", "include_meetups"}
    assert shown.json()["active"] is True
    assert token not in shown.content.decode()

    rotated = api.post(_feed_api(conference), {}, format="json").json()
    new_path = _path(rotated["url"])
    assert new_path != match["path"]
    assert client.get(match["path"]).status_code == 404
    assert client.get(new_path).status_code == 200

    deleted = api.delete(_feed_api(conference))
    assert deleted.status_code == 204
    assert client.get(new_path).status_code == 404
    assert api.get(_feed_api(conference)).json()["active"] is False
    assert Attendee.objects.get(pk=attendee.pk).feed_token_hash is None


def test_feed_token_never_issued_answers_404(client, attendee):
    _issue(attendee)  # a live feed exists, so a 404 is not for want of any feed
    guess = secrets.token_urlsafe(32)
    assert len(guess) == 43

    response = client.get(f"/feeds/{guess}.ics")

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


# --- 4. caching and revalidation ----------------------------------------------------------------


def test_private_feed_etag_304_and_changes(client, api, conference, attendee):
    first_session = f.SessionFactory(conference=conference, title="First", start=f.local(OCT_24, 9))
    second_session = f.SessionFactory(
        conference=conference, title="Second", start=f.local(OCT_26, 9)
    )
    api.put(_plan_api(conference, "session", first_session.pk), {"status": "going"}, format="json")
    feed = _path(api.post(_feed_api(conference), {}, format="json").json()["url"])

    one = client.get(feed)
    two = client.get(feed)
    with CaptureQueriesContext(connection) as queries:
        revalidated = client.get(feed, HTTP_IF_NONE_MATCH=one["ETag"])

    assert one.status_code == two.status_code == 200
    assert one["ETag"] == two["ETag"]
    assert one.content == two.content
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated["ETag"] == one["ETag"]
    # Only the token lookup: nothing of the plan or the program is read for a 304.
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert '"planner_attendee"' in queries[0]["sql"]

    put = api.put(
        _plan_api(conference, "session", second_session.pk), {"status": "going"}, format="json"
    )
    assert put.status_code == 201
    planned = client.get(feed, HTTP_IF_NONE_MATCH=one["ETag"])
    assert planned.status_code == 200
    assert planned["ETag"] != one["ETag"]
    assert _uid(conference, "session", second_session.pk) not in _components(one.content)
    assert _uid(conference, "session", second_session.pk) in _components(planned.content)

    meetup = f.MeetupFactory(attendee=attendee, contact_name="Dana Levi")
    patched = api.patch(_feed_api(conference), {"include_meetups": True}, format="json")
    assert patched.json()["include_meetups"] is True
    with_meetups = client.get(feed, HTTP_IF_NONE_MATCH=planned["ETag"])
    assert with_meetups.status_code == 200
    assert with_meetups["ETag"] != planned["ETag"]
    assert _uid(conference, "meetup", meetup.pk) in _components(with_meetups.content)
    assert _uid(conference, "meetup", meetup.pk) not in _components(planned.content)


# --- 5. the token never reaches a log -----------------------------------------------------------


def _console_handler() -> logging.Handler:
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(flt, RedactFeedTokens) for flt in h.filters)
    ]
    return handler


def test_feed_token_absent_from_logs_of_unknown_and_valid_requests(client, attendee, caplog):
    valid = _issue(attendee)
    valid_token = valid.removeprefix("/feeds/").removesuffix(".ics")
    unknown_token = secrets.token_urlsafe(32)
    console = _console_handler()
    stream = io.StringIO()
    previous = console.setStream(stream)
    caplog.set_level(logging.DEBUG)
    try:
        missing = client.get(f"/feeds/{unknown_token}.ics")
        found = client.get(valid)
    finally:
        console.setStream(previous)

    assert missing.status_code == 404
    assert found.status_code == 200
    messages = [record.getMessage() for record in caplog.records]
    formatted = stream.getvalue()
    # Not vacuous: the 404 was logged, with the token cut out.
    assert "Not Found: /feeds/[redacted].ics" in messages
    assert "Not Found: /feeds/[redacted].ics" in formatted
    for token in (unknown_token, valid_token):
        assert [m for m in messages if token in m] == []
        assert token not in formatted


def test_feed_token_redact_filter_rewrites_a_record_with_args():
    token = secrets.token_urlsafe(32)
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", f"/feeds/{token}.ics"),
        None,
    )

    kept = RedactFeedTokens().filter(record)

    assert kept is True
    assert record.getMessage() == "Not Found: /feeds/[redacted].ics"


def _gunicorn_logger(tmp_path: Path) -> tuple[RedactingGunicornLogger, Path]:
    cfg = Config()
    log = tmp_path / "access.log"
    cfg.set("accesslog", str(log))
    return RedactingGunicornLogger(cfg), log


def _gunicorn_request(path: str) -> tuple[SimpleNamespace, SimpleNamespace, dict[str, str]]:
    resp = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/calendar")], sent=10)
    req = SimpleNamespace(headers=[("USER-AGENT", "Calendar/1.0")])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    return resp, req, environ


def test_gunicorn_access_log_redacts_private_feed_token(tmp_path):
    token = secrets.token_urlsafe(32)
    logger, log = _gunicorn_logger(tmp_path)
    resp, req, environ = _gunicorn_request(f"/feeds/{token}.ics")

    atoms = logger.atoms(resp, req, environ, dt.timedelta(milliseconds=3))
    logger.access(resp, req, environ, dt.timedelta(milliseconds=3))

    assert atoms["r"] == "GET /feeds/[redacted].ics HTTP/1.1"
    assert atoms["U"] == "/feeds/[redacted].ics"
    assert atoms["{raw_uri}e"] == "/feeds/[redacted].ics"
    assert [key for key, value in atoms.items() if token in str(value)] == []
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log.read_text()
    assert '"GET /feeds/[redacted].ics HTTP/1.1" 200' in line
    assert token not in line


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/conference/neurips-2026-main-conference.ics",
        "/feeds/conference/neurips-2026-main-conference/track/12.ics",
        "/feeds/conference/neurips-2026-main-conference/kind/poster.ics",
    ],
)
def test_gunicorn_access_log_keeps_public_feed_urls(tmp_path, path):
    logger, _ = _gunicorn_logger(tmp_path)
    resp, req, environ = _gunicorn_request(path)

    atoms = logger.atoms(resp, req, environ, dt.timedelta(milliseconds=3))

    assert atoms["r"] == f"GET {path} HTTP/1.1"
    assert atoms["U"] == path


# --- 6. public feeds ----------------------------------------------------------------------------


@pytest.fixture
def program(conference):
    vision, audio = (f.TrackFactory(conference=conference, name=n) for n in ("Vision", "Audio"))
    north, south = (f.RoomFactory(conference=conference, name=n) for n in ("North", "South"))
    sessions = {
        "vision_oral": f.SessionFactory(
            conference=conference,
            kind=SessionKind.ORAL,
            track=vision,
            room=north,
            start=f.local(OCT_24, 9),
        ),
        "vision_posters": f.SessionFactory(
            conference=conference,
            kind=SessionKind.POSTER,
            track=vision,
            room=south,
            start=f.local(OCT_26, 14),
        ),
        "audio_oral": f.SessionFactory(
            conference=conference,
            kind=SessionKind.ORAL,
            track=audio,
            room=south,
            start=f.local(OCT_26, 9),
        ),
        "audio_tutorial": f.SessionFactory(
            conference=conference,
            kind=SessionKind.TUTORIAL,
            track=audio,
            room=north,
            start=f.local(OCT_25, 9),
        ),
    }
    meals = {
        "north_lunch": f.MealFactory(conference=conference, room=north, start=f.local(OCT_24, 12)),
        "south_dinner": f.MealFactory(
            conference=conference,
            kind=MealKind.DINNER,
            title="Dinner",
            room=south,
            start=f.local(OCT_26, 19),
        ),
    }
    return SimpleNamespace(
        vision=vision, audio=audio, north=north, south=south, sessions=sessions, meals=meals
    )


def _expected(conference, sessions=(), meals=()) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    rows = [("session", s) for s in sessions] + [("meal", m) for m in meals]
    return {_uid(conference, kind, row.pk): (row.start, row.end) for kind, row in rows}


def test_public_feeds_hold_only_their_scope_and_readers_agree(
    client, conference, program, tmp_path
):
    s, m = program.sessions, program.meals
    base = f"/feeds/conference/{conference.slug}"
    cases = {
        f"{base}.ics": _expected(conference, s.values(), m.values()),
        f"{base}/track/{program.vision.pk}.ics": _expected(
            conference, [s["vision_oral"], s["vision_posters"]]
        ),
        f"{base}/track/{program.audio.pk}.ics": _expected(
            conference, [s["audio_oral"], s["audio_tutorial"]]
        ),
        f"{base}/room/{program.north.pk}.ics": _expected(
            conference, [s["vision_oral"], s["audio_tutorial"]], [m["north_lunch"]]
        ),
        f"{base}/room/{program.south.pk}.ics": _expected(
            conference, [s["vision_posters"], s["audio_oral"]], [m["south_dinner"]]
        ),
        f"{base}/kind/oral.ics": _expected(conference, [s["vision_oral"], s["audio_oral"]]),
        f"{base}/kind/tutorial.ics": _expected(conference, [s["audio_tutorial"]]),
        f"{base}/kind/meal.ics": _expected(conference, meals=m.values()),
    }

    for path, expected in cases.items():
        response = client.get(path)

        assert response.status_code == 200, path
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert_readers_agree(response.content, tmp_path, expected)


def test_public_feed_unknown_kind_and_other_conference_track_are_404(client, conference, program):
    other = f.ConferenceFactory()
    other_track = f.TrackFactory(conference=other)
    other_room = f.RoomFactory(conference=other)
    f.SessionFactory(conference=other, track=other_track, room=other_room)
    base = f"/feeds/conference/{conference.slug}"

    assert client.get(f"{base}/kind/lecture.ics").status_code == 404
    assert client.get(f"{base}/track/{other_track.pk}.ics").status_code == 404
    assert client.get(f"{base}/room/{other_room.pk}.ics").status_code == 404
    # The track does exist, under its own conference.
    assert client.get(f"/feeds/conference/{other.slug}/track/{other_track.pk}.ics").status_code == (
        200
    )


def test_public_feed_built_once_per_schedule_version_and_revalidates(client, conference, program):
    paths = [
        f"/feeds/conference/{conference.slug}.ics",
        f"/feeds/conference/{conference.slug}/track/{program.vision.pk}.ics",
        f"/feeds/conference/{conference.slug}/kind/meal.ics",
    ]
    for path in paths:
        first = client.get(path)

        with CaptureQueriesContext(connection) as queries:
            second = client.get(path)
        with CaptureQueriesContext(connection) as revalidation:
            not_modified = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

        assert second.status_code == 200
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert len(queries) <= 1, [q["sql"] for q in queries]
        assert [q["sql"] for q in queries if "planner_session" in q["sql"]] == []
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert len(revalidation) <= 1


# --- 7. the public feed list in the API ---------------------------------------------------------


def test_public_feed_list_links_every_scope_with_webcal_and_qr(client, conference, program):
    site = django_settings.SITE_URL
    base = f"{site}/feeds/conference/{conference.slug}"

    response = client.get(f"/api/v1/conferences/{conference.slug}/feeds/")

    assert response.status_code == 200
    feeds = {feed["key"]: feed for feed in response.json()}
    assert {key: feed["url"] for key, feed in feeds.items()} == {
        "conference": f"{base}.ics",
        f"track-{program.vision.pk}": f"{base}/track/{program.vision.pk}.ics",
        f"track-{program.audio.pk}": f"{base}/track/{program.audio.pk}.ics",
        f"room-{program.north.pk}": f"{base}/room/{program.north.pk}.ics",
        f"room-{program.south.pk}": f"{base}/room/{program.south.pk}.ics",
        "kind-oral": f"{base}/kind/oral.ics",
        "kind-poster": f"{base}/kind/poster.ics",
        "kind-tutorial": f"{base}/kind/tutorial.ics",
        "kind-meal": f"{base}/kind/meal.ics",
    }
    for key, feed in feeds.items():
        assert feed["webcal_url"] == "webcal://" + feed["url"].split("://", 1)[1], key
        assert client.get(_path(feed["url"])).status_code == 200, key
    for key in ("conference", f"track-{program.vision.pk}", "kind-meal"):
        detail = client.get(f"/api/v1/conferences/{conference.slug}/feeds/{key}/").json()
        assert detail["webcal_url"] == feeds[key]["webcal_url"]
        assert decode_svg(detail["qr_svg"]) == [feeds[key]["webcal_url"]]


# --- 8. one attendee's feed holds nothing of another's ------------------------------------------


def test_private_feed_and_settings_hold_nothing_of_another_attendee(
    client, api, conference, attendee, tmp_path
):
    other_user = f.UserFactory()
    other = f.AttendeeFactory(user=other_user, conference=conference)
    other_api = APIClient()
    other_api.force_authenticate(other_user)
    secret = f.SessionFactory(conference=conference, title="B's secret session")
    secret_booth = f.BoothFactory(conference=conference, exhibitor="B's booth")
    plan_item_put(
        attendee=other,
        kind="session",
        target_id=secret.pk,
        status="must_see",
        note="B's private note",
        reminder_minutes=None,
    )
    plan_item_put(
        attendee=other,
        kind="booth",
        target_id=secret_booth.pk,
        status="going",
        note="",
        reminder_minutes=None,
        visit_start=f.local(OCT_25, 11),
        visit_end=f.local(OCT_25, 11, 30),
    )
    f.MeetupFactory(attendee=other, contact_name="B's contact", follow_up="B's follow-up")
    f.PosterConversationFactory(attendee=other, follow_up="B's conversation follow-up")
    mine = f.SessionFactory(conference=conference, title="A's session", start=f.local(OCT_24, 9))
    api.put(_plan_api(conference, "session", mine.pk), {"status": "going"}, format="json")
    issued = api.post(
        _feed_api(conference), {"include_meetups": True, "include_followups": True}, format="json"
    ).json()
    token = TOKEN_URL.match(issued["url"])["token"]

    other_settings = other_api.get(_feed_api(conference))
    body = client.get(_path(issued["url"])).content

    assert other_settings.status_code == 200
    assert other_settings.json() == {
        "active": False,
        "created_at": None,
        "include_followups": False,
        "include_meetups": False,
    }
    assert token not in other_settings.content.decode()
    assert_readers_agree(
        body, tmp_path, {_uid(conference, "session", mine.pk): (mine.start, mine.end)}
    )
    text = body.decode()
    for leak in ("B's", f"session-{secret.pk}@", "boothvisit-", "meetup-", "followup-"):
        assert leak not in text
    # B turning "their" feed off does not touch A's.
    assert other_api.delete(_feed_api(conference)).status_code == 204
    assert client.get(_path(issued["url"])).status_code == 200


def test_public_feed_list_has_one_meal_feed_holding_imported_meal_sessions(client, conference):
    """Importers turn a schedule's "lunch"/"dinner" events into sessions of kind meal
    (planner/importers/common.py); a conference can have those and Meal rows at once."""
    imported_lunch = f.SessionFactory(
        conference=conference, kind=SessionKind.MEAL, title="Lunch (from the schedule)"
    )
    meal = f.MealFactory(conference=conference, title="Catered dinner", start=f.local(OCT_24, 19))

    listed = client.get(f"/api/v1/conferences/{conference.slug}/feeds/").json()
    body = client.get(f"/feeds/conference/{conference.slug}/kind/meal.ics").content

    keys = [feed["key"] for feed in listed]
    assert sorted(keys) == sorted(set(keys)), keys  # each key names one feed
    events = _components(body)
    assert _uid(conference, "meal", meal.pk) in events
    # The list offers a meal feed because of this session; that feed must hold it.
    assert _uid(conference, "session", imported_lunch.pk) in events


# --- 9. what a second reading of the change found -----------------------------------------------


def test_every_handler_on_the_way_from_django_loggers_redacts_feed_tokens():
    """Django's default config attaches its own handler to "django" (active under DEBUG):
    every handler a django.* record can reach must carry the redacting filter."""
    for name in ("django", "django.request", "django.server", "planner", ""):
        logger = logging.getLogger(name)
        while logger is not None:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest"):
                    continue  # pytest's own capture, not part of the app's config
                assert any(isinstance(f, RedactFeedTokens) for f in handler.filters), (
                    name,
                    handler,
                )
            logger = logger.parent if logger.propagate else None


def test_truncated_feed_url_is_redacted_too():
    token = secrets.token_urlsafe(32)
    record = logging.LogRecord("x", logging.WARNING, "", 0, "Bad: /feeds/%s", (token[:30],), None)

    RedactFeedTokens().filter(record)

    assert token[:30] not in record.getMessage()


def test_private_feed_of_a_deactivated_user_is_404(client, attendee):
    path = _issue(attendee)
    attendee.user.is_active = False
    attendee.user.save()

    assert client.get(path).status_code == 404


def test_weak_and_star_etags_revalidate(client, attendee):
    path = _issue(attendee)
    etag = client.get(path)["ETag"]

    assert client.get(path, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def _sequence(client, path: str, uid: str) -> int:
    return int(_components(client.get(path).content)[uid]["sequence"])


def test_sequence_never_goes_down_and_follows_paper_edits(client, conference, attendee):
    """SEQUENCE is the schedule version in which the poster, its session or its paper last
    changed: moving a poster to a session with a quieter history must not lower it."""
    busy = f.SessionFactory(conference=conference, kind=SessionKind.POSTER, changed_in=7)
    quiet = f.SessionFactory(conference=conference, kind=SessionKind.POSTER, changed_in=1)
    poster = f.PosterFactory(session=busy, board="12", changed_in=2)
    plan_item_put(
        attendee=attendee,
        kind="poster",
        target_id=poster.pk,
        status="going",
        note="",
        reminder_minutes=None,
    )
    path = _issue(attendee)
    uid = _uid(conference, "poster", poster.pk)
    before = _sequence(client, path, uid)

    conference.schedule_version = 8
    conference.save()
    type(poster).objects.filter(pk=poster.pk).update(session=quiet, changed_in=8)
    moved = _sequence(client, path, uid)
    conference.schedule_version = 9
    conference.save()
    type(poster.paper).objects.filter(pk=poster.paper_id).update(title="Retitled", changed_in=9)
    retitled = _sequence(client, path, uid)

    assert before < moved < retitled
    assert str(_components(client.get(path).content)[uid]["summary"]) == "Retitled"


def test_meetup_location_names_room_and_board(client, conference, attendee):
    room = f.RoomFactory(conference=conference, name="Hall B")
    poster = f.PosterFactory(session__conference=conference, session__room=room, board="042")
    meetup = f.MeetupFactory(attendee=attendee, contact_name="Dana", poster=poster)
    feed_options_update(attendee=attendee, include_meetups=True)

    event = _components(client.get(_issue(attendee)).content)[_uid(conference, "meetup", meetup.pk)]

    assert str(event["location"]).startswith("Hall B, board 042, ")
