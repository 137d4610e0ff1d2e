from __future__ import annotations

import pytest
from django.urls import reverse

from planner.api.views.accounts import AccountsThrottle
from planner.services.accounts import EMAIL_TAKEN
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's


@pytest.mark.django_db
def test_me_anonymous_is_forbidden(api):
    response = api.get(reverse("accounts-me"))

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "errors": {},
    }


@pytest.mark.django_db
def test_me_returns_the_signed_in_user(signed_in, user):
    response = signed_in.get(reverse("accounts-me"))

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "display_name": "Ada Lovelace",
        "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.django_db
def test_me_patch_display_name(signed_in, user):
    response = signed_in.patch(
        reverse("accounts-me"), {"display_name": "  Countess of Lovelace "}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["display_name"] == "Countess of Lovelace"
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Countess of Lovelace", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("current_password", "message"),
    [
        (None, "Enter your current password to change your e-mail address."),
        ("not it", "The password is wrong."),
    ],
    ids=["missing", "wrong"],
)
def test_me_patch_email_needs_the_current_password(signed_in, user, current_password, message):
    body = {"email": "ada@example.com"}
    if current_password:
        body["current_password"] = current_password

    response = signed_in.patch(reverse("accounts-me"), body, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": {"current_password": [message]}}
    user.refresh_from_db()
    assert user.email != "ada@example.com"


@pytest.mark.django_db
def test_me_patch_email_with_password_changes_it(signed_in, user):
    response = signed_in.patch(
        reverse("accounts-me"),
        {"email": "Ada@Example.com", "current_password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"
    user.refresh_from_db()
    assert user.email == "ada@example.com"
    assert user.username.startswith("user")  # an admin-style username is left alone


@pytest.mark.django_db
def test_me_patch_email_keeps_signup_username_in_step(api):
    api.post(
        reverse("accounts-signup"),
        {"email": "ada@example.org", "password": "analytical engine 1843"},
        format="json",
    )

    api.patch(
        reverse("accounts-me"),
        {"email": "ada@example.com", "current_password": "analytical engine 1843"},
        format="json",
    )
    api.post(reverse("accounts-logout"))
    login = api.post(
        reverse("accounts-login"),
        {"email": "ada@example.com", "password": "analytical engine 1843"},
        format="json",
    )

    assert login.status_code == 200
    assert login.json()["email"] == "ada@example.com"


@pytest.mark.django_db
def test_me_patch_email_taken_in_other_case_is_refused(signed_in, user):
    UserFactory(username="grace", email="grace@example.org")

    response = signed_in.patch(
        reverse("accounts-me"),
        {"email": "GRACE@example.org", "current_password": PASSWORD},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": [EMAIL_TAKEN]}
    user.refresh_from_db()
    assert user.email != "grace@example.org"


@pytest.mark.django_db
def test_me_patch_anonymous_is_forbidden(api):
    response = api.patch(reverse("accounts-me"), {"display_name": "x"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "Authentication credentials were not provided."


@pytest.mark.django_db
def test_me_patch_password_attempts_are_throttled_but_name_edits_are_not(signed_in, user):
    url = reverse("accounts-me")
    limit = int(AccountsThrottle.rates["accounts-me-update"].split("/")[0])
    guesses = [
        signed_in.patch(
            url, {"email": "new@example.org", "current_password": f"guess {n}"}, format="json"
        ).status_code
        for n in range(limit + 1)
    ]

    rename = signed_in.patch(url, {"display_name": "Ada"}, format="json")

    assert guesses == [400] * limit + [429]
    assert rename.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["current_password", "display_name"])
@pytest.mark.parametrize("value", [0, 12.5, True, ["x"], {"x": 1}])
def test_me_patch_text_fields_take_only_strings(signed_in, user, field, value):
    """The schema says string: a number is not turned into text (schemathesis ST201)."""
    response = signed_in.patch(reverse("accounts-me"), {field: value}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][field] == ["Not a valid string."]
    user.refresh_from_db()
    assert user.first_name == "Ada"
