"""What an unrecognised upload looks like, in words, for the "cannot tell the format" refusal.

Only the head of the file is looked at (a zip's member list, an XML root, a JSON document's
top-level shape, a CSV header, a first line), so describing a 50 MB upload stays cheap.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import PurePosixPath

from planner.importers.base import storable

_XML_PROLOGUE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_XML_DOCTYPE = re.compile(r"\s*<!DOCTYPE\s+([\w:.-]+)", re.IGNORECASE)
_XML_ROOT = re.compile(r"\s*<([\w:.-]+)")
HEAD = 65536


def xml_doctype(data: bytes) -> str | None:
    """The root name a leading ``<!DOCTYPE name …>`` declares, or None (no DOCTYPE)."""
    text = _head_text(data)
    position = 0
    while match := _XML_PROLOGUE.match(text, position):
        position = match.end()
    doctype = _XML_DOCTYPE.match(text, position)
    return doctype.group(1) if doctype else None


def _head_text(data: bytes) -> str:
    return data[:HEAD].decode("utf-8-sig", errors="replace")


def _quote(text: str, limit: int = 60) -> str:
    text = storable(text.strip())
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _keys(mapping: dict, limit: int = 8) -> str:
    keys = [storable(str(k)) for k in mapping]
    shown = ", ".join(keys[:limit]) + (", …" if len(keys) > limit else "")
    return shown or "no keys"


def _json_shape(value: object) -> str:
    if isinstance(value, dict):
        return f"a JSON object with the keys {_keys(value)}"
    if isinstance(value, list):
        if not value:
            return "an empty JSON list"
        first = value[0]
        if isinstance(first, dict):
            return f"a JSON list of {len(value):,} items whose first has the keys {_keys(first)}"
        return f"a JSON list of {len(value):,} {type(first).__name__} values"
    return f"a JSON {type(value).__name__}"


def describe(data: bytes, filename: str) -> str:
    """A short phrase: what the bytes look like ("a JSON object with the keys …")."""
    if not data.strip():
        return "an empty file"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [i.filename for i in archive.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            return "a damaged zip file"
        shown = ", ".join(storable(PurePosixPath(n).name) for n in names[:10])
        more = f", … ({len(names)} files)" if len(names) > 10 else ""
        return f"a zip holding {shown or 'no files'}{more}"
    text = _head_text(data)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        doctype = xml_doctype(data)
        if doctype:
            return f"an XML document with a <!DOCTYPE {storable(doctype)}> declaration"
        position = 0
        while match := _XML_PROLOGUE.match(text, position):
            position = match.end()
        root = _XML_ROOT.match(text, position)
        if root:
            return f"an XML document whose root element is <{storable(root.group(1))}>"
        return "text starting with '<' that is not an XML element"
    if stripped[:1] in "{[":
        if len(data) <= 20 * 1024 * 1024:
            try:
                # Python's json accepts bare NaN (pandas writes it); say so rather than fail.
                return _json_shape(json.loads(data.decode("utf-8-sig")))
            except (ValueError, UnicodeDecodeError) as error:
                return f"text starting like JSON that does not parse ({storable(str(error))[:80]})"
        return "a JSON document (too large to look into)"
    if PurePosixPath(filename.casefold()).suffix in (".yml", ".yaml") or re.match(
        r"^(?:---|-\s+\w+:|\w[\w -]*:\s)", stripped
    ):
        first = stripped.splitlines()[0] if stripped else ""
        return f"a YAML document starting {_quote(first)}"
    first = stripped.splitlines()[0] if stripped else ""
    if "," in first or "\t" in first or ";" in first:
        return f"a CSV table whose header is {_quote(first, 120)}"
    return f"text starting {_quote(first)}"
