"""Import runs: get the bytes (upload or URL), parse, upsert, and record what happened.

An ImportRun is written before anything is parsed and updated as it goes (``stage``), so the
admin can show progress. The program itself changes in one transaction
(:func:`planner.services.schedule_upsert.schedule_upsert`): a failed run leaves zero program
rows behind, and a dry run rolls back after computing the diff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import urllib.parse
from dataclasses import dataclass, field
from functools import partial

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from planner import safe_fetch
from planner.enums import ImportStatus
from planner.exceptions import ScheduleMismatch, ValidationFailed
from planner.importers import parse_schedule
from planner.importers.base import (
    ImportOptions,
    ParsedSchedule,
    ScheduleFormatError,
)
from planner.models import (
    Authorship,
    Booth,
    BoothHours,
    Conference,
    ImportRun,
    Meal,
    Oral,
    Paper,
    Person,
    Poster,
    Session,
)
from planner.services.import_guard import schedule_mismatch_check
from planner.services.notifications import schedule_change_alerts
from planner.services.reminders import reminders_sync_for_changes
from planner.services.schedule_upsert import UpsertResult, schedule_upsert
from planner.taskqueue import task_send
from planner.timezones import canonical_zone

logger = logging.getLogger(__name__)

DIFF_LIMIT = 1000
IMPORT_RUN_TASK = "planner.imports.run"  # planner.tasks.import_run, sent by name
USER_AGENT = "Boardwalk schedule importer"


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after the diff is known."""


@dataclass(slots=True)
class Fetched:
    status: int  # 200, or 304 when the source says it has not changed
    data: bytes = b""
    etag: str = ""
    last_modified: str = ""
    filename: str = ""


def fetch_schedule(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """GET ``url`` with conditional headers through :func:`planner.safe_fetch.fetch`: public
    addresses only (or IMPORT_URL_ALLOWED_HOSTS), bounded size, time and redirects. Every
    network failure becomes the same ScheduleFormatError message; the cause is logged."""
    name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1] or url
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        response = safe_fetch.fetch(url, headers=headers, ok_statuses=(200, 304))
    except (
        safe_fetch.UnsafeURL,
        safe_fetch.FetchFailed,
        safe_fetch.HTTPStatusError,
        safe_fetch.BodyTooLarge,
    ) as error:
        raise ScheduleFormatError(str(error), file=url) from None
    if response.status == 304:
        return Fetched(status=304, etag=etag, last_modified=last_modified, filename=name)
    return Fetched(
        status=response.status,
        data=response.body,
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
        filename=name,
    )


@dataclass(slots=True)
class ImportOutcome:
    parsed: ParsedSchedule
    result: UpsertResult
    dry_run: bool
    timings: dict[str, float] = field(default_factory=dict)


def schedule_import(
    *,
    conference: Conference,
    data: bytes,
    filename: str,
    fmt: str = "",
    zone: str = "",
    source: str = "import",
    dry_run: bool = False,
    import_run: ImportRun | None = None,
    on_stage=None,
    allow_empty: bool = False,
    force: bool = False,
) -> ImportOutcome:
    """Parse ``data`` and upsert it into ``conference``. Raises ScheduleFormatError or
    ValidationFailed on bad input, having written nothing. A dry run computes the same result
    and rolls back. A file that seems to be another conference's program
    (:func:`planner.services.import_guard.schedule_mismatch_check`) raises ScheduleMismatch
    before anything is written, unless ``force``; its items outside the conference's dates
    are warnings either way. Side effects: those of schedule_upsert; on commit, those of
    reminders_sync_for_changes for the changed rows, and schedule-change alerts to the
    attendees whose plan items moved or were cancelled
    (planner.services.notifications.schedule_change_alerts), both in the import's own
    transaction (:func:`_program_change_follow_ups`)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if on_stage:
        on_stage("parsing")
    parsed = parse_schedule(
        data, ImportOptions(filename=filename, timezone=zone or conference.timezone), fmt
    )
    timings["parse"] = time.perf_counter() - started
    report = schedule_mismatch_check(conference=conference, parsed=parsed, source=source)
    parsed.warnings.extend(report.outside)
    if report.findings and not force:
        if report.confirmed_by is None:
            raise report.error(conference)
        parsed.warnings.append(report.confirmed_warning())
    if on_stage:
        total = sum(parsed.counts().values())
        on_stage(f"writing {total:,} items" + (" (dry run)" if dry_run else ""))
    started = time.perf_counter()
    result: UpsertResult | None = None
    try:
        with transaction.atomic():
            result = schedule_upsert(
                conference=conference,
                parsed=parsed,
                source=source,
                import_run=None if dry_run else import_run,
                allow_empty=allow_empty,
            )
            if dry_run:
                raise _DryRun
            _program_change_follow_ups(conference=conference, result=result)
    except _DryRun:
        conference.refresh_from_db(fields=["schedule_version"])
    except DatabaseError as error:
        # A constraint the parser could not see (e.g. two posters on one board): name it.
        raise ValidationFailed(f"the database refused the schedule: {error}") from error
    timings["write"] = time.perf_counter() - started
    if not dry_run and result is not None:
        _flush_search_index(result)
        _refresh_statistics(result)
    if result is None:  # pragma: no cover - schedule_upsert returns or raises
        raise RuntimeError("upsert returned nothing")
    return ImportOutcome(parsed=parsed, result=result, dry_run=dry_run, timings=timings)


def _program_change_follow_ups(*, conference: Conference, result: UpsertResult) -> None:
    """In the import's own transaction, each under a savepoint: the reminders of the plan
    items on moved, re-roomed, cancelled or restored rows (in bulk), then one schedule-change
    alert per affected attendee (in-app rows and the push/e-mail Outbound rows). They commit
    with the program or not at all: written after the commit (on_commit), a worker killed in
    between left moved items reminding at the old time and the alerts never written (a
    re-run of the same file sees no changes). A failure of either is logged and rolled back
    to its savepoint; the import stands (the next plan write or import re-syncs)."""
    if result.changes:
        try:
            with transaction.atomic():
                reminders_sync_for_changes(conference=conference, changes=result.changes)
        except Exception:
            logger.exception("re-syncing reminders after importing into %s failed", conference)
    if result.changed:
        try:
            with transaction.atomic():
                schedule_change_alerts(
                    conference_id=conference.pk, schedule_version=result.schedule_version
                )
        except Exception:
            logger.exception("schedule-change alerts for %s failed", conference)


BIG_IMPORT_WRITES = 1000


def _refresh_statistics(result: UpsertResult) -> None:
    """After a big import on PostgreSQL, ANALYZE the program tables now: until autovacuum
    comes round the planner believes they are as small as before, and picks sequential scans
    and hash joins of whole tables (measured: 43 ms instead of 1 ms for a plan's authors)."""
    from django.db import connection

    if connection.vendor != "postgresql" or result.writes < BIG_IMPORT_WRITES:
        return
    tables = [
        model._meta.db_table
        for model in (Person, Paper, Authorship, Session, Oral, Poster, Booth, BoothHours, Meal)
    ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    except DatabaseError:
        # The import itself has committed; autovacuum will analyze later. Say so, go on.
        logger.warning("ANALYZE after the import failed", exc_info=True)


def _flush_search_index(result: UpsertResult) -> None:
    """After a big import on PostgreSQL, merge the GIN index's pending list now, so the first
    searches are not slow scans while autovacuum has not come round yet."""
    from django.db import connection

    if connection.vendor != "postgresql" or result.counts.get("paper", {}).get("created", 0) < 500:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('paper_search_idx'::regclass)")


def import_run_create(
    *,
    conference: Conference,
    source: str,
    data: bytes | None = None,
    fmt: str = "",
    zone: str = "",
    source_key: str = "import",
    dry_run: bool = False,
    allow_empty: bool = False,
    force: bool = False,
    user=None,
) -> ImportRun:
    """A pending ImportRun for an upload (``data``) or a URL (``source``). Writes the file to
    storage so a worker on another process can read it. Enqueues nothing."""
    if zone and canonical_zone(zone) is None:
        raise ValidationFailed(f"unknown time zone {zone!r}", field="timezone")
    run = ImportRun(
        conference=conference,
        source=source[:500],
        format=fmt,
        timezone=(canonical_zone(zone) or "") if zone else "",
        source_key=source_key or "import",
        dry_run=dry_run,
        allow_empty=allow_empty,
        force=force,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if data is not None:
        run.checksum = hashlib.sha256(data).hexdigest()
        name = source.rsplit("/", 1)[-1] or "schedule"
        run.file.save(name, ContentFile(data), save=False)
    run.save()
    return run


def _set_stage(run_id: int, stage: str) -> None:
    ImportRun.objects.filter(pk=run_id).update(stage=stage[:200])


def import_run_execute(*, import_run_id: int) -> ImportRun | None:
    """Run a pending ImportRun once. Claimed with a conditional update, so a second worker (or
    a redelivered task) does nothing. Input errors end as status FAILED with the message;
    they are not raised. Returns the run, or None if it was not pending."""
    claimed = ImportRun.objects.filter(pk=import_run_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), stage="starting"
    )
    if not claimed:
        return None
    run = ImportRun.objects.select_related("conference").get(pk=import_run_id)
    timings: dict[str, float] = {}
    try:
        if run.file:
            with run.file.open("rb") as handle:
                data = handle.read()
            filename = run.source.rsplit("/", 1)[-1] or run.file.name
        else:
            _set_stage(run.pk, "fetching")
            started = time.perf_counter()
            fetched = fetch_schedule(run.source)
            timings["fetch"] = time.perf_counter() - started
            data, filename = fetched.data, fetched.filename
            run.checksum = hashlib.sha256(data).hexdigest()
        previous = _same_bytes_as_last_import(run)
        if previous is not None:
            run.format = previous.format
            run.warnings = [
                f"{filename}: the same bytes (SHA-256 {run.checksum[:12]}…) as import run "
                f"#{previous.pk}, and the program has not changed since (schedule version "
                f"{previous.schedule_version}): not parsed"
            ]
            run.counts = {"changes": 0, "writes": 0, "same_bytes_as": previous.pk}
            run.schedule_version = previous.schedule_version
            _finish(run, ImportStatus.NO_CHANGES, timings)
            return run
        outcome = schedule_import(
            conference=run.conference,
            data=data,
            filename=filename,
            fmt=run.format,
            zone=run.timezone,
            source=run.source_key,
            dry_run=run.dry_run,
            allow_empty=run.allow_empty,
            force=run.force,
            import_run=run,
            on_stage=lambda stage: _set_stage(run.pk, stage),
        )
    except (ScheduleFormatError, ValidationFailed, ScheduleMismatch) as error:
        if isinstance(error, ScheduleMismatch):
            run.warnings = error.warnings[:DIFF_LIMIT]
        _finish(run, ImportStatus.FAILED, timings, errors=[_error_record(error)])
        return run
    timings.update(outcome.timings)
    result = outcome.result
    run.format = outcome.parsed.format
    run.warnings = outcome.parsed.warnings[:DIFF_LIMIT]
    run.counts = {
        "parsed": outcome.parsed.counts(),
        **result.counts,
        "changes": len(result.changes),
        "writes": result.writes,
    }
    run.diff = [change.as_dict() for change in result.changes[:DIFF_LIMIT]]
    run.schedule_version = result.schedule_version
    _finish(run, ImportStatus.SUCCEEDED if result.changed else ImportStatus.NO_CHANGES, timings)
    return run


def _same_bytes_as_last_import(run: ImportRun) -> ImportRun | None:
    """The last successful run of the same source whose file had these very bytes, read with
    the same format and zone, when the program has not changed since (the conference's
    schedule version is still the one that run left: no admin edit, no other import).
    Importing the bytes again would change nothing, so they need not even be parsed."""
    if not run.checksum:
        return None
    last = (
        ImportRun.objects.filter(
            conference_id=run.conference_id,
            source_key=run.source_key,
            dry_run=False,
            status__in=[ImportStatus.SUCCEEDED, ImportStatus.NO_CHANGES],
        )
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if (
        last is None
        or last.checksum != run.checksum
        or last.timezone != run.timezone
        or run.format not in ("", last.format)
        or last.schedule_version is None
    ):
        return None
    version = Conference.objects.values_list("schedule_version", flat=True).get(
        pk=run.conference_id
    )
    return last if version == last.schedule_version else None


def _error_record(error: ScheduleFormatError | ValidationFailed | ScheduleMismatch) -> dict:
    """How a refusal is stored in ImportRun.errors: ``text`` to show, plus the details."""
    if isinstance(error, ScheduleFormatError | ScheduleMismatch):
        return {"text": str(error), **error.as_dict()}
    return {"text": str(error), "message": error.message, "field": error.field}


def _finish(
    run: ImportRun, status: str, timings: dict[str, float], errors: list | None = None
) -> None:
    run.status = status
    run.errors = errors or []
    run.finished_at = timezone.now()
    run.timings = {k: round(v, 3) for k, v in timings.items()}
    run.stage = ""
    run.save(
        update_fields=[
            "status",
            "errors",
            "finished_at",
            "timings",
            "stage",
            "format",
            "warnings",
            "counts",
            "diff",
            "schedule_version",
            "checksum",
        ]
    )


def conference_for_schedule(
    *, slug: str, parsed: ParsedSchedule, zone: str = "", filename: str = ""
) -> Conference:
    """A new (unsaved) Conference described by an imported file: its name, zone and dates.

    The zone is ``zone`` if given, else the file's; a file without one needs ``zone``. The
    dates are the file's, else the local days its sessions and meals span; a file with
    neither (a papers list) cannot say when the conference is, and is refused rather than
    dated today."""
    name = parsed.conference.name or slug
    where = filename or "the file"
    tz_name = canonical_zone(zone) if zone else parsed.conference.timezone
    if not tz_name:
        raise ValidationFailed(
            f"{where} names no time zone, and conference {slug!r} does not exist yet to "
            "take one from; pass --timezone (an IANA name such as Europe/Berlin)",
            field="timezone",
        )
    start, end = parsed.conference.start_date, parsed.conference.end_date
    instants = [s.start for s in parsed.sessions] + [s.end for s in parsed.sessions]
    instants += [m.start for m in parsed.meals] + [m.end for m in parsed.meals]
    if instants and (start is None or end is None):
        conference_tz = Conference(timezone=tz_name).tz
        local_days = [i.astimezone(conference_tz).date() for i in instants]
        start, end = start or min(local_days), end or max(local_days)
    if start is None and end is None:
        what = ", ".join(f"{n:,} {kind}" for kind, n in parsed.counts().items() if n)
        raise ValidationFailed(
            f"{where} holds {what or 'nothing dated'} but no sessions or dates, so it cannot "
            f"say when conference {slug!r} takes place; create the conference first (in the "
            "admin, or by importing its program) and then import this file into it",
            field="slug",
        )
    start, end = start or end, end or start
    if end < start:
        end = start
    return Conference(slug=slug, name=name[:200], timezone=tz_name, start_date=start, end_date=end)


WAITING_FOR_BROKER = "queued, waiting for the broker"
# A pending run nobody tried to send (the web process died between commit and publish).
ORPHAN_AFTER = dt.timedelta(minutes=1)
# A pending run sent this long ago and still not claimed: the message was lost (e.g. Redis
# restarted without persistence). Sending it again is harmless: the task claims the run.
LOST_AFTER = dt.timedelta(minutes=15)
SWEEP_LIMIT = 100


def import_run_submit(**kwargs) -> ImportRun:
    """Create a pending ImportRun (see import_run_create) and send ``planner.imports.run``
    for it once the surrounding transaction commits (:func:`import_run_dispatch`: never
    raises; with the broker down the run stays pending for the sweeper)."""
    run = import_run_create(**kwargs)
    transaction.on_commit(partial(import_run_dispatch, import_run_id=run.pk))
    return run


def import_run_dispatch(*, import_run_id: int) -> bool:
    """Send the task of a pending run to the broker; True if the broker took it.

    Side effects: ``dispatch_attempts`` + 1 before sending (so the sweeper knows the run is
    meant for a worker even if this process dies now); ``dispatched_at`` on success; on
    failure a warning in the log and ``stage`` = WAITING_FOR_BROKER. Never raises: the run
    is safe in the database and :func:`import_runs_dispatch_pending` sends it later."""
    pending = ImportRun.objects.filter(pk=import_run_id, status=ImportStatus.PENDING)
    if not pending.update(dispatch_attempts=F("dispatch_attempts") + 1):
        return False  # claimed (or gone) meanwhile: nothing to send
    try:
        # ignore_result: nobody waits on it (the run row is the result), and subscribing to
        # a result while Redis is down retries for ~20 s before giving up.
        task_send(IMPORT_RUN_TASK, args=[import_run_id], ignore_result=True)
    except Exception as error:
        logger.warning(
            "import run %s not sent to the broker (%s: %s); the sweeper will retry",
            import_run_id,
            type(error).__name__,
            error,
        )
        pending.update(stage=WAITING_FOR_BROKER)
        return False
    ImportRun.objects.filter(pk=import_run_id).update(dispatched_at=timezone.now())
    return True


def import_runs_dispatch_pending(*, limit: int = SWEEP_LIMIT) -> int:
    """Send again the pending runs whose task never reached a worker: sending failed, was
    never tried, or was lost (see ORPHAN_AFTER, LOST_AFTER). Oldest first; stops at the
    first failure (the broker is still down). Returns how many were sent."""
    now = timezone.now()
    due = (
        ImportRun.objects.filter(status=ImportStatus.PENDING)
        .filter(
            Q(dispatched_at__isnull=True, dispatch_attempts__gt=0)
            | Q(dispatched_at__isnull=True, created_at__lt=now - ORPHAN_AFTER)
            | Q(dispatched_at__lt=now - LOST_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for run_id in list(due):
        if not import_run_dispatch(import_run_id=run_id):
            if ImportRun.objects.filter(pk=run_id, status=ImportStatus.PENDING).exists():
                break  # the broker refused: the next sweep tries again
            continue  # a worker claimed it meanwhile
        sent += 1
    return sent


def import_run_fail(
    *, import_run: ImportRun, error: ScheduleFormatError | ValidationFailed | ScheduleMismatch
) -> ImportRun:
    """Record a run refused before it was queued (the API and the admin check uploads at
    once)."""
    now = timezone.now()
    import_run.status = ImportStatus.FAILED
    import_run.started_at = import_run.finished_at = now
    import_run.errors = [_error_record(error)]
    if isinstance(error, ScheduleMismatch):
        import_run.warnings = error.warnings[:DIFF_LIMIT]
    import_run.save(update_fields=["status", "started_at", "finished_at", "errors", "warnings"])
    return import_run
