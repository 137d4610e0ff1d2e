"""Fixtures for the personal API: a signed-in attendee at a conference, a second user, URLs,
request bodies and small real images built byte by byte (no imaging library here)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import AttendeeFactory, ConferenceFactory, UserFactory


@pytest.fixture
def conference(db):
    return ConferenceFactory()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def attendee(user, conference):
    return AttendeeFactory(user=user, conference=conference)


@pytest.fixture
def api(user, attendee) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def other_attendee(other_user, conference):
    return AttendeeFactory(user=other_user, conference=conference)


@pytest.fixture
def other_api(other_user, other_attendee) -> APIClient:
    client = APIClient()
    client.force_authenticate(other_user)
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def url(name: str, conference, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": conference.slug, **kwargs})


def count_queries(action: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def conversation_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "poster_title": "Diffusion Models for Floor Plans",
        "talked_to": "First author",
        "talked_at": "2026-10-22T12:05:00Z",
        "qa": [{"question": "Which dataset?", "answer": "Their own, 3k plans."}],
        "rating": 4,
        "tags": ["diffusion", "maps"],
        "notes": "Ask for the code release.",
    }
    body.update(overrides)
    return body


def meetup_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contact_name": "Noa Levi",
        "contact_affiliation": "Technion",
        "contact_email": "noa@example.org",
        "met_at": "2026-10-22T13:00:00+03:00",
        "notes": "Works on SLAM.",
    }
    body.update(overrides)
    return body


# --- images ------------------------------------------------------------------------------------


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG of solid red."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A valid baseline JPEG: one 8×8 grey block. One-symbol Huffman tables (DC category 0,
    AC end-of-block) make the whole scan the two bits "00", padded with ones."""

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    one_code = bytes([1] + [0] * 15)  # one code of length 1
    return b"".join(
        [
            b"\xff\xd8",
            segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            segment(0xDB, b"\x00" + bytes([1] * 64)),
            segment(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"),
            segment(0xC4, b"\x00" + one_code + b"\x00"),
            segment(0xC4, b"\x10" + one_code + b"\x00"),
            segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            b"\x3f",
            b"\xff\xd9",
        ]
    )


def webp_bytes() -> bytes:
    """A valid lossless 1×1 WebP (the VP8L bitstream browsers' feature tests use)."""
    bitstream = bytes.fromhex("2f00000010071011118888fe07")
    chunk = b"VP8L" + struct.pack("<I", len(bitstream)) + bitstream + b"\x00"  # pad to even
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def heic_bytes() -> bytes:
    """The leading boxes of a HEIC file (ftyp with the heic brand, then an empty meta box);
    real HEVC payload needs an encoder, and only the leading bytes are checked."""
    ftyp = b"ftyp" + b"heic" + struct.pack(">I", 0) + b"mif1heic"
    meta = b"meta" + b"\x00\x00\x00\x00"
    return struct.pack(">I", 4 + len(ftyp)) + ftyp + struct.pack(">I", 4 + len(meta)) + meta
