"""Schedule-change alerts: a real `manage.py import_schedule` moves, re-rooms and cancels
planned items; each affected attendee gets ONE in-app alert per import listing their items
(local times), nobody else gets one, and running the same import (or the alerts) again
adds nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from planner.enums import ImportStatus, NotificationKind
from planner.models import (
    Conference,
    ImportRun,
    Notification,
    Oral,
    Outbound,
    PlanItem,
    Poster,
    Session,
)
from planner.services.notifications import schedule_change_alerts
from tests.factories import AttendeeFactory

pytestmark = pytest.mark.django_db

SESSIONS = "id,title,kind,date,start,end,room\n"
ORALS = "id,session_id,order,date,start,end,title\n"
POSTERS = "id,session_id,board,title\n"


def _program(folder: Path, *, shift: int = 0, cancel_orals: bool = False) -> Path:
    """The program as CSV templates; ``shift`` minutes later (and the poster session in Hall
    B) when non-zero; without the first oral session when ``cancel_orals``."""
    poster_room = "Hall B" if shift else "Hall A"

    def at(hour: int, minute: int = 0) -> str:
        total = hour * 60 + minute + shift
        return f"{total // 60:02d}:{total % 60:02d}"

    sessions = [
        f"S-P1,Poster session 4,poster,2026-10-26,{at(14)},{at(15, 30)},{poster_room}",
        "S-K1,Keynote,keynote,2026-10-26,08:00,09:00,Hall A",
        "S-O2,Orals 2,oral,2026-10-26,11:00,12:00,Room 2",
    ]
    orals = ["O-2,S-O2,1,2026-10-26,11:00,11:15,Other talk"]
    if not cancel_orals:
        sessions.append(f"S-O1,Orals 1,oral,2026-10-26,{at(9)},{at(10)},Room 1")
        orals.append(f"O-1,S-O1,1,2026-10-26,{at(9)},{at(9, 15)},Sparse attention")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sessions.csv").write_text(SESSIONS + "\n".join(sessions) + "\n")
    (folder / "orals.csv").write_text(ORALS + "\n".join(orals) + "\n")
    (folder / "posters.csv").write_text(POSTERS + "PO-042,S-P1,042,Graph posters\n")
    return folder


def _import(folder: Path, capture) -> None:
    with capture(execute=True):
        call_command(
            "import_schedule",
            "eccv",
            str(folder),
            "--timezone",
            "Asia/Jerusalem",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def _alerts(attendee) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(attendee=attendee, kind=NotificationKind.SCHEDULE_CHANGE)
        .order_by("created_at", "id")
        .values_list("title", "body")
    )


def test_import_moved_then_cancelled_sends_one_alert_per_attendee_per_run(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(_program(tmp_path / "v1"), django_capture_on_commit_callbacks)
    conference = Conference.objects.get(slug="eccv")
    ada, bob, carol = (AttendeeFactory(conference=conference) for _ in range(3))
    PlanItem.objects.create(attendee=ada, poster=Poster.objects.get(board="042"))
    PlanItem.objects.create(attendee=ada, oral=Oral.objects.get(external_id="O-1"))
    PlanItem.objects.create(attendee=bob, session=Session.objects.get(external_id="S-O1"))
    PlanItem.objects.create(attendee=carol, session=Session.objects.get(external_id="S-K1"))

    # Run 2: everything but the keynote 30 minutes later, the poster session in Hall B.
    _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
    # The same file again: no change, no alert.
    _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
    # Run 3: the first oral session and its oral are gone from the file: cancelled.
    _import(
        _program(tmp_path / "v3", shift=30, cancel_orals=True), django_capture_on_commit_callbacks
    )

    assert _alerts(ada) == [
        (
            "2 items in your plan changed",
            "Poster 042 moved to Hall B, 14:30\nOral “Sparse attention” moved to Room 1, 09:30",
        ),
        ("Oral “Sparse attention” cancelled", "Oral “Sparse attention” cancelled"),
    ]
    assert _alerts(bob) == [
        ("Orals 1 moved to Room 1, 09:30", "Orals 1 moved to Room 1, 09:30"),
        ("Orals 1 cancelled", "Orals 1 cancelled"),
    ]
    assert _alerts(carol) == []
    assert Notification.objects.filter(attendee=ada).values_list("url", flat=True)[0] == (
        "/conferences/eccv/plan"
    )


def test_alerts_for_one_import_are_written_once(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(_program(tmp_path / "v1"), django_capture_on_commit_callbacks)
    conference = Conference.objects.get(slug="eccv")
    ada = AttendeeFactory(conference=conference)
    PlanItem.objects.create(attendee=ada, poster=Poster.objects.get(board="042"))
    _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
    conference.refresh_from_db()

    again = schedule_change_alerts(
        conference_id=conference.pk, schedule_version=conference.schedule_version
    )

    assert again.attendees == 1
    assert again.created == 0
    assert len(_alerts(ada)) == 1


def test_alerts_take_a_fixed_number_of_queries(
    tmp_path, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(_program(tmp_path / "v1"), django_capture_on_commit_callbacks)
    conference = Conference.objects.get(slug="eccv")
    poster = Poster.objects.get(board="042")
    for _ in range(25):
        PlanItem.objects.create(attendee=AttendeeFactory(conference=conference), poster=poster)
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=False):
        call_command(
            "import_schedule",
            "eccv",
            str(_program(tmp_path / "v2", shift=30)),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    conference.refresh_from_db()
    # The import wrote them in its transaction; measure writing them afresh.
    Notification.objects.filter(attendee__conference=conference).delete()
    Outbound.objects.filter(attendee__conference=conference).delete()

    # The conference, the changes, the plan items, a count, the notifications, the push rows.
    with django_assert_max_num_queries(6):
        report = schedule_change_alerts(
            conference_id=conference.pk, schedule_version=conference.schedule_version
        )

    assert report.created == 25


def test_an_alert_failure_does_not_fail_the_committed_import(
    tmp_path, settings, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(_program(tmp_path / "v1"), django_capture_on_commit_callbacks)

    def broken(**kwargs):
        raise RuntimeError("alerts down")

    monkeypatch.setattr("planner.services.imports.schedule_change_alerts", broken)
    _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)

    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == ImportStatus.SUCCEEDED
    assert Session.objects.get(external_id="S-P1").room.name == "Hall B"
    assert "alerts down" in caplog.text


def test_the_alerts_commit_with_the_program(tmp_path, settings, django_capture_on_commit_callbacks):
    """A worker killed right after the import commits (modelled: no on-commit callback ever
    runs) does not lose the alerts: they are written in the import's transaction (and so is
    the reminders' re-sync, by the same code path)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(_program(tmp_path / "v1"), django_capture_on_commit_callbacks)
    conference = Conference.objects.get(slug="eccv")
    poster = Poster.objects.get(board="042")
    ada = AttendeeFactory(conference=conference)
    PlanItem.objects.create(attendee=ada, poster=poster)

    with django_capture_on_commit_callbacks(execute=False):
        call_command(
            "import_schedule",
            "eccv",
            str(_program(tmp_path / "v2", shift=30)),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert len(_alerts(ada)) == 1
