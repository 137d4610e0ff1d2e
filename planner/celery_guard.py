"""Refuse to enqueue a task more than CELERY_MAX_DELAY_SECONDS ahead (ETA or countdown).

Redis (the production broker) hands a message that was not acknowledged within its
visibility timeout to another worker; a task held for hours with an ETA is such a message,
so it runs twice. Work for later is a database row swept by beat instead (reminders,
pending import runs). Every task of the app is a :class:`GuardedTask` (conf/celery.py), whose
``apply_async`` (also behind ``delay``, ``retry`` and signatures) checks the delay before
anything is published; tests/test_celery_delays.py also checks the source statically.
"""

from __future__ import annotations

import datetime as dt

from celery import Task
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


def check_countdown(countdown: float | None) -> None:
    limit = settings.CELERY_MAX_DELAY_SECONDS
    if countdown is not None and countdown > limit:
        raise DelayTooLong(
            f"a task may not be enqueued more than {limit} s ahead (countdown {countdown} s): "
            "store a row and let beat sweep it"
        )


class GuardedTask(Task):
    """The app's task class: refuses a countdown or ETA beyond the limit."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, shadow=None, **options):  # fmt: skip
        check_countdown(options.get("countdown"))
        check_eta(options.get("eta"))
        return super().apply_async(
            args, kwargs, task_id, producer, link, link_error, shadow, **options
        )
