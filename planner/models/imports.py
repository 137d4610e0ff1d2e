from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from planner.enums import ChangeAction, ImportFormat, ImportStatus
from planner.models.base import choices_check, exactly_one
from planner.models.conference import Conference
from planner.models.program import Booth, Meal, Oral, Paper, Poster, Session

CHANGE_TARGETS = ["session", "oral", "poster", "paper", "booth", "meal"]


class ImportRun(models.Model):
    """One attempt to import a schedule file or URL: what came in, what happened."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="import_runs")
    source = models.CharField(max_length=500, help_text="File name or URL.")
    source_key = models.CharField(
        max_length=200,
        default="import",
        help_text="Identity namespace: re-imports with the same key update the same rows.",
    )
    timezone = models.CharField(
        max_length=64, blank=True, help_text="Zone for local times when the file names none."
    )
    stage = models.CharField(max_length=200, blank=True, help_text="What the import is doing now.")
    format = models.CharField(max_length=20, choices=ImportFormat.choices, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the bytes imported."
    )
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    dry_run = models.BooleanField(default=False)
    allow_empty = models.BooleanField(
        default=False,
        help_text="Accept a file that lists no items, cancelling everything it used to list.",
    )
    force = models.BooleanField(
        default=False,
        help_text="Import even when the file seems to be another conference's program (its "
        "own name or dates disagree, or items fall outside the conference's dates).",
    )
    counts = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    diff = models.JSONField(default=list, blank=True, help_text="The changes (first 1,000).")
    timings = models.JSONField(default=dict, blank=True)
    schedule_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="Version after this import."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its task was last handed to the broker; empty while the broker "
        "could not take it (the sweeper sends it when the broker is back).",
    )
    dispatch_attempts = models.PositiveIntegerField(
        default=0, help_text="How many times its task was sent (or tried to be)."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            choices_check("status", ImportStatus, "importrun_status_valid"),
            models.CheckConstraint(
                condition=Q(format="") | Q(format__in=ImportFormat.values),
                name="importrun_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(checksum="") | Q(checksum__regex=r"^[0-9a-f]{64}$"),
                name="importrun_checksum_sha256",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=models.F("started_at")),
                name="importrun_finished_after_started",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        ImportStatus.SUCCEEDED,
                        ImportStatus.NO_CHANGES,
                        ImportStatus.FAILED,
                    ]
                )
                | Q(finished_at__isnull=False),
                name="importrun_done_has_finish_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.status})"


class ScheduleChange(models.Model):
    """One change to one program item, old → new, in the schedule version it produced."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="schedule_changes"
    )
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    schedule_version = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    oral = models.ForeignKey(
        Oral, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    poster = models.ForeignKey(
        Poster, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    booth = models.ForeignKey(
        Booth, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    meal = models.ForeignKey(
        Meal, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    fields = models.JSONField(default=dict, blank=True, help_text='{"field": [old, new]}')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conference", "schedule_version", "id"]
        constraints = [
            exactly_one(CHANGE_TARGETS, "schedulechange_exactly_one_target"),
            choices_check("action", ChangeAction, "schedulechange_action_valid"),
            models.CheckConstraint(
                condition=Q(schedule_version__gte=1), name="schedulechange_version_from_one"
            ),
        ]
        indexes = [
            models.Index(
                fields=["conference", "schedule_version"], name="schedulechange_version_idx"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.schedule_version} {self.action}"
