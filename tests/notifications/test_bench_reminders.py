"""bench/reminders/run.py's measure() on a tiny scale: the benchmark's own harness (seed,
worker + beat, the asyncio push endpoint, aiosmtpd) works and counts what it should."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conf.env import BASE_DIR
from planner.models import Reminder
from tests.live_server import database_url
from tests.redis_server import OwnRedis
from tests.worker import subprocess_env


def _bench():
    # bench/ is not a package: load run.py by path.
    spec = importlib.util.spec_from_file_location(
        "bench_reminders", BASE_DIR / "bench/reminders/run.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_reminder_bench_delivers_and_measures_both_paths(tmp_path):
    bench = _bench()
    broker = OwnRedis(tmp_path / "redis.log").start()
    try:
        env = subprocess_env(
            tmp_path,
            DATABASE_URL=database_url(),
            REDIS_URL=broker.url,
            REMINDER_DISPATCH_SECONDS="1",
            REMINDER_DISPATCH_BATCH="10",
        )
        push, mail = bench.measure(env, tmp_path, push=40, mails=12, timeout=60, lead=0.5)
    finally:
        broker.stop()

    assert (push.name, push.due, push.delivered, push.states) == ("push", 40, 40, {"sent": 40})
    assert push.requests == 40  # no crash: each once on the wire
    assert push.extra == "25 decrypted"  # real RFC 8291 messages
    assert 0 <= push.p50 <= push.p99 <= push.last < 60
    assert (mail.name, mail.due, mail.delivered, mail.states) == ("e-mail", 12, 12, {"sent": 12})
    assert mail.rate is not None
    assert mail.rate > 0
    assert Reminder.objects.filter(state="sent").count() == 52
