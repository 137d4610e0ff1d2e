"""Fault injection on the real stack: a Celery worker (prefork, as in production) killed with
SIGKILL at seeded random moments during dispatch, 20+ times, started again each time; at the
end every due reminder is shown exactly once at the receivers (0 lost, 0 duplicated).

The receivers are a Web Push endpoint and an SMTP server on 127.0.0.1 (conftest.py). They
count what a user sees: distinct notification tags per push subscription (each payload is
decrypted with the subscription's key; the Topic header must match the tag), distinct
Message-IDs per mailbox, in-app rows per attendee. A kill after a receiver took a message and
before the row was marked makes the dispatcher send it again (at-least-once on the wire,
planner/services/reminder_dispatch.py says why): those repeats are printed, and each must be
the same message (same tag/Topic, same Message-ID) so the receiver collapses it.

The 1,200 reminders come due in 25 cohorts (16 attendees x 3 channels each), one cohort per
run, on top of the rows earlier runs left: every run has fresh rows to be killed during, on a
fast machine too (with all rows due at once, a fast machine delivered everything after 8
kills). A run whose kill point is never reached ends when everything due is sent; runs go
on (at most 15 more, on what is left) until 20 kills have landed mid-dispatch, i.e. left rows
of their own run in ``sending``.

Where the kills land (seeded; BOARDWALK_FAULT_SEED=<n> repeats a run's choices):
- ``in-flight``: inside the receiver, after it has the k-th new message (k <= 6) and before it
  answers: the worker never learns it was accepted;
- ``accepted``: 0-20 ms after the receiver answered the k-th new message (k <= 6): the window
  between "accepted" and "row marked sent";
- ``random``: 0-50 ms after the k-th new message, k anywhere in a cohort (<= 24): claim,
  in-app insert, SMTP session, mark, the next claim.
The reconciler's wait is REMINDER_STUCK_AFTER_SECONDS=3 in the worker's environment (it is
another process), and a batch is 10 rows: a kill leaves up to 20 rows (two pool processes) in ``sending``, the
reconciler gives them back (a dead claim is not a delivery attempt, so kill after kill on the
same rows never fails them), and they are claimed first again.

What is killed (seeded: 30% / 70%): the whole worker (master and pool, SIGKILL to its
process group; the test starts it again), or its pool processes (the master starts new
ones; the lost sweep is replaced by the next one beat sends).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import os
import random
import threading
import time
from collections import Counter

import pytest
from django.utils import timezone

from planner.enums import ReminderState
from planner.models import Reminder, Session
from tests.notifications.stack import (
    Beat,
    Fleet,
    Worker,
    expected,
    make_fleet,
    seen,
    wait_until_settled,
    worker_env,
)
from tests.redis_server import OwnRedis

ATTENDEES = 400  # x 3 channels = 1,200 due reminders, 800 of them leave the machine
COHORTS = int(os.environ.get("BOARDWALK_FAULT_KILLS", "25"))  # one run (and kill) each
MID_DISPATCH = 20  # kills that must land mid-dispatch
MAX_RUNS = COHORTS + 15  # more runs (on the rows left) when fewer landed
WHOLE = 0.3  # the share of kills that take the whole worker (a restart costs 1-5 s)


def _states() -> dict[str, int]:
    """Rows by state (a pending row waiting for its retry counted apart), for failure messages."""
    now = timezone.now()
    return dict(
        Counter(
            f"{state} (retry in {(retry - now).total_seconds():.0f} s, {error[:40]})"
            if retry and retry > now
            else state
            for state, retry, error in Reminder.objects.values_list(
                "state", "retry_at", "last_error"
            )
        )
    )


class Trigger:
    """Counts new messages (a tag or Message-ID not seen before) at both receivers and kills
    the worker as the current run's plan says."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.whole = True  # the whole worker (master and pool), else the pool processes
        self.lock = threading.Lock()
        self.known: set[str] = set()
        self.plan: tuple[str, int, float] | None = None
        self.new_in_run = 0
        self.fired = threading.Event()  # the run's kill point was reached and the kill done
        self.killed = False  # ... and it found a process to kill

    def arm(self, plan: tuple[str, int, float] | None, *, whole: bool = True) -> None:
        with self.lock:
            self.plan, self.new_in_run, self.whole = plan, 0, whole
            self.fired.clear()
            self.killed = False

    @property
    def waiting(self) -> bool:
        """The run's kill point is not reached yet (no kill pending)."""
        with self.lock:
            return self.plan is not None

    def _kill(self) -> None:
        self.killed = self.worker.kill9() if self.whole else self.worker.kill9_pool()
        self.fired.set()

    def delivered(self, key: str) -> None:
        with self.lock:
            if key in self.known:
                return
            self.known.add(key)
            if self.plan is None:
                return
            self.new_in_run += 1
            mode, k, delay = self.plan
            if self.new_in_run < k:
                return
            self.plan = None
        if mode == "in-flight":
            self._kill()  # before this receiver answers
        else:
            threading.Timer(delay, self._kill).start()


def _release(fleet: Fleet) -> None:
    """Make a cohort's reminders due now: its session starts in 10 minutes (the lead), so
    each row's time is still the one its plan item asks for."""
    fire_at = timezone.now() - dt.timedelta(seconds=1)
    start = fire_at + dt.timedelta(minutes=10)
    session_ids = {item.session_id for item in fleet.items.values()}
    Session.objects.filter(pk__in=session_ids).update(
        start=start, end=start + dt.timedelta(minutes=90)
    )
    Reminder.objects.filter(pk__in=fleet.reminders).update(fire_at=fire_at)


def _plan(rng: random.Random) -> tuple[str, int, float]:
    mode = rng.choice(["in-flight", "accepted", "random"])
    if mode == "in-flight":
        return (mode, rng.randint(1, 6), 0)
    if mode == "accepted":
        return (mode, rng.randint(1, 6), rng.uniform(0, 0.02))
    return (mode, rng.randint(1, 24), rng.uniform(0, 0.05))


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_20_times_during_dispatch_every_reminder_shown_exactly_once(
    tmp_path, settings, vapid, push_service, smtp_server
):
    seed = int(os.environ.get("BOARDWALK_FAULT_SEED") or random.SystemRandom().randrange(2**31))
    print(f"fault injection seed: {seed} (BOARDWALK_FAULT_SEED={seed} repeats the choices)")
    rng = random.Random(seed)
    began = time.monotonic()
    later = timezone.now() + dt.timedelta(days=1)  # not due until released
    cohorts = [
        make_fleet(ATTENDEES // COHORTS, push_service, fire_at=later, prefix=f"fault{c}-")
        for c in range(COHORTS)
    ]
    fleet = functools.reduce(operator.or_, cohorts)
    print(
        f"{len(fleet.reminders)} reminders in {COHORTS} cohorts made in "
        f"{time.monotonic() - began:.1f} s"
    )
    broker = OwnRedis(tmp_path / "redis.log").start()
    env = worker_env(
        tmp_path,
        broker=broker.url,
        smtp_port=settings.EMAIL_PORT,
        vapid=vapid,
        REMINDER_STUCK_AFTER_SECONDS="3",
        REMINDER_DISPATCH_BATCH="10",
    )
    worker = Worker(env, tmp_path / "worker.log")
    trigger = Trigger(worker)
    push_service.before_answer = lambda r: trigger.delivered(f"{r.path} {r.headers['topic']}")
    smtp_server.before_answer = lambda m: trigger.delivered(m["Message-ID"])
    beat = Beat(broker.url, every=0.25)
    kills: list[tuple[str, str, float, int, int]] = []
    runs = 0
    waiting = list(cohorts)  # not released yet
    released: list[int] = []  # reminder pks made due so far
    started = time.monotonic()
    starting = 0.0  # seconds spent starting workers
    try:
        beat.start()
        while runs < MAX_RUNS and (waiting or len([k for k in kills if k[4]]) < MID_DISPATCH):
            runs += 1
            plan = _plan(rng)
            whole = rng.random() < WHOLE
            trigger.arm(plan, whole=whole)
            run_started = timezone.now()
            if waiting:  # each run has fresh rows to be killed during, on any machine
                cohort = waiting.pop(0)
                released += cohort.reminders
                _release(cohort)
            if worker.pid is None:
                began = time.monotonic()
                worker.start()
                starting += time.monotonic() - began
            # Until the kill point (then its kill, at most 50 ms later), or until every row
            # due so far is sent without reaching it.
            deadline = time.monotonic() + 30
            while not trigger.fired.wait(0.1):
                if trigger.waiting and not (
                    Reminder.objects.filter(pk__in=released)
                    .exclude(state=ReminderState.SENT)
                    .exists()
                ):
                    break
                assert time.monotonic() < deadline, (
                    f"run {runs}: no delivery for 30 s; rows {_states()}:\n{worker.tail()}"
                )
            if not trigger.fired.is_set():
                trigger.arm(None)  # all sent before this run's kill point: no kill
                if not waiting:
                    break  # nothing left to kill during; enough kills landed? asserted below
                continue
            # Rows this run claimed and had not marked when it died: killed mid-dispatch.
            sending = Reminder.objects.filter(
                state=ReminderState.SENDING, claimed_at__gte=run_started
            ).count()
            if trigger.killed:
                kills.append(
                    (plan[0], "worker" if whole else "pool", round(plan[2], 3), plan[1], sending)
                )
        killed_at = time.monotonic() - started
        trigger.arm(None)
        if worker.pid is None:
            worker.start()  # the last start: nothing kills this one
        states = wait_until_settled(60, worker)
    finally:
        beat.stop()
        push_service.before_answer = smtp_server.before_answer = None
        worker.stop()
        broker.stop()

    got = seen(fleet, push_service, smtp_server)
    print(
        f"{runs} runs, {len(kills)} kills in {killed_at:.1f} s ({starting:.1f} s starting "
        f"{worker.starts} workers), then settled at {time.monotonic() - started:.1f} s"
    )
    print("kills (where, what, delay s, at new message #, rows this run left sending):")
    for kill in kills:
        print("   ", kill)
    print(
        f"on the wire: {got.push_requests} pushes for {len(got.push_per_tag)} notifications "
        f"({got.push_repeats} repeats), {got.mails} mails for {len(got.mail_per_id)} "
        f"Message-IDs ({got.mail_repeats} repeats); beat sent {beat.sent} sweeps; "
        f"claims per reminder {dict(Counter(Reminder.objects.values_list('attempts', flat=True)))}"
    )
    mid_dispatch = [k for k in kills if k[4] > 0]
    assert len(mid_dispatch) >= MID_DISPATCH, (
        f"only {len(mid_dispatch)} kills mid-dispatch in {runs} runs: {kills}"
    )
    want_push, want_mail, want_in_app = expected(fleet)
    assert states == {ReminderState.SENT: len(fleet.reminders)}, states
    assert got.push_shown == want_push  # every subscription shows its one reminder, once
    assert {to: len(ids) for to, ids in got.mail_shown.items()} == want_mail
    assert got.in_app == want_in_app
