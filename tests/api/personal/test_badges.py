"""Badges: the attendee's own QR (JSON, SVG, PNG), rotation, scanning someone's badge into
a meetup with only what they share, refusals with a clear error, share-back."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from planner.badges import badge_url
from planner.models import Attendee, Meetup
from tests import factories as f
from tests.api.personal.test_concurrency import THREADS, fire
from tests.qr import decode_png, decode_svg

pytestmark = pytest.mark.django_db


def _url(conference, tail: str) -> str:
    return f"/api/v1/conferences/{conference.slug}/{tail}"


@pytest.fixture
def bob(conference):
    """Someone to meet: shares name and affiliation (the defaults), not the rest."""
    return f.AttendeeFactory(
        conference=conference,
        display_name="Bob Shalom",
        affiliation="Technion",
        homepage="https://bob.example.org",
        orcid="0000-0002-1825-0097",
        user__email="bob@example.org",
    )


def _scan(api, conference, badge: str, scan_id: uuid.UUID | None = None, **extra):
    body = {"id": str(scan_id or uuid.uuid4()), "badge": badge, **extra}
    return api.post(_url(conference, "scans/"), body, format="json")


def test_badge_holds_an_opaque_token_url_and_its_qr_decodes_to_it(api, attendee, conference):
    body = api.get(_url(conference, "badge/")).json()

    assert body["url"] == f"{settings.SITE_URL}/b/{attendee.badge_token}"
    token = body["url"].rsplit("/", 1)[1]
    assert not token.isdigit()
    assert len(token) >= 32  # 24 random bytes, URL-safe base64
    assert decode_svg(body["qr_svg"]) == [body["url"]]
    assert body["shared_fields"] == ["display_name", "affiliation"]


def test_badge_svg_and_png_decode_to_the_badge_url(api, attendee, conference):
    svg = api.get(_url(conference, "badge.svg"))
    png = api.get(_url(conference, "badge.png"), HTTP_ACCEPT="image/png")

    assert svg["Content-Type"] == "image/svg+xml"
    assert png["Content-Type"] == "image/png"
    assert decode_svg(svg.content.decode()) == [badge_url(attendee)]
    assert decode_png(png.content) == [badge_url(attendee)]


def test_scan_makes_a_meetup_with_only_the_shared_fields(api, attendee, bob, conference):
    scan_id = uuid.uuid4()

    response = _scan(api, conference, badge_url(bob), scan_id, notes="diffusion priors")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == str(scan_id)
    assert body["other"] == bob.pk
    assert body["source"] == "badge_scan"
    assert body["contact_name"] == "Bob Shalom"
    assert body["contact_affiliation"] == "Technion"
    assert body["contact_email"] == ""
    assert body["contact_details"] == {"display_name": "Bob Shalom", "affiliation": "Technion"}
    assert body["notes"] == "diffusion priors"
    assert "bob.example.org" not in response.content.decode()
    assert "0000-0002-1825-0097" not in response.content.decode()


def test_scan_shares_more_when_the_scanned_attendee_chose_to(api, bob, conference):
    Attendee.objects.filter(pk=bob.pk).update(shared_fields=["display_name", "email", "orcid"])

    body = _scan(api, conference, badge_url(bob)).json()

    assert body["contact_details"] == {
        "display_name": "Bob Shalom",
        "email": "bob@example.org",
        "orcid": "0000-0002-1825-0097",
    }
    assert body["contact_affiliation"] == ""


def test_choosing_what_a_scan_shares(api, attendee, bob, conference):
    """PATCH badge/ sets the whole choice (kept in one order, each once); the next scan of
    the badge shares exactly that, a meetup logged before keeps what it got."""
    bob_api = APIClient()
    bob_api.force_authenticate(bob.user)
    before = _scan(api, conference, badge_url(bob)).json()

    response = bob_api.patch(
        _url(conference, "badge/"),
        {"shared_fields": ["orcid", "display_name", "homepage", "orcid"]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["shared_fields"] == ["display_name", "homepage", "orcid"]
    assert response.json()["url"] == badge_url(bob)  # the same badge
    bob.refresh_from_db()
    assert bob.shared_fields == ["display_name", "homepage", "orcid"]
    carol = f.AttendeeFactory(conference=conference)
    carol_api = APIClient()
    carol_api.force_authenticate(carol.user)
    after = _scan(carol_api, conference, badge_url(bob)).json()
    assert after["contact_details"] == {
        "display_name": "Bob Shalom",
        "homepage": "https://bob.example.org",
        "orcid": "0000-0002-1825-0097",
    }
    assert Meetup.objects.get(pk=before["id"]).contact_affiliation == "Technion"

    unchanged = bob_api.patch(_url(conference, "badge/"), {}, format="json")  # PATCH: as is
    assert unchanged.json()["shared_fields"] == ["display_name", "homepage", "orcid"]
    nothing = bob_api.patch(_url(conference, "badge/"), {"shared_fields": []}, format="json")
    assert nothing.status_code == 200
    assert nothing.json()["shared_fields"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"shared_fields": ["display_name", "password"]}, '"password" is not a valid choice.'),
        ({"shared_fields": "display_name"}, 'Expected a list of items but got type "str".'),
        ({"shared_fields": [None]}, "This field may not be null."),
        ({"shared_fields": None}, "This field may not be null."),
    ],
)
def test_a_bad_choice_of_shared_fields_is_refused_at_its_field(
    api, attendee, conference, body, message
):
    response = api.patch(_url(conference, "badge/"), body, format="json")

    assert response.status_code == 400
    # A list item's message is at its index ("shared_fields.1").
    errors = response.json()["errors"]
    assert all(key.split(".")[0] == "shared_fields" for key in errors), errors
    assert any(message in error for messages in errors.values() for error in messages), errors
    attendee.refresh_from_db()
    assert attendee.shared_fields == ["display_name", "affiliation"]


def test_same_scan_twice_makes_one_meetup(api, attendee, bob, conference):
    scan_id = uuid.uuid4()
    first = _scan(api, conference, badge_url(bob), scan_id)

    replay = _scan(api, conference, badge_url(bob), scan_id)
    again = _scan(api, conference, badge_url(bob))  # a second scan, new client id

    assert (first.status_code, replay.status_code, again.status_code) == (201, 200, 200)
    assert replay.json() == first.json()
    assert again.json()["id"] == first.json()["id"]
    assert Meetup.objects.filter(attendee=attendee, other=bob).count() == 1


def test_scan_by_bare_token_and_from_another_host(api, bob, conference):
    first = _scan(api, conference, bob.badge_token)
    printed_elsewhere = _scan(api, conference, f"https://old.example.org/b/{bob.badge_token}")

    assert first.status_code == 201
    assert printed_elsewhere.status_code == 200
    assert printed_elsewhere.json()["id"] == first.json()["id"]


def test_scan_records_where_it_happened(api, bob, conference):
    poster = f.PosterFactory(session__conference=conference)

    body = _scan(api, conference, badge_url(bob), poster=poster.pk).json()

    assert (body["poster"], body["session"], body["booth"]) == (poster.pk, None, None)


def test_scan_at_a_place_of_another_conference_is_refused(api, bob, conference):
    elsewhere = f.PosterFactory()

    response = _scan(api, conference, badge_url(bob), poster=elsewhere.pk)

    assert response.status_code == 400
    assert "poster" in response.json()["errors"]
    assert Meetup.objects.count() == 0


def test_scan_at_two_places_is_refused(api, bob, conference):
    booth = f.BoothFactory(conference=conference)
    meal = f.MealFactory(conference=conference)

    response = _scan(api, conference, badge_url(bob), booth=booth.pk, meal=meal.pk)

    assert response.status_code == 400
    assert Meetup.objects.count() == 0


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("forged", "Unknown badge"),
        ("rotated", "replaced by a newer one"),
        ("other_conference", "This badge is for Other Summit"),
        ("own", "your own badge"),
        ("not_a_badge", "not a Boardwalk badge"),
    ],
)
def test_bad_badges_are_refused_with_a_clear_error(api, attendee, bob, conference, case, message):
    if case == "forged":
        badge = f"{settings.SITE_URL}/b/{'x' * 32}"
    elif case == "rotated":
        badge = badge_url(bob)
        other_api = _client_for(bob)
        other_api.post(_url(conference, "badge/rotate/"))
    elif case == "other_conference":
        stranger = f.AttendeeFactory(conference__name="Other Summit")
        badge = badge_url(stranger)
    elif case == "own":
        badge = badge_url(attendee)
    else:
        badge = f"{settings.SITE_URL}/conferences/{conference.slug}/posters/1"

    response = _scan(api, conference, badge)

    assert response.status_code == 400
    assert message in response.json()["errors"]["badge"][0]
    assert Meetup.objects.count() == 0


def _client_for(attendee):
    client = APIClient()
    client.force_authenticate(attendee.user)
    return client


def test_rotating_gives_a_new_token_and_the_old_qr_stops_working(api, attendee, bob, conference):
    old = badge_url(attendee)
    bob_api = _client_for(bob)

    rotated = api.post(_url(conference, "badge/rotate/")).json()
    attendee.refresh_from_db()

    assert rotated["url"] == badge_url(attendee) != old
    assert decode_svg(rotated["qr_svg"]) == [rotated["url"]]
    assert rotated["rotated_at"] is not None
    assert _scan(bob_api, conference, old).status_code == 400
    assert _scan(bob_api, conference, rotated["url"]).status_code == 201


def test_scanned_attendee_sees_who_scanned_and_can_share_back(api, attendee, bob, conference):
    attendee.display_name, attendee.affiliation = "Alice Levi", "Weizmann"
    attendee.save()
    scan = _scan(api, conference, badge_url(bob), poster=None).json()
    bob_api = _client_for(bob)

    received = bob_api.get(_url(conference, "scans/received/")).json()["results"]

    assert received == [
        {
            "scan_id": scan["id"],
            "scanned_at": scan["met_at"],
            "scanner": {"display_name": "Alice Levi", "affiliation": "Weizmann"},
            "session": None,
            "oral": None,
            "poster": None,
            "booth": None,
            "meal": None,
            "shared_back": False,
        }
    ]
    back_id = str(uuid.uuid4())
    back = bob_api.post(
        _url(conference, f"scans/received/{scan['id']}/share-back/"), {"id": back_id}, format="json"
    )
    again = bob_api.post(
        _url(conference, f"scans/received/{scan['id']}/share-back/"),
        {"id": str(uuid.uuid4())},
        format="json",
    )
    assert back.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == back_id
    assert back.json()["other"] == attendee.pk
    assert back.json()["contact_details"] == {
        "display_name": "Alice Levi",
        "affiliation": "Weizmann",
    }
    assert back.json()["met_at"] == scan["met_at"]
    received = bob_api.get(_url(conference, "scans/received/")).json()["results"]
    assert received[0]["shared_back"] is True


def test_scans_received_lists_nothing_of_other_peoples_scans(api, bob, conference):
    carol = f.AttendeeFactory(conference=conference, display_name="Carol")
    _scan(api, conference, badge_url(carol))

    received = _client_for(bob).get(_url(conference, "scans/received/")).json()

    assert received["results"] == []


def test_share_back_of_a_scan_of_someone_else_is_404(api, bob, conference):
    carol = f.AttendeeFactory(conference=conference, display_name="Carol")
    scan = _scan(api, conference, badge_url(carol)).json()

    response = _client_for(bob).post(
        _url(conference, f"scans/received/{scan['id']}/share-back/"),
        {"id": str(uuid.uuid4())},
        format="json",
    )

    assert response.status_code == 404
    assert Meetup.objects.filter(attendee=bob).count() == 0


def test_scans_received_query_count_is_constant(api, attendee, conference):
    def scanned_by(n: int):
        for _ in range(n):
            other = f.AttendeeFactory(conference=conference)
            _client_for(other).post(
                _url(conference, "scans/"),
                {"id": str(uuid.uuid4()), "badge": attendee.badge_token},
                format="json",
            )

    scanned_by(1)
    with CaptureQueriesContext(connection) as one:
        api.get(_url(conference, "scans/received/"))
    scanned_by(30)
    with CaptureQueriesContext(connection) as many:
        body = api.get(_url(conference, "scans/received/")).json()

    assert body["count"] == 31
    assert len(many) == len(one)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_of_one_badge_make_one_meetup():
    conference = f.ConferenceFactory()
    scanner = f.AttendeeFactory(conference=conference)
    scanned = f.AttendeeFactory(conference=conference)
    url = _url(conference, "scans/")

    def send(client):
        return client.post(
            url, {"id": str(uuid.uuid4()), "badge": badge_url(scanned)}, format="json"
        )

    answers = fire([(scanner.user, send) for _ in range(THREADS * 3)])

    assert sorted({status for status, _ in answers}) == [200, 201]
    assert [status for status, _ in answers].count(201) == 1
    assert len({body["id"] for _, body in answers}) == 1
    assert Meetup.objects.filter(attendee=scanner, other=scanned).count() == 1


def test_a_meetup_typed_as_a_scan_does_not_pose_as_one(api, attendee, bob, conference):
    """The logbook API lets a client write source and other; only the scan endpoint marks a
    real scan, so a typed "badge_scan" naming Bob never reaches Bob's list or share-back."""
    forged = str(uuid.uuid4())
    response = api.put(
        _url(conference, f"meetups/{forged}/"),
        {
            "other": bob.pk,
            "source": "badge_scan",
            "contact_name": "Conference staff: visit evil.example",
            "met_at": "2026-10-22T12:00:00Z",
        },
        format="json",
    )
    bob_api = _client_for(bob)

    received = bob_api.get(_url(conference, "scans/received/")).json()["results"]
    back = bob_api.post(
        _url(conference, f"scans/received/{forged}/share-back/"),
        {"id": str(uuid.uuid4())},
        format="json",
    )

    assert response.status_code == 201
    assert received == []
    assert back.status_code == 404
    assert Meetup.objects.filter(attendee=bob).count() == 0


def test_a_scan_re_pointed_at_someone_else_leaves_both_lists(api, bob, conference):
    carol = f.AttendeeFactory(conference=conference)
    scan = _scan(api, conference, badge_url(bob)).json()
    edit = {**scan, "other": carol.pk, "base_version": scan["version"]}

    api.put(_url(conference, f"meetups/{scan['id']}/"), edit, format="json")

    assert _client_for(bob).get(_url(conference, "scans/received/")).json()["results"] == []
    assert _client_for(carol).get(_url(conference, "scans/received/")).json()["results"] == []


def test_sharing_back_is_not_a_scan_of_the_scanner(api, attendee, bob, conference):
    scan = _scan(api, conference, badge_url(bob)).json()
    _client_for(bob).post(
        _url(conference, f"scans/received/{scan['id']}/share-back/"),
        {"id": str(uuid.uuid4())},
        format="json",
    )

    assert api.get(_url(conference, "scans/received/")).json()["results"] == []


# --- issue 9, defect 8: the badge token is derived, never stored ---------------------------------


def _attendee_row(pk: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM planner_attendee WHERE id = %s", [pk])
        return [str(value) for value in cursor.fetchone()]


def _badge_token(api, conference) -> str:
    return api.get(_url(conference, "badge/")).json()["url"].rsplit("/b/", 1)[1]


def _every_attendee_row() -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM planner_attendee")
        return [[str(value) for value in row] for row in cursor.fetchall()]


def test_badge_token_is_nowhere_in_the_attendee_row(api, attendee, conference, other_api):
    token = _badge_token(api, conference)

    assert all(token not in value for value in _attendee_row(attendee.pk))
    assert all(token not in value for row in _every_attendee_row() for value in row)
    # ...and the badge still works: someone else scans it.
    assert _scan(other_api, conference, f"{settings.SITE_URL}/b/{token}").status_code == 201


def test_rotated_badge_token_is_not_stored_either(api, attendee, conference, other_api):
    old = _badge_token(api, conference)
    new = api.post(_url(conference, "badge/rotate/")).json()["url"].rsplit("/b/", 1)[1]

    assert new != old
    assert all(new not in v and old not in v for v in _attendee_row(attendee.pk))
    assert _scan(other_api, conference, new).status_code == 201
    replaced = _scan(other_api, conference, old)
    assert replaced.status_code == 400
    assert "replaced" in replaced.json()["errors"]["badge"][0]


def test_badge_token_needs_the_key_not_only_the_database(
    api, attendee, conference, settings, other_api
):
    """What a database copy holds is not enough to print someone's badge: the token depends
    on BADGE_TOKEN_KEY, which is not in the database. A new key replaces the badge."""
    before = _badge_token(api, conference)
    settings.BADGE_TOKEN_KEY = "another deployment's key, 50 characters long......."

    after = _badge_token(api, conference)

    assert after != before
    assert _badge_token(api, conference) == after  # stable under one key
    assert _scan(other_api, conference, after).status_code == 201
    replaced = _scan(other_api, conference, before)
    assert replaced.status_code == 400
    assert "replaced" in replaced.json()["errors"]["badge"][0]
