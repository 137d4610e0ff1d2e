from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from planner.api.views.accounts import AccountsThrottle
from planner.services.accounts import EMAIL_TAKEN
from tests.factories import UserFactory

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
WRONG = {"detail": "E-mail or password is wrong.", "errors": {}}


def _limit(throttle: type[AccountsThrottle], scope: str) -> int:
    return int(throttle.rates[scope].split("/")[0])


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csrf_sets_cookie_and_returns_token(api):
    response = api.get(reverse("accounts-csrf"))

    assert response.status_code == 200
    assert response.cookies["csrftoken"].value
    assert len(response.json()["csrf_token"]) == 64
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_login_without_csrf_token_is_refused(user):
    browser = APIClient(enforce_csrf_checks=True)

    response = browser.post(
        reverse("accounts-login"), {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert browser.get(reverse("accounts-me")).status_code == 403


@pytest.mark.django_db
def test_login_with_csrf_token_from_csrf_endpoint_succeeds(user):
    browser = APIClient(enforce_csrf_checks=True)
    csrf = browser.get(reverse("accounts-csrf")).json()["csrf_token"]

    response = browser.post(
        reverse("accounts-login"),
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert response.status_code == 200
    assert response.json()["email"] == user.email


# --- sign-up --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_creates_user_and_signs_in(api):
    response = api.post(
        reverse("accounts-signup"),
        {"email": " Ada@Example.ORG ", "password": "analytical engine 1843", "display_name": "Ada"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    user = User.objects.get()
    assert body == {
        "id": user.pk,
        "email": "ada@example.org",
        "display_name": "Ada",
        "date_joined": body["date_joined"],
    }
    assert (user.username, user.email, user.first_name) == ("ada@example.org",) * 2 + ("Ada",)
    assert user.check_password("analytical engine 1843")
    assert api.get(reverse("accounts-me")).json()["id"] == user.pk


@pytest.mark.django_db
def test_signup_email_taken_in_other_case_is_refused(api):
    UserFactory(username="grace", email="grace@example.org")

    response = api.post(
        reverse("accounts-signup"),
        {"email": "GRACE@example.org", "password": "analytical engine 1843"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"detail": EMAIL_TAKEN, "errors": {"email": [EMAIL_TAKEN]}}
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signup_weak_password_lists_every_problem(api):
    response = api.post(
        reverse("accounts-signup"), {"email": "ada@example.org", "password": "1234"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_password_like_the_email_is_refused(api):
    response = api.post(
        reverse("accounts-signup"),
        {"email": "lovelace.ada@example.org", "password": "lovelace.ada"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["password"][0].startswith("The password is too similar")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_missing_fields_are_named(api):
    response = api.post(reverse("accounts-signup"), {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"email": ["This field is required."], "password": ["This field is required."]},
    }


# --- login / logout -------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_by_email_in_any_case_starts_a_session(api, user):
    response = api.post(
        reverse("accounts-login"),
        {"email": user.email.upper(), "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert response.json()["display_name"] == "Ada Lovelace"
    assert api.get(reverse("accounts-me")).json()["email"] == user.email


@pytest.mark.django_db
def test_login_accepts_a_username_for_admin_made_accounts(api):
    UserFactory(username="organizer", email="organizer@example.org")

    response = api.post(
        reverse("accounts-login"), {"email": "organizer", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["email"] == "organizer@example.org"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "password"),
    [("user-who@example.org", PASSWORD), (None, "not the password")],
    ids=["unknown-email", "wrong-password"],
)
def test_login_wrong_credentials_answer_the_same(api, user, email, password):
    response = api.post(
        reverse("accounts-login"), {"email": email or user.email, "password": password}
    )

    assert response.status_code == 400
    assert response.json() == WRONG
    assert api.get(reverse("accounts-me")).status_code == 403


@pytest.mark.django_db
def test_login_inactive_user_answers_the_same(api):
    inactive = UserFactory(is_active=False)

    response = api.post(
        reverse("accounts-login"), {"email": inactive.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == WRONG


@pytest.mark.django_db
def test_login_ambiguous_shared_email_is_refused(api):
    UserFactory(username="one", email="shared@example.org")
    UserFactory(username="two", email="Shared@example.org")

    response = api.post(
        reverse("accounts-login"),
        {"email": "shared@example.org", "password": PASSWORD},
        format="json",
    )

    assert response.json() == WRONG


@pytest.mark.django_db
def test_logout_ends_the_session(signed_in):
    assert signed_in.get(reverse("accounts-me")).status_code == 200

    response = signed_in.post(reverse("accounts-logout"))

    assert response.status_code == 204
    assert signed_in.get(reverse("accounts-me")).json() == {
        "detail": "Authentication credentials were not provided.",
        "errors": {},
    }


@pytest.mark.django_db
def test_logout_when_signed_out_is_harmless(api):
    assert api.post(reverse("accounts-logout")).status_code == 204


# --- throttling -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "scope"),
    [
        ("accounts-login", "accounts-login"),
        ("accounts-signup", "accounts-signup"),
        ("accounts-password-reset", "accounts-password-reset"),
    ],
)
def test_account_endpoints_throttled_per_client_address(api, url_name, scope):
    limit = _limit(AccountsThrottle, scope)
    url = reverse(url_name)
    # Empty bodies: throttling counts requests before validation, and no e-mail means the
    # per-address throttle stays out of it.
    answers = [api.post(url, {}, format="json").status_code for _ in range(limit)]

    throttled = api.post(url, {}, format="json")
    elsewhere = api.post(url, {}, format="json", REMOTE_ADDR="192.0.2.7")

    assert set(answers) == {400}
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith("Request was throttled.")
    assert throttled.json()["errors"] == {}
    assert int(throttled["Retry-After"]) > 0
    assert elsewhere.status_code == 400
