"""Keep secrets in URLs out of every log: private feed URLs carry their only credential in
the path (``/feeds/<token>.ics``), which calendar apps cannot send any other way."""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# Anything token-like after /feeds/ (not only complete .ics URLs: a truncated or mistyped
# one carries most of the secret too); the public feeds live under /feeds/conference/.
_FEED_TOKEN = re.compile(r"(/feeds/)(?!conference/)[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    return _FEED_TOKEN.sub(r"\1[redacted]", text)


class RedactFeedTokens(logging.Filter):
    """A handler filter: rewrites the rendered message with feed tokens removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactingGunicornLogger(Logger):
    """gunicorn's logger with feed tokens removed from access-log lines and from its error
    log ("Error handling request /feeds/…") (``--logger-class``)."""

    def __init__(self, cfg):  # type: ignore[no-untyped-def]
        super().__init__(cfg)
        self.error_log.addFilter(RedactFeedTokens())

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        values = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in values.items()
        }
