"""Periodic refresh of conferences that have a source URL.

Beat calls ``refresh_sources`` every minute; a conference is due when its
``source_refresh_minutes`` have passed since ``source_checked_at``. The fetch is conditional
(ETag / If-Modified-Since): a 304 only records the check; new bytes become an ImportRun that
runs at once in the same worker.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from planner.enums import ImportStatus
from planner.importers.base import ScheduleFormatError
from planner.models import Conference, ImportRun
from planner.services.imports import fetch_schedule, import_run_create, import_run_execute


def conferences_due(*, now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    # Few conferences have a source URL; deciding in Python keeps this portable (SQLite
    # cannot multiply an integer column by an interval).
    rows = Conference.objects.exclude(source_url="").values_list(
        "id", "source_checked_at", "source_refresh_minutes"
    )
    return [
        pk
        for pk, checked, minutes in rows
        if checked is None or checked <= now - dt.timedelta(minutes=minutes)
    ]


def source_refresh(*, conference_id: int) -> ImportRun | None:
    """Fetch one conference's source URL and import it if it changed.

    Side effects: updates the conference's source_checked_at/ETag/Last-Modified; on new
    bytes creates and executes an ImportRun (see import_run_execute); on a fetch error
    records a FAILED ImportRun so organizers see it in the admin."""
    conference = Conference.objects.get(pk=conference_id)
    now = timezone.now()
    # Claim the check first: a second beat tick or worker skips this conference for now.
    claimed = Conference.objects.filter(
        pk=conference.pk, source_checked_at=conference.source_checked_at
    ).update(source_checked_at=now)
    if not claimed:
        return None
    try:
        fetched = fetch_schedule(
            conference.source_url,
            etag=conference.source_etag,
            last_modified=conference.source_last_modified,
        )
    except ScheduleFormatError as error:
        run = import_run_create(
            conference=conference, source=conference.source_url, fmt=conference.source_format
        )
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            started_at=now,
            finished_at=timezone.now(),
            errors=[{"text": str(error), **error.as_dict()}],
        )
        return ImportRun.objects.get(pk=run.pk)
    if fetched.status == 304:
        return None
    run = import_run_create(
        conference=conference,
        source=conference.source_url,
        data=fetched.data,
        fmt=conference.source_format,
    )
    result = import_run_execute(import_run_id=run.pk)
    if result is not None and result.status != ImportStatus.FAILED:
        # Remember the validators only once the bytes they describe were imported.
        Conference.objects.filter(pk=conference.pk).update(
            source_etag=fetched.etag[:200], source_last_modified=fetched.last_modified[:100]
        )
    return result
