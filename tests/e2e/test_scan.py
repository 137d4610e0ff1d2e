"""The Scan screen in a real browser (tests/e2e/scan.mjs against gunicorn and the demo), with
Chromium's fake camera fed a video this test makes from a real QR: the PNG the server serves
as ``badge.png`` (planner.badges.qr_png of the badge URL) and a poster board's code.

- The attendee scans Dana's badge online: the meetup opens with her name, "where" is the
  session on now that the attendee starred; scanned again: the same meetup (one on the server).
- The organizer, offline, scans the same badge twice: one meetup, "synced later"; online, it
  syncs and the open form shows who it is. One meetup on the server.
- A poster board's QR opens that poster with a new conversation; a code of another conference
  and a typed board number (several posters on it) are answered; the camera refused → the
  typed fallback. Headless Chromium on Linux has no native BarcodeDetector: this runs the
  bundled zxing-wasm decoder, its .wasm served by us (the CSP allows compiling it).

Screenshots (360 px, light and dark, English and Korean, offline, camera refused) go to
var/screenshots/scan/ (git-ignored) or $SCAN_SCREENSHOTS.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from PIL import Image

from planner.badges import badge_url, poster_url, qr_png
from planner.demo import DEMO_SLUG
from planner.enums import ShareableField
from planner.models import Attendee, Conference, Meetup, PlanItem, Poster, Room
from tests import factories as f
from tests.e2e.harness import real_password, run_script, screenshots, seed_demo_attendee
from tests.qr import decode_image

SCRIPT = Path(__file__).with_name("scan.mjs")
WIDTH, HEIGHT = 640, 480


def y4m_of(png: bytes, path: Path, frames: int = 6) -> Path:
    """A Y4M video (YUV 4:2:0, what --use-file-for-fake-video-capture reads) of the QR in
    ``png`` centred on white, the same frame ``frames`` times (Chromium loops the file)."""
    with Image.open(io.BytesIO(png)) as qr:
        code = qr.convert("RGB")
    side = min(WIDTH, HEIGHT) - 40
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    canvas.paste(
        code.resize((side, side), Image.NEAREST), ((WIDTH - side) // 2, (HEIGHT - side) // 2)
    )
    # What the camera shows is still the code: read it back as a phone would.
    assert len(decode_image(canvas)) == 1
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)
    return path


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_scan_badge_online_offline_and_poster_board(browser_tools, tmp_path, settings):
    username, password = seed_demo_attendee(settings)
    organizer, organizer_password = real_password("organizer", settings)
    conference = Conference.objects.get(slug=DEMO_SLUG)
    dana = f.AttendeeFactory(
        conference=conference,
        display_name="Dana Cohen",
        affiliation="Technion",
        shared_fields=[ShareableField.DISPLAY_NAME, ShareableField.AFFILIATION],
    )
    badge = qr_png(badge_url(dana))
    # The demo's program is in October: a session on now, starred by the attendee, is where
    # the scan happens.
    now = timezone.now()
    hallway = f.SessionFactory(
        conference=conference,
        title="Hallway demos (on now)",
        start=now - dt.timedelta(minutes=30),
        end=now + dt.timedelta(minutes=60),
        room=Room.objects.filter(conference=conference).order_by("id").first(),
    )
    attendee = Attendee.objects.get(user__username=username, conference=conference)
    PlanItem.objects.create(attendee=attendee, session=hallway)
    poster = Poster.objects.filter(session__conference=conference).order_by("id")[3]
    board_posters = Poster.objects.filter(session__conference=conference, board=poster.board)
    other_conference = f.ConferenceFactory(slug="cvpr-elsewhere")
    foreign_poster = f.PosterFactory(session__conference=other_conference)

    mine = {"attendee__conference": conference, "other": dana}
    before = Meetup.objects.filter(**mine).count()

    report = run_script(
        SCRIPT,
        tmp_path=tmp_path,
        shots=screenshots("SCAN_SCREENSHOTS", "scan"),
        env={
            "BOARDWALK_E2E_USER": username,
            "BOARDWALK_E2E_PASSWORD": password,
            "BOARDWALK_E2E_USER2": organizer,
            "BOARDWALK_E2E_PASSWORD2": organizer_password,
            "BOARDWALK_E2E_BADGE_VIDEO": str(y4m_of(badge, tmp_path / "badge.y4m")),
            "BOARDWALK_E2E_POSTER_VIDEO": str(
                y4m_of(qr_png(poster_url(poster)), tmp_path / "poster.y4m")
            ),
            "BOARDWALK_E2E_POSTER": str(poster.pk),
            "BOARDWALK_E2E_BOARD": poster.board,
            "BOARDWALK_E2E_FOREIGN": poster_url(foreign_poster),
            "BOARDWALK_E2E_BADGE_URL": badge_url(dana),
        },
        timeout=120,
    )
    steps = report["steps"]
    print("seconds:", report["seconds"])

    assert report["violations"] == []
    assert report["consoleErrors"] == []
    assert report["pageErrors"] == []
    # No native BarcodeDetector in headless Chromium on Linux: the bundled decoder read it,
    # its .wasm from our own /assets/.
    assert steps["decoder"]["native"] is False
    assert steps["decoder"]["wasm"], steps["decoder"]
    assert all(url.startswith(report["base"] + "/assets/") for url in steps["decoder"]["wasm"])

    # Online: the meetup opens with who it is, where = the starred session on now.
    online = steps["online"]
    assert online["name"] == "Dana Cohen"
    assert online["placeKind"] == "session"
    assert online["place"] == str(hallway.pk)
    # Scanned again: the same meetup.
    assert steps["again"]["id"] == online["id"]
    assert steps["again"]["notice"]
    # Her badge link pasted on another phone: the server's meetup from the first scan opens.
    assert steps["pasted"] == {"id": online["id"], "again": 1}
    # That second phone opened the badge link itself (/b/<token>, as a camera app does): the
    # Scan screen of its conference, the link filled in.
    assert steps["badgeLink"]["path"] == f"/conferences/{DEMO_SLUG}/scan"
    filled = urlsplit(steps["badgeLink"]["filled"])
    assert (filled.hostname, filled.path) == ("127.0.0.1", urlsplit(badge_url(dana)).path)
    meetups = Meetup.objects.filter(attendee=attendee, other=dana)
    assert [str(m.pk) for m in meetups] == [online["id"]]
    scanned = meetups.get()
    assert scanned.source == "badge_scan"
    assert scanned.session_id == hallway.pk
    assert scanned.contact_name == "Dana Cohen"
    assert scanned.contact_affiliation == "Technion"

    # Offline (the organizer): queued, the form says "synced later"; the second scan opened the
    # same meetup; online, it synced and the open form shows her name.
    offline = steps["offline"]
    assert offline["pendingNotice"]
    assert offline["pending"] == 1
    assert offline["againId"] == offline["id"]
    assert offline["syncedName"] == "Dana Cohen"
    theirs = Meetup.objects.filter(attendee__user__username=organizer, other=dana)
    assert [str(m.pk) for m in theirs] == [offline["id"]]
    assert Meetup.objects.filter(**mine).count() == before + 2

    # A poster board's QR: that poster's new conversation.
    assert steps["poster"]["path"] == f"/conferences/{DEMO_SLUG}/logbook/conversations/new"
    assert steps["poster"]["query"] == f"?poster={poster.pk}"
    assert steps["poster"]["chosen"] == str(poster.pk)
    assert steps["poster"]["tracks"] == ["ended"]
    # Another conference's code and an unknown code: said so, nothing opened.
    assert "another conference" in steps["foreign"]
    assert "not a Boardwalk" in steps["unknown"]
    # A typed board: its posters listed (boards are reused across sessions) or opened.
    assert steps["board"]["count"] == board_posters.count()
    # The camera refused: said so, the typed fallback is there and focused.
    assert "refused" in steps["refused"]["message"]
    assert steps["refused"]["focused"] == "scan-manual"
    # Granted: the live picture; "Stop camera", the page hidden and leaving the screen each
    # turn the camera off.
    assert steps["live"] == {
        "problem": 0,
        "whileOn": ["live"],
        "afterStop": ["ended"],
        "afterHidden": ["ended", "ended"],
        "afterLeaving": ["ended", "ended", "ended"],
    }
