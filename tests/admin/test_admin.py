from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.models import Session
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def _changelist_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _sessions(conference, n):
    for i in range(n):
        session = f.SessionFactory(
            conference=conference, start=f.local(f.DAY1, 8) + dt.timedelta(minutes=5 * i)
        )
        f.OralFactory(session=session, order=1)


def _posters(conference, n):
    session = f.SessionFactory(conference=conference, kind="poster")
    for i in range(n):
        f.PosterFactory(session=session, board=f"{i:03d}")


def _papers(conference, n):
    for _ in range(n):
        paper = f.PaperFactory(conference=conference)
        for position in (1, 2, 3):
            f.AuthorshipFactory(paper=paper, position=position)


@pytest.mark.parametrize(
    ("model", "build"),
    [("session", _sessions), ("poster", _posters), ("paper", _papers)],
)
def test_changelist_query_count_is_constant(superuser_client, model, build):
    url = reverse(f"admin:planner_{model}_changelist")
    one = f.ConferenceFactory()
    build(one, 1)
    few_queries, _ = _changelist_queries(superuser_client, url + f"?conference__id__exact={one.pk}")

    many = f.ConferenceFactory()
    build(many, 200)
    many_queries, body = _changelist_queries(
        superuser_client, url + f"?conference__id__exact={many.pk}"
    )

    assert many_queries == few_queries
    # The page shows the first 100 rows (100 per page) and counts all 200 in the paginator.
    plural = apps.get_model("planner", model)._meta.verbose_name_plural
    assert body.count('name="_selected_action"') == 100
    assert f"200 {plural}" in body


def test_session_list_shows_local_times_across_dst(superuser_client):
    conference = f.ConferenceFactory()
    before = f.SessionFactory(
        conference=conference, title="Before", start=f.local(dt.date(2026, 10, 24), 9)
    )
    after = f.SessionFactory(
        conference=conference, title="After", start=f.local(dt.date(2026, 10, 25), 9)
    )
    assert before.start.utcoffset() != after.start.utcoffset()

    body = superuser_client.get(reverse("admin:planner_session_changelist")).content.decode()

    assert "Sat 24 Oct 09:00–10:30 IDT" in body
    assert "Sun 25 Oct 09:00–10:30 IST" in body


def test_session_change_form_is_in_conference_zone(superuser_client):
    session = f.SessionFactory(start=f.local(dt.date(2026, 10, 25), 9))

    body = superuser_client.get(
        reverse("admin:planner_session_change", args=[session.pk])
    ).content.decode()

    assert 'value="09:00:00"' in body
    assert "Local time in Asia/Jerusalem" in body


def _session_post(conference, room, day: str, start: str, end: str) -> dict[str, str]:
    data = {
        "conference": str(conference.pk),
        "title": "Opening keynote",
        "kind": "keynote",
        "start_0": day,
        "start_1": start,
        "end_0": day,
        "end_1": end,
        "room": str(room.pk),
        "description": "",
        "url": "",
        "source": "",
        "external_id": "",
        "external_ref": "",
    }
    for prefix in ("orals", "posters"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


@pytest.mark.parametrize(
    ("day", "expected_utc_hour"),
    [("2026-10-24", 6), ("2026-10-25", 7)],  # 09:00 IDT (UTC+3), then 09:00 IST (UTC+2)
)
def test_session_add_interprets_times_in_conference_zone(superuser_client, day, expected_utc_hour):
    conference = f.ConferenceFactory()
    room = f.RoomFactory(conference=conference)

    response = superuser_client.post(
        reverse("admin:planner_session_add"), _session_post(conference, room, day, "09:00", "10:00")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get(title="Opening keynote")
    assert session.start.astimezone(dt.UTC).hour == expected_utc_hour
    assert session.start.astimezone(conference.tz).hour == 9


def test_session_add_refuses_room_of_another_conference(superuser_client):
    conference = f.ConferenceFactory()
    elsewhere = f.RoomFactory(conference=f.ConferenceFactory(), name="Elsewhere")

    response = superuser_client.post(
        reverse("admin:planner_session_add"),
        _session_post(conference, elsewhere, "2026-10-24", "09:00", "10:00"),
    )

    assert response.status_code == 200
    assert "belongs to another conference" in response.content.decode()
    assert not Session.objects.filter(title="Opening keynote").exists()


def test_session_add_refuses_end_before_start(superuser_client):
    conference = f.ConferenceFactory()
    room = f.RoomFactory(conference=conference)

    response = superuser_client.post(
        reverse("admin:planner_session_add"),
        _session_post(conference, room, "2026-10-24", "10:00", "09:00"),
    )

    assert response.status_code == 200
    assert Session.objects.count() == 0


def test_organizer_sees_only_own_conferences(client):
    mine = f.SessionFactory(title="Mine")
    f.SessionFactory(title="Someone else's")
    organizer = f.UserFactory(username="org", is_staff=True)
    organizer.user_permissions.add(*_planner_permissions())
    mine.conference.organizers.add(organizer)
    client.force_login(organizer)

    body = client.get(reverse("admin:planner_session_changelist")).content.decode()

    assert "Mine" in body
    assert "Someone else" not in body


def test_organizer_cannot_open_logbooks(client):
    conversation = f.PosterConversationFactory()
    organizer = f.UserFactory(username="org", is_staff=True)
    organizer.user_permissions.add(*_planner_permissions())
    conversation.attendee.conference.organizers.add(organizer)
    client.force_login(organizer)

    response = client.get(
        reverse("admin:planner_posterconversation_change", args=[conversation.pk])
    )

    assert response.status_code in (302, 403)


def test_search_finds_poster_by_board_and_author(superuser_client):
    poster = f.PosterFactory(board="A-12")
    f.AuthorshipFactory(paper=poster.paper, person__name="Yael Mizrahi", position=1)
    f.PosterFactory(session=poster.session, board="B-99")
    url = reverse("admin:planner_poster_changelist")

    by_board = superuser_client.get(url, {"q": "A-12"}).content.decode()
    by_author = superuser_client.get(url, {"q": "Mizrahi"}).content.decode()

    assert "A-12" in by_board
    assert "B-99" not in by_board
    assert "A-12" in by_author
    assert "B-99" not in by_author


def test_day_filter_uses_local_days(superuser_client):
    conference = f.ConferenceFactory()
    # 00:30 local on the 25th is still the 24th in UTC: the filter must go by the local day.
    f.SessionFactory(
        conference=conference, title="Late night", start=f.local(dt.date(2026, 10, 25), 0, 30)
    )
    f.SessionFactory(
        conference=conference, title="Day before", start=f.local(dt.date(2026, 10, 24), 12)
    )
    url = reverse("admin:planner_session_changelist")

    body = superuser_client.get(
        url, {"conference__id__exact": conference.pk, "day": "2026-10-25"}
    ).content.decode()

    assert "Late night" in body
    assert "Day before" not in body


def _planner_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="planner")


def _change_post(session, **overrides) -> dict[str, str]:
    local = session.start.astimezone(session.conference.tz)
    local_end = session.end.astimezone(session.conference.tz)
    data = {
        "conference": str(session.conference_id),
        "title": session.title,
        "kind": session.kind,
        "start_0": local.date().isoformat(),
        "start_1": local.strftime("%H:%M"),
        "end_0": local_end.date().isoformat(),
        "end_1": local_end.strftime("%H:%M"),
        "room": str(session.room_id),
        "description": "",
        "url": "",
        "source": "",
        "external_id": "",
        "external_ref": "",
    }
    for prefix in ("orals", "posters"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_admin_edit_is_a_schedule_change(superuser_client):
    from planner.models import ScheduleChange

    session = f.SessionFactory(start=f.local(dt.date(2026, 10, 25), 9))
    url = reverse("admin:planner_session_change", args=[session.pk])

    response = superuser_client.post(url, _change_post(session, start_1="09:30", end_1="11:00"))

    assert response.status_code == 302
    session.refresh_from_db()
    session.conference.refresh_from_db()
    assert session.conference.schedule_version == 1
    assert session.changed_in == 1
    change = ScheduleChange.objects.get(session=session)
    assert change.action == "moved_time"
    assert change.fields["start"] == ["2026-10-25T07:00:00Z", "2026-10-25T07:30:00Z"]


def test_admin_save_without_changes_is_not_a_schedule_change(superuser_client):
    session = f.SessionFactory(start=f.local(dt.date(2026, 10, 25), 9))

    superuser_client.post(
        reverse("admin:planner_session_change", args=[session.pk]), _change_post(session)
    )

    session.conference.refresh_from_db()
    assert session.conference.schedule_version == 0


def test_admin_cancels_instead_of_deleting(superuser_client):
    from planner.models import ScheduleChange

    session = f.SessionFactory()
    changelist = reverse("admin:planner_session_changelist")

    page = superuser_client.get(changelist).content.decode()
    response = superuser_client.post(
        changelist,
        {"action": "cancel_selected", "_selected_action": [str(session.pk)]},
        follow=True,
    )

    assert "delete_selected" not in page
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.cancelled is True
    assert ScheduleChange.objects.get(session=session).action == "cancelled"
    assert (
        superuser_client.get(reverse("admin:planner_session_delete", args=[session.pk])).status_code
        == 403
    )


def test_admin_room_rename_bumps_schedule_version(superuser_client):
    room = f.RoomFactory(name="Hall A")

    response = superuser_client.post(
        reverse("admin:planner_room_change", args=[room.pk]),
        {
            "conference": room.conference_id,
            "name": "Hall A (Pavilion 2)",
            "kind": "hall",
            "position": 0,
        },
    )

    assert response.status_code == 302
    room.conference.refresh_from_db()
    assert room.conference.schedule_version == 1
