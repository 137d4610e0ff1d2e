"""QR payloads and images: badge codes, poster-board codes and webcal links.

Every QR holds an absolute URL on this site (``SITE_URL``). Badges hold an opaque token,
never an id, derived from a random per-badge salt with BADGE_TOKEN_KEY and never stored
(``Attendee.badge_token``); poster boards hold the poster's PWA route, so a phone camera opens the
poster in the app and the PWA's own scanner can read the same code.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from qrcode.constants import ERROR_CORRECT_M

from planner.models import Attendee, Conference, Poster

BADGE_PATH = "/b/"


def badge_url(attendee: Attendee) -> str:
    return f"{settings.SITE_URL}{BADGE_PATH}{attendee.badge_token}"


def badge_token_from(scanned: str) -> str:
    """The token in what a scanner read: a badge URL (any host: a badge printed before a move
    to another domain still works) or the bare token."""
    text = scanned.strip()
    if "/" in text:
        path = urlsplit(text).path
        if path.startswith(BADGE_PATH):
            return path[len(BADGE_PATH) :].strip("/")
        return ""
    return text


def poster_url(poster: Poster) -> str:
    return f"{settings.SITE_URL}/conferences/{poster.conference.slug}/posters/{poster.pk}"


def webcal_url(https_url: str) -> str:
    """``webcal://`` for the same feed: calendar apps subscribe instead of importing once."""
    return "webcal://" + https_url.split("://", 1)[1]


def conference_feed_url(conference: Conference, suffix: str = "") -> str:
    return f"{settings.SITE_URL}/feeds/conference/{conference.slug}{suffix}.ics"


def _qr(data: str) -> qrcode.QRCode:
    # M (15 % recovery) survives a creased or partly covered badge; border=4 is the quiet zone
    # the standard asks for, which phone cameras need to lock on.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> str:
    """A standalone SVG (one path, scales to any size) encoding ``data``."""
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def qr_png(data: str, *, box_size: int = 10) -> bytes:
    code = _qr(data)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
