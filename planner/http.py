"""HTTP helpers shared by the API and the feed views."""

from __future__ import annotations

from django.utils.http import parse_etags


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match by the weak comparison (RFC 9110 13.1.2): W/"x" matches "x", and "*"
    matches anything. A proxy that compresses a body weakens its tag, and clients send back
    what they got."""
    tags = parse_etags(if_none_match)
    return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)
