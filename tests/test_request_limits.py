"""Django's own pages under an oversized body: refused with 400, never a server error."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

TEN_MB = 10 * 1024 * 1024


def test_admin_login_with_a_ten_megabyte_form_is_400():
    body = urlencode({"username": "organizer", "password": "x" * TEN_MB})

    response = Client().post(
        reverse("admin:login"), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_feed_with_a_ten_megabyte_body_is_not_read():
    conference = ConferenceFactory()
    path = reverse("feed-conference", kwargs={"slug": conference.slug})

    sent = Client().generic("GET", path, "x" * TEN_MB, content_type="text/plain")
    posted = Client().post(path, "x" * TEN_MB, content_type="application/x-www-form-urlencoded")

    assert sent.status_code == 200
    assert sent["Content-Type"].startswith("text/calendar")
    assert posted.status_code == 405
