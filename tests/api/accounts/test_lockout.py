"""Login lockout on ``auth/login``: per (account, client address) and per client address, never
per account alone, so a stranger's guesses cannot lock the owner out of their own account.

The counters are rows in the database (django-axes' database handler), so each test starts
from none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # UserFactory's
WRONG = {"detail": "E-mail or password is wrong.", "errors": {}}
STRANGER = "203.0.113.66"
OWNER = "198.51.100.10"
PER_ACCOUNT_AND_ADDRESS = 5
PER_ADDRESS = 12


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.AXES_FAILURE_LIMIT = PER_ACCOUNT_AND_ADDRESS
    settings.LOGIN_FAILURES_PER_IP = PER_ADDRESS


def _login(api, email: str, password: str, address: str, **extra):
    return api.post(
        reverse("accounts-login"),
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=address,
        **extra,
    )


def _assert_locked(response, settings) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["errors"] == {}
    assert body["detail"].startswith("Too many failed sign-in attempts")
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())


def test_login_locked_for_the_account_from_the_guessing_address_only(api, user, settings):
    answers = [
        _login(api, user.email, f"guess {n}", STRANGER).status_code
        for n in range(PER_ACCOUNT_AND_ADDRESS - 1)
    ]
    last_guess = _login(api, user.email, "guess last", STRANGER)

    right_from_stranger = _login(api, user.email, PASSWORD, STRANGER)
    right_from_owner = _login(api, user.email, PASSWORD, OWNER)

    assert answers == [400] * (PER_ACCOUNT_AND_ADDRESS - 1)
    _assert_locked(last_guess, settings)
    _assert_locked(right_from_stranger, settings)
    assert right_from_owner.status_code == 200
    assert right_from_owner.json()["id"] == user.pk


def test_stranger_guessing_cannot_lock_the_owner_out(api, user):
    """Far beyond any per-account limit, from many addresses: the owner still signs in."""
    for n in range(3 * PER_ACCOUNT_AND_ADDRESS):
        _login(api, user.email, f"guess {n}", f"203.0.113.{n % 4}")

    response = _login(api, user.email.upper(), PASSWORD, OWNER)

    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_login_by_username_and_by_email_count_as_one_account(api):
    organizer = UserFactory(username="organizer", email="organizer@example.org")
    for n in range(PER_ACCOUNT_AND_ADDRESS):
        identifier = "organizer" if n % 2 else "Organizer@Example.org"
        _login(api, identifier, f"guess {n}", STRANGER)

    assert _login(api, "organizer", PASSWORD, STRANGER).status_code == 429
    assert _login(api, organizer.email, PASSWORD, OWNER).json()["id"] == organizer.pk


def test_login_locked_per_address_across_accounts(api, user, settings):
    """Spraying guesses over many accounts from one address locks that address, and only
    that address."""
    for n in range(PER_ADDRESS):
        response = _login(api, f"someone{n}@example.org", "password1", STRANGER)
        assert response.status_code == (400 if n < PER_ADDRESS - 1 else 429)

    _assert_locked(_login(api, user.email, PASSWORD, STRANGER), settings)
    assert _login(api, user.email, PASSWORD, OWNER).status_code == 200


def test_login_success_resets_the_accounts_failures_from_that_address(api, user):
    for n in range(PER_ACCOUNT_AND_ADDRESS - 1):
        _login(api, user.email, f"typo {n}", OWNER)
    assert _login(api, user.email, PASSWORD, OWNER).status_code == 200
    api.post(reverse("accounts-logout"))

    again = [
        _login(api, user.email, f"typo {n}", OWNER).json()
        for n in range(PER_ACCOUNT_AND_ADDRESS - 1)
    ]

    assert again == [WRONG] * (PER_ACCOUNT_AND_ADDRESS - 1)
    assert _login(api, user.email, PASSWORD, OWNER).status_code == 200


def test_signing_in_to_ones_own_account_does_not_reset_guesses_at_another(api, user):
    """A success resets only its own (account, address) counter: an attacker with an account
    must not wipe their guesses at someone else's between rounds."""
    attacker = UserFactory()
    for n in range(PER_ACCOUNT_AND_ADDRESS - 1):
        _login(api, user.email, f"guess {n}", STRANGER)
    assert _login(api, attacker.email, PASSWORD, STRANGER).status_code == 200
    api.post(reverse("accounts-logout"))

    response = _login(api, user.email, "guess again", STRANGER)

    assert response.status_code == 429


def test_login_lockout_uses_the_address_the_trusted_proxy_saw(api, user, settings):
    """Behind one proxy (NUM_PROXIES=1) the client is the last X-Forwarded-For entry, the
    same address DRF's throttles use; the proxy's own address is shared by everyone."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.1"
    for n in range(PER_ACCOUNT_AND_ADDRESS):
        _login(
            api, user.email, f"guess {n}", proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {STRANGER}"
        )

    from_stranger = _login(api, user.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=STRANGER)
    from_owner = _login(api, user.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OWNER)

    assert from_stranger.status_code == 429
    assert from_owner.status_code == 200


def test_login_with_a_forged_unparseable_forwarded_address_is_no_server_error(api, user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    wrong = _login(api, user.email, "guess", "10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    right = _login(api, user.email, PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="<script>")

    assert wrong.json() == WRONG
    assert right.status_code == 200
