"""Request body parsers for the API: JSON that is bounded before it is trusted.

Django already caps a body's size (``DATA_UPLOAD_MAX_MEMORY_SIZE``, read before any parser
runs; the API's exception handler answers it in the error shape). On top of that,
``JSONParser`` here

- refuses nesting deeper than ``MAX_JSON_DEPTH`` before ``json.loads`` sees the text (the C
  decoder recurses once per level: thousands of ``[`` end in RecursionError), and
- refuses text PostgreSQL cannot store anywhere in the parsed body, keys included: lone
  UTF-16 surrogates (``"\\ud800"`` is valid JSON but not Unicode text; PostgreSQL's jsonb
  and UTF-8 text refuse it) and NUL (refused by text columns). The error names the path:
  ``{"contact_details.phone": ["Contains a NUL character (U+0000)."]}``.

``BatchJSONParser`` skips the text check so a batch endpoint can run it per item and refuse
only the broken one (``unstorable_text``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers

MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON nested more than {MAX_JSON_DEPTH} levels deep."
SURROGATE = "Contains an unpaired surrogate (U+D800 to U+DFFF)."
NUL = "Contains a NUL character (U+0000)."
KEY_SURROGATE = "A key contains an unpaired surrogate (U+D800 to U+DFFF)."
KEY_NUL = "A key contains a NUL character (U+0000)."
MAX_REPORTED_PATHS = 20
_MAX_PATH_PART = 64

# A JSON string literal (unrolled loop: no per-character alternation), brackets, and what
# could decode to an unstorable character (an escape, or a raw one from an odd charset).
_STRING_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")
_MAYBE_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})|[\x00\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def deeper_than(text: str, limit: int) -> bool:
    """Whether the JSON text nests arrays/objects more than ``limit`` levels, without
    recursion: strip the strings and everything but brackets, then remove innermost pairs
    ``limit`` times (each pass takes one level off every branch, in C). A pair left over is
    a level beyond the limit. Unbalanced text is left for the decoder to refuse."""
    brackets = _NOT_A_BRACKET.sub("", _STRING_LITERAL.sub("", text))
    for _ in range(limit):
        brackets, removed = _INNERMOST_PAIR.subn("", brackets)
        if not removed:
            return False
    return _INNERMOST_PAIR.search(brackets) is not None


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL
    if _SURROGATE.search(text):
        return SURROGATE
    return None


def _path_name(path: Sequence[str]) -> str:
    if not path:
        return "non_field_errors"
    return ".".join(p if len(p) <= _MAX_PATH_PART else p[:_MAX_PATH_PART] + "…" for p in path)


def unstorable_text(data: Any, *, prefix: Sequence[str] = ()) -> dict[str, list[str]]:
    """Errors by dotted path for every string in ``data`` (keys included, walked without
    recursion) that holds a lone surrogate or a NUL; empty when all text is storable.
    A bad key is reported at its object's path and its value is not walked (the path
    could not name it). At most ``MAX_REPORTED_PATHS`` paths."""
    errors: dict[str, list[str]] = {}

    def report(path: Sequence[str], message: str) -> None:
        messages = errors.setdefault(_path_name(path), [])
        if message not in messages:
            messages.append(message)

    stack: list[tuple[Any, tuple[str, ...]]] = [(data, tuple(prefix))]
    while stack and len(errors) < MAX_REPORTED_PATHS:
        value, path = stack.pop()
        if isinstance(value, str):
            problem = _problem(value)
            if problem:
                report(path, problem)
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                problem = _problem(key) if isinstance(key, str) else None
                if problem:
                    report(path, KEY_NUL if problem == NUL else KEY_SURROGATE)
                else:
                    stack.append((item, (*path, str(key))))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(i))) for i, item in reversed(list(enumerate(value))))
    return errors


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(parsers.JSONParser):
    check_text = True

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        # DRF hands over the body Django has read already, capped at DATA_UPLOAD_MAX_MEMORY_SIZE.
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        if deeper_than(text, MAX_JSON_DEPTH):
            raise exceptions.ParseError(TOO_DEEP)
        try:
            data = json.loads(text, parse_constant=_refuse_constant if self.strict else None)
        except RecursionError:
            # Only unbalanced text gets past deeper_than this deep: say what the decoder hit.
            raise exceptions.ParseError(TOO_DEEP) from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        if self.check_text and _MAYBE_UNSTORABLE.search(text):
            errors = unstorable_text(data)
            if errors:
                raise exceptions.ValidationError(errors)
        return data


class BatchJSONParser(JSONParser):
    """For a batch whose items are judged one by one: the caller runs ``unstorable_text``
    on each item, so one broken item does not refuse the others."""

    check_text = False
