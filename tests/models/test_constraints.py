"""Every invariant is a database constraint, and every constraint has a test that breaks it.

Each case writes straight to the database (no form or model validation in the way) and
must be refused with an IntegrityError naming the constraint. ``test_every_constraint_is_tried``
fails when a model gains a named constraint that no case here tries to break.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from planner import models as m
from planner.models.plans import PLAN_TARGETS
from tests import factories as f
from tests.factories import DAY1, local

CASES: dict[str, Callable[[], object]] = {}


def case(name: str):
    def register(func: Callable[[], object]) -> Callable[[], object]:
        assert name not in CASES, name
        CASES[name] = func
        return func

    return register


def _update(obj, **fields) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**fields)


# --- conference, room, track ---------------------------------------------------------------
case("conference_dates_ordered")(
    lambda: f.ConferenceFactory(start_date=f.DAY1, end_date=f.DAY1 - dt.timedelta(days=1))
)
case("conference_timezone_required")(lambda: f.ConferenceFactory(timezone=""))
case("conference_slug_required")(lambda: f.ConferenceFactory(slug=""))
case("conference_refresh_positive")(lambda: f.ConferenceFactory(source_refresh_minutes=0))


@case("room_unique_name")
def _():
    room = f.RoomFactory()
    f.RoomFactory(conference=room.conference, name=room.name)


@case("room_unique_external_id")
def _():
    room = f.RoomFactory(source="frab", external_id="r1")
    f.RoomFactory(conference=room.conference, source="frab", external_id="r1")


case("room_kind_valid")(lambda: f.RoomFactory(kind="ballroom"))
case("room_map_position_in_unit_square")(lambda: f.RoomFactory(map_x=1.5, map_y=0.2))
case("room_name_required")(lambda: f.RoomFactory(name=""))


@case("track_unique_name")
def _():
    track = f.TrackFactory()
    f.TrackFactory(conference=track.conference, name=track.name)


@case("track_unique_slug")
def _():
    track = f.TrackFactory()
    f.TrackFactory(conference=track.conference, slug=track.slug)


case("track_colour_hex")(lambda: f.TrackFactory(colour="blue"))
case("track_name_required")(lambda: f.TrackFactory(name=""))

# --- imported program items: identity per (conference, source, external_id) ---------------------
IMPORTED = {
    "person": f.PersonFactory,
    "paper": f.PaperFactory,
    "session": f.SessionFactory,
    "oral": f.OralFactory,
    "poster": f.PosterFactory,
    "booth": f.BoothFactory,
    "meal": f.MealFactory,
}


def _duplicate_external_id(factory) -> Callable[[], object]:
    def run():
        first = factory(source="frab:https://example.org/schedule.xml", external_id="guid-1")
        factory(conference=first.conference, source=first.source, external_id="guid-1")

    return run


for _name, _factory in IMPORTED.items():
    case(f"planner_{_name}_unique_external_id")(_duplicate_external_id(_factory))
    case(f"planner_{_name}_external_id_needs_source")(
        lambda _factory=_factory: _factory(source="", external_id="x")
    )

# --- program -----------------------------------------------------------------------------------
case("person_name_required")(lambda: f.PersonFactory(name=""))
case("paper_title_required")(lambda: f.PaperFactory(title=""))


@case("authorship_unique_position")
def _():
    first = f.AuthorshipFactory(position=1)
    f.AuthorshipFactory(paper=first.paper, position=1)


@case("authorship_unique_person")
def _():
    first = f.AuthorshipFactory(position=1)
    f.AuthorshipFactory(paper=first.paper, person=first.person, position=2)


case("authorship_position_from_one")(lambda: f.AuthorshipFactory(position=0))


@case("session_end_after_start")
def _():
    start = f.local(f.DAY1, 10)
    f.SessionFactory(start=start, end=start)


case("session_kind_valid")(lambda: f.SessionFactory(kind="party"))
case("session_title_required")(lambda: f.SessionFactory(title=""))


@case("oral_end_after_start")
def _():
    oral = f.OralFactory()
    _update(oral, end=oral.start - dt.timedelta(minutes=1))


@case("oral_unique_order")
def _():
    oral = f.OralFactory(order=1)
    f.OralFactory(session=oral.session, order=1)


case("oral_paper_or_title")(lambda: f.OralFactory(paper=None, title=""))


@case("poster_unique_board")
def _():
    poster = f.PosterFactory(board="042")
    f.PosterFactory(session=poster.session, board="042")


case("poster_board_required")(lambda: f.PosterFactory(board=""))
case("poster_paper_or_title")(lambda: f.PosterFactory(paper=None, title=""))


@case("booth_unique_number")
def _():
    booth = f.BoothFactory(number="B14")
    f.BoothFactory(conference=booth.conference, number="B14")


case("booth_exhibitor_required")(lambda: f.BoothFactory(exhibitor=""))


@case("boothhours_end_after_start")
def _():
    start = f.local(f.DAY1, 9)
    f.BoothHoursFactory(start=start, end=start - dt.timedelta(hours=1))


@case("boothhours_unique_start")
def _():
    hours = f.BoothHoursFactory()
    f.BoothHoursFactory(booth=hours.booth, start=hours.start)


@case("meal_end_after_start")
def _():
    start = f.local(f.DAY1, 12)
    f.MealFactory(start=start, end=start)


case("meal_kind_valid")(lambda: f.MealFactory(kind="brunch"))
case("meal_title_required")(lambda: f.MealFactory(title=""))


@case("menuitem_unique_name")
def _():
    item = f.MenuItemFactory(name="Shakshuka")
    f.MenuItemFactory(meal=item.meal, name="Shakshuka")


case("menuitem_name_required")(lambda: f.MenuItemFactory(name=""))

# --- attendees and plans -------------------------------------------------------------------------


@case("attendee_unique_user_conference")
def _():
    attendee = f.AttendeeFactory()
    f.AttendeeFactory(user=attendee.user, conference=attendee.conference)


case("attendee_reminder_within_day")(lambda: f.AttendeeFactory(reminder_minutes=1441))
case("attendee_orcid_format")(lambda: f.AttendeeFactory(orcid="1234"))
case("attendee_quiet_hours_both_or_neither")(
    lambda: f.AttendeeFactory(quiet_hours_start=dt.time(22), quiet_hours_end=None)
)
case("attendee_display_name_required")(lambda: f.AttendeeFactory(display_name=""))
case("attendee_language_known")(lambda: f.AttendeeFactory(language="fr"))
case("attendee_badge_salt_required")(lambda: f.AttendeeFactory(badge_salt=""))
case("attendee_badge_token_hash_sha256")(
    lambda: f.AttendeeFactory(badge_token_hash="the-raw-token-itself")
)
case("attendee_feed_token_hash_sha256")(
    lambda: f.AttendeeFactory(feed_token_hash="the-raw-token-itself")
)
case("retiredbadge_hash_sha256")(
    lambda: m.RetiredBadge.objects.create(attendee=f.AttendeeFactory(), token_hash="raw")
)


def _booth_item(**fields):
    attendee = f.AttendeeFactory()
    booth = f.BoothFactory(conference=attendee.conference)
    return m.PlanItem.objects.create(attendee=attendee, booth=booth, **fields)


case("planitem_visit_ends_after_start")(
    lambda: _booth_item(visit_start=local(DAY1, 11), visit_end=local(DAY1, 10))
)
case("planitem_visit_ends_after_start:half")(lambda: _booth_item(visit_start=local(DAY1, 11)))
case("planitem_visit_only_booth")(
    lambda: f.PlanItemFactory(visit_start=local(DAY1, 10), visit_end=local(DAY1, 11))
)


@case("planitem_exactly_one_target")
def _():
    item = f.PlanItemFactory()
    meal = f.MealFactory(conference=item.attendee.conference)
    _update(item, meal=meal)  # a session and a meal at once


@case("planitem_exactly_one_target:none")
def _():
    item = f.PlanItemFactory()
    _update(item, session=None)


def _duplicate_plan_target(target: str) -> Callable[[], object]:
    makers = {
        "session": lambda c: f.SessionFactory(conference=c),
        "oral": lambda c: f.OralFactory(session__conference=c),
        "poster": lambda c: f.PosterFactory(session__conference=c),
        "booth": lambda c: f.BoothFactory(conference=c),
        "meal": lambda c: f.MealFactory(conference=c),
    }

    def run():
        attendee = f.AttendeeFactory()
        thing = makers[target](attendee.conference)
        m.PlanItem.objects.create(attendee=attendee, **{target: thing})
        m.PlanItem.objects.create(attendee=attendee, **{target: thing}, status="going")

    return run


for _target in PLAN_TARGETS:
    case(f"planitem_unique_{_target}")(_duplicate_plan_target(_target))

case("planitem_status_valid")(lambda: f.PlanItemFactory(status="maybe"))
case("planitem_reminder_within_day")(lambda: f.PlanItemFactory(reminder_minutes=5000))

# --- logbook ---------------------------------------------------------------------------------------
case("planner_posterconversation_version_from_one")(lambda: f.PosterConversationFactory(version=0))
case("conversation_poster_or_title")(
    lambda: f.PosterConversationFactory(poster=None, poster_title="")
)
case("conversation_rating_1_5")(lambda: f.PosterConversationFactory(rating=6))


@case("photo_content_type_image")
def _():
    m.ConversationPhoto.objects.create(
        conversation=f.PosterConversationFactory(),
        image="photos/x.exe",
        content_type="application/x-msdownload",
        size=10,
    )


@case("photo_size_positive")
def _():
    m.ConversationPhoto.objects.create(
        conversation=f.PosterConversationFactory(),
        image="photos/x.png",
        content_type="image/png",
        size=0,
    )


case("planner_meetup_version_from_one")(lambda: f.MeetupFactory(version=0))


@case("meetup_at_most_one_place")
def _():
    meetup = f.MeetupFactory()
    conference = meetup.attendee.conference
    f.MeetupFactory(
        attendee=meetup.attendee,
        booth=f.BoothFactory(conference=conference),
        meal=f.MealFactory(conference=conference),
    )


case("meetup_who_required")(lambda: f.MeetupFactory(other=None, contact_name=""))


@case("meetup_not_self")
def _():
    attendee = f.AttendeeFactory()
    f.MeetupFactory(attendee=attendee, other=attendee, source="badge_scan")


@case("meetup_unique_scan_pair")
def _():
    scanner = f.AttendeeFactory()
    scanned = f.AttendeeFactory(conference=scanner.conference)
    f.MeetupFactory(attendee=scanner, other=scanned, source="badge_scan")
    f.MeetupFactory(attendee=scanner, other=scanned, source="badge_scan")


case("meetup_source_valid")(lambda: f.MeetupFactory(source="telepathy"))

# --- reminders, push, notifications ------------------------------------------------------------------


@case("reminder_unique_delivery")
def _():
    reminder = f.ReminderFactory()
    f.ReminderFactory(
        plan_item=reminder.plan_item, fire_at=reminder.fire_at, channel=reminder.channel
    )


case("reminder_channel_valid")(lambda: f.ReminderFactory(channel="pigeon"))
case("reminder_state_valid")(lambda: f.ReminderFactory(state="lost"))
case("reminder_sent_has_time")(lambda: f.ReminderFactory(state="sent", sent_at=None))
case("reminder_sending_is_claimed")(
    lambda: f.ReminderFactory(state="sending", claimed_at=None, claim_token=uuid.uuid4())
)
case("reminder_sending_has_token")(
    lambda: f.ReminderFactory(state="sending", claimed_at=local(DAY1, 9), claim_token=None)
)


@case("pushsubscription_keys_required")
def _():
    m.PushSubscription.objects.create(
        user=f.UserFactory(), endpoint="https://push.example/1", p256dh="", auth=""
    )


@case("notification_unique_dedupe")
def _():
    attendee = f.AttendeeFactory()
    m.Notification.objects.create(
        attendee=attendee, kind="reminder", title="Soon", dedupe_key="reminder:1"
    )
    m.Notification.objects.create(
        attendee=attendee, kind="reminder", title="Soon", dedupe_key="reminder:1"
    )


case("notification_kind_valid")(
    lambda: m.Notification.objects.create(attendee=f.AttendeeFactory(), kind="spam", title="Buy")
)


def _outbound(**fields) -> m.Outbound:
    values = {
        "attendee": fields.pop("attendee", None) or f.AttendeeFactory(),
        "channel": "email",
        "kind": "schedule_change",
        "dedupe_key": "schedule-change:v2",
        "title": "Poster 042 moved",
        "fire_at": local(DAY1, 9),
        **fields,
    }
    return m.Outbound.objects.create(**values)


@case("outbound_unique_delivery")
def _():
    row = _outbound()
    _outbound(attendee=row.attendee)


case("outbound_not_in_app")(lambda: _outbound(channel="in_app"))
case("outbound_dedupe_required")(lambda: _outbound(dedupe_key=""))
case("outbound_kind_valid")(lambda: _outbound(kind="spam"))
case("outbound_language_valid")(lambda: _outbound(language="fr"))
case("outbound_channel_valid")(lambda: _outbound(channel="pigeon"))
case("outbound_state_valid")(lambda: _outbound(state="lost"))
case("outbound_sent_has_time")(lambda: _outbound(state="sent", sent_at=None))
case("outbound_sending_is_claimed")(
    lambda: _outbound(state="sending", claimed_at=None, claim_token=uuid.uuid4())
)
case("outbound_sending_has_token")(
    lambda: _outbound(state="sending", claimed_at=local(DAY1, 9), claim_token=None)
)

# --- imports ------------------------------------------------------------------------------------------
case("importrun_status_valid")(lambda: f.ImportRunFactory(status="exploded"))
case("importrun_format_valid")(lambda: f.ImportRunFactory(format="docx"))
case("importrun_checksum_sha256")(lambda: f.ImportRunFactory(checksum="md5:abc"))


@case("importrun_finished_after_started")
def _():
    started = f.local(f.DAY1, 10)
    f.ImportRunFactory(started_at=started, finished_at=started - dt.timedelta(seconds=1))


case("importrun_done_has_finish_time")(
    lambda: f.ImportRunFactory(status="succeeded", finished_at=None)
)


@case("schedulechange_exactly_one_target")
def _():
    change = f.ScheduleChangeFactory()
    _update(change, booth=f.BoothFactory(conference=change.conference))


case("schedulechange_exactly_one_target:none")(lambda: f.ScheduleChangeFactory(session=None))
case("schedulechange_action_valid")(lambda: f.ScheduleChangeFactory(action="teleported"))
case("schedulechange_version_from_one")(lambda: f.ScheduleChangeFactory(schedule_version=0))


# --- accounts --------------------------------------------------------------------------------------


def _token(**fields):
    values = {"user": f.UserFactory(), "name": "script", "key_hash": "a" * 64, "hint": "bw_abcde"}
    values.update(fields)
    return m.ApiToken.objects.create(**values)


case("apitoken_hash_sha256")(lambda: _token(key_hash="plaintext-token"))
case("apitoken_name_required")(lambda: _token(name=""))


@case("apitoken_unique_name")
def _():
    first = _token()
    _token(user=first.user, key_hash="b" * 64)


def _constraint_names() -> set[str]:
    names = set()
    for model in apps.get_app_config("planner").get_models():
        for constraint in model._meta.constraints:
            names.add(constraint.name % {"app_label": "planner", "class": model.__name__.lower()})
    return names


def test_every_constraint_is_tried():
    tried = {name.split(":")[0] for name in CASES}
    assert _constraint_names() - tried == set(), "constraints without a test that breaks them"
    assert tried - _constraint_names() == set(), "cases naming no constraint"


def _is_unique(name: str) -> bool:
    for model in apps.get_app_config("planner").get_models():
        for constraint in model._meta.constraints:
            label = constraint.name % {"app_label": "planner", "class": model.__name__.lower()}
            if label == name:
                return type(constraint).__name__ == "UniqueConstraint"
    raise AssertionError(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_constraint_refuses_violation(name):
    constraint = name.split(":")[0]
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        CASES[name]()
    message = str(caught.value)
    # PostgreSQL names every violated constraint; SQLite names check constraints but reports
    # unique ones by their columns.
    if connection.vendor == "postgresql" or not _is_unique(constraint):
        assert constraint in message
    else:
        assert "UNIQUE constraint failed" in message


@pytest.mark.django_db
def test_valid_graph_is_accepted():
    """The factories' defaults satisfy every constraint (so each case fails for its own reason)."""
    conversation = f.PosterConversationFactory()
    attendee = conversation.attendee
    conference = attendee.conference
    other = f.AttendeeFactory(conference=conference)
    f.MeetupFactory(
        attendee=attendee,
        other=other,
        source="badge_scan",
        booth=f.BoothFactory(conference=conference),
    )
    f.ReminderFactory(
        plan_item=f.PlanItemFactory(attendee=attendee), state="sent", sent_at=f.local(f.DAY1, 9)
    )
    f.ScheduleChangeFactory(conference=conference)
    f.ImportRunFactory(
        conference=conference, checksum="a" * 64, status="succeeded", finished_at=f.local(f.DAY1, 9)
    )
    m.ConversationPhoto.objects.create(
        conversation=conversation,
        image="photos/x.png",
        content_type="image/png",
        size=10,
        id=uuid.uuid4(),
    )
    assert m.Meetup.objects.get(attendee=attendee).other == other


@pytest.mark.django_db
def test_badge_token_is_unique():
    first = f.AttendeeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.AttendeeFactory(badge_token_hash=first.badge_token_hash)


@pytest.mark.django_db
def test_conference_slug_is_unique():
    f.ConferenceFactory(slug="eccv")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ConferenceFactory(slug="eccv")
