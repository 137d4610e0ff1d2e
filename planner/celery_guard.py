"""Refuse to enqueue a task more than CELERY_MAX_DELAY_SECONDS ahead (ETA or countdown).

Redis (the production broker) hands a message that was not acknowledged within its
visibility timeout to another worker; a task held for hours with an ETA is such a message,
so it runs twice. Work for later is a database row swept by beat instead (reminders,
pending import runs). tests/test_celery_delays.py also checks the source statically.
"""

from __future__ import annotations

import datetime as dt

from celery.signals import before_task_publish
from django.conf import settings


class DelayTooLong(ValueError):
    pass


def check_eta(eta: str | dt.datetime | None, *, now: dt.datetime | None = None) -> None:
    if not eta:
        return
    when = eta if isinstance(eta, dt.datetime) else dt.datetime.fromisoformat(eta)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    limit = settings.CELERY_MAX_DELAY_SECONDS
    if (when - now).total_seconds() > limit:
        raise DelayTooLong(
            f"a task may not be enqueued more than {limit} s ahead (ETA {when.isoformat()}): "
            "store a row and let beat sweep it"
        )


@before_task_publish.connect(dispatch_uid="planner.celery_guard")
def _refuse_long_delays(sender=None, headers=None, **kwargs) -> None:
    check_eta((headers or {}).get("eta"))
