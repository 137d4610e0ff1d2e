"""Sign-up and login with bodies no client should send: deep nesting, oversized JSON and
form bodies, text that cannot be stored or hashed. All answer 400 in the error shape."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

User = get_user_model()
DEEP = "[" * 10_000 + "]" * 10_000
TEN_MB = 10 * 1024 * 1024
TOO_LARGE = {"detail": "The request body is larger than 5,242,880 bytes.", "errors": {}}


@pytest.mark.parametrize("name", ["accounts-login", "accounts-signup"])
def test_deeply_nested_json_is_400_in_the_error_shape(api, name):
    response = api.post(reverse(name), DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested more than 32 levels deep.", "errors": {}}


@pytest.mark.parametrize("name", ["accounts-login", "accounts-signup"])
def test_deep_nesting_under_a_field_is_400(api, name):
    body = '{"email": "a@example.org", "password": ' + DEEP + "}"

    response = api.post(reverse(name), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == "JSON nested more than 32 levels deep."
    assert User.objects.count() == 0


@pytest.mark.parametrize("name", ["accounts-login", "accounts-signup"])
def test_ten_megabyte_json_body_is_400_in_the_error_shape(api, name):
    body = json.dumps({"email": "a@example.org", "password": "x" * TEN_MB})

    response = api.post(reverse(name), body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == TOO_LARGE


@pytest.mark.parametrize("name", ["accounts-login", "accounts-signup"])
def test_ten_megabyte_form_body_is_400_in_the_error_shape(api, name):
    body = urlencode({"email": "a@example.org", "password": "x" * TEN_MB})

    response = api.post(reverse(name), body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response.json() == TOO_LARGE
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("a\ud800@example.org", "Contains an unpaired surrogate (U+D800 to U+DFFF)."),
        ("a\x00@example.org", "Contains a NUL character (U+0000)."),
    ],
)
@pytest.mark.parametrize("name", ["accounts-login", "accounts-signup"])
def test_unstorable_text_in_the_email_is_a_field_error(api, name, email, message):
    body = json.dumps({"email": email, "password": "correct horse battery staple"})

    response = api.post(reverse(name), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {"email": [message]}}
    assert User.objects.count() == 0


def test_a_bad_host_under_the_api_answers_in_the_error_shape(api):
    response = api.get(reverse("accounts-me"), HTTP_HOST="evil.example\x00")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request.", "errors": {}}
