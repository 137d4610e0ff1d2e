"""The Korean catalogue of what the server writes attendees (planner/locale/ko): every
message translated and none fuzzy, the placeholders of each translation the same as its
English (a missing or misspelt one would fail at render time), the committed django.mo
exactly what the django.po compiles to (Django reads only the .mo), and the .po holding
every message the code marks (`make messages` after a new one)."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conf.env import BASE_DIR
from tests.infra import in_ci
from tests.worker import subprocess_env

MESSAGES = BASE_DIR / "planner" / "locale" / "ko" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.context}|{self.msgid}" if self.context else self.msgid


def _unquote(text: str) -> str:
    return text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", left out)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, target = Entry(), None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                value = _unquote(line)
                if target == "msgctxt":
                    entry.context = (entry.context or "") + value
                elif target == "msgid":
                    entry.msgid += value
                elif target == "msgid_plural":
                    entry.plural = (entry.plural or "") + value
                elif isinstance(target, int):
                    entry.msgstr[target] += value
            else:
                keyword, _, value = line.partition(" ")
                match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
                target = int(match.group(1) or 0) if match else keyword
                text = _unquote(value)
                if match:
                    entry.msgstr[target] = text
                elif keyword == "msgctxt":
                    entry.context = text
                elif keyword == "msgid":
                    entry.msgid = text
                elif keyword == "msgid_plural":
                    entry.plural = text
        if entry.msgid:
            entries.append(entry)
    return entries


def test_every_korean_message_is_translated_and_none_is_fuzzy():
    entries = read_po(PO)

    untranslated = [e.name for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.name for e in entries if "fuzzy" in e.flags]

    assert len(entries) > 40
    assert untranslated == [], f"untranslated in {PO.name}: {untranslated}"
    assert fuzzy == [], f"fuzzy (unchecked) in {PO.name}: {fuzzy}"
    assert "fuzzy" not in PO.read_text(encoding="utf-8").split("\n\n", 1)[0]  # the header


def test_every_translation_keeps_the_placeholders_of_its_english():
    wrong = [
        (e.name, text)
        for e in read_po(PO)
        for text in e.msgstr.values()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.msgid))
    ]

    assert wrong == []


def _gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if in_ci():
            pytest.fail(
                f"{name} (GNU gettext) is missing, so the Korean catalogue cannot be checked: "
                "install gettext (.ci/run does: apt-get install gettext)."
            )
        pytest.skip(f"{name} (GNU gettext) is not installed: apt-get install gettext")
    return path


def _msgfmt() -> str:
    return _gettext_tool("msgfmt")


def _catalog(path: Path) -> dict:
    with path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def test_the_committed_mo_is_the_compiled_po(tmp_path):
    compiled = tmp_path / "django.mo"

    result = subprocess.run(  # noqa: S603 - msgfmt from PATH on our own files
        [_msgfmt(), "--check", "-o", str(compiled), str(PO)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    expected, committed = _catalog(compiled), _catalog(MO)
    stale = sorted(
        str(key)
        for key in expected.keys() | committed.keys()
        if expected.get(key) != committed.get(key)
    )
    assert stale == [], (
        f"{MO.relative_to(BASE_DIR)} is not {PO.name} compiled; run "
        f"`msgfmt -o {MO.relative_to(BASE_DIR)} {PO.relative_to(BASE_DIR)}` "
        f"(or manage.py compilemessages). Differs: {stale[:10]}"
    )


def test_the_catalogue_holds_every_message_the_code_marks(tmp_path):
    """makemessages over a copy of the app (the real one is left alone) finds exactly the
    messages of the committed .po."""
    _gettext_tool("xgettext")
    copy = tmp_path / "app"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(BASE_DIR / "planner", copy / "planner", ignore=ignore)
    shutil.copytree(BASE_DIR / "conf", copy / "conf", ignore=ignore)
    shutil.copy2(BASE_DIR / "manage.py", copy / "manage.py")

    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ko", "--no-obsolete"],
        cwd=copy,
        env=subprocess_env(tmp_path / "var"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    made = {(e.context, e.msgid, e.plural) for e in read_po(copy / PO.relative_to(BASE_DIR))}
    committed = {(e.context, e.msgid, e.plural) for e in read_po(PO)}
    assert made - committed == set(), "marked in the code, missing from django.po: make messages"
    assert committed - made == set(), "in django.po, no longer in the code: make messages"
