"""The broker goes away during reminder dispatch and comes back: a Redis of the test's own
(tests/redis_server.py, never the machine's) is the broker of a real Celery worker (prefork,
2 children); it is stopped while a sweep is delivering and started again on the same port.

Wave 1 is due at the start: the sweep already running goes on delivering it while Redis is
down (a sweep needs PostgreSQL and the receivers, not the broker). Wave 2 falls due during
the outage: beat's sends fail meanwhile, and every sweep message sent before the outage has
expired by then, so only a sweep sent after Redis is back can take it. At the end every
reminder reached its receiver exactly once, on the wire (no worker was killed: no repeat).

Celery/kombu 5.7 may stop the worker when the broker drops while it holds an unacknowledged
message ("Unrecoverable error: AttributeError … 'hostname'" while restoring it on the dead
connection). The reminder sweep is acknowledged on start to keep out of that (planner/tasks.py),
and the test does what docker-compose's ``restart: unless-stopped`` does: a worker that exits
by itself is started again (printed). Either way nothing is lost or repeated.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from planner.enums import ReminderState
from planner.models import Reminder
from tests.notifications.stack import (
    Beat,
    Worker,
    expected,
    make_fleet,
    seen,
    wait_until_settled,
    worker_env,
)
from tests.redis_server import OwnRedis

DOWN = 3.0  # seconds without Redis


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_during_dispatch_everything_due_delivered_once_after_it_returns(
    tmp_path, settings, vapid, push_service, smtp_server
):
    later = timezone.now() + dt.timedelta(minutes=50)
    fleet = make_fleet(30, push_service, prefix="first")
    second = make_fleet(10, push_service, fire_at=later, prefix="second")
    wave2 = second.reminders
    fleet = fleet | second
    broker = OwnRedis(tmp_path / "redis.log").start()
    env = worker_env(
        tmp_path,
        broker=broker.url,
        smtp_port=settings.EMAIL_PORT,
        vapid=vapid,
        REMINDER_DISPATCH_BATCH="5",
    )
    worker = Worker(env, tmp_path / "worker.log")
    beat = Beat(broker.url, every=0.5)
    outage: dict[str, dt.datetime] = {}
    received: list[dt.datetime] = []
    lock = threading.Lock()
    outage_done = threading.Event()

    def go_down_and_back() -> None:
        outage["down"] = timezone.now()
        broker.stop()
        # Wave 2 falls due in the middle of the outage.
        Reminder.objects.filter(pk__in=wave2).update(
            fire_at=outage["down"] + dt.timedelta(seconds=DOWN / 2)
        )
        connection.close()  # this thread's own connection
        time.sleep(DOWN)
        broker.start()  # the same port
        outage["back"] = timezone.now()
        outage_done.set()

    def on_message(_message) -> None:
        time.sleep(0.02)  # a push service / SMTP server that takes its time: a longer sweep
        with lock:
            received.append(timezone.now())
            if len(received) == 10:
                threading.Thread(target=go_down_and_back, daemon=True).start()

    push_service.before_answer = smtp_server.before_answer = on_message
    try:
        worker.start()
        beat.start()
        assert outage_done.wait(60), worker.tail()
        try:
            states = wait_until_settled(60, worker)
        except AssertionError:
            print(f"beat sent {beat.sent} sweeps, {beat.failed} sends failed; {outage}")
            print(worker.tail(20000))
            raise
    finally:
        beat.stop()
        push_service.before_answer = smtp_server.before_answer = None
        worker.stop()
        broker.stop()

    got = seen(fleet, push_service, smtp_server)
    during = [t for t in received if outage["down"] <= t < outage["back"]]
    wave2_sent = list(Reminder.objects.filter(pk__in=wave2).values_list("sent_at", flat=True))
    print(
        f"Redis down {outage['down']:%H:%M:%S.%f} to {outage['back']:%H:%M:%S.%f}: "
        f"{len(during)} of {len(received)} messages delivered meanwhile; beat sent "
        f"{beat.sent} sweeps, {beat.failed} sends failed; worker exits {worker.exits}; "
        f"wave 2 marked sent "
        f"{min(wave2_sent):%H:%M:%S.%f} to {max(wave2_sent):%H:%M:%S.%f}"
    )
    log = worker.tail(10**6)
    assert "Connection to broker lost" in log, log[-3000:]
    assert during, "the outage did not happen during dispatch"
    assert beat.failed > 0
    assert states == {ReminderState.SENT: len(fleet.reminders)}, states
    assert all(sent >= outage["back"] for sent in wave2_sent), (outage, wave2_sent)
    want_push, want_mail, want_in_app = expected(fleet)
    assert got.push_shown == want_push
    assert {to: len(ids) for to, ids in got.mail_shown.items()} == want_mail
    assert got.in_app == want_in_app
    # Nobody died: not a single repeat on the wire.
    assert got.push_repeats == got.mail_repeats == 0, (got.push_per_tag, got.mail_per_id)
