"""Admin edits are plan and preference changes like any other: they re-derive reminders."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from planner.models import Reminder
from planner.services.plans import plan_item_put
from tests import factories as f
from tests.factories import DAY1, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    attendee = f.AttendeeFactory(reminder_channels=["in_app"])
    session = f.SessionFactory(conference=attendee.conference, start=local(DAY1, 10))
    with time_machine.travel(local(DAY1, 7), tick=False):
        item = plan_item_put(
            attendee=attendee,
            kind="session",
            target_id=session.pk,
            status="going",
            note="",
            reminder_minutes=None,
        ).item
    return attendee, item


def test_superuser_changing_an_attendees_lead_moves_their_reminders(client, planned):
    attendee, _ = planned
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    with time_machine.travel(local(DAY1, 7), tick=False):
        response = client.post(
            reverse("admin:planner_attendee_change", args=[attendee.pk]),
            {
                "user": str(attendee.user_id),
                "conference": str(attendee.conference_id),
                "display_name": attendee.display_name,
                "affiliation": "",
                "homepage": "",
                "orcid": "",
                "openreview_id": "",
                "shared_fields": '["display_name"]',
                "reminder_minutes": "25",
                "reminder_channels": '["in_app"]',
                "language": "en",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Reminder.objects.values_list("fire_at", "state")) == [
        (local(DAY1, 9, 35), "pending")
    ]


def test_superuser_changing_a_plan_items_lead_moves_its_reminders(client, planned):
    attendee, item = planned
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    with time_machine.travel(local(DAY1, 7), tick=False):
        response = client.post(
            reverse("admin:planner_planitem_change", args=[item.pk]),
            {
                "attendee": str(attendee.pk),
                "session": str(item.session_id),
                "status": "going",
                "note": "",
                "reminder_minutes": "45",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Reminder.objects.values_list("fire_at", "state")) == [
        (local(DAY1, 9, 15), "pending")
    ]
