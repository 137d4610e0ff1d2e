"""Issue 10's acceptance flow, one attendee's day in one browser (tests/e2e/acceptance.mjs drives
it through the UI only, Debian's Chromium, the service worker on):

1. on the server first: the demo, plus a small frab XML program imported into it through the
   real importer (a source of its own), two sessions with titles found nowhere else;
2. sign in, open the conference, star the imported session and a demo session from the
   Schedule and a poster from its page; My Plan lists them;
3. offline and reloaded, My Plan still does; the Schedule's search finds a poster by an
   author's name and opens it;
4. from that poster, a conversation with a photo (a JPEG made here), then a meetup: the Logbook
   marks them unsynced and counts the writes;
5. the page closed and a new one opened, still offline: still there, still unsynced;
6. online again, the writes replay and the server holds each exactly once (checked here, while
   the browser waits);
7. a second browser context (the laptop, same account) edits the conversation; the phone's edit
   of its older copy is a conflict shown with both versions; "keep mine" leaves mine on the
   server, photo and all;
8. the frab file imported again with the imported session 45 minutes later: the open My Plan
   gets the delta and shows the new time (conference zone), and so does the session's page,
   without a reload.

The run fails on any CSP violation, console error or page error. Screenshots of the main steps
(360×740, light and dark) go to var/screenshots/acceptance/ (git-ignored) or
$ACCEPTANCE_SCREENSHOTS. tests/e2e/conftest.py's rules for missing tools.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from planner.demo import DEMO_SLUG
from planner.demo.data import DEMO_SOURCE
from planner.models import (
    Attendee,
    Authorship,
    Conference,
    ConversationPhoto,
    Meetup,
    PlanItem,
    Poster,
    PosterConversation,
    Session,
)
from tests.e2e.harness import real_password, run_conversation, screenshots

SCRIPT = Path(__file__).with_name("acceptance.mjs")
SOURCE = "acceptance"
IMPORTED = ("Offline-first planners in the wild", "Replicated logbooks without tears")
MOVE_BY = dt.timedelta(minutes=45)
# What the attendee types on the phone (the pytest checks the server holds exactly this).
TYPED = {
    "talkedTo": "Miriam Adler",
    "notes": "Asked about the offline search index.",
    "question": "How large is the index?",
    "answer": "About 2 MB.",
    "contact": "Tomer Katz",
    "meetupNotes": "Met at the coffee break, wants the demo.",
    "mineNotes": "Asked about the offline search index, and its size on phones.",
    "laptopNotes": "Edited on the laptop.",
}


def _frab(title: str, day: dt.date, zone: ZoneInfo, events: list[tuple[str, str, dt.time]]) -> str:
    """A frab XML schedule of one day in one room: (guid, title, local start) hour-long events.
    ``title`` is the conference's own (a file titled otherwise is stopped as another
    conference's program, see planner.services.import_guard)."""

    def local(at: dt.time) -> str:
        return dt.datetime.combine(day, at, zone).isoformat()

    body = "\n".join(
        f'    <event guid="{guid}" id="{index}">\n'
        f"      <date>{local(start)}</date>\n"
        f"      <start>{start:%H:%M}</start>\n"
        "      <duration>01:00</duration>\n"
        "      <room>Acceptance Hall</room>\n"
        f"      <title>{title}</title>\n"
        "      <type>talk</type>\n"
        "    </event>"
        for index, (guid, title, start) in enumerate(events, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<schedule>\n"
        f"<conference><title>{escape(title)}</title>"
        f"<time_zone_name>{zone.key}</time_zone_name></conference>\n"
        f'<day index="1" date="{day}" start="{local(dt.time(4))}" end="{local(dt.time(23, 59))}">\n'
        '  <room name="Acceptance Hall">\n'
        f"{body}\n"
        "  </room>\n"
        "</day>\n"
        "</schedule>\n"
    )


def _import(conference: Conference, path: Path, text: str) -> str:
    """Through the import_schedule command, as an organizer would, under our own source."""
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_schedule",
        conference.slug,
        str(path),
        source=SOURCE,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def _camera_jpeg(path: Path) -> Path:
    """A 1600×1200 JPEG with real detail (a gradient), like a phone photo of a poster."""
    Image.linear_gradient("L").resize((1600, 1200)).convert("RGB").save(path, "JPEG", quality=90)
    return path


def _poster_by_lone_author(conference: Conference, skip: set[int]) -> tuple[Poster, str]:
    """A poster with a paper one of whose authors wrote nothing else here: searching that
    name must bring this poster up."""
    authorships = (
        Authorship.objects.filter(paper__conference=conference, paper__posters__cancelled=False)
        .select_related("person")
        .order_by("paper_id", "position")
    )
    for authorship in authorships:
        person = authorship.person
        same_name = Authorship.objects.filter(
            paper__conference=conference, person__name=person.name
        )
        if same_name.count() != 1:
            continue
        poster = Poster.objects.filter(paper_id=authorship.paper_id, cancelled=False).first()
        if poster and poster.pk not in skip:
            return poster, person.name
    raise AssertionError("the demo has no poster with a lone author")


def _plan_key(item: PlanItem) -> tuple[str, int, str]:
    kind = next(
        k for k in ("session", "oral", "poster", "booth", "meal") if getattr(item, f"{k}_id")
    )
    return kind, getattr(item, f"{kind}_id"), item.status


def _server_state(attendee: Attendee, seeded: dict[str, set]) -> dict:
    """What the server holds of this run's writes (the seeder's own entries left aside)."""
    conversations = PosterConversation.objects.filter(attendee=attendee).exclude(
        pk__in=seeded["conversations"]
    )
    meetups = Meetup.objects.filter(attendee=attendee).exclude(pk__in=seeded["meetups"])
    return {
        "plan": sorted(_plan_key(item) for item in PlanItem.objects.filter(attendee=attendee)),
        "conversations": [
            {
                "id": str(c.pk),
                "talked_to": c.talked_to,
                "poster": c.poster_id,
                "notes": c.notes,
                "qa": c.qa,
                "rating": c.rating,
                "version": c.version,
                "photos": ConversationPhoto.objects.filter(conversation=c).count(),
            }
            for c in conversations
        ],
        "meetups": [{"contact_name": m.contact_name, "notes": m.notes} for m in meetups],
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_acceptance_star_offline_log_sync_conflict_and_reimport_delta(
    browser_tools,
    tmp_path,
    settings,
):
    # 1. The demo, and a program of our own imported into it through the real importer.
    call_command("seed_demo", verbosity=0)
    conference = Conference.objects.get(slug=DEMO_SLUG)
    zone = ZoneInfo(conference.timezone)
    day = conference.start_date + dt.timedelta(days=2)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    events = [("acc-1", IMPORTED[0], dt.time(10)), ("acc-2", IMPORTED[1], dt.time(14))]
    _import(conference, tmp_path / "v1.xml", _frab(conference.name, day, zone, events))
    imported = Session.objects.get(conference=conference, source=SOURCE, title=IMPORTED[0])
    assert Session.objects.filter(conference=conference, title=IMPORTED[0]).count() == 1

    username, password = real_password("attendee", settings)
    user = get_user_model().objects.get(username=username)
    attendee = Attendee.objects.get(user=user, conference=conference)
    # My Plan starts empty: what it lists afterwards is what the attendee starred here.
    PlanItem.objects.filter(attendee=attendee).delete()
    seeded = {
        "conversations": set(
            PosterConversation.objects.filter(attendee=attendee).values_list("pk", flat=True)
        ),
        "meetups": set(Meetup.objects.filter(attendee=attendee).values_list("pk", flat=True)),
    }

    # A demo session that day, with a title of its own, not cancelled.
    day_start = dt.datetime.combine(day, dt.time(), zone)
    that_day = Session.objects.filter(
        conference=conference,
        source=DEMO_SOURCE,
        cancelled=False,
        start__gte=day_start,
        start__lt=day_start + dt.timedelta(days=1),
    ).order_by("start", "id")
    titles = list(Session.objects.filter(conference=conference).values_list("title", flat=True))
    demo_session = next(s for s in that_day if titles.count(s.title) == 1)
    starred_poster = (
        Poster.objects.filter(conference=conference, cancelled=False)
        .order_by("board", "id")
        .first()
    )
    logged_poster, author = _poster_by_lone_author(conference, skip={starred_poster.pk})
    at = dt.datetime.combine(day, dt.time(8, 30), zone)

    given = {
        "now": at.astimezone(dt.UTC).isoformat(),
        "imported": imported.pk,
        "importedTitle": imported.title,
        "demoSession": demo_session.pk,
        "starredPoster": starred_poster.pk,
        "loggedPoster": logged_poster.pk,
        "author": author,
        "typed": TYPED,
    }
    server: dict[str, object] = {}

    def synced() -> None:
        # 6. Back online and replayed: what the server holds now.
        server["synced"] = _server_state(attendee, seeded)

    def reimport() -> None:
        # 8. The same file, the first session 45 minutes later.
        moved = [(guid, title, start) for guid, title, start in events]
        later = dt.datetime.combine(day, events[0][2]) + MOVE_BY
        moved[0] = (moved[0][0], moved[0][1], later.time())
        server["versionBefore"] = Conference.objects.get(pk=conference.pk).schedule_version
        server["reimport"] = _import(
            conference, tmp_path / "v2.xml", _frab(conference.name, day, zone, moved)
        )

    report = run_conversation(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("ACCEPTANCE_SCREENSHOTS", "acceptance"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_JPEG": str(_camera_jpeg(tmp_path / "poster.jpg")),
            "BOARDWALK_E2E_GIVEN": json.dumps(given),
        },
        answers={"synced": synced, "reimport": reimport},
        line_timeout=90,
    )
    steps = report["steps"]

    # 2. Starred from the Schedule (the imported session, a demo session) and a poster's page.
    starred_keys = {
        f"session/{imported.pk}",
        f"session/{demo_session.pk}",
        f"poster/{starred_poster.pk}",
    }
    assert set(steps["plan"]["keys"]) == starred_keys
    assert steps["plan"]["unsynced"] == 0
    # 3. Offline and reloaded: the same plan, from the service worker and IndexedDB.
    assert steps["offlinePlan"]["fromServiceWorker"] is True
    assert set(steps["offlinePlan"]["keys"]) == starred_keys
    assert steps["offlinePlan"]["banner"].startswith("You are offline.")
    # The poster found by its author's name, offline, and opened.
    search = steps["search"]
    assert search["query"] == author
    assert f"/conferences/{DEMO_SLUG}/posters/{logged_poster.pk}" in search["hrefs"]
    assert author in search["posterAuthors"]
    # 4. Logged offline: two entries marked unsynced; three writes counted (the conversation,
    # its photo, the meetup).
    logged = steps["logged"]
    assert logged["unsyncedMarks"] == 2
    assert logged["pending"] == 3
    assert logged["count"] == "3 changes not synced"
    assert logged["chosenPoster"] == str(logged_poster.pk)
    # 5. A new page, still offline: the same.
    reopened = steps["reopened"]
    assert reopened["fromServiceWorker"] is True
    assert (reopened["unsyncedMarks"], reopened["pending"]) == (2, 3)
    assert reopened["entries"] == logged["entries"]

    # 6. Online: each write exactly once on the server, as typed.
    synced = server["synced"]
    assert synced["plan"] == sorted(
        [
            ("session", imported.pk, "interested"),
            ("session", demo_session.pk, "interested"),
            ("poster", starred_poster.pk, "interested"),
        ]
    )
    assert len(synced["conversations"]) == 1
    conversation = synced["conversations"][0]
    assert conversation["id"] == steps["logged"]["conversationId"]
    assert conversation["talked_to"] == TYPED["talkedTo"]
    assert conversation["poster"] == logged_poster.pk
    assert conversation["notes"] == TYPED["notes"]
    assert conversation["qa"] == [{"question": TYPED["question"], "answer": TYPED["answer"]}]
    assert conversation["rating"] == 5
    assert conversation["photos"] == 1
    assert synced["meetups"] == [{"contact_name": TYPED["contact"], "notes": TYPED["meetupNotes"]}]
    assert steps["synced"] == {"pending": 0, "unsyncedMarks": 0}

    # 7. The conflict: surfaced with both versions; "keep mine" leaves mine on the server.
    assert steps["laptop"]["status"] == 200
    rows = {row["field"]: row for row in steps["conflict"]["rows"]}
    assert rows["notes"] == {
        "field": "notes",
        "mine": TYPED["mineNotes"],
        "theirs": TYPED["laptopNotes"],
    }
    assert steps["resolved"] == {"pending": 0, "conflicts": 0}
    final = _server_state(attendee, seeded)
    assert len(final["conversations"]) == 1
    kept = final["conversations"][0]
    assert kept["notes"] == TYPED["mineNotes"]
    assert kept["version"] == steps["laptop"]["version"] + 1
    assert (kept["talked_to"], kept["poster"], kept["photos"]) == (
        TYPED["talkedTo"],
        logged_poster.pk,
        1,
    )
    assert kept["qa"] == conversation["qa"]
    assert final["meetups"] == synced["meetups"]
    assert final["plan"] == synced["plan"]

    # 8. The re-import moved the session; the open app showed the new time without a reload.
    conference.refresh_from_db()
    assert conference.schedule_version == server["versionBefore"] + 1, server["reimport"]
    imported.refresh_from_db()
    new_start = dt.datetime.combine(day, events[0][2], zone) + MOVE_BY
    assert imported.start == new_start
    delta = steps["delta"]
    # Deltas since the version the app held (or, for a routine refresh after it, since the new
    # one), never the whole program again; which refresh carried the move is a matter of timing.
    held = server["versionBefore"]
    assert f"?since={held}" in delta["requests"], delta["requests"]
    assert set(delta["requests"]) <= {f"?since={held}", f"?since={held + 1}"}, delta["requests"]
    assert delta["sameDocument"] is True
    assert delta["before"]["datetime"] != delta["after"]["datetime"]
    assert dt.datetime.fromisoformat(delta["after"]["datetime"].replace("Z", "+00:00")) == new_start
    local_start = new_start.astimezone(zone)
    local_end = (new_start + dt.timedelta(hours=1)).astimezone(zone)
    assert delta["after"]["text"] == f"{local_start:%H:%M}–{local_end:%H:%M}"
    old_start = dt.datetime.combine(day, events[0][2], zone)
    assert delta["before"]["text"] == f"{old_start:%H:%M}–{old_start + dt.timedelta(hours=1):%H:%M}"
    assert delta["page"]["sameDocument"] is True
    assert f"{local_start:%H:%M}–{local_end:%H:%M}" in delta["page"]["when"]

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
