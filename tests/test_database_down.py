"""With the database unreachable, pages and the API answer 503 with Retry-After, never a
traceback; /healthz names the database (tests/test_health.py)."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from planner.middleware import DATABASE_UNAVAILABLE
from planner.views import server_error
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiet_client():
    """A client that gets the response a browser would, rather than the exception."""
    return Client(raise_request_exception=False)


def _assert_json_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": DATABASE_UNAVAILABLE, "errors": {}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/conferences/",
        "/api/v1/conferences/some-conference/bundle",
        "/feeds/conference/some-conference.ics",
        "/feeds/" + "a" * 43 + ".ics",
    ],
)
def test_api_and_feeds_answer_503_in_the_error_shape(quiet_client, database_down, path):
    _assert_json_503(quiet_client.get(path))


def test_api_with_a_token_answers_503(quiet_client, database_down):
    response = quiet_client.get("/api/v1/me", HTTP_AUTHORIZATION="Token bw_" + "x" * 40)

    _assert_json_503(response)


def test_api_write_answers_503(quiet_client, database_down):
    response = quiet_client.post(
        "/api/v1/auth/login",
        {"email": "someone@example.org", "password": "x" * 12},
        content_type="application/json",
    )

    _assert_json_503(response)


def test_admin_pages_answer_503_with_a_short_page(quiet_client, database_down):
    response = quiet_client.post("/admin/login/", {"username": "a", "password": "b"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == DATABASE_UNAVAILABLE


def test_signed_in_admin_answers_503(quiet_client, django_db_setup, request):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    quiet_client.force_login(admin)  # a session to look up: the first query of every page
    request.getfixturevalue("database_down")

    response = quiet_client.get("/admin/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.content.decode() == DATABASE_UNAVAILABLE


def test_pwa_shell_needs_no_database(quiet_client, database_down):
    response = quiet_client.get("/")

    # The shell is a static file: served (200), or "not built" (503) on a fresh checkout.
    assert response.status_code in (200, 503)
    assert b"Traceback" not in response.content


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/v1/conferences/", "application/json"), ("/admin/", "text/plain; charset=utf-8")],
)
def test_server_error_handler_answers_503_for_a_database_error(path, content_type):
    request = RequestFactory().get(path)
    try:
        raise OperationalError("connection refused")  # as raised outside a view
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == content_type
