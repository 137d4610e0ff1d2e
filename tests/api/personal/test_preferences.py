"""GET/PATCH …/preferences/: the attendee's own reminder preferences, in local times of the
conference's zone; a change re-derives their pending reminders at once."""

from __future__ import annotations

import pytest
import time_machine

from planner.models import Attendee, Reminder
from tests.api.personal.conftest import url
from tests.factories import DAY1, SessionFactory, local

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "reminder_minutes": 10,
    "push": True,
    "email": False,
    "in_app": True,
    "quiet_hours_start": None,
    "quiet_hours_end": None,
    "digest_time": None,
    "language": "en",
    "timezone": "Asia/Jerusalem",
}


def _prefs(conference) -> str:
    return url("personal-preferences", conference)


def test_get_answers_the_defaults_in_the_conference_zone(api, conference):
    response = api.get(_prefs(conference))

    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_patch_changes_only_what_is_given_and_keeps_in_app_on(api, conference, attendee):
    response = api.patch(
        _prefs(conference),
        {
            "push": False,
            "email": True,
            "quiet_hours_start": "22:30",
            "quiet_hours_end": "07:00",
            "digest_time": "20:00",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        **DEFAULTS,
        "push": False,
        "email": True,
        "quiet_hours_start": "22:30",
        "quiet_hours_end": "07:00",
        "digest_time": "20:00",
    }
    attendee.refresh_from_db()
    assert attendee.reminder_channels == ["email", "in_app"]
    assert api.get(_prefs(conference)).json() == response.json()


def test_patch_moves_adds_and_cancels_pending_reminders(api, conference):
    session = SessionFactory(conference=conference, start=local(DAY1, 10))
    with time_machine.travel(local(DAY1, 7), tick=False):
        api.put(
            url("personal-plan-item", conference, kind="session", target_id=session.pk),
            {"status": "going"},
            format="json",
        )
        api.patch(
            _prefs(conference),
            {"reminder_minutes": 30, "email": True, "push": False},
            format="json",
        )

    rows = sorted(Reminder.objects.values_list("channel", "fire_at", "state"))
    assert rows == [
        ("email", local(DAY1, 9, 30), "pending"),
        ("in_app", local(DAY1, 9, 30), "pending"),
        ("push", local(DAY1, 9, 50), "cancelled"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quiet_hours_start": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "22:00", "quiet_hours_end": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "25:00", "quiet_hours_end": "07:00"}, "quiet_hours_start"),
        ({"digest_time": 2000}, "digest_time"),
        ({"reminder_minutes": 5000}, "reminder_minutes"),
        ({"reminder_minutes": -1}, "reminder_minutes"),
        ({"push": "yes"}, "push"),
        ({"email": None}, "email"),
        ({"language": "fr"}, "language"),
        ({"language": "KO"}, "language"),
        ({"language": ""}, "language"),
        ({"language": None}, "language"),
        ({"language": 1}, "language"),
        ({"language": ["ko"]}, "language"),
    ],
)
def test_bad_preferences_answer_400_naming_the_field_and_change_nothing(
    api, conference, attendee, body, field
):
    response = api.patch(_prefs(conference), body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert api.get(_prefs(conference)).json() == DEFAULTS


def test_language_round_trips_and_leaves_the_reminders_alone(api, conference, attendee):
    session = SessionFactory(conference=conference, start=local(DAY1, 10))
    with time_machine.travel(local(DAY1, 7), tick=False):
        api.put(
            url("personal-plan-item", conference, kind="session", target_id=session.pk),
            {"status": "going"},
            format="json",
        )
        before = sorted(Reminder.objects.values_list("pk", "fire_at", "state"))

        korean = api.patch(_prefs(conference), {"language": "ko"}, format="json")

    assert korean.status_code == 200, korean.json()
    assert korean.json() == {**DEFAULTS, "language": "ko"}
    assert api.get(_prefs(conference)).json() == {**DEFAULTS, "language": "ko"}
    attendee.refresh_from_db()
    assert attendee.language == "ko"
    assert sorted(Reminder.objects.values_list("pk", "fire_at", "state")) == before
    english = api.patch(_prefs(conference), {"language": "en"}, format="json")
    assert english.json() == DEFAULTS


def test_a_bad_language_says_which_are_known(api, conference):
    response = api.patch(_prefs(conference), {"language": "fr"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"language": ['"fr" is not a valid choice.']}


def test_clearing_the_quiet_hours_takes_both_ends(api, conference):
    api.patch(
        _prefs(conference),
        {"quiet_hours_start": "23:00", "quiet_hours_end": "06:00"},
        format="json",
    )

    one = api.patch(_prefs(conference), {"quiet_hours_start": None}, format="json")
    both = api.patch(
        _prefs(conference), {"quiet_hours_start": None, "quiet_hours_end": None}, format="json"
    )

    assert one.status_code == 400
    assert list(one.json()["errors"]) == ["quiet_hours_start"]
    assert both.json()["quiet_hours_start"] is None
    assert both.json()["quiet_hours_end"] is None


def test_each_attendee_sees_and_changes_only_their_own(api, other_api, conference, other_attendee):
    api.patch(_prefs(conference), {"reminder_minutes": 45, "email": True}, format="json")

    theirs = other_api.get(_prefs(conference)).json()

    assert theirs == DEFAULTS
    assert Attendee.objects.get(pk=other_attendee.pk).reminder_minutes == 10


def test_unknown_conference_answers_404(api):
    response = api.get("/api/v1/conferences/no-such-conference/preferences/")

    assert response.status_code == 404
