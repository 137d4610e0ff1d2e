from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from planner.enums import PlanStatus
from planner.models.attendee import Attendee
from planner.models.base import TimestampedModel, choices_check, exactly_one
from planner.models.program import Booth, Meal, Oral, Poster, Session

PLAN_TARGETS = ["session", "oral", "poster", "booth", "meal"]


class PlanItem(TimestampedModel):
    """An attendee's star on exactly one of session, oral, poster, booth or meal."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="plan_items")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="plan_items"
    )
    oral = models.ForeignKey(
        Oral, on_delete=models.CASCADE, null=True, blank=True, related_name="plan_items"
    )
    poster = models.ForeignKey(
        Poster, on_delete=models.CASCADE, null=True, blank=True, related_name="plan_items"
    )
    booth = models.ForeignKey(
        Booth, on_delete=models.CASCADE, null=True, blank=True, related_name="plan_items"
    )
    meal = models.ForeignKey(
        Meal, on_delete=models.CASCADE, null=True, blank=True, related_name="plan_items"
    )
    status = models.CharField(
        max_length=20, choices=PlanStatus.choices, default=PlanStatus.INTERESTED
    )
    note = models.TextField(blank=True)
    reminder_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Overrides the attendee's default; empty means use the default.",
    )
    # A booth has opening hours, not a slot: the attendee picks when to go (shown in the
    # private feed). ``visit_revision`` counts changes of that choice (its iCal SEQUENCE).
    visit_start = models.DateTimeField(null=True, blank=True)
    visit_end = models.DateTimeField(null=True, blank=True)
    visit_revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["attendee", "created_at"]
        constraints = [
            exactly_one(PLAN_TARGETS, "planitem_exactly_one_target"),
            *[
                models.UniqueConstraint(
                    fields=["attendee", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"planitem_unique_{target}",
                )
                for target in PLAN_TARGETS
            ],
            choices_check("status", PlanStatus, "planitem_status_valid"),
            models.CheckConstraint(
                condition=Q(reminder_minutes__isnull=True) | Q(reminder_minutes__lte=1440),
                name="planitem_reminder_within_day",
            ),
            models.CheckConstraint(
                condition=Q(visit_start__isnull=True, visit_end__isnull=True)
                | Q(
                    visit_start__isnull=False,
                    visit_end__isnull=False,
                    visit_end__gt=F("visit_start"),
                ),
                name="planitem_visit_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(visit_start__isnull=True) | Q(booth__isnull=False),
                name="planitem_visit_only_booth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_id}: {self.target_kind} {self.target_id}"

    @property
    def target_kind(self) -> str:
        return next(t for t in PLAN_TARGETS if getattr(self, f"{t}_id") is not None)

    @property
    def target_id(self) -> int:
        return getattr(self, f"{self.target_kind}_id")
