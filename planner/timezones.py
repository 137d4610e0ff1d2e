"""IANA time-zone names: validation and canonical forms.

A conference's zone must be a canonical IANA ``Area/Location`` name (or ``UTC``). Abbreviations
such as ``EST`` or ``CET`` name no place and have no DST rules of their own; deprecated links
such as ``US/Eastern`` still work in zoneinfo but are not what a calendar client expects, so
they are refused here with the canonical name suggested (importers map them silently, with a
warning on the import run).
"""

from __future__ import annotations

import functools
import re
import zoneinfo

from django.core.exceptions import ValidationError

# Deprecated "backward" links seen in real schedule exports, mapped to their canonical zone.
# The tzdata wheel ships no `backward` file, so the common ones are listed here.
DEPRECATED_ALIASES: dict[str, str] = {
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Mountain": "America/Denver",
    "US/Pacific": "America/Los_Angeles",
    "US/Alaska": "America/Anchorage",
    "US/Hawaii": "Pacific/Honolulu",
    "US/Arizona": "America/Phoenix",
    "Canada/Eastern": "America/Toronto",
    "Canada/Pacific": "America/Vancouver",
    "Canada/Central": "America/Winnipeg",
    "Canada/Mountain": "America/Edmonton",
    "Canada/Atlantic": "America/Halifax",
    "Europe/Kiev": "Europe/Kyiv",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Tel_Aviv": "Asia/Jerusalem",
    "Israel": "Asia/Jerusalem",
    "Japan": "Asia/Tokyo",
    "Singapore": "Asia/Singapore",
    "Hongkong": "Asia/Hong_Kong",
    "PRC": "Asia/Shanghai",
    "ROK": "Asia/Seoul",
    "GB": "Europe/London",
    "Eire": "Europe/Dublin",
    "Australia/ACT": "Australia/Sydney",
    "Australia/NSW": "Australia/Sydney",
    "Brazil/East": "America/Sao_Paulo",
    "Mexico/General": "America/Mexico_City",
    "NZ": "Pacific/Auckland",
    "Etc/UTC": "UTC",
    "Etc/GMT": "UTC",
    "GMT": "UTC",
    "Zulu": "UTC",
    "UCT": "UTC",
    "Universal": "UTC",
}

_CANONICAL_AREAS = re.compile(
    r"^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z0-9_+\-/]+$"
)


@functools.cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def canonical_zone(name: str) -> str | None:
    """The canonical IANA name for ``name`` (itself, or what a deprecated alias points to), else None."""
    name = name.strip()
    if name in DEPRECATED_ALIASES:
        return DEPRECATED_ALIASES[name]
    if name == "UTC":
        return name
    if name in _available() and _CANONICAL_AREAS.match(name) and not name.startswith("Etc/"):
        return name
    return None


def validate_iana_zone(value: str) -> None:
    """Model/form validator: a canonical IANA zone, never an abbreviation or a deprecated link."""
    if value in DEPRECATED_ALIASES:
        raise ValidationError(
            "%(value)s is a deprecated alias; use %(canonical)s.",
            code="deprecated_zone",
            params={"value": value, "canonical": DEPRECATED_ALIASES[value]},
        )
    if canonical_zone(value) != value:
        raise ValidationError(
            "%(value)s is not an IANA time zone of the form Area/Location (e.g. Asia/Jerusalem); "
            "abbreviations such as EST or CET are not accepted.",
            code="invalid_zone",
            params={"value": value},
        )


@functools.cache
def canonical_zones() -> tuple[str, ...]:
    """Every canonical IANA zone name (Area/Location, and UTC), sorted: the choices a form
    offers."""
    return tuple(sorted({"UTC", *(n for n in _available() if canonical_zone(n) == n)}))
