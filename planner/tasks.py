"""Celery tasks: thin interfaces that take ids and call services.

Imports run one way: this module imports the services; services send tasks by name
(:func:`planner.taskqueue.task_send`) and never import this module."""

from __future__ import annotations

from celery import shared_task

from planner import health
from planner.enums import ImportStatus
from planner.ical.feeds import conference_feed
from planner.models import Conference
from planner.services.imports import import_run_execute, import_runs_dispatch_pending
from planner.services.refresh import conferences_due, source_refresh


@shared_task(name="planner.health.ping")
def ping(value: str = "pong") -> str:
    """Round-trip probe: proves a worker consumes from the broker and results come back."""
    return value


@shared_task(name="planner.health.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Scheduled by beat; /healthz shows when a worker last ran it."""
    return health.record_heartbeat()


@shared_task(name="planner.imports.run", acks_late=True)
def import_run(import_run_id: int) -> str:
    """Execute one ImportRun (claimed in the database, so a redelivery is harmless)."""
    run = import_run_execute(import_run_id=import_run_id)
    if run is not None and run.status == ImportStatus.SUCCEEDED and not run.dry_run:
        # Build the new version's public feed now, in the worker, so no calendar app's
        # request has to (the cache is shared with the web processes).
        conference_feed(Conference.objects.get(pk=run.conference_id))
    return run.status if run else "skipped"


@shared_task(name="planner.imports.dispatch_pending", ignore_result=True)
def dispatch_pending_imports() -> int:
    """Beat (every DISPATCH_SWEEP_SECONDS): send the import runs whose task could not be
    sent when they were created (the broker was down) or was lost. Beat cannot send this
    while the broker is down either: it runs as soon as the broker is back."""
    return import_runs_dispatch_pending()


@shared_task(name="planner.imports.refresh_sources", ignore_result=True)
def refresh_sources() -> int:
    """Beat: fetch every conference source URL that is due (ETag / If-Modified-Since)."""
    count = 0
    for conference_id in conferences_due():
        source_refresh(conference_id=conference_id)
        count += 1
    return count


# Acknowledged when it starts (not CELERY_TASK_ACKS_LATE): a lost sweep is replaced by beat's
# next tick and its claimed rows by the reconciler, so late acks buy nothing here, while an
# unacknowledged message when Redis drops makes kombu 5.7 restore it on a dead connection and
# the worker stop ("Unrecoverable error: AttributeError … 'hostname'"; see
# tests/notifications/test_dispatch_redis_outage.py).
@shared_task(name="planner.reminders.dispatch_due", ignore_result=True, acks_late=False)
def dispatch_due_reminders(helpers: int | None = None) -> dict[str, object]:
    """Beat (every REMINDER_DISPATCH_SECONDS, ≤ 30 s): claim due reminders and deliver them.
    Claims are in the database, so overlapping sweeps or a redelivered message send nothing
    twice; a sweep killed midway leaves rows the next one's reconciler picks up. With a
    backlog, beat's sweep sends REMINDER_DISPATCH_HELPERS helper sweeps (``helpers=0``)."""
    from django.conf import settings

    from planner.services.reminder_dispatch import reminders_dispatch_due

    if helpers is None:
        helpers = settings.REMINDER_DISPATCH_HELPERS
    return reminders_dispatch_due(helpers=helpers).as_dict()


@shared_task(name="planner.reminders.send_digests", ignore_result=True)
def send_due_digests() -> dict[str, int]:
    """Beat (every DIGEST_SWEEP_SECONDS, ≤ 5 min): write the evening digests now due (in-app
    at once; push and e-mail rows that the reminder sweep delivers). Once per attendee per
    local day, so an overlapping or redelivered run writes nothing twice."""
    from planner.services.digest import digests_send_due

    report = digests_send_due()
    return {"due": report.due, "sent": report.sent}
