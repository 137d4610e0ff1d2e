from __future__ import annotations

import pytest
from django.conf import settings

from planner.badges import (
    badge_token_from,
    badge_url,
    poster_url,
    qr_png,
    qr_svg,
    webcal_url,
)
from tests import factories as f
from tests.qr import decode_png, decode_svg

# What secrets.token_urlsafe(32) gives: 43 characters of the URL-safe alphabet, '-' and '_' too.
FEED_TOKEN = "Zq3-_w9XkLr2TtYb8NvPc4Hs7JmAe6Gd1UoFi5KxQyR"


def _badge() -> str:
    return badge_url(f.AttendeeFactory())


def _poster() -> str:
    return poster_url(f.PosterFactory(board="A-12"))


def _webcal() -> str:
    return webcal_url(f"{settings.SITE_URL}/feeds/{FEED_TOKEN}.ics")


def _long() -> str:
    # Long enough to need a large QR version (well past the 37 mm a badge URL takes).
    return f"{settings.SITE_URL}/conferences/" + "-".join(["posters"] * 60) + "?board=A-10#top"


PAYLOADS = pytest.mark.parametrize(
    "build", [_badge, _poster, _webcal, _long], ids=["badge", "poster", "webcal", "long"]
)


def test_webcal_url_of_feed_is_the_expected_text():
    assert len(FEED_TOKEN) == 43
    assert webcal_url(f"http://127.0.0.1:8000/feeds/{FEED_TOKEN}.ics") == (
        f"webcal://127.0.0.1:8000/feeds/{FEED_TOKEN}.ics"
    )


@PAYLOADS
def test_qr_svg_decodes_to_exactly_the_input(db, build):
    data = build()

    assert decode_svg(qr_svg(data)) == [data]


@PAYLOADS
def test_qr_png_decodes_to_exactly_the_input(db, build):
    data = build()

    assert decode_png(qr_png(data)) == [data]


def test_qr_png_small_box_size_still_decodes(db):
    data = _badge()

    assert decode_png(qr_png(data, box_size=3)) == [data]


def test_badge_url_holds_the_token_not_the_id(db):
    attendee = f.AttendeeFactory()

    assert badge_url(attendee) == f"{settings.SITE_URL}/b/{attendee.badge_token}"
    assert len(attendee.badge_token) == 32


def test_badge_token_from_full_badge_url(db):
    attendee = f.AttendeeFactory()

    assert badge_token_from(badge_url(attendee)) == attendee.badge_token


def test_badge_token_from_url_of_another_host():
    assert badge_token_from("https://old-boardwalk.example.org/b/abcDEF-123_xyz/") == (
        "abcDEF-123_xyz"
    )


def test_badge_token_from_bare_token_with_whitespace():
    assert badge_token_from("  abcDEF-123_xyz\n") == "abcDEF-123_xyz"


@pytest.mark.parametrize(
    "scanned",
    [
        "http://127.0.0.1:8000/conferences/conf-1/posters/7",
        "https://example.org/",
        "webcal://127.0.0.1:8000/feeds/abc.ics",
    ],
)
def test_badge_token_from_non_badge_url_is_empty(scanned):
    assert badge_token_from(scanned) == ""
