"""The import task goes through Redis to a real Celery worker process, not only eagerly."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
import redis
from celery import Celery

from planner.ical.feeds import public_feed_key
from planner.models import ImportRun, Session
from planner.services.imports import import_run_create
from tests import factories as f
from tests.infra import redis_url_for_tests
from tests.live_server import database_url
from tests.worker import celery_worker, subprocess_env

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_import_task_runs_in_a_worker_through_redis(settings, tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    conference = f.ConferenceFactory(
        timezone="America/New_York",
        start_date=dt.date(2025, 3, 17),  # GOOD 2025's dates: the file is its program
        end_date=dt.date(2025, 3, 20),
    )
    run = import_run_create(
        conference=conference,
        source="schedule.xml",
        data=(REAL / "good-2025/schedule.xml").read_bytes(),
    )
    broker = redis_url_for_tests()
    client = Celery("boardwalk-test-client", broker=broker, backend=broker, set_as_current=False)
    client.control.purge()  # nothing left over from an earlier, interrupted run
    env = subprocess_env(
        tmp_path, DATABASE_URL=database_url(), REDIS_URL=broker, MEDIA_ROOT=str(media)
    )
    log = tmp_path / "worker.log"

    with celery_worker(env, log):
        outcome = client.send_task("planner.imports.run", args=[run.pk]).get(timeout=120)
        # A redelivered or duplicate message finds the run already claimed and does nothing.
        again = client.send_task("planner.imports.run", args=[run.pk]).get(timeout=120)

    assert outcome == "succeeded", log.read_text()
    assert again == "skipped"
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.counts["session"]["created"] == 72
    assert Session.objects.filter(conference=conference).count() == 72
    assert ImportRun.objects.count() == 1
    # The worker built the new version's public feed into the shared cache (Redis here).
    conference.refresh_from_db()
    cached = redis.Redis.from_url(broker).get(f":1:{public_feed_key(conference)}")
    assert cached is not None
    assert pickle.loads(cached).count(b"BEGIN:VEVENT") == 72  # noqa: S301 - our own cache
