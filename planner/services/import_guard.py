"""The wrong file into the wrong conference: catch it before anything is written.

Tried as an organizer would, FOSDEM 2026's schedule.xml uploaded into the (pre-selected) ECCV
demo conference "succeeded" with 883 sessions in January. :func:`schedule_mismatch_check`
compares what the file says about itself (its title, acronym and dates) and where its items
fall with the target conference, and says what disagrees. The import service refuses such a
file (:class:`planner.exceptions.ScheduleMismatch`, 409 in the API) unless it is forced;
items outside the conference's dates are listed as warnings either way.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from planner.enums import ImportStatus
from planner.exceptions import ScheduleMismatch
from planner.importers.base import ParsedSchedule
from planner.importers.common import normalize_title
from planner.models import Conference, ImportRun, Paper

# An item a day before or after the conference (a reception on the eve, a tour the day after;
# or a late-night session whose local date is the next day) is no sign of a wrong file.
SLACK = dt.timedelta(days=1)
LISTED = 20
# A list of papers that enriches a program (Paper Copilot, accepted_papers.yml) has no dates
# and no conference title to compare: what says it is another conference's is that its titles
# miss the program's. Compared once both sides hold this many papers; below this share of
# matches (of the smaller side) the list is taken for another conference's.
PAPERS_COMPARED = 20
PAPERS_MATCHED_SHARE = 0.05

# Words that say nothing about which conference a title names.
_STOPWORDS = frozenset(
    {
        "the",
        "of",
        "on",
        "and",
        "for",
        "in",
        "at",
        "de",
        "la",
        "le",
        "des",
        "und",
        "der",
        "die",
        "das",
        "international",
        "annual",
        "conference",
        "conf",
        "congress",
        "symposium",
        "workshop",
        "meeting",
        "summit",
        "forum",
        "convention",
        "program",
        "programme",
        "schedule",
        "calendar",
        "agenda",
        "edition",
        "th",
        "st",
        "nd",
        "rd",
        "ieee",
        "acm",
        "cvf",
    }
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def _words(*texts: str) -> set[str]:
    words: set[str] = set()
    for text in texts:
        normalized = unicodedata.normalize("NFKC", text or "").casefold()
        words |= {w for w in _WORD.findall(normalized) if w not in _STOPWORDS}
    return words


@dataclass(slots=True)
class MismatchReport:
    findings: list[str] = field(default_factory=list)  # reasons to stop, in words
    outside: list[str] = field(default_factory=list)  # warnings: items outside the dates
    found: dict[str, object] = field(default_factory=dict)
    target: dict[str, object] = field(default_factory=dict)
    # The source's last successful import was forced (an organizer confirmed that this source
    # is this conference's program): its next versions are not stopped again, only warned of.
    confirmed_by: int | None = None

    def confirmed_warning(self) -> str:
        return (
            "imported although it does not look like the conference's program ("
            + "; ".join(self.findings)
            + f"): this source was confirmed as the conference's in import run #{self.confirmed_by}"
        )

    def error(self, conference: Conference) -> ScheduleMismatch:
        error = ScheduleMismatch(
            f"this file does not look like the program of {conference.name} "
            f"({conference.start_date:%Y-%m-%d} to {conference.end_date:%Y-%m-%d}): "
            + "; ".join(self.findings)
            + ". Nothing was written; import anyway (CLI --force, API force=true, admin: "
            "confirm) if it is the right file",
            findings=self.findings,
            found=self.found,
            target=self.target,
        )
        error.warnings = list(self.outside)
        return error


def _dated_items(parsed: ParsedSchedule) -> list[tuple[str, str, dt.datetime, dt.datetime]]:
    items = [("session", s.title, s.start, s.end) for s in parsed.sessions if not s.cancelled]
    items += [("meal", m.title, m.start, m.end) for m in parsed.meals]
    items += [("oral", o.title or o.key, o.start, o.end) for o in parsed.orals]
    for booth in parsed.booths:
        items += [("booth hours", booth.exhibitor, start, end) for start, end in booth.hours]
    return items


def schedule_mismatch_check(
    *, conference: Conference, parsed: ParsedSchedule, source: str = "import"
) -> MismatchReport:
    """What in ``parsed`` disagrees with ``conference``:

    - items (sessions, meals, orals, booth hours) whose local dates fall outside the
      conference's dates by more than :data:`SLACK` (each listed as a warning too);
    - the file's own dates (frab ``<conference><start>/<end>``, …), when they do not overlap
      the conference's (with the same slack);
    - a list of papers that would enrich the program (no dates, no title: Paper Copilot,
      ``accepted_papers.yml``), when hardly any of its titles is among the program's papers
      (:data:`PAPERS_MATCHED_SHARE` of the smaller side, both holding at least
      :data:`PAPERS_COMPARED`): ECCV's list into CVPR. Not once the list's papers were
      imported from ``source`` (a forced import, or the list came first);
    - the file's own title or acronym, when it shares no word with the conference's name,
      acronym or slug (years, numbers and words like "conference" aside). Checked only on the
      first import of ``source`` into the conference: once a file was accepted, its next
      versions carry the same title, and a conference may be named otherwise than its feed.

    When the source's last successful import was forced, ``confirmed_by`` names it: the
    organizer said this source is the conference's program, and its next versions (a URL
    refreshed on a timer) are imported with the findings as a warning, not stopped again.
    """
    tz = conference.tz
    first_day = conference.start_date - SLACK
    last_day = conference.end_date + SLACK
    report = MismatchReport()
    info = parsed.conference
    report.target = {
        "name": conference.name,
        "slug": conference.slug,
        "start_date": conference.start_date.isoformat(),
        "end_date": conference.end_date.isoformat(),
        "timezone": conference.timezone,
    }
    items = _dated_items(parsed)
    outside: list[tuple[str, str, dt.date]] = []
    days: list[dt.date] = []
    for kind, title, start, end in items:
        start_day, end_day = start.astimezone(tz).date(), end.astimezone(tz).date()
        days += [start_day, end_day]
        if end_day < first_day or start_day > last_day:
            outside.append((kind, title, start_day))
    report.found = {
        "name": info.name,
        "acronym": info.acronym,
        "start_date": info.start_date.isoformat() if info.start_date else None,
        "end_date": info.end_date.isoformat() if info.end_date else None,
        "first_item": min(days).isoformat() if days else None,
        "last_item": max(days).isoformat() if days else None,
        "items": len(items),
        "items_outside": len(outside),
    }
    span = f"{conference.start_date:%Y-%m-%d} to {conference.end_date:%Y-%m-%d}"
    for kind, title, day in outside[:LISTED]:
        report.outside.append(
            f"{kind} {title[:80]!r} on {day:%Y-%m-%d} is outside the conference's dates ({span})"
        )
    if len(outside) > LISTED:
        report.outside.append(
            f"… and {len(outside) - LISTED:,} more items outside the conference's dates ({span})"
        )
    if outside:
        report.findings.append(
            f"{len(outside):,} of its {len(items):,} dated items fall outside the conference's "
            f"dates by more than a day (the file runs {min(days):%Y-%m-%d} to "
            f"{max(days):%Y-%m-%d})"
        )
    if info.start_date or info.end_date:
        file_start = info.start_date or info.end_date
        file_end = info.end_date or info.start_date
        if file_start and file_end and (file_end < first_day or file_start > last_day):
            report.findings.append(
                f"the file says its conference runs {file_start:%Y-%m-%d} to {file_end:%Y-%m-%d}"
            )
    last = (
        ImportRun.objects.filter(
            conference=conference,
            source_key=source,
            dry_run=False,
            status__in=[ImportStatus.SUCCEEDED, ImportStatus.NO_CHANGES],
        )
        .order_by("-finished_at", "-pk")
        .only("pk", "force")
        .first()
    )
    if last is not None and last.force:
        report.confirmed_by = last.pk
    if parsed.enrich_papers:
        _compare_papers(report, conference=conference, parsed=parsed, source=source)
    file_words = _words(info.name, info.acronym)
    target_words = _words(conference.name, conference.slug.replace("-", " "))
    if file_words and target_words and not (file_words & target_words) and last is None:
        title = " / ".join(t for t in (info.name, info.acronym) if t)
        report.findings.append(
            f"the file names its conference {title!r}, which shares no word with "
            f"{conference.name!r}"
        )
    return report


def _compare_papers(
    report: MismatchReport, *, conference: Conference, parsed: ParsedSchedule, source: str
) -> None:
    titles = {normalize_title(p.title) for p in parsed.papers} - {""}
    if len(titles) < PAPERS_COMPARED:
        return
    keys = {p.key for p in parsed.papers}
    program_titles: set[str] = set()
    for title, paper_source, external_id in Paper.objects.filter(conference=conference).values_list(
        "title", "source", "external_id"
    ):
        if paper_source == source and external_id in keys:
            return  # this list was imported before: its next versions are not compared
        program_titles.add(normalize_title(title))
    program_titles.discard("")
    if len(program_titles) < PAPERS_COMPARED:
        return  # no program to compare with yet: the list is the first papers
    matched = len(titles & program_titles)
    report.found["papers"] = len(titles)
    report.found["papers_matched"] = matched
    if matched < PAPERS_MATCHED_SHARE * min(len(titles), len(program_titles)):
        report.findings.append(
            f"only {matched:,} of its {len(titles):,} paper titles match one of the "
            f"{len(program_titles):,} papers the conference already has (a list of another "
            "conference's papers?)"
        )
