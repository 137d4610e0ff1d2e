from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from planner import health, safe_fetch
from planner.admin.base import (
    ConferenceScopedAdmin,
    SameConferenceForm,
    colour_swatch,
    conference_ids_for,
    format_span,
)
from planner.enums import ReminderState
from planner.models import Attendee, Conference, PlanItem, Room, ScheduleChange, Session, Track
from planner.selectors.deliveries import COLUMNS, delivery_counts
from planner.services.outbound import outbound_retime
from planner.services.program import Edit, program_edits_record
from planner.services.reminders import reminders_sync_for_items


def _count(model, **filters) -> Coalesce:
    sub = (
        model.objects.filter(conference=OuterRef("pk"), **filters)
        .order_by()
        .values("conference")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub), 0)


class ConferenceForm(forms.ModelForm):
    def clean_source_url(self) -> str:
        # The refresh fetches it on a timer: refuse what it would refuse, now, with the reason.
        url = self.cleaned_data.get("source_url") or ""
        safe_fetch.validate_public_url(url)
        return url


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    form = ConferenceForm
    list_display = [
        "name",
        "slug",
        "start_date",
        "end_date",
        "timezone",
        "venue",
        "session_count",
        "schedule_version",
    ]
    search_fields = ["name", "slug", "venue", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organizers"]
    formfield_overrides = ConferenceScopedAdmin.formfield_overrides
    readonly_fields = [
        "schedule_version",
        "source_etag",
        "source_last_modified",
        "source_checked_at",
        "deliveries",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "timezone", ("start_date", "end_date")]}),
        ("Venue", {"fields": ["venue", "city", "country", "website"]}),
        ("Organizers", {"fields": ["organizers"]}),
        (
            "Schedule source",
            {
                "classes": ["collapse"],
                "fields": [
                    "source_url",
                    "source_format",
                    "source_refresh_minutes",
                    "schedule_version",
                    "source_etag",
                    "source_last_modified",
                    "source_checked_at",
                ],
            },
        ),
        (
            "Reminders and notifications",
            {
                "fields": ["deliveries"],
                "description": "Reminders on every channel; schedule-change alerts and "
                "evening digests by push and e-mail (their in-app copies are written at once). "
                "Read-only: the rows belong to the attendees.",
            },
        ),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(n_sessions=_count(Session))
        ids = conference_ids_for(request)
        return queryset if ids is None else queryset.filter(id__in=ids)

    @admin.display(description="sessions", ordering="n_sessions")
    def session_count(self, obj: Conference) -> int:
        return obj.n_sessions

    @admin.display(description="deliveries")
    def deliveries(self, obj: Conference) -> str:
        """Counts per state and the time of the last sweep (in the conference's zone)."""
        if obj.pk is None:
            return "—"
        counts = delivery_counts(conference=obj)
        head = format_html_join("", "<th scope='col'>{}</th>", ((label,) for _, label in COLUMNS))
        body = format_html_join(
            "",
            "<tr><th scope='row'>{}</th>{}</tr>",
            (
                (
                    label,
                    format_html_join(
                        "", "<td>{}</td>", ((counts.get(label, key),) for key, _ in COLUMNS)
                    ),
                )
                for label in counts.rows
            ),
        )
        seen = health.last_reminder_dispatch()
        if seen:
            last = format_span(dt.datetime.fromisoformat(seen), None, obj.tz)
        else:
            last = "never (or the cache forgot): is beat running?"
        return format_html(
            "<table class='delivery-counts'><thead><tr><td></td>{}</tr></thead>"
            "<tbody>{}</tbody></table><p>Last dispatch: {}</p>",
            head,
            body,
            last,
        )

    def has_add_permission(self, request):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        # Appointing organizers hands out access to a conference's attendees: a superuser's
        # call. It also keeps the list of every account off organizers' screens.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "organizers"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        program_fields = set(form.changed_data) - {
            "organizers",
            "source_url",
            "source_format",
            "source_refresh_minutes",
        }
        if change and "timezone" in form.changed_data:
            # Quiet hours are local wall-clock times: the reminders of attendees who set them
            # are re-derived in the new zone (planner.services.reminders).
            reminders_sync_for_items(
                plan_items=PlanItem.objects.filter(
                    attendee__conference=obj, attendee__quiet_hours_start__isnull=False
                )
            )
            # And alerts and digests waiting for the end of their quiet hours (few attendees).
            now = timezone.now()
            waiting = Attendee.objects.filter(
                conference=obj,
                quiet_hours_start__isnull=False,
                outbound__state=ReminderState.PENDING,
                outbound__fire_at__gt=now,
            ).distinct()
            for attendee in waiting.select_related("conference"):
                outbound_retime(attendee=attendee, now=now)
        if change and program_fields:
            # Name, zone, dates or venue: part of every offline bundle and feed.
            program_edits_record(
                conference=obj,
                edits=[Edit(item=obj, diff=dict.fromkeys(program_fields, (None, "changed")))],
            )


@admin.register(Room)
class RoomAdmin(ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["name", "kind", "building", "floor", "capacity", "position", "conference"]
    list_filter = ["conference", "kind"]
    list_select_related = ["conference"]
    list_editable = ["position"]
    search_fields = ["name", "building"]
    ordering = ["conference", "position", "name"]


@admin.register(Track)
class TrackAdmin(ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["name", "swatch", "conference"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="colour", ordering="colour")
    def swatch(self, obj: Track) -> str:
        return colour_swatch(obj.colour)


class ReadOnlyAdmin(ConferenceScopedAdmin):
    """History written by imports; organizers read it, nobody edits it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(ReadOnlyAdmin):
    list_display = ["schedule_version", "action", "item", "fields", "created_at", "conference"]
    list_filter = ["conference", "action"]
    list_select_related = [
        "conference",
        "session",
        "oral__paper",
        "poster__paper",
        "paper",
        "booth",
        "meal",
    ]

    @admin.display(description="item")
    def item(self, obj: ScheduleChange) -> str:
        for name in ("session", "oral", "poster", "paper", "booth", "meal"):
            target = getattr(obj, name)
            if target is not None:
                return f"{name}: {target}"
        return "—"
