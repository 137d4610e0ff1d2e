"""Organizer edits to the program (admin), recorded exactly like an import's changes.

Side effects of each service: the conference's schedule_version goes up by one (row locked),
every edited row's ``changed_in`` becomes that version (so offline bundles pick it up as a
delta), and each edited timetable item gets a ScheduleChange with {field: [old, new]};
on commit, the reminders of the plan items on edited timetable items are synced
(:func:`planner.services.reminders.reminders_sync_for_changes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import F

from planner.enums import ChangeAction
from planner.models import (
    Booth,
    Conference,
    Meal,
    Oral,
    Paper,
    Person,
    Poster,
    Room,
    ScheduleChange,
    Session,
    Track,
)
from planner.services.reminders import reminders_sync_for_changes
from planner.services.schedule_upsert import Change, classify_change, describe_value

TIMETABLE: dict[type[models.Model], str] = {
    Session: "session",
    Oral: "oral",
    Poster: "poster",
    Booth: "booth",
    Meal: "meal",
}
VERSIONED = (Person, Paper, *TIMETABLE)
# Sent whole in every bundle (no changed_in): an edit only needs a new schedule version.
WHOLE = (Conference, Room, Track)


@dataclass
class Edit:
    item: models.Model
    created: bool = False
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def program_edits_record(*, conference: Conference, edits: Iterable[Edit]) -> int | None:
    """Record organizer edits already saved to the rows; returns the new schedule version,
    or None when nothing in the program was edited."""
    edits = [e for e in edits if isinstance(e.item, VERSIONED + WHOLE) and (e.created or e.diff)]
    if not edits:
        return None
    with transaction.atomic():
        Conference.objects.select_for_update().filter(pk=conference.pk).first()
        Conference.objects.filter(pk=conference.pk).update(
            schedule_version=F("schedule_version") + 1
        )
        version = Conference.objects.values_list("schedule_version", flat=True).get(
            pk=conference.pk
        )
        changes = []
        for edit in edits:
            model = type(edit.item)
            if model in WHOLE:
                continue
            model.objects.filter(pk=edit.item.pk).update(changed_in=version)
            kind = TIMETABLE.get(model)
            if kind is None:
                continue
            action = ChangeAction.CREATED if edit.created else classify_change(edit.diff)
            fields = (
                {}
                if edit.created
                else {
                    name.removesuffix("_id"): [describe_value(old), describe_value(new)]
                    for name, (old, new) in edit.diff.items()
                }
            )
            changes.append(
                ScheduleChange(
                    conference=conference,
                    schedule_version=version,
                    action=action,
                    fields=fields,
                    **{kind: edit.item},
                )
            )
        ScheduleChange.objects.bulk_create(changes)
        timing = [
            Change(c.action, kind, "", "", c.fields, pk=getattr(c, f"{kind}_id"))
            for c in changes
            for kind in TIMETABLE.values()
            if getattr(c, f"{kind}_id")
        ]
        if timing:

            def sync_reminders() -> None:
                reminders_sync_for_changes(conference=conference, changes=timing)

            # robust (and named, as Django logs the callback's __qualname__): the edit stands.
            transaction.on_commit(sync_reminders, robust=True)
    conference.schedule_version = version
    return version


def program_items_set_cancelled(
    *, conference: Conference, items: Iterable[models.Model], cancelled: bool
) -> int:
    """Cancel (or restore) timetable items of one conference; returns how many changed."""
    edits = []
    for item in items:
        if item.cancelled == cancelled:
            continue
        type(item).objects.filter(pk=item.pk).update(cancelled=cancelled)
        edits.append(Edit(item=item, diff={"cancelled": (item.cancelled, cancelled)}))
        item.cancelled = cancelled
    program_edits_record(conference=conference, edits=edits)
    return len(edits)
