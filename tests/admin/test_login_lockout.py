"""The admin's login form is locked per (account, client address) and per address, with the
project's default limits; the real owner signing in from their own address is never locked by a
stranger's guesses."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # UserFactory's
STRANGER = "203.0.113.66"
OWNER = "198.51.100.10"


@pytest.fixture
def organizer():
    return f.UserFactory(username="organizer", is_staff=True, is_superuser=True)


def _sign_in(client: Client, username: str, password: str, address: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def _signed_in_as(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_admin_login_locked_after_200_wrong_passwords_from_one_address(organizer, settings):
    stranger = Client()
    for n in range(200):
        _sign_in(stranger, "organizer", f"guess {n}", STRANGER)

    right_from_stranger = _sign_in(stranger, "organizer", PASSWORD, STRANGER)
    owner = Client()
    right_from_owner = _sign_in(owner, "organizer", PASSWORD, OWNER)

    assert right_from_stranger.status_code == 429
    assert _signed_in_as(stranger) is None
    assert right_from_owner.status_code == 302
    assert right_from_owner["Location"] == reverse("admin:index")
    assert _signed_in_as(owner) == str(organizer.pk)


def test_admin_lockout_is_a_clear_page_with_retry_after(organizer, settings):
    stranger = Client()
    answers = [
        _sign_in(stranger, "organizer", f"guess {n}", STRANGER).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = _sign_in(stranger, "organizer", PASSWORD, STRANGER)

    page = locked.content.decode()
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("text/html")
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert "Too many failed sign-in attempts" in page
    assert "15 minutes" in page
    assert "<title>" in page  # the admin's own page, not a bare string
    assert _signed_in_as(stranger) is None


def test_admin_stranger_cannot_lock_the_owner_out(organizer, settings):
    for n in range(3 * settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), "organizer", f"guess {n}", f"203.0.113.{n % 3}")

    owner = Client()
    response = _sign_in(owner, "organizer", PASSWORD, OWNER)

    assert response.status_code == 302
    assert _signed_in_as(owner) == str(organizer.pk)


def test_admin_login_locked_per_address_across_accounts(organizer, settings):
    settings.LOGIN_FAILURES_PER_IP = 8
    stranger = Client()
    for n in range(8):
        _sign_in(stranger, f"guess-user-{n}", "password1", STRANGER)

    locked = _sign_in(stranger, "organizer", PASSWORD, STRANGER)
    owner = Client()
    allowed = _sign_in(owner, "organizer", PASSWORD, OWNER)

    assert locked.status_code == 429
    assert _signed_in_as(stranger) is None
    assert allowed.status_code == 302
    assert _signed_in_as(owner) == str(organizer.pk)


def test_admin_login_success_resets_failures(organizer, settings):
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for n in range(limit - 1):
        _sign_in(client, "organizer", f"typo {n}", OWNER)
    assert _sign_in(client, "organizer", PASSWORD, OWNER).status_code == 302
    client.logout()

    typos = [
        _sign_in(client, "organizer", f"typo {n}", OWNER).status_code for n in range(limit - 1)
    ]
    response = _sign_in(client, "organizer", PASSWORD, OWNER)

    assert typos == [200] * (limit - 1)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(organizer.pk)
