"""Content-Security-Policy violation reports, as browsers send them.

Two formats: `report-uri` sends ``application/csp-report`` with one ``{"csp-report": {...}}``
(kebab-case keys); the Reporting API (`report-to`) sends ``application/reports+json`` with a
list of ``{"type": "csp-violation", "body": {...}}`` (camelCase keys). Both become
:class:`Violation`; anything else is :class:`InvalidReport`. Bytes in, dataclasses out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

CSP_REPORT = "application/csp-report"
REPORTS_JSON = "application/reports+json"
# Some browsers label `report-uri` bodies plain JSON.
CONTENT_TYPES = (CSP_REPORT, REPORTS_JSON, "application/json")
# What one request may carry: a page with many violations is batched by the browser.
MAX_REPORTS = 50
MAX_FIELD = 300


class InvalidReport(ValueError):
    """The body is not a CSP violation report."""


@dataclass(frozen=True)
class Violation:
    directive: str
    blocked: str
    document: str
    source: str
    sample: str
    disposition: str


def _text(value: object) -> str:
    """A field for one log line: a string or number, printable, at most MAX_FIELD long."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    text = str(value)
    text = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)
    return text[:MAX_FIELD] + ("…" if len(text) > MAX_FIELD else "")


def _violation(body: dict, *, camel: bool) -> Violation:
    def get(kebab: str, camel_name: str) -> str:
        return _text(body.get(camel_name if camel else kebab, ""))

    source = get("source-file", "sourceFile")
    line = get("line-number", "lineNumber")
    return Violation(
        directive=get("effective-directive", "effectiveDirective")
        or get("violated-directive", "violatedDirective"),
        blocked=get("blocked-uri", "blockedURL"),
        document=get("document-uri", "documentURL"),
        source=f"{source}:{line}" if source and line else source,
        sample=get("script-sample", "sample"),
        disposition=get("disposition", "disposition"),
    )


def parse(body: bytes, content_type: str) -> list[Violation]:
    """The violations in one request body; InvalidReport when it holds none."""
    if content_type not in CONTENT_TYPES:
        raise InvalidReport(f"unsupported content type {content_type!r}")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise InvalidReport("the body is not JSON") from exc
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [_violation(data["csp-report"], camel=False)]
    if (
        isinstance(data, list)
        and data
        and all(
            isinstance(item, dict)
            and isinstance(item.get("type"), str)
            and isinstance(item.get("body"), dict)
            for item in data
        )
    ):
        # Reports of other types (deprecation, intervention) are well-formed but not ours.
        return [
            _violation(item["body"], camel=True)
            for item in data[:MAX_REPORTS]
            if item["type"] == "csp-violation"
        ]
    raise InvalidReport("no report in the body")
