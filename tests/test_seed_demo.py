"""The demo conference: every model populated with realistic rows, local times, idempotent,
and the demo organizer can use the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from planner.demo_accounts import DEMO_ACCOUNTS
from planner.models import Booth, Conference, Meal, Oral, Poster, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    return Conference.objects.get(slug="eccv-demo")


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("planner").get_models()
    }


def test_seed_populates_every_model(demo):
    empty = [name for name, count in _counts().items() if count == 0]

    assert empty == []
    assert demo.timezone == "Asia/Jerusalem"
    assert Poster.objects.filter(conference=demo).count() >= 300


def test_seed_is_idempotent(demo):
    before = _counts()
    version = demo.schedule_version

    call_command("seed_demo", verbosity=0)

    assert _counts() == before
    demo.refresh_from_db()
    assert demo.schedule_version == version


def test_seed_times_are_daytime_in_conference_zone_across_dst(demo):
    tz = demo.tz
    starts = [
        s.astimezone(tz)
        # The generated program; the one session seeded relative to now is tested below.
        for s in Session.objects.filter(conference=demo)
        .exclude(source="demo-live")
        .values_list("start", flat=True)
    ]
    offsets = {s.utcoffset() for s in starts}

    assert offsets == {dt.timedelta(hours=3), dt.timedelta(hours=2)}  # IDT before 25 Oct, IST after
    assert all(7 <= s.hour <= 21 for s in starts)
    assert {s.date() for s in starts} == set(demo.days)
    keynotes = Session.objects.filter(conference=demo, kind="keynote").order_by("start")
    assert {k.start.astimezone(tz).time() for k in keynotes} == {dt.time(9, 0)}


def test_seed_booths_meals_and_boards_look_real(demo):
    booth = Booth.objects.filter(conference=demo).prefetch_related("hours").first()
    lunch = (
        Meal.objects.filter(conference=demo, kind="lunch").prefetch_related("menu_items").first()
    )

    assert booth.hours.count() >= 1
    assert booth.number
    assert lunch.menu_items.count() >= 2
    assert set(lunch.dietary_options) <= {"vegetarian", "vegan", "kosher", "halal", "gluten_free"}
    boards = list(Poster.objects.filter(conference=demo).values_list("board", flat=True)[:5])
    assert all(board.strip() for board in boards)


def test_demo_organizer_logs_in_and_sees_demo_conference(client, demo):
    username, password = DEMO_ACCOUNTS["organizer"]

    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        follow=True,
    )
    sessions = client.get(reverse("admin:planner_session_changelist"))
    conferences = client.get(reverse("admin:planner_conference_changelist"))

    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
    assert sessions.status_code == 200
    assert demo.name in conferences.content.decode()
    assert "Keynote" in sessions.content.decode()


def test_demo_attendee_conflicts_are_real_ones_and_the_cancelled_workshop_stays_in_the_plan(demo):
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=DEMO_ACCOUNTS["attendee"][0]))
    base = f"/api/v1/conferences/{demo.slug}/plan/"
    reception = (
        ("session", Session.objects.get(conference=demo, external_id="d2-reception").pk),
        ("meal", Meal.objects.get(conference=demo, external_id="d2-reception").pk),
    )
    oral_session = Session.objects.get(conference=demo, external_id="d2-oral-am-a")
    parallel_oral = Oral.objects.get(conference=demo, external_id="d2-oral-am-b-1")
    workshop = Session.objects.get(conference=demo, external_id="d1-ws-r101-pm")

    body = client.get(f"{base}conflicts/").json()
    plan = client.get(base, {"page_size": 500}).json()["results"]

    pairs = {
        frozenset(
            {(o["first"]["kind"], o["first"]["id"]), (o["second"]["kind"], o["second"]["id"])}
        )
        for o in body["overlaps"]
    }
    assert frozenset(reception) not in pairs  # was flagged against itself for 180 minutes
    assert frozenset({("session", oral_session.pk), ("oral", parallel_oral.pk)}) in pairs
    assert oral_session.room_id != parallel_oral.session.room_id
    for overlap in body["overlaps"]:
        first, second = overlap["first"], overlap["second"]
        nested = (first["start"] <= second["start"] and second["end"] <= first["end"]) or (
            second["start"] <= first["start"] and first["end"] <= second["end"]
        )
        assert first["room_id"] is None or first["room_id"] != second["room_id"] or not nested
    assert [(t["kind"], t["id"]) for t in body["cancelled"]] == [("session", workshop.pk)]
    flagged = {(i["target"]["kind"], i["target"]["id"]): i["target"]["cancelled"] for i in plan}
    assert flagged[("session", workshop.pk)] is True
    assert [key for key, cancelled in flagged.items() if cancelled] == [("session", workshop.pk)]


def test_demo_attendee_has_an_item_starting_soon_whose_reminder_is_due_within_a_minute(demo):
    from django.utils import timezone

    from planner.models import PlanItem, Reminder

    attendee = demo.attendees.get(user__username=DEMO_ACCOUNTS["attendee"][0])
    soon = Session.objects.get(conference=demo, source="demo-live")
    item = PlanItem.objects.get(attendee=attendee, session=soon)
    rows = Reminder.objects.filter(plan_item=item)
    now = timezone.now()

    assert {(r.channel, r.state) for r in rows} == {("in_app", "pending"), ("push", "pending")}
    assert {r.fire_at for r in rows} == {soon.start - dt.timedelta(minutes=10)}
    assert now < soon.start - dt.timedelta(minutes=10) <= now + dt.timedelta(minutes=1)


def test_a_rerun_after_the_soon_item_started_moves_it_forward_again(demo):
    import time_machine
    from django.utils import timezone

    from planner.models import Reminder

    soon = Session.objects.get(conference=demo, source="demo-live")
    version = demo.schedule_version

    with time_machine.travel(soon.start + dt.timedelta(minutes=1)):
        call_command("seed_demo", verbosity=0)
        now = timezone.now()

    moved = Session.objects.get(pk=soon.pk)
    demo.refresh_from_db()
    assert now < moved.start - dt.timedelta(minutes=10) <= now + dt.timedelta(minutes=1)
    assert demo.schedule_version == version + 1
    assert moved.changed_in == version + 1
    pending = Reminder.objects.filter(plan_item__session=moved, state="pending")
    assert {r.fire_at for r in pending} == {moved.start - dt.timedelta(minutes=10)}
