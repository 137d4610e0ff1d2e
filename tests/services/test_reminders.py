"""Reminder rows follow the plan, the preferences and the program; the dispatcher's claim,
mark and reconcile keep every row in exactly one pair of hands."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine

from planner.enums import Channel, ReminderState
from planner.models import Notification, PlanItem, Reminder
from planner.services.imports import import_run_create, import_run_execute
from planner.services.plans import plan_item_put, plan_item_remove, plan_item_update
from planner.services.program import program_items_set_cancelled
from planner.services.reminders import (
    EXPIRE_AFTER,
    MAX_ATTEMPTS,
    affected_plan_items,
    backoff,
    reminders_claim_due,
    reminders_mark,
    reminders_reconcile,
    reminders_sync_for_changes,
    reminders_sync_for_items,
)
from tests import factories as f
from tests.factories import DAY1, local

pytestmark = pytest.mark.django_db

BEFORE = local(DAY1, 7)  # the morning of day 1: everything in the program is still ahead
MIN = dt.timedelta(minutes=1)


def _rows(item: PlanItem) -> list[tuple[str, dt.datetime, str]]:
    return sorted((r.channel, r.fire_at, r.state) for r in Reminder.objects.filter(plan_item=item))


def _put(attendee, target, kind="session", minutes=None) -> PlanItem:
    return plan_item_put(
        attendee=attendee,
        kind=kind,
        target_id=target.pk,
        status="going",
        note="",
        reminder_minutes=minutes,
    ).item


@pytest.fixture
def attendee(conference):
    return f.AttendeeFactory(conference=conference)


@pytest.fixture
def session(conference):
    return f.SessionFactory(conference=conference, start=local(DAY1, 10))


@pytest.fixture(autouse=True)
def _before_the_conference():
    with time_machine.travel(BEFORE, tick=False):
        yield


# --- deriving rows from plan writes --------------------------------------------------------


def test_plan_item_put_creates_one_pending_reminder_per_chosen_channel(attendee, session):
    item = _put(attendee, session)

    fire = local(DAY1, 9, 50)
    assert _rows(item) == [("in_app", fire, "pending"), ("push", fire, "pending")]


def test_plan_item_update_moves_the_pending_rows_to_the_new_lead(attendee, session):
    item = _put(attendee, session)
    ids = set(Reminder.objects.filter(plan_item=item).values_list("pk", flat=True))

    plan_item_update(
        attendee=attendee, kind="session", target_id=session.pk, changes={"reminder_minutes": 30}
    )

    fire = local(DAY1, 9, 30)
    assert _rows(item) == [("in_app", fire, "pending"), ("push", fire, "pending")]
    assert set(Reminder.objects.filter(plan_item=item).values_list("pk", flat=True)) == ids


def test_plan_item_remove_takes_its_reminders_away(attendee, session):
    _put(attendee, session)

    plan_item_remove(attendee=attendee, kind="session", target_id=session.pk)

    assert Reminder.objects.count() == 0


def test_a_poster_reminds_at_its_session_start_and_a_booth_at_the_chosen_visit(
    attendee, conference
):
    poster = f.PosterFactory(session__conference=conference, session__start=local(DAY1, 15))
    booth = f.BoothFactory(conference=conference)

    poster_item = _put(attendee, poster, kind="poster", minutes=5)
    booth_item = _put(attendee, booth, kind="booth")
    plan_item_update(
        attendee=attendee,
        kind="booth",
        target_id=booth.pk,
        changes={"visit_start": local(DAY1, 13), "visit_end": local(DAY1, 13, 30)},
    )

    assert {r[1] for r in _rows(poster_item)} == {local(DAY1, 14, 55)}
    assert {r[1] for r in _rows(booth_item)} == {local(DAY1, 12, 50)}


def test_no_reminder_for_an_item_already_past_or_inside_its_lead(attendee, conference):
    past = f.SessionFactory(conference=conference, start=BEFORE - dt.timedelta(hours=1))
    inside = f.SessionFactory(conference=conference, start=BEFORE + dt.timedelta(minutes=5))
    ahead = f.SessionFactory(conference=conference, start=BEFORE + dt.timedelta(minutes=11))

    items = [_put(attendee, s) for s in (past, inside, ahead)]

    assert [len(_rows(item)) for item in items] == [0, 0, 2]


def test_a_due_row_not_yet_claimed_survives_a_resync(attendee, session):
    item = _put(attendee, session)

    with time_machine.travel(local(DAY1, 9, 51), tick=False):
        counts = reminders_sync_for_items(plan_items=[item])

    assert counts.writes == 0
    assert {r[2] for r in _rows(item)} == {"pending"}


def test_removing_a_channel_cancels_its_rows_and_adding_it_back_revives_them(attendee, session):
    item = _put(attendee, session)

    attendee.reminder_channels = ["in_app"]
    attendee.save()
    reminders_sync_for_items(plan_items=[item])
    cancelled = _rows(item)
    attendee.reminder_channels = ["push", "email"]
    attendee.save()
    reminders_sync_for_items(plan_items=[item])

    fire = local(DAY1, 9, 50)
    assert cancelled == [("in_app", fire, "pending"), ("push", fire, "cancelled")]
    assert _rows(item) == [
        ("email", fire, "pending"),
        ("in_app", fire, "pending"),
        ("push", fire, "pending"),
    ]


def test_quiet_hours_skip_push_and_email_but_keep_the_silent_in_app_reminder(attendee, conference):
    attendee.reminder_channels = ["push", "email", "in_app"]
    attendee.quiet_hours_start, attendee.quiet_hours_end = dt.time(22), dt.time(8)
    attendee.save()
    early = f.SessionFactory(conference=conference, start=local(DAY1 + dt.timedelta(days=1), 8))
    later = f.SessionFactory(conference=conference, start=local(DAY1, 8, 15))

    early_item, later_item = _put(attendee, early), _put(attendee, later)

    # 07:50 local is inside 22:00–08:00 (past midnight); 08:05 is not.
    assert [channel for channel, _, _ in _rows(early_item)] == ["in_app"]
    assert [channel for channel, _, _ in _rows(later_item)] == ["email", "in_app", "push"]


def test_cancelling_a_session_cancels_pending_rows_and_restoring_it_revives_them(
    attendee, session, conference, django_capture_on_commit_callbacks
):
    oral = f.OralFactory(session=session, start=local(DAY1, 10, 15))
    session_item, oral_item = _put(attendee, session), _put(attendee, oral, kind="oral")

    with django_capture_on_commit_callbacks(execute=True):
        program_items_set_cancelled(conference=conference, items=[session], cancelled=True)
    after_cancel = {r[2] for r in _rows(session_item) + _rows(oral_item)}
    with django_capture_on_commit_callbacks(execute=True):
        program_items_set_cancelled(conference=conference, items=[session], cancelled=False)

    assert after_cancel == {"cancelled"}
    assert {r[2] for r in _rows(session_item) + _rows(oral_item)} == {"pending"}


def test_rows_already_sent_are_history_and_a_later_move_adds_a_new_reminder(attendee, session):
    item = _put(attendee, session)
    Reminder.objects.filter(plan_item=item, channel=Channel.PUSH).update(
        state=ReminderState.SENT, sent_at=BEFORE
    )

    session.start += dt.timedelta(hours=1)
    session.end += dt.timedelta(hours=1)
    session.save()
    reminders_sync_for_items(plan_items=[item])

    assert _rows(item) == [
        ("in_app", local(DAY1, 10, 50), "pending"),
        ("push", local(DAY1, 9, 50), "sent"),
        ("push", local(DAY1, 10, 50), "pending"),
    ]


# --- Asia/Jerusalem across the end of summer time ------------------------------------------


def test_jerusalem_ten_minute_lead_fires_at_the_right_instant_on_both_sides_of_dst(conference):
    attendee = f.AttendeeFactory(conference=conference, reminder_channels=["in_app"])
    # 2026-10-25 02:00 IDT (UTC+3) becomes 01:00 IST (UTC+2).
    before = f.SessionFactory(conference=conference, start=local(dt.date(2026, 10, 24), 9))
    after = f.SessionFactory(conference=conference, start=local(dt.date(2026, 10, 26), 9))
    first, second = _put(attendee, before), _put(attendee, after)
    expected = {
        first.pk: dt.datetime(2026, 10, 24, 5, 50, tzinfo=dt.UTC),  # 08:50 IDT
        second.pk: dt.datetime(2026, 10, 26, 6, 50, tzinfo=dt.UTC),  # 08:50 IST
    }

    claimed: dict[int, dt.datetime] = {}
    for instant in sorted(expected.values()):
        with time_machine.travel(instant - dt.timedelta(seconds=1), tick=False):
            assert reminders_claim_due(now=dt.datetime.now(dt.UTC), limit=10) == []
        with time_machine.travel(instant, tick=False):
            for row in reminders_claim_due(now=dt.datetime.now(dt.UTC), limit=10):
                claimed[row.plan_item_id] = row.claimed_at

    assert claimed == expected


# --- imports --------------------------------------------------------------------------------

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
GUID = "307e1812-4a21-5d33-910b-30543d8c6026"  # "Contributor Jam", 13:00 EDT on 17 March


def _import(conference, data: bytes, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    run = import_run_create(conference=conference, source="schedule.xml", data=data)
    assert import_run_execute(import_run_id=run.pk).status in ("succeeded", "no_changes")


@pytest.mark.skipif(not REAL.is_dir(), reason="the real schedules are missing")
def test_import_twice_moves_then_cancels_the_planned_sessions_reminders(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    original = (REAL / "good-2025/schedule.xml").read_bytes()
    event = re.compile(rb"<event guid='" + GUID.encode() + rb"'.*?</event>", re.DOTALL)
    moved = event.sub(
        lambda m: (
            m.group(0)
            .replace(b"T13:00:00-04:00", b"T13:30:00-04:00")
            .replace(b"<start>13:00</start>", b"<start>13:30</start>")
        ),
        original,
    )
    gone = event.sub(b"", original)
    conference = f.ConferenceFactory(
        timezone="America/New_York",
        start_date=dt.date(2025, 3, 17),
        end_date=dt.date(2025, 3, 20),
    )
    attendee = f.AttendeeFactory(conference=conference, reminder_channels=["in_app"])
    with time_machine.travel(dt.datetime(2025, 3, 17, 8, tzinfo=dt.UTC), tick=False):
        _import(conference, original, settings, tmp_path)
        jam = conference.sessions.get(external_id=GUID)
        item = _put(attendee, jam)
        first = _rows(item)

        with django_capture_on_commit_callbacks(execute=True):
            _import(conference, moved, settings, tmp_path)
        after_move = _rows(item)
        with django_capture_on_commit_callbacks(execute=True):
            _import(conference, gone, settings, tmp_path)

    edt = dt.timezone(dt.timedelta(hours=-4))
    assert first == [("in_app", dt.datetime(2025, 3, 17, 12, 50, tzinfo=edt), "pending")]
    assert after_move == [("in_app", dt.datetime(2025, 3, 17, 13, 20, tzinfo=edt), "pending")]
    assert _rows(item) == [("in_app", dt.datetime(2025, 3, 17, 13, 20, tzinfo=edt), "cancelled")]


def test_import_sync_takes_the_same_queries_for_one_attendee_and_many(
    conference, django_assert_max_num_queries
):
    """The after-import sync is bulk: a fixed number of statements, not one per attendee."""
    poster = f.PosterFactory(session__conference=conference, session__start=local(DAY1, 15))
    oral = f.OralFactory(session__conference=conference, start=local(DAY1, 11))

    def moved(kind: str, target) -> object:
        class Change:  # the shape schedule_upsert's Change has
            pass

        change = Change()
        change.kind, change.pk, change.fields = kind, target.pk, {"start": ["…", "…"]}
        return change

    changes = [moved("session", poster.session), moved("oral", oral)]

    def plan_and_move(attendees: int) -> None:
        for _ in range(attendees):
            someone = f.AttendeeFactory(conference=conference)
            _put(someone, poster, kind="poster")
            _put(someone, oral, kind="oral")
        poster.session.start += dt.timedelta(minutes=30)
        poster.session.end += dt.timedelta(minutes=30)
        poster.session.save()
        oral.start += dt.timedelta(minutes=30)
        oral.end += dt.timedelta(minutes=30)
        oral.save()

    plan_and_move(1)
    with django_assert_max_num_queries(6):
        one = reminders_sync_for_changes(conference=conference, changes=changes)
    plan_and_move(25)
    with django_assert_max_num_queries(6):
        many = reminders_sync_for_changes(conference=conference, changes=changes)

    assert one.moved == 4  # 2 items × (push, in-app)
    assert many.moved == 26 * 4  # the first attendee's rows move again too
    assert affected_plan_items(conference=conference, changes=changes).count() == 52


# --- claim, mark, reconcile -----------------------------------------------------------------


@pytest.fixture
def due(attendee, session):
    """Two pending rows (push, in-app) due at 09:50 local."""
    _put(attendee, session)
    return local(DAY1, 9, 50)


def test_claim_takes_due_rows_once_and_in_order_up_to_the_limit(due):
    assert reminders_claim_due(now=due - MIN, limit=10) == []

    first = reminders_claim_due(now=due, limit=1)
    second = reminders_claim_due(now=due, limit=10)
    third = reminders_claim_due(now=due, limit=10)

    assert len(first) == len(second) == 1
    assert third == []
    assert {first[0].pk, second[0].pk} == set(Reminder.objects.values_list("pk", flat=True))
    assert first[0].claim_token != second[0].claim_token
    row = Reminder.objects.get(pk=first[0].pk)
    assert (row.state, row.claimed_at, row.attempts) == ("sending", due, 1)


def test_mark_sent_records_the_time_and_frees_the_token(due):
    claimed = reminders_claim_due(now=due, limit=10)

    changed = reminders_mark(reminders=claimed, now=due + MIN)

    assert changed == 2
    assert set(Reminder.objects.values_list("state", "sent_at", "claim_token")) == {
        ("sent", due + MIN, None)
    }


def test_a_transient_failure_waits_with_backoff_then_fails_after_max_attempts(due):
    now = due
    for attempt in range(1, MAX_ATTEMPTS):
        claimed = reminders_claim_due(now=now, limit=1)
        assert [r.attempts for r in claimed] == [attempt]
        reminders_mark(
            reminders=claimed, now=now, error="503 from the push service", transient=True
        )
        row = Reminder.objects.get(pk=claimed[0].pk)
        assert (row.state, row.retry_at) == ("pending", now + backoff(attempt))
        # Not again before the backoff is over; the other channel's row is not this one.
        assert [r.pk for r in reminders_claim_due(now=row.retry_at - MIN, limit=10)] != [row.pk]
        Reminder.objects.exclude(pk=row.pk).update(state=ReminderState.CANCELLED)
        now = row.retry_at

    last = reminders_claim_due(now=now, limit=1)
    reminders_mark(reminders=last, now=now, error="503 again", transient=True)

    row = Reminder.objects.get(pk=last[0].pk)
    assert (row.state, row.attempts, row.last_error) == ("failed", MAX_ATTEMPTS, "503 again")
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 6, 9)] == [30, 60, 120, 600, 600]


def test_a_permanent_failure_fails_at_once(due):
    claimed = reminders_claim_due(now=due, limit=1)

    reminders_mark(reminders=claimed, now=due, error="410 Gone", transient=False)

    row = Reminder.objects.get(pk=claimed[0].pk)
    assert (row.state, row.attempts, row.last_error) == ("failed", 1, "410 Gone")


def test_mark_by_a_claimer_who_lost_the_row_changes_nothing(due):
    stale = reminders_claim_due(now=due, limit=10)
    reminders_reconcile(now=due + dt.timedelta(minutes=10), stuck_after=dt.timedelta(minutes=5))
    fresh = reminders_claim_due(now=due + dt.timedelta(minutes=10), limit=10)

    assert reminders_mark(reminders=stale, now=due, error="") == 0
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sending"}
    assert reminders_mark(reminders=fresh, now=due) == 2


def test_reconcile_returns_only_rows_stuck_longer_than_the_limit(due):
    reminders_claim_due(now=due, limit=1)
    later = due + dt.timedelta(minutes=3)
    reminders_claim_due(now=later, limit=1)
    stuck_after = dt.timedelta(minutes=5)

    returned = reminders_reconcile(now=due + dt.timedelta(minutes=6), stuck_after=stuck_after)

    states = dict(Reminder.objects.values_list("claimed_at", "state"))
    assert returned == 1
    assert sorted(Reminder.objects.values_list("state", flat=True)) == ["pending", "sending"]
    assert states[later] == "sending"
    assert (
        Reminder.objects.get(state="pending").last_error == "stuck in sending for more than 0:05:00"
    )


def test_a_claim_whose_worker_died_is_not_an_attempt(due):
    """Workers killed again and again (deploys, the OOM killer) never fail a reminder: each
    dead claim is given back, and only real delivery failures count toward MAX_ATTEMPTS."""
    stuck_after = dt.timedelta(minutes=5)
    now = due
    for _ in range(MAX_ATTEMPTS + 3):
        (claimed,) = reminders_claim_due(now=now, limit=1)
        assert claimed.attempts == 1
        now += stuck_after + MIN
        assert reminders_reconcile(now=now, stuck_after=stuck_after) == 1
    assert set(Reminder.objects.values_list("state", "attempts")) == {("pending", 0)}


def test_a_row_that_kills_every_worker_ends_failed_at_its_expiry(due):
    stuck_after = dt.timedelta(minutes=5)
    (claimed,) = reminders_claim_due(now=due, limit=1)
    reminders_reconcile(now=due + EXPIRE_AFTER - MIN, stuck_after=stuck_after)
    assert Reminder.objects.get(pk=claimed.pk).state == "pending"

    reminders_reconcile(now=due + EXPIRE_AFTER + MIN, stuck_after=stuck_after)

    assert Reminder.objects.get(pk=claimed.pk).state == "failed"


def test_a_reminder_past_its_expiry_is_never_claimed_and_the_reconciler_fails_it(due):
    late = due + EXPIRE_AFTER + MIN

    claimed = reminders_claim_due(now=late, limit=10)
    changed = reminders_reconcile(now=late, stuck_after=dt.timedelta(minutes=5))

    assert claimed == []
    assert changed == 2
    assert {(r.state, r.last_error[:8]) for r in Reminder.objects.all()} == {("failed", "expired:")}


def test_a_row_taken_back_from_a_dead_worker_is_not_sent_for_a_cancelled_session(
    due, attendee, session, conference, django_capture_on_commit_callbacks
):
    """The sync leaves a `sending` row alone (its claimer may be delivering it); when the
    worker died and the reconciler returns it to pending, the claim must not deliver a
    reminder the item no longer wants (cancelled meanwhile)."""
    from planner.services.reminder_dispatch import reminders_dispatch_due

    reminders_claim_due(now=due, limit=10)  # then the worker is killed
    with django_capture_on_commit_callbacks(execute=True):
        program_items_set_cancelled(conference=conference, items=[session], cancelled=True)
    later = due + dt.timedelta(minutes=6)

    report = reminders_dispatch_due(now=later)

    assert report.reconciled == 2
    assert report.claimed == 0
    assert not Notification.objects.filter(attendee=attendee).exists()
    assert set(Reminder.objects.values_list("state", flat=True)) == {"cancelled"}


def test_a_row_taken_back_after_a_lead_change_is_not_sent_beside_its_replacement(
    due, attendee, session
):
    """The attendee moved the lead from 10 to 5 minutes while the 10-minute row was in a
    dead worker's hands: the sync made a 5-minute row; the old row, taken back, is not
    delivered as well (two reminders for one item)."""
    reminders_claim_due(now=due, limit=10)  # 09:50, then the worker is killed
    plan_item_update(
        attendee=attendee, kind="session", target_id=session.pk, changes={"reminder_minutes": 5}
    )
    reminders_reconcile(now=due + 4 * MIN + dt.timedelta(seconds=1), stuck_after=4 * MIN)

    claimed = reminders_claim_due(now=local(DAY1, 9, 55), limit=10)

    assert {(r.channel, r.fire_at) for r in claimed} == {
        ("in_app", local(DAY1, 9, 55)),
        ("push", local(DAY1, 9, 55)),
    }
    old = Reminder.objects.filter(fire_at=due)
    assert set(old.values_list("state", flat=True)) == {"cancelled"}


def test_a_move_that_loses_the_race_to_a_claim_still_leaves_a_reminder_at_the_new_time(
    due, attendee, session, monkeypatch
):
    """The sync reads a due pending row, the dispatcher claims it, then the sync's move
    (``WHERE state = 'pending'``) changes nothing: the item must still get its reminder at
    the new time, not none."""
    import planner.services.reminders as reminders

    session.start = local(DAY1, 10, 30)
    session.save(update_fields=["start"])
    real_move = reminders._move

    def claimed_first(moves, *, now):
        reminders_claim_due(now=due, limit=10)  # a sweep running at the same moment
        return real_move(moves, now=now)

    monkeypatch.setattr(reminders, "_move", claimed_first)

    reminders_sync_for_items(plan_items=PlanItem.objects.all(), now=due)

    pending = Reminder.objects.filter(state=ReminderState.PENDING)
    assert sorted(pending.values_list("channel", "fire_at")) == [
        ("in_app", local(DAY1, 10, 20)),
        ("push", local(DAY1, 10, 20)),
    ]
