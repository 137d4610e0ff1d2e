"""The logbook in a real browser (tests/e2e/logbook.mjs against gunicorn and the demo): a
poster conversation with a photo and a meetup logged online, a half-typed form that survives a
reload, entries logged and edited offline that survive a reload marked unsynced, then synced
with "Sync now": the server holds each write exactly once; a refused write is shown with its
field message and fixed; a conflicting edit from a second browser context is shown side by side
and resolved with "keep mine". Screenshots (360×740, light and dark, English and Korean, online
and offline) go to var/screenshots/logbook/ (git-ignored) or $LOGBOOK_SCREENSHOTS.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from planner.demo import DEMO_SLUG
from planner.models import ConversationPhoto, Meetup, Poster, PosterConversation, Session
from tests.e2e.harness import run_script, screenshots, seed_demo_attendee

SCRIPT = Path(__file__).with_name("logbook.mjs")


def _camera_jpeg(path: Path) -> Path:
    """A 3000×2000 JPEG with real detail (a gradient), like a phone photo of a poster."""
    image = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
    image.save(path, "JPEG", quality=90)
    return path


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_logbook_online_offline_sync_refusal_and_conflict(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    mine = {"attendee__user__username": username, "attendee__conference__slug": DEMO_SLUG}
    poster, other_poster = Poster.objects.filter(session__conference__slug=DEMO_SLUG).order_by(
        "board", "id"
    )[:2]
    session = Session.objects.filter(conference__slug=DEMO_SLUG).order_by("start", "id").first()
    # The demo attendee already has entries (from the seeder, not on this phone): left aside.
    seeded_conversations = set(
        PosterConversation.objects.filter(**mine).values_list("pk", flat=True)
    )
    seeded_meetups = set(Meetup.objects.filter(**mine).values_list("pk", flat=True))
    # What the Logbook lists of them once pulled: not the deleted ones (tombstones).
    listed = {"deleted_at__isnull": True, **mine}
    seeded_names = list(
        PosterConversation.objects.filter(**listed).values_list("talked_to", flat=True)
    )
    seeded = len(seeded_names) + Meetup.objects.filter(**listed).count()
    # The photos gunicorn stores are read back here.
    settings.MEDIA_ROOT = str(tmp_path / "media")

    report = run_script(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("LOGBOOK_SCREENSHOTS", "logbook"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_JPEG": str(_camera_jpeg(tmp_path / "poster.jpg")),
            "BOARDWALK_E2E_POSTER": str(poster.pk),
            "BOARDWALK_E2E_POSTER2": str(other_poster.pk),
            "BOARDWALK_E2E_BOARD": poster.board,
            "BOARDWALK_E2E_SESSION": str(session.pk),
            "BOARDWALK_E2E_SESSION_QUERY": session.title,
            "BOARDWALK_E2E_SEEDED": str(seeded),
        },
    )
    steps = report["steps"]

    # The seeder's entries, pulled from the server, listed (each names whom it was with).
    assert seeded > 0
    assert steps["pulled"]["count"] == seeded
    assert steps["pulled"]["pending"] == 0
    shown = steps["pulled"]["talkedTo"]
    assert all(any(name in text for text in shown) for name in seeded_names), (seeded_names, shown)
    # A reload mid-form: every field and the photo came back from the draft.
    assert steps["draft"] == {
        "restored": "Your unsaved draft was restored.",
        "with": "Noa Levi",
        "question": "Does it work on phones?",
        "poster": str(poster.pk),
        "thumbs": 1,
    }
    # A poster page's "Log a conversation" with that draft open: its poster, the draft's text.
    assert steps["fromPosterPage"] == [
        {"poster": str(other_poster.pk), "with": "Noa Levi"},
        {"poster": str(poster.pk), "with": "Noa Levi"},
    ]
    assert steps["online"]["entries"] == seeded + 2
    assert steps["online"]["pending"] == 0
    assert steps["edit"] == {"thumbs": 1, "uploadedMarks": 0}
    # Offline, the tab closed and opened again: from the service worker, three entries unsynced,
    # four writes queued.
    offline = steps["offline"]
    assert offline["fromServiceWorker"] is True
    assert offline["entries"] == seeded + 4
    assert offline["unsyncedMarks"] == 3
    assert offline["pending"] == 4
    assert offline["count"] == "4 changes not synced"
    assert offline["syncDisabled"] is True
    assert steps["offlineForm"] == {"title": "Hallway demo, not in the program", "notUploaded": 1}
    # The refused write: the entry and the server's field message, then fixed and retried.
    assert steps["failed"]["entry"] == "Meetup: Ana Silva"
    assert steps["failed"]["messages"] == ["Email: Enter a valid email address."]
    assert steps["retry"]["fieldErrors"] == "Enter a valid email address."
    assert steps["retried"] == {"failed": 0, "unsyncedMarks": 0}
    # The conflict: both versions of the notes side by side, then mine kept.
    assert steps["laptop"]["status"] == 200
    rows = {row["field"]: row for row in steps["conflict"]["rows"]}
    assert rows["notes"]["mine"] == "Ask for the code release, and the weights."
    assert rows["notes"]["theirs"] == "Changed on the laptop."
    assert list(rows) == ["notes"]
    assert steps["conflict"]["mark"] == 1
    assert steps["resolved"] == {"pending": 0, "conflicts": 0}

    # The server holds each entry exactly once, as last written on the phone.
    conversations = {
        c.talked_to: c
        for c in PosterConversation.objects.filter(**mine).exclude(pk__in=seeded_conversations)
    }
    assert sorted(conversations) == ["Noa Levi", "Yossi Mizrahi"]
    first = conversations["Noa Levi"]
    assert str(first.pk) == steps["online"]["firstId"]
    assert first.poster_id == poster.pk
    assert first.qa == [{"question": "Does it work on phones?", "answer": "Yes, at 30 fps."}]
    assert first.rating == 4
    assert first.tags == ["demo"]
    assert first.notes == "Ask for the code release, and the weights."
    assert first.version == steps["laptop"]["version"] + 1
    hallway = conversations["Yossi Mizrahi"]
    assert hallway.poster_id is None
    assert hallway.poster_title == "Hallway demo, not in the program"
    meetups = {
        m.contact_name: m for m in Meetup.objects.filter(**mine).exclude(pk__in=seeded_meetups)
    }
    assert sorted(meetups) == ["Ana Silva", "Dana Cohen"]
    assert meetups["Dana Cohen"].notes == "Wants the slides and the dataset."
    assert meetups["Dana Cohen"].session_id == session.pk
    assert meetups["Dana Cohen"].contact_details == {"Phone": "+972 50 000 0000"}
    assert meetups["Ana Silva"].contact_email == "ana@example.org"
    # One photo per conversation, downscaled on the phone to 2048 px along the longer edge.
    photos = list(ConversationPhoto.objects.filter(conversation__in=[first, hallway]))
    assert sorted(str(p.conversation_id) for p in photos) == sorted(
        [str(first.pk), str(hallway.pk)]
    )
    for photo in photos:
        with photo.image.open("rb") as stored, Image.open(stored) as image:
            assert image.size == (2048, 1365)

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
