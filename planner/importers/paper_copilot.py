"""Paper Copilot paper lists (``papercopilot/paperlists``: ``cvpr/cvpr2025.json``…).

A JSON list of ``{id, title, author, status, track, site, github, project, video, pdf, oa,
poster, openreview, …}``: authors comma-joined (some names HTML-escaped twice, ``D&amp;#x27;``),
``status`` the acceptance (Poster, Oral, Highlight), ``site`` the paper's page on the
conference's virtual site (ECVA writes ``//virtual``), empty strings for missing links, a
few links without their scheme (``labelmaker.org``: read as https). No
sessions, times or boards.

Such a list is usually imported into a conference that already has its program (frab, ACL
MiniConf, CSV): it *enriches* it (:attr:`ParsedSchedule.enrich_papers`). Each paper is
matched by normalized title (:func:`~planner.importers.common.normalize_title`: NFKC, case,
punctuation, whitespace) to the program's papers and gives them the links they lack; papers
without a match are added, without a session. Keys: the list's ``id`` (``site_b8ebd99ee4``).
Two entries with the same normalized title are one paper (the first; a warning names both).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from planner.enums import ImportFormat
from planner.importers.base import (
    ImportOptions,
    PaperData,
    ParsedSchedule,
    PersonData,
    ScheduleFormatError,
)
from planner.importers.common import (
    absolute_url,
    check_size,
    json_document,
    normalize_name,
    normalize_title,
    person_key,
)
from planner.importers.frab_xml import normalize_url

_BOM = b"\xef\xbb\xbf"
_LINK_KEYS = ("site", "github", "project", "video", "openreview")
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([A-Za-z0-9_-]{5,40})")
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")


def _is_list(document: object) -> bool:
    if not isinstance(document, list) or not document:
        return False
    sample = [item for item in document[:20] if isinstance(item, dict)]
    return bool(sample) and all(
        "title" in item and "status" in item and "author" in item and "site" in item
        for item in sample
    )


def sniff(data: bytes, filename: str) -> bool:
    head = data[:4096].removeprefix(_BOM).lstrip()
    if not head.startswith(b"[") or b'"status"' not in head or b'"site"' not in head:
        return False
    try:
        return _is_list(json.loads(data.removeprefix(_BOM)))
    except (ValueError, RecursionError):
        return False


def _text(value: object) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = str(value)
    for _ in range(2):  # names arrive escaped once or twice ("D&amp;#x27;Amelio")
        if "&" not in text:
            break
        text = html.unescape(text)
    return normalize_name(text)


_BARE_HOST = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/\S*)?$", re.IGNORECASE)


def _url(value: object) -> str:
    """An http(s) URL; a bare host ("labelmaker.org", "x.github.io/page/") gets https://."""
    text = _text(value)
    if _BARE_HOST.match(text):
        text = f"https://{text}"
    return normalize_url(absolute_url(text))


def parse(data: bytes, options: ImportOptions) -> ParsedSchedule:
    check_size(data, options.filename)
    file = options.filename
    document: Any = json_document(data, file)
    if not _is_list(document):
        raise ScheduleFormatError(
            "not a Paper Copilot list (a JSON list of papers with title, author, status, site)",
            file=file,
        )
    parsed = ParsedSchedule(format=ImportFormat.PAPER_COPILOT, enrich_papers=True)
    people: dict[str, PersonData] = {}
    titles: dict[str, str] = {}
    keys: set[str] = set()
    for index, raw in enumerate(document, start=1):
        where = f"paper {index}"
        if not isinstance(raw, dict):
            raise ScheduleFormatError("a paper is not a JSON object", file=file, element=where)
        key, title = _text(raw.get("id")), _text(raw.get("title"))
        if not title:
            raise ScheduleFormatError("paper has no title", file=file, element=where, field="title")
        key = key or f"title:{normalize_title(title)}"
        where = f"paper {key!r}"
        if key in keys:
            raise ScheduleFormatError("id used twice", file=file, element=where, field="id")
        keys.add(key)
        folded = normalize_title(title)
        if folded in titles:
            parsed.warnings.append(
                f"{file}: {where} has the title of {titles[folded]!r}; imported once"
            )
            continue
        titles[folded] = key
        authors = []
        for name in re.split(r"\s*[,;]\s*", _text(raw.get("author"))):
            if not name:
                continue
            pkey = person_key(name)
            people.setdefault(pkey, PersonData(key=pkey, name=name))
            if pkey not in authors:
                authors.append(pkey)
        links = {name: _url(raw.get(name)) for name in _LINK_KEYS}
        openreview = _OPENREVIEW.search(links["openreview"] or _text(raw.get("openreview")))
        arxiv = _ARXIV.search(" ".join(_text(raw.get(k)) for k in ("pdf", "oa", "arxiv")))
        parsed.papers.append(
            PaperData(
                key=key,
                title=title,
                abstract=_text(raw.get("abstract")),
                keywords=[k for k in (_text(k) for k in raw.get("keywords") or []) if k]
                if isinstance(raw.get("keywords"), list)
                else [],
                authors=authors,
                status=_text(raw.get("status"))[:40],
                site_url=links["site"],
                code_url=links["github"],
                project_url=links["project"],
                video_url=links["video"],
                pdf_url=_url(raw.get("pdf")) or _url(raw.get("oa")),
                openreview_id=openreview[1] if openreview else "",
                arxiv_id=arxiv[1] if arxiv else "",
            )
        )
    parsed.people = list(people.values())
    return parsed
