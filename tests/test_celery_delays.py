"""Nothing is enqueued more than CELERY_MAX_DELAY_SECONDS (5 minutes) ahead: Redis hands a
message not acknowledged within its visibility timeout to another worker, so a task held
with a long ETA runs twice. Checked twice: statically over planner/'s source (every
``apply_async``/``retry``/``signature`` call with ``countdown=`` or ``eta=``) and at run time
(planner.celery_guard refuses such a publish)."""

from __future__ import annotations

import ast
import contextlib
import datetime as dt

import pytest
from django.conf import settings

from conf.env import BASE_DIR
from planner.celery_guard import DelayTooLong, check_eta

LIMIT = 300
CALLS = {"apply_async", "retry", "signature", "s", "si", "set"}


def _constants(tree: ast.Module) -> dict[str, object]:
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                with contextlib.suppress(ValueError):
                    values[target.id] = ast.literal_eval(node.value)
    return values


def delays_over_limit(source: str, name: str = "<source>") -> list[str]:
    """Each call that may delay a task past LIMIT: a countdown that is not a literal (or a
    module constant) ≤ LIMIT, and every ``eta=`` (an absolute time cannot be checked here)."""
    tree = ast.parse(source)
    constants = _constants(tree)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called not in CALLS:
            continue
        for keyword in node.keywords:
            where = f"{name}:{node.lineno} {called}({keyword.arg}=…)"
            if keyword.arg == "eta":
                problems.append(f"{where}: eta is not allowed, use a countdown ≤ {LIMIT} s")
            elif keyword.arg == "countdown":
                value = keyword.value
                if isinstance(value, ast.Name):
                    number = constants.get(value.id)
                else:
                    try:
                        number = ast.literal_eval(value)
                    except ValueError:
                        number = None
                if not isinstance(number, int | float) or number > LIMIT:
                    problems.append(f"{where}: countdown must be a constant ≤ {LIMIT} s")
    return problems


def test_limit_is_five_minutes():
    assert settings.CELERY_MAX_DELAY_SECONDS == LIMIT


def test_no_task_in_planner_is_enqueued_more_than_five_minutes_ahead():
    problems = []
    for path in sorted((BASE_DIR / "planner").rglob("*.py")):
        problems += delays_over_limit(path.read_text(), str(path.relative_to(BASE_DIR)))

    assert problems == []


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("task.apply_async(args=[1], countdown=3600)", 1),
        ("task.apply_async(args=[1], eta=when)", 1),
        ("self.retry(exc=e, countdown=backoff)", 1),  # not a constant
        ("DELAY = 600\ntask.apply_async(countdown=DELAY)", 1),
        ("task.s(1).set(countdown=301)", 1),
        ("task.apply_async(args=[1], countdown=30)", 0),
        ("DELAY = 300\ntask.apply_async(countdown=DELAY)", 0),
        ("task.delay(1)", 0),
    ],
)
def test_the_static_check_finds_long_delays(source, count):
    assert len(delays_over_limit(source)) == count


@pytest.mark.parametrize(
    "options",
    [
        {"countdown": LIMIT + 60},
        {"eta": dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)},
    ],
)
def test_publishing_a_task_more_than_five_minutes_ahead_is_refused(options):
    from planner.tasks import dispatch_due_reminders, ping

    with pytest.raises(DelayTooLong):
        ping.apply_async(**options)
    with pytest.raises(DelayTooLong):
        dispatch_due_reminders.s().apply_async(**options)


def test_guard_accepts_short_delays_and_refuses_long_ones():
    now = dt.datetime(2026, 10, 26, 12, 0, tzinfo=dt.UTC)

    check_eta(None, now=now)
    check_eta((now + dt.timedelta(seconds=LIMIT)).isoformat(), now=now)
    with pytest.raises(DelayTooLong):
        check_eta((now + dt.timedelta(seconds=LIMIT + 1)).isoformat(), now=now)
    with pytest.raises(DelayTooLong):
        check_eta(now + dt.timedelta(hours=2), now=now)
