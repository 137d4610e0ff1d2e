"""Import runs are recorded before their task is sent; with the broker down the request
answers at once and the beat sweeper sends the run when the broker is back."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conf.celery import app
from planner.models import ImportRun, Session
from planner.services.imports import (
    WAITING_FOR_BROKER,
    import_run_create,
    import_run_submit,
)
from planner.tasks import dispatch_pending_imports
from tests import factories as f
from tests.live_server import free_port

# Transactional: the task is sent on commit, which a test wrapped in a transaction never sees.
pytestmark = pytest.mark.django_db(transaction=True)

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
GOOD_XML = (REAL / "good-2025/schedule.xml").read_bytes()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    # The app keeps producers for the broker it first connected to (Celery resets the same
    # two after a fork); forget them so the next send connects to ``url``.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """The broker on a loopback port nothing listens on; restored afterwards."""
    saved = app.conf.broker_url
    _use_broker(f"redis://127.0.0.1:{free_port()}/0")
    yield
    _use_broker(saved)


def test_api_import_with_broker_down_answers_202_and_records_the_run(
    client, conference, good_dates, organizer, broker_down
):
    client.force_login(organizer)
    url = f"/api/v1/conferences/{conference.slug}/imports/"

    started = time.monotonic()
    response = client.post(url, {"file": SimpleUploadedFile("schedule.xml", GOOD_XML)})
    elapsed = time.monotonic() - started

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["stage"] == WAITING_FOR_BROKER
    run = ImportRun.objects.get(pk=body["id"])
    assert (run.status, run.dispatched_at, run.dispatch_attempts) == ("pending", None, 1)
    assert elapsed < 5, f"{elapsed:.1f} s: publishing must give up quickly"


def test_api_url_import_with_broker_down_answers_202(client, conference, organizer, broker_down):
    client.force_login(organizer)

    response = client.post(
        f"/api/v1/conferences/{conference.slug}/imports/",
        {"url": "https://example.org/schedule.xml"},
        content_type="application/json",
    )

    assert response.status_code == 202
    assert response.json()["stage"] == WAITING_FOR_BROKER
    assert ImportRun.objects.get().dispatch_attempts == 1


def test_admin_upload_with_broker_down_says_it_waits(client, conference, broker_down):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        "/admin/planner/importrun/upload/",
        {
            "conference": conference.pk,
            "file": SimpleUploadedFile("schedule.xml", GOOD_XML),
            "format": "",
            "timezone": "",
            "source_key": "import",
        },
        follow=True,
    )

    run = ImportRun.objects.get()
    assert response.status_code == 200
    assert run.status == "pending"
    assert run.stage == WAITING_FOR_BROKER
    assert "the task queue is unavailable" in response.content.decode()


def test_sweeper_sends_waiting_runs_when_the_broker_is_back(conference, good_dates, broker_down):
    run = import_run_submit(conference=conference, source="schedule.xml", data=GOOD_XML)
    # Autocommit: sent (and refused) at once. A sweep while the broker is still down:
    assert dispatch_pending_imports() == 0
    run.refresh_from_db()
    assert (run.status, run.dispatch_attempts, run.stage) == ("pending", 2, WAITING_FOR_BROKER)

    app.conf.task_always_eager = True  # the broker is back (eager: the "worker" runs inline)
    try:
        sent = dispatch_pending_imports()
    finally:
        app.conf.task_always_eager = False

    run.refresh_from_db()
    assert sent == 1
    assert run.status == "succeeded"
    assert run.dispatch_attempts == 3
    assert run.dispatched_at is not None
    assert Session.objects.filter(conference=conference).count() == 72
    assert dispatch_pending_imports() == 0  # nothing left to send


def test_sweeper_skips_fresh_claimed_and_recently_sent_runs(conference, eager):
    fresh = import_run_create(conference=conference, source="a.xml", data=GOOD_XML)
    running = import_run_create(conference=conference, source="b.xml", data=GOOD_XML)
    ImportRun.objects.filter(pk=running.pk).update(status="running", dispatch_attempts=1)
    sent = import_run_create(conference=conference, source="c.xml", data=GOOD_XML)
    ImportRun.objects.filter(pk=sent.pk).update(
        dispatch_attempts=1, dispatched_at=timezone.now() - dt.timedelta(minutes=1)
    )

    assert dispatch_pending_imports() == 0

    assert ImportRun.objects.get(pk=fresh.pk).status == "pending"
    assert ImportRun.objects.get(pk=sent.pk).dispatch_attempts == 1


def test_sweeper_sends_orphaned_and_lost_runs_once(conference, good_dates, eager):
    orphan = import_run_create(conference=conference, source="a.xml", data=GOOD_XML)
    lost = import_run_create(conference=conference, source="b.xml", data=GOOD_XML)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportRun.objects.filter(pk=orphan.pk).update(created_at=long_ago)
    ImportRun.objects.filter(pk=lost.pk).update(dispatch_attempts=1, dispatched_at=long_ago)

    assert dispatch_pending_imports() == 2

    statuses = dict(ImportRun.objects.values_list("pk", "status"))
    # The same file twice: the first run changes the program, the second finds no changes.
    assert statuses == {orphan.pk: "succeeded", lost.pk: "no_changes"}
    assert Session.objects.filter(conference=conference).count() == 72


def test_beat_runs_the_sweeper(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-pending-imports"]

    assert entry["task"] == dispatch_pending_imports.name == "planner.imports.dispatch_pending"
    assert entry["task"] in app.tasks
    assert 0 < entry["schedule"] <= 60
