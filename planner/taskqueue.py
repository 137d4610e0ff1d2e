"""Send a Celery task by its name, so the code that enqueues never imports ``planner.tasks``.

Imports run one way: ``planner.tasks`` (an interface) imports the services, and services
enqueue through this module (usually from ``transaction.on_commit``), naming the task
instead of importing it. ``tests/test_import_graph.py`` keeps it that way.
"""

from __future__ import annotations

import importlib
from typing import Any

from celery import current_app
from celery.result import AsyncResult


def task_send(name: str, *, args: list[Any] | None = None, **options: Any) -> AsyncResult:
    """Publish the task registered as ``name`` with ``args`` (ids, never objects).

    ``options`` are ``apply_async``'s (e.g. ``ignore_result=True``). Raises what publishing
    raises (the broker is down): callers that must not fail catch it. With
    CELERY_TASK_ALWAYS_EAGER (debugging) the task runs here, as ``apply_async`` would."""
    app = current_app
    if app.conf.task_always_eager:
        importlib.import_module("planner.tasks")  # registers the tasks; no import-time cycle
        return app.tasks[name].apply_async(args=args or [], **options)
    return app.send_task(name, args=args or [], **options)
