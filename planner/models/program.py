from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible

from planner.enums import BoothTag, Dietary, MealKind, SessionKind
from planner.models.base import ImportedModel, choices_check, ends_after_starts
from planner.models.conference import Conference, Room, Track


@deconstructible
class ChoiceListValidator:
    """Validator for a JSON list whose items must be values of ``choices``."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.choices = choices

    def __call__(self, value: object) -> None:
        if not isinstance(value, list):
            raise ValidationError("Expected a list.")
        unknown = sorted({str(v) for v in value} - set(self.choices.values))
        if unknown:
            raise ValidationError(
                "Unknown value(s) %(unknown)s; choose from %(known)s.",
                params={"unknown": ", ".join(unknown), "known": ", ".join(self.choices.values)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoiceListValidator) and other.choices is self.choices

    def __hash__(self) -> int:
        return hash(self.choices)


def choice_list_validator(choices: type[models.TextChoices]) -> ChoiceListValidator:
    return ChoiceListValidator(choices)


def _string_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Expected a list of strings.")


class Person(ImportedModel):
    """Someone in the program: author, speaker, chair. Not a user account."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=300, blank=True)
    homepage = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            *ImportedModel.Meta.constraints,
            models.CheckConstraint(condition=~Q(name=""), name="person_name_required"),
        ]
        indexes = [
            models.Index(fields=["conference", "changed_in"], name="person_changed_idx"),
            models.Index(fields=["conference", "name"], name="person_conf_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class Paper(ImportedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True, validators=[_string_list])
    authors = models.ManyToManyField(
        Person, through="Authorship", related_name="papers", blank=True
    )
    arxiv_id = models.CharField(max_length=40, blank=True)
    openreview_id = models.CharField(max_length=40, blank=True)
    pdf_url = models.URLField(blank=True, max_length=500)
    project_url = models.URLField(blank=True, max_length=500)
    code_url = models.URLField(blank=True, max_length=500, help_text="Source code, e.g. GitHub.")
    video_url = models.URLField(blank=True, max_length=500)
    site_url = models.URLField(
        blank=True, max_length=500, help_text="The paper's page on the conference's own site."
    )
    status = models.CharField(
        max_length=40, blank=True, help_text='Acceptance as published, e.g. "Oral", "Highlight".'
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            *ImportedModel.Meta.constraints,
            models.CheckConstraint(condition=~Q(title=""), name="paper_title_required"),
        ]
        indexes = [
            models.Index(fields=["conference", "changed_in"], name="paper_changed_idx"),
            models.Index(fields=["conference", "title"], name="paper_conf_title_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Authorship(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(help_text="1 for the first author.")

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "position"], name="authorship_unique_position"
            ),
            models.UniqueConstraint(fields=["paper", "person"], name="authorship_unique_person"),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="authorship_position_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.person.name}"


class Session(ImportedModel):
    """A block in the timetable. Never hard-deleted once published: cancel it instead."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=SessionKind.choices, default=SessionKind.OTHER)
    start = models.DateTimeField()
    end = models.DateTimeField()
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, null=True, blank=True, related_name="sessions"
    )
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    description = models.TextField(blank=True)
    chairs = models.ManyToManyField(Person, blank=True, related_name="chaired_sessions")
    speakers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="sessions_spoken",
        help_text="Presenters of a session that is one talk (keynote, tutorial, a frab event).",
    )
    url = models.URLField(blank=True, max_length=500)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["start", "room__position", "title"]
        constraints = [
            *ImportedModel.Meta.constraints,
            ends_after_starts("session_end_after_start"),
            choices_check("kind", SessionKind, "session_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="session_title_required"),
        ]
        indexes = [
            models.Index(fields=["conference", "changed_in"], name="session_changed_idx"),
            models.Index(fields=["conference", "start"], name="session_conf_start_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Oral(ImportedModel):
    """A talk inside a session, with its own slot."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="orals")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="orals")
    paper = models.ForeignKey(
        Paper, on_delete=models.RESTRICT, null=True, blank=True, related_name="orals"
    )
    title = models.CharField(
        max_length=500, blank=True, help_text="Only when the talk has no paper."
    )
    speakers = models.ManyToManyField(Person, blank=True, related_name="orals")
    start = models.DateTimeField()
    end = models.DateTimeField()
    order = models.PositiveSmallIntegerField(default=1)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            *ImportedModel.Meta.constraints,
            ends_after_starts("oral_end_after_start"),
            models.UniqueConstraint(fields=["session", "order"], name="oral_unique_order"),
            models.CheckConstraint(
                condition=Q(paper__isnull=False) | ~Q(title=""), name="oral_paper_or_title"
            ),
        ]
        indexes = [models.Index(fields=["conference", "changed_in"], name="oral_changed_idx")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """Needs ``paper`` selected to stay one query."""
        return self.title or (self.paper.title if self.paper_id else "")


class Poster(ImportedModel):
    """A paper presented in a poster session at a board; a paper may be a poster more than once."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="posters")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="posters")
    paper = models.ForeignKey(
        Paper, on_delete=models.RESTRICT, null=True, blank=True, related_name="posters"
    )
    title = models.CharField(
        max_length=500, blank=True, help_text="Only when the poster has no paper."
    )
    board = models.CharField(
        max_length=20, help_text='Board label as printed, e.g. "042" or "A-12".'
    )
    map_x = models.FloatField(null=True, blank=True)
    map_y = models.FloatField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "board"]
        constraints = [
            *ImportedModel.Meta.constraints,
            models.UniqueConstraint(fields=["session", "board"], name="poster_unique_board"),
            models.CheckConstraint(condition=~Q(board=""), name="poster_board_required"),
            models.CheckConstraint(
                condition=Q(paper__isnull=False) | ~Q(title=""), name="poster_paper_or_title"
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "changed_in"], name="poster_changed_idx"),
            models.Index(fields=["conference", "board"], name="poster_conf_board_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.board} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.title or (self.paper.title if self.paper_id else "")


class Booth(ImportedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="booths")
    exhibitor = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    number = models.CharField(
        max_length=20, blank=True, help_text='Booth number as signposted, e.g. "B14".'
    )
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, null=True, blank=True, related_name="booths"
    )
    tier = models.CharField(max_length=40, blank=True, help_text="Sponsor tier, e.g. Platinum.")
    tags = models.JSONField(default=list, blank=True, validators=[choice_list_validator(BoothTag)])
    website = models.URLField(blank=True)
    map_x = models.FloatField(null=True, blank=True)
    map_y = models.FloatField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["number", "exhibitor"]
        constraints = [
            *ImportedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["conference", "number"], condition=~Q(number=""), name="booth_unique_number"
            ),
            models.CheckConstraint(condition=~Q(exhibitor=""), name="booth_exhibitor_required"),
        ]
        indexes = [models.Index(fields=["conference", "changed_in"], name="booth_changed_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.exhibitor}".strip()


class BoothHours(models.Model):
    """One opening window of a booth."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="hours")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["booth", "start"]
        verbose_name_plural = "booth hours"
        constraints = [
            ends_after_starts("boothhours_end_after_start"),
            models.UniqueConstraint(fields=["booth", "start"], name="boothhours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class Meal(ImportedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="meals")
    kind = models.CharField(max_length=20, choices=MealKind.choices)
    title = models.CharField(max_length=200)
    start = models.DateTimeField()
    end = models.DateTimeField()
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, null=True, blank=True, related_name="meals"
    )
    dietary_options = models.JSONField(
        default=list, blank=True, validators=[choice_list_validator(Dietary)]
    )
    notes = models.TextField(blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["start"]
        constraints = [
            *ImportedModel.Meta.constraints,
            ends_after_starts("meal_end_after_start"),
            choices_check("kind", MealKind, "meal_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="meal_title_required"),
        ]
        indexes = [models.Index(fields=["conference", "changed_in"], name="meal_changed_idx")]

    def __str__(self) -> str:
        return self.title


class MenuItem(models.Model):
    meal = models.ForeignKey(Meal, on_delete=models.CASCADE, related_name="menu_items")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    dietary = models.JSONField(
        default=list, blank=True, validators=[choice_list_validator(Dietary)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meal", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["meal", "name"], name="menuitem_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="menuitem_name_required"),
        ]

    def __str__(self) -> str:
        return self.name
