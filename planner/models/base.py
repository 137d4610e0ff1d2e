from __future__ import annotations

from django.db import models
from django.db.models import Q


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class ImportedModel(TimestampedModel):
    """A program item that an import can create and later find again.

    ``source`` names where the row came from ('' for rows typed into the admin; an import
    source key otherwise). ``external_id`` is the stable identity within that source: the
    guid when the file has one, else its id. Real exports reuse numeric ids for different
    events, so the importer keys on guid; ``external_ref`` keeps the id the file shows.
    """

    source = models.CharField(max_length=200, blank=True, default="")
    external_id = models.CharField(max_length=200, blank=True, default="")
    external_ref = models.CharField(
        max_length=200, blank=True, default="", help_text="The id the source file shows."
    )
    # The conference schedule_version in which this row last changed: the offline bundle's
    # `?since=V` delta is every row with changed_in > V (cancelled ones are its tombstones).
    changed_in = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "source", "external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(external_id="") | ~Q(source=""),
                name="%(app_label)s_%(class)s_external_id_needs_source",
            ),
        ]


def choices_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    """A database check that ``field`` holds one of ``choices``: Django only checks in forms."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def ends_after_starts(name: str, start: str = "start", end: str = "end") -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{end}__gt": models.F(start)}), name=name)


def exactly_one(fields: list[str], name: str) -> models.CheckConstraint:
    """Exactly one of ``fields`` is non-null: real foreign keys instead of a generic relation."""
    cases = Q()
    for chosen in fields:
        case = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                case &= Q(**{f"{other}__isnull": True})
        cases |= case
    return models.CheckConstraint(condition=cases, name=name)


def at_most_one(fields: list[str], name: str) -> models.CheckConstraint:
    none = Q()
    for field in fields:
        none &= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=none | exactly_one(fields, name).condition, name=name)
