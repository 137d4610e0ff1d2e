"""A task goes through a real broker to a real worker process and its result comes back."""

from __future__ import annotations

import uuid

import pytest
from celery import Celery

from tests.infra import redis_url_for_tests
from tests.worker import celery_worker, subprocess_env

pytestmark = pytest.mark.slow


def _client_app(**conf) -> Celery:
    app = Celery("boardwalk-test-client", set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json", **conf
    )
    return app


def _round_trip(app: Celery, log) -> None:
    token = f"hello-{uuid.uuid4()}"
    try:
        result = app.send_task("planner.health.ping", args=[token])
        assert result.get(timeout=60) == token
    except Exception:
        print(log.read_text())
        raise


def test_task_round_trips_through_filesystem_broker(tmp_path):
    """The embedded default of `make run`: no broker server at all."""
    env = subprocess_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    queue = tmp_path / "broker" / "queue"
    queue.mkdir(parents=True)
    (tmp_path / "celery-results").mkdir()
    app = _client_app(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(tmp_path / "broker" / "control"),
        },
        result_backend=f"file://{tmp_path / 'celery-results'}",
    )
    with celery_worker(env, tmp_path / "worker.log") as worker:
        _round_trip(app, tmp_path / "worker.log")
        assert worker.poll() is None


@pytest.mark.redis
def test_task_round_trips_through_redis(tmp_path):
    url = redis_url_for_tests()
    env = subprocess_env(
        tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", REDIS_URL=url
    )
    app = _client_app(broker_url=url, result_backend=url)
    with celery_worker(env, tmp_path / "worker.log") as worker:
        _round_trip(app, tmp_path / "worker.log")
        assert worker.poll() is None
