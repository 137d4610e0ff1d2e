"""Writes to an attendee's plan. Every accepted change bumps ``Attendee.plan_version``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Model

from planner.exceptions import NotFound, ValidationFailed
from planner.models import Attendee, PlanItem
from planner.selectors.plans import plan_target_get
from planner.services.reminders import reminders_sync_for_items

_EDITABLE = ("status", "note", "reminder_minutes", "visit_start", "visit_end")


@dataclass(frozen=True)
class PlanWrite:
    item: PlanItem
    created: bool
    changed: bool


def _bump_plan_version(attendee: Attendee) -> None:
    # F expression: two devices changing the plan at once both count.
    Attendee.objects.filter(pk=attendee.pk).update(plan_version=F("plan_version") + 1)


def _locked_item(*, attendee: Attendee, kind: str, target: Model) -> PlanItem | None:
    # of=self and pk order: the default ordering joins attendee and conference, and
    # FOR UPDATE would lock their rows too.
    return (
        PlanItem.objects.select_for_update(of=("self",))
        .filter(attendee=attendee, **{kind: target})
        .order_by("pk")
        .first()
    )


@transaction.atomic
def plan_item_put(
    *,
    attendee: Attendee,
    kind: str,
    target_id: int,
    status: str,
    note: str,
    reminder_minutes: int | None,
    visit_start: dt.datetime | None = None,
    visit_end: dt.datetime | None = None,
) -> PlanWrite:
    """Star ``kind``/``target_id`` with exactly these values (idempotent upsert).

    A replay of the same values changes nothing. Concurrent first PUTs make one row: the
    insert runs in a savepoint and a unique-constraint loss re-reads the winner's row.

    Side effects: creates or updates one PlanItem; bumps ``attendee.plan_version`` and
    syncs the item's Reminder rows (planner.services.reminders) when anything changed. Raises NotFound when the target is not in the attendee's conference.
    """
    target = plan_target_get(conference=attendee.conference, kind=kind, target_id=target_id)
    values = {
        "status": status,
        "note": note,
        "reminder_minutes": reminder_minutes,
        "visit_start": visit_start,
        "visit_end": visit_end,
    }
    _check_visit(kind, values)
    item = _locked_item(attendee=attendee, kind=kind, target=target)
    if item is None:
        try:
            with transaction.atomic():
                item = PlanItem.objects.create(attendee=attendee, **{kind: target}, **values)
        except IntegrityError:
            item = _locked_item(attendee=attendee, kind=kind, target=target)
            if item is None:  # not the unique constraint after all
                raise
        else:
            _bump_plan_version(attendee)
            reminders_sync_for_items(plan_items=[item])
            return PlanWrite(item=item, created=True, changed=True)
    changed = _apply(item, values, attendee=attendee)
    return PlanWrite(item=item, created=False, changed=changed)


@transaction.atomic
def plan_item_update(
    *, attendee: Attendee, kind: str, target_id: int, changes: Mapping[str, object]
) -> PlanWrite:
    """Change some of status, note, reminder_minutes and (booths) the visit time of a planned
    item (PATCH); the others stay as they are.

    Side effects: updates the PlanItem; bumps ``attendee.plan_version`` and syncs the
    item's Reminder rows when anything changed. Raises NotFound when the target is not in the conference or not planned."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    plan_target_get(conference=attendee.conference, kind=kind, target_id=target_id)
    _check_visit(kind, changes)
    item = (
        PlanItem.objects.select_for_update(of=("self",))
        .filter(attendee=attendee, **{f"{kind}_id": target_id})
        .order_by("pk")
        .first()
    )
    if item is None:
        raise _not_planned(kind)
    changed = _apply(item, changes, attendee=attendee)
    return PlanWrite(item=item, created=False, changed=changed)


@transaction.atomic
def plan_item_remove(*, attendee: Attendee, kind: str, target_id: int) -> None:
    """Unstar an item.

    Side effects: deletes the PlanItem and, by cascade, its Reminder rows; bumps
    ``attendee.plan_version``. Raises NotFound when the target is not in the conference or
    was not planned."""
    plan_target_get(conference=attendee.conference, kind=kind, target_id=target_id)
    deleted, _ = PlanItem.objects.filter(attendee=attendee, **{f"{kind}_id": target_id}).delete()
    if not deleted:
        raise _not_planned(kind)
    _bump_plan_version(attendee)


def _check_visit(kind: str, values: Mapping[str, object]) -> None:
    if kind != "booth" and values.get("visit_start") is not None:
        raise ValidationFailed(
            "Only a booth visit has a time of your choosing; other items keep their own.",
            field="visit_start",
        )


def _not_planned(kind: str) -> NotFound:
    return NotFound(f"This {kind} is not in your plan.")


def _apply(item: PlanItem, values: Mapping[str, object], *, attendee: Attendee) -> bool:
    changed = [name for name in _EDITABLE if name in values and getattr(item, name) != values[name]]
    if not changed:
        return False
    for name in changed:
        setattr(item, name, values[name])
    if {"visit_start", "visit_end"} & set(changed):
        item.visit_revision += 1  # the booth visit's iCal SEQUENCE
        changed.append("visit_revision")
    item.save(update_fields=[*changed, "updated_at"])
    _bump_plan_version(attendee)
    reminders_sync_for_items(plan_items=[item])
    return True
