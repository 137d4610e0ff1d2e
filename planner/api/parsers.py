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
from collections.abc import Iterator, Sequence
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
    if not text.isascii() and _SURROGATE.search(text):
        return SURROGATE
    return None


def _path_name(path: Sequence[str]) -> str:
    if not path:
        return "non_field_errors"
    return ".".join(p if len(p) <= _MAX_PATH_PART else p[:_MAX_PATH_PART] + "…" for p in path)


def _all_storable(data: Any) -> bool:
    """A fast, conservative check in C: True only if no string in ``data`` (keys included)
    holds a lone surrogate or a NUL. False means "walk and see" (a literal backslash-u0000
    in some text also says False)."""
    try:
        dumped = json.dumps(data, ensure_ascii=False, check_circular=False)
        dumped.encode("utf-8")  # a lone surrogate cannot be encoded
    except (UnicodeEncodeError, ValueError, RecursionError):
        return False
    return "\\u0000" not in dumped


def unstorable_text(data: Any, *, prefix: Sequence[str] = ()) -> dict[str, list[str]]:
    """Errors by dotted path for every string in ``data`` (keys included, walked without
    recursion) that holds a lone surrogate or a NUL; empty when all text is storable.
    A bad key is reported at its object's path and its value is not walked (the path
    could not name it). At most ``MAX_REPORTED_PATHS`` paths."""
    if isinstance(data, dict | list) and _all_storable(data):
        return {}
    errors: dict[str, list[str]] = {}

    def report(parent: _Node | None, key: str | None, message: str) -> None:
        path: list[str] = [] if key is None else [key]
        while parent is not None:
            if parent.key is not None:
                path.append(parent.key)
            parent = parent.parent
        messages = errors.setdefault(_path_name([*prefix, *reversed(path)]), [])
        if message not in messages:
            messages.append(message)

    if not isinstance(data, dict | list):
        problem = _problem(data) if isinstance(data, str) else None
        if problem:
            report(None, None, problem)
        return errors
    # Depth first with one iterator per open container (at most MAX_JSON_DEPTH): what is
    # allocated per value is freed at once, so a body of a million values stays cheap. Each
    # container links to its parent; a path is only built when something is reported.
    stack: list[tuple[Iterator[tuple[Any, Any]], _Node | None]] = [(_entries(data), None)]
    while stack and len(errors) < MAX_REPORTED_PATHS:
        entries, node = stack[-1]
        for key, item in entries:
            if isinstance(key, str):
                problem = _problem(key)
                if problem:
                    report(node, None, KEY_NUL if problem == NUL else KEY_SURROGATE)
                    continue
            if isinstance(item, str):
                problem = _problem(item)
                if problem:
                    report(node, str(key), problem)
                    if len(errors) >= MAX_REPORTED_PATHS:
                        break
            elif item and isinstance(item, dict | list):
                stack.append((_entries(item), _Node(node, str(key))))
                break
        else:
            stack.pop()
    return errors


_CHUNK = 256


def _entries(container: dict | list) -> Iterator[tuple[Any, Any]]:
    """The container's (key, value) pairs that may hold unstorable text: a large container
    is checked in chunks by the C encoder first, so one bad string among a million values
    costs a walk of one chunk, not of the million."""
    pairs = list(container.items()) if isinstance(container, dict) else list(enumerate(container))
    if len(pairs) <= _CHUNK:
        yield from pairs
        return
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        if not _all_storable([[key, value] for key, value in chunk]):
            yield from chunk


class _Node:
    __slots__ = ("key", "parent")

    def __init__(self, parent: _Node | None, key: str | None) -> None:
        self.parent = parent
        self.key = key


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
