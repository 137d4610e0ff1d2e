from __future__ import annotations

import uuid

import pytest

from planner.models import Meetup
from tests.api.personal.conftest import count_queries, meetup_body, url
from tests.factories import (
    AttendeeFactory,
    BoothFactory,
    ConferenceFactory,
    MeetupFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def detail(conference, meetup_id) -> str:
    return url("personal-meetup-detail", conference, meetup_id=meetup_id)


def put(client, conference, meetup_id, body, **headers):
    return client.put(detail(conference, meetup_id), body, format="json", headers=headers)


def test_meetup_put_creates_then_replay_answers_the_same(api, attendee, conference):
    booth = BoothFactory(conference=conference)
    entry_id = uuid.uuid4()

    first = put(api, conference, entry_id, meetup_body(booth=booth.pk))
    again = put(api, conference, entry_id, meetup_body(booth=booth.pk))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    body = first.json()
    assert (body["version"], body["booth"], body["session"]) == (1, booth.pk, None)
    assert body["met_at"] == "2026-10-22T10:00:00Z"
    assert body["source"] == "manual"
    assert Meetup.objects.filter(attendee=attendee).count() == 1


def test_meetup_with_an_attendee_of_the_conference(api, other_attendee, conference):
    entry_id = uuid.uuid4()

    response = put(
        api,
        conference,
        entry_id,
        meetup_body(other=other_attendee.pk, contact_name="", source="badge_scan"),
    )

    assert response.status_code == 201
    assert (response.json()["other"], response.json()["source"]) == (
        other_attendee.pk,
        "badge_scan",
    )


def test_meetup_with_an_attendee_of_another_conference_is_400(api, conference):
    stranger = AttendeeFactory(conference=ConferenceFactory())

    response = put(api, conference, uuid.uuid4(), meetup_body(other=stranger.pk))

    assert response.status_code == 400
    assert response.json()["errors"] == {"other": ["No such attendee at this conference."]}
    assert Meetup.objects.count() == 0


def test_meetup_with_oneself_is_400(api, attendee, conference):
    response = put(api, conference, uuid.uuid4(), meetup_body(other=attendee.pk))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["other"]


def test_meetup_place_of_another_conference_is_400(api, conference):
    foreign = SessionFactory()

    response = put(api, conference, uuid.uuid4(), meetup_body(session=foreign.pk))

    assert response.status_code == 400
    assert response.json()["errors"] == {"session": ["No such session in this conference."]}


def test_meetup_with_two_places_is_400(api, conference):
    response = put(
        api,
        conference,
        uuid.uuid4(),
        meetup_body(
            session=SessionFactory(conference=conference).pk,
            booth=BoothFactory(conference=conference).pk,
        ),
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["place"]


def test_meetup_needs_someone(api, conference):
    response = put(api, conference, uuid.uuid4(), meetup_body(contact_name=""))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["contact_name"]


def test_meetup_second_scan_of_the_same_attendee_is_409_with_the_first(
    api, other_attendee, conference
):
    first_id = uuid.uuid4()
    first = put(api, conference, first_id, meetup_body(other=other_attendee.pk))

    response = put(api, conference, uuid.uuid4(), meetup_body(other=other_attendee.pk))

    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["other"]
    assert response.json()["current"] == first.json()
    assert Meetup.objects.count() == 1


def test_meetup_stale_edit_is_412_and_keeps_the_server_copy(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, meetup_body())
    put(api, conference, entry_id, meetup_body(notes="v2"), **{"If-Match": '"1"'})

    response = put(api, conference, entry_id, meetup_body(notes="late"), **{"If-Match": "1"})

    assert response.status_code == 412
    assert (response.json()["current"]["notes"], response.json()["current"]["version"]) == (
        "v2",
        2,
    )
    assert Meetup.objects.get(pk=entry_id).notes == "v2"


def test_meetup_of_another_user_is_404_and_unchanged(api, other_api, conference):
    entry_id = uuid.uuid4()
    created = put(api, conference, entry_id, meetup_body())

    assert put(other_api, conference, entry_id, meetup_body(notes="x")).status_code == 404
    assert other_api.delete(detail(conference, entry_id)).status_code == 404
    assert api.get(detail(conference, entry_id)).json() == created.json()


def test_meetup_delete_is_a_tombstone_listed_only_when_asked(api, conference):
    entry_id = uuid.uuid4()
    put(api, conference, entry_id, meetup_body())

    response = api.delete(detail(conference, entry_id))

    assert response.status_code == 204
    assert api.get(url("personal-meetup-list", conference)).json()["results"] == []
    listed = api.get(url("personal-meetup-list", conference), {"include_deleted": "true"}).json()
    assert [(m["id"], m["deleted"], m["version"]) for m in listed["results"]] == [
        (str(entry_id), True, 2)
    ]


def test_meetup_list_query_count_is_the_same_for_1_and_50_rows(api, attendee, conference):
    def fetch() -> None:
        assert (
            api.get(url("personal-meetup-list", conference), {"page_size": 100}).status_code == 200
        )

    MeetupFactory(attendee=attendee)
    one = count_queries(fetch)
    MeetupFactory.create_batch(49, attendee=attendee)
    many = count_queries(fetch)

    assert one == many
    assert api.get(url("personal-meetup-list", conference)).json()["count"] == 50


def test_meetup_rescan_after_delete_is_allowed(db):
    from planner.services.logbook import meetup_delete, meetup_upsert
    from tests import factories as f

    scanner = f.AttendeeFactory()
    scanned = f.AttendeeFactory(conference=scanner.conference)
    first = uuid.uuid4()
    fields = {"other_id": scanned.pk, "contact_name": "", "met_at": f.local(f.DAY1, 10)}
    meetup_upsert(attendee=scanner, meetup_id=first, fields=fields, base_version=None)
    meetup_delete(attendee=scanner, meetup_id=first, base_version=None)

    again = meetup_upsert(
        attendee=scanner, meetup_id=uuid.uuid4(), fields=fields, base_version=None
    )

    assert again.created is True
    assert again.entry.other_id == scanned.pk
