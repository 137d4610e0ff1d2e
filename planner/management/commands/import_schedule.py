"""``manage.py import_schedule SLUG FILE_OR_URL``: import a schedule, print the summary and diff.

Exit codes: 0 imported (or no changes), 1 the input was refused (nothing written),
2 usage errors (unknown format or zone, unreadable path).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from planner.enums import ImportFormat, ImportStatus
from planner.exceptions import ValidationFailed
from planner.importers import parse_schedule
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.models import Conference, ImportRun
from planner.services.imports import (
    conference_for_schedule,
    fetch_schedule,
    import_run_create,
    import_run_execute,
)
from planner.timezones import canonical_zone


class InputRefused(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=1)


def _read(location: str) -> tuple[bytes, str]:
    """Bytes and a file name from a path, a directory (zipped, for MiniConf sitedata) or a URL."""
    if location.startswith(("http://", "https://")):
        try:
            fetched = fetch_schedule(location)
        except ScheduleFormatError as error:
            raise InputRefused(str(error)) from None
        return fetched.data, location
    path = Path(location)
    if path.is_dir():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted(path.iterdir()):
                if member.is_file():
                    archive.write(member, member.name)
        return buffer.getvalue(), path.name + ".zip"
    try:
        return path.read_bytes(), path.name
    except OSError as error:
        raise CommandError(f"cannot read {location}: {error.strerror}", returncode=2) from None


class Command(BaseCommand):
    help = (
        "Import a schedule (frab XML, schedule JSON, CSV template or zip of them, iCalendar, MiniConf "
        "sitedata zip or folder, ACL MiniConf conference.json or build folder, Paper Copilot list, "
        "MiniConf papers/sponsors/socials YAML, Pentabarf xCal, pretalx API dump) from a file or "
        "URL into the conference SLUG. A new SLUG creates the conference, taking its name and time "
        "zone from the file. A paper list without sessions (Paper Copilot, accepted papers) "
        "enriches the papers already there, matched by title."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("location", metavar="FILE_OR_URL")
        parser.add_argument(
            "--format", choices=ImportFormat.values, default="", help="Skip detection."
        )
        parser.add_argument(
            "--timezone", default="", help="IANA zone for local times the file does not place."
        )
        parser.add_argument(
            "--source", default="import", help="Identity namespace (default 'import')."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )
        parser.add_argument(
            "--allow-empty",
            action="store_true",
            help="Accept a file with no events even though it cancels all events imported before.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        zone = options["timezone"]
        if zone and canonical_zone(zone) is None:
            raise CommandError(
                f"unknown time zone {zone!r}; use an IANA name such as Asia/Jerusalem", returncode=2
            )
        data, name = _read(options["location"])
        conference = Conference.objects.filter(slug=options["slug"]).first()
        if conference is not None:
            run = self._run(conference, data, name, options)
            self._report(run, conference)
            return
        # A new conference is created from the file, and kept only if the import succeeds.
        try:
            parsed = parse_schedule(
                data, ImportOptions(filename=name, timezone=zone), options["format"]
            )
            conference = conference_for_schedule(slug=options["slug"], parsed=parsed, zone=zone)
            conference.full_clean()
        except ScheduleFormatError as error:
            raise InputRefused(str(error)) from None
        except ValidationFailed as error:
            raise InputRefused(error.message) from None
        except Exception as error:
            if hasattr(error, "message_dict"):
                raise InputRefused(
                    f"cannot create conference {options['slug']!r}: {error.message_dict}"
                ) from None
            raise
        with transaction.atomic():
            conference.save()
            run = self._run(conference, data, name, options)
            if run.status == ImportStatus.FAILED or options["dry_run"]:
                transaction.set_rollback(True)
        self.stdout.write(
            f"{'Would create' if options['dry_run'] else 'Created'} conference {conference.slug!r}: "
            f"{conference.name}, {conference.timezone}, {conference.start_date} to {conference.end_date}"
            if run.status != ImportStatus.FAILED
            else ""
        )
        self._report(run, conference)

    def _run(
        self, conference: Conference, data: bytes, name: str, options: dict[str, Any]
    ) -> ImportRun:
        run = import_run_create(
            conference=conference,
            source=options["location"] if options["location"].startswith("http") else name,
            data=data,
            fmt=options["format"],
            zone=options["timezone"],
            source_key=options["source"],
            dry_run=options["dry_run"],
            allow_empty=options["allow_empty"],
        )
        return import_run_execute(import_run_id=run.pk) or run

    def _report(self, run: ImportRun, conference: Conference) -> None:
        if run.status == ImportStatus.FAILED:
            raise InputRefused(
                "import failed, nothing was written:\n  "
                + "\n  ".join(e["text"] for e in run.errors)
            )
        for warning in run.warnings:
            self.stderr.write(f"warning: {warning}")
        parsed = run.counts.get("parsed", {})
        self.stdout.write(
            f"{run.source}: {run.format}, "
            + ", ".join(f"{n} {kind}" for kind, n in parsed.items() if n)
            + f"; parse {run.timings.get('parse', 0):.2f} s, write {run.timings.get('write', 0):.2f} s"
        )
        papers = run.counts.get("paper", {})
        if "matched" in papers:
            self.stdout.write(
                f"{papers['matched']} papers matched the program's by title; "
                f"{papers.get('enriched', 0)} of them got links they lacked"
            )
        if run.status == ImportStatus.NO_CHANGES:
            self.stdout.write(self.style.SUCCESS("no changes"))
            return
        prefix = "would change" if run.dry_run else f"schedule version {run.schedule_version}"
        self.stdout.write(self.style.SUCCESS(f"{prefix}: {run.counts.get('changes', 0)} changes"))
        shown = run.diff[:50]
        for change in shown:
            fields = "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in change["fields"].items())
            self.stdout.write(
                f"  {change['action']:<11} {change['kind']:<8} {change['title'][:60]}"
                + (f"  ({fields})" if fields else "")
            )
        more = run.counts.get("changes", 0) - len(shown)
        if more > 0:
            self.stdout.write(f"  … and {more} more (see the import run in the admin)")
