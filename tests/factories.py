"""factory_boy factories: dull valid defaults, one object graph inside one conference.

The default conference is in Asia/Jerusalem and runs 22–26 Oct 2026, across the end of
Israeli summer time (Sun 25 Oct 2026, 02:00 IDT → 01:00 IST).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import factory
from django.contrib.auth import get_user_model

from planner import models
from planner.enums import ChangeAction, Channel, MealKind, SessionKind

JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")
DAY1 = dt.date(2026, 10, 22)


def local(
    day: dt.date, hour: int, minute: int = 0, tz: zoneinfo.ZoneInfo = JERUSALEM
) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Conference

    slug = factory.Sequence(lambda n: f"conf-{n}")
    name = factory.Sequence(lambda n: f"Conference {n}")
    timezone = "Asia/Jerusalem"
    start_date = DAY1
    end_date = DAY1 + dt.timedelta(days=4)
    venue = "Expo Tel Aviv"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Room

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Track

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Author {n}")
    affiliation = "University of Examples"


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Paper

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Learning Things from Other Things, Part {n}")
    abstract = "We learn things."


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Authorship

    paper = factory.SubFactory(PaperFactory)
    person = factory.SubFactory(
        PersonFactory, conference=factory.SelfAttribute("..paper.conference")
    )
    position = 1


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Session

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = SessionKind.ORAL
    start = factory.LazyFunction(lambda: local(DAY1, 10))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=90))
    room = factory.SubFactory(RoomFactory, conference=factory.SelfAttribute("..conference"))


class OralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Oral

    session = factory.SubFactory(SessionFactory)
    conference = factory.SelfAttribute("session.conference")
    paper = factory.SubFactory(
        PaperFactory, conference=factory.SelfAttribute("..session.conference")
    )
    start = factory.SelfAttribute("session.start")
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=12))
    order = factory.Sequence(lambda n: n + 1)


class PosterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Poster

    session = factory.SubFactory(SessionFactory, kind=SessionKind.POSTER)
    conference = factory.SelfAttribute("session.conference")
    paper = factory.SubFactory(
        PaperFactory, conference=factory.SelfAttribute("..session.conference")
    )
    board = factory.Sequence(lambda n: f"{n:03d}")


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Booth

    conference = factory.SubFactory(ConferenceFactory)
    exhibitor = factory.Sequence(lambda n: f"Exhibitor {n}")
    number = factory.Sequence(lambda n: f"B{n:02d}")


class BoothHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BoothHours

    booth = factory.SubFactory(BoothFactory)
    start = factory.LazyFunction(lambda: local(DAY1, 9, 30))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=8))


class MealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meal

    conference = factory.SubFactory(ConferenceFactory)
    kind = MealKind.LUNCH
    title = "Lunch"
    start = factory.LazyFunction(lambda: local(DAY1, 12, 30))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=75))
    dietary_options = factory.LazyFunction(lambda: ["vegetarian", "kosher"])


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MenuItem

    meal = factory.SubFactory(MealFactory)
    name = factory.Sequence(lambda n: f"Dish {n}")


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Attendee

    user = factory.SubFactory(UserFactory)
    conference = factory.SubFactory(ConferenceFactory)
    display_name = factory.Sequence(lambda n: f"Attendee {n}")


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PlanItem

    attendee = factory.SubFactory(AttendeeFactory)
    session = factory.SubFactory(
        SessionFactory, conference=factory.SelfAttribute("..attendee.conference")
    )


class PosterConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PosterConversation

    id = factory.LazyFunction(uuid.uuid4)
    attendee = factory.SubFactory(AttendeeFactory)
    poster = factory.SubFactory(
        PosterFactory, session__conference=factory.SelfAttribute("...attendee.conference")
    )
    talked_at = factory.LazyFunction(lambda: local(DAY1, 15))


class MeetupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meetup

    id = factory.LazyFunction(uuid.uuid4)
    attendee = factory.SubFactory(AttendeeFactory)
    contact_name = "A. Colleague"
    met_at = factory.LazyFunction(lambda: local(DAY1, 16))


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Reminder

    plan_item = factory.SubFactory(PlanItemFactory)
    fire_at = factory.LazyAttribute(lambda o: o.plan_item.session.start - dt.timedelta(minutes=10))
    channel = Channel.PUSH


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ImportRun

    conference = factory.SubFactory(ConferenceFactory)
    source = "schedule.xml"


class ScheduleChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScheduleChange

    conference = factory.SubFactory(ConferenceFactory)
    session = factory.SubFactory(SessionFactory, conference=factory.SelfAttribute("..conference"))
    schedule_version = 1
    action = ChangeAction.MOVED_TIME
