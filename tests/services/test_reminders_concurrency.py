"""Concurrent claimers on PostgreSQL never claim the same reminder: each thread has its own
connection, and SKIP LOCKED hands each one different rows."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from planner.enums import Channel
from planner.models import Reminder
from planner.services.reminders import reminders_claim_due
from tests import factories as f
from tests.factories import DAY1, local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLAIMERS = 4
ROWS = 400


def test_concurrent_claimers_never_claim_the_same_row():
    conference = f.ConferenceFactory()
    start = local(DAY1, 10)
    sessions = f.SessionFactory.create_batch(ROWS // 2, conference=conference, start=start)
    attendee = f.AttendeeFactory(conference=conference)
    items = [f.PlanItemFactory(attendee=attendee, session=s) for s in sessions]
    Reminder.objects.bulk_create(
        Reminder(plan_item=item, fire_at=start - dt.timedelta(minutes=10), channel=channel)
        for item in items
        for channel in (Channel.PUSH, Channel.IN_APP)
    )
    barrier = threading.Barrier(CLAIMERS)

    def claimer(_: int) -> list[int]:
        try:
            barrier.wait()
            mine: list[int] = []
            while batch := reminders_claim_due(now=start, limit=7):
                mine.extend(row.pk for row in batch)
            return mine
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLAIMERS) as pool:
        claims = list(pool.map(claimer, range(CLAIMERS)))

    everything = [pk for claim in claims for pk in claim]
    assert len(everything) == len(set(everything)) == ROWS
    assert sum(1 for claim in claims if claim) > 1, "the claimers ran one after another"
    assert set(Reminder.objects.values_list("state", "attempts")) == {("sending", 1)}


def test_a_claimer_skips_rows_another_transaction_holds_instead_of_waiting():
    conference = f.ConferenceFactory()
    start = local(DAY1, 10)
    attendee = f.AttendeeFactory(conference=conference)
    items = [
        f.PlanItemFactory(attendee=attendee, session=s)
        for s in f.SessionFactory.create_batch(6, conference=conference, start=start)
    ]
    rows = Reminder.objects.bulk_create(
        Reminder(plan_item=item, fire_at=start - dt.timedelta(minutes=10), channel=Channel.IN_APP)
        for item in items
    )
    held, free = sorted(r.pk for r in rows[:3]), sorted(r.pk for r in rows[3:])
    locked, release = threading.Event(), threading.Event()

    def holder() -> None:  # another claimer, mid-claim: its rows are locked
        try:
            with transaction.atomic():
                list(Reminder.objects.select_for_update().filter(pk__in=held))
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert locked.wait(30)
    try:
        with connection.cursor() as cursor:
            # Waiting for the holder would end in an error, not a pass.
            cursor.execute("SET lock_timeout = '2s'")
        claimed = reminders_claim_due(now=start, limit=10)
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")

    assert sorted(r.pk for r in claimed) == free
    assert set(Reminder.objects.filter(pk__in=held).values_list("state", flat=True)) == {"pending"}
