"""What every Boardwalk admin shares: conference scoping, conference-zone times, same-conference checks.

Times: the database holds UTC. A change form opens in its conference's zone (taken from the
object, or from the ``conference`` chosen in the add form), so organizers type and read local
wall-clock times, and a changelist filtered to one conference shows its zone. List columns
format times explicitly in each row's conference zone, so they are right even unfiltered.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from planner.models import Conference
from planner.services.program import Edit, program_edits_record, program_items_set_cancelled


def conference_ids_for(request: HttpRequest) -> list[int] | None:
    """Conferences this user may organize; None means all (superuser)."""
    if request.user.is_superuser:
        return None
    cached = getattr(request, "_boardwalk_conference_ids", None)
    if cached is None:
        cached = list(
            Conference.objects.filter(organizers=request.user).values_list("id", flat=True)
        )
        request._boardwalk_conference_ids = cached
    return cached


def scoped_choices(model: type[models.Model], ids: list[int]) -> models.QuerySet | None:
    """What an organizer of conferences ``ids`` may pick for a link to ``model``: rows of
    those conferences; no account at all (accounts are not theirs to hand out); None when
    ``model`` belongs to no conference."""
    from django.contrib.auth import get_user_model

    from planner.models import Attendee, PlanItem

    if model is Conference:
        return Conference.objects.filter(id__in=ids)
    if issubclass(model, get_user_model()):
        return model._default_manager.none()
    if model is Attendee:
        return Attendee.objects.filter(conference_id__in=ids)
    if model is PlanItem:
        return PlanItem.objects.filter(attendee__conference_id__in=ids)
    if any(f.name == "conference" and f.related_model is Conference for f in model._meta.fields):
        return model._default_manager.filter(conference_id__in=ids)  # rooms, papers, people…
    return None


def format_span(start: dt.datetime | None, end: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    """'Sun 25 Oct 09:00–10:30 IST' in the conference zone; the end day is shown when it differs."""
    if start is None:
        return "—"
    local_start = start.astimezone(tz)
    text = local_start.strftime("%a %d %b %H:%M")
    if end is not None:
        local_end = end.astimezone(tz)
        text += (
            local_end.strftime("–%H:%M")
            if local_end.date() == local_start.date()
            else local_end.strftime("–%a %H:%M")
        )
    return f"{text} {local_start.tzname()}"


class ConferenceScopedAdmin(admin.ModelAdmin):
    """An admin for rows that belong to a conference through ``conference_path``.

    Organizers see and choose only the conferences they organize; superusers see all.

    A saved row never changes hands: its ``conference`` and its ``owner_fields`` (the account
    or attendee it belongs to) are read-only once it exists, for everyone. Re-pointing an
    attendee row at another account or conference would hand that attendee's plan and
    logbook to whoever owns the target (issue 9, defect 1). When a row is added, the choices
    for those fields are only rows of the organizer's own conferences, and never accounts.
    """

    conference_path = "conference"
    owner_fields: tuple[str, ...] = ()
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_per_page = 100
    show_full_result_count = False  # one COUNT(*) less on every changelist page

    # --- scoping ---------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        ids = conference_ids_for(request)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.conference_path}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = conference_ids_for(request)
        if ids is not None:
            scoped = scoped_choices(db_field.related_model, ids)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        ids = conference_ids_for(request)
        if ids is not None:
            scoped = scoped_choices(db_field.related_model, ids)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fixed = [*self.owner_fields]
            if any(f.name == "conference" for f in self.model._meta.concrete_fields):
                fixed.append("conference")
            readonly += [name for name in fixed if name not in readonly]
        return readonly

    # --- the conference's zone -----------------------------------------------------------------
    def conference_for_form(self, request: HttpRequest, object_id: str | None) -> Conference | None:
        if object_id:
            obj = self.get_object(request, object_id)
            if obj is not None:
                return self.conference_of(obj)
        chosen = request.POST.get("conference") or request.GET.get("conference")
        ids = conference_ids_for(request)
        visible = Conference.objects.all() if ids is None else Conference.objects.filter(id__in=ids)
        if chosen and str(chosen).isdigit():
            return visible.filter(pk=chosen).first()
        only = list(visible[:2])
        return only[0] if len(only) == 1 else None

    def conference_of(self, obj: models.Model) -> Conference | None:
        for part in self.conference_path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj if isinstance(obj, Conference) else None

    @contextmanager
    def _in_zone(self, request: HttpRequest, conference: Conference | None) -> Iterator[None]:
        request._boardwalk_conference = conference
        if conference is None:
            yield
            return
        with timezone.override(conference.tz):
            yield

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        conference = self.conference_for_form(request, object_id)
        extra_context = {**(extra_context or {}), "boardwalk_conference": conference}
        with self._in_zone(request, conference):
            return _rendered(super().changeform_view(request, object_id, form_url, extra_context))

    def changelist_view(self, request, extra_context=None):
        chosen = request.GET.get(f"{self.conference_path}__id__exact")
        conference = None
        if chosen and chosen.isdigit():
            conference = Conference.objects.filter(pk=chosen).first()
        with self._in_zone(request, conference):
            return _rendered(super().changelist_view(request, extra_context))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and field is not None:
            field.help_text = zone_help(request)
        return field

    # --- every saved edit is a schedule change -------------------------------------------------
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _remember(request, _edit_from_form(form, obj, created=not change))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            instance = inline_form.instance
            if (
                instance.pk
                and inline_form.has_changed()
                and not inline_form.cleaned_data.get("DELETE")
            ):
                _remember(
                    request,
                    _edit_from_form(inline_form, instance, created=instance in formset.new_objects),
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edits = getattr(request, "_boardwalk_edits", [])
        conference = self.conference_of(form.instance)
        if edits and conference is not None:
            version = program_edits_record(conference=conference, edits=edits)
            if version:
                self.message_user(
                    request, f"Schedule version {version}: attendees' offline copies will update."
                )
        request._boardwalk_edits = []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.boardwalk_conference_path = self.conference_path
        return form


class PersonalRowAdmin(ConferenceScopedAdmin):
    """Rows that are an attendee's own (their attendance, plan, reminders, notifications).

    They are made by the attendee (signing up, joining, starring) and by services, never by
    an organizer; a superuser may add one for support. Who they belong to never changes.
    Nor does an organizer delete them: deleting an attendee deletes their plan and logbook."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def _edit_from_form(form, obj, *, created: bool) -> Edit:
    diff = {}
    if not created:
        for name in form.changed_data:
            field = (
                obj._meta.get_field(name)
                if name in {f.name for f in obj._meta.get_fields()}
                else None
            )
            if field is None or field.many_to_many:
                diff[name] = (None, "changed")
                continue
            key = field.attname if field.is_relation else name
            old = form.initial.get(name)
            diff[key] = (old, getattr(obj, key))
    return Edit(item=obj, created=created, diff=diff)


def _remember(request: HttpRequest, edit: Edit) -> None:
    if not hasattr(request, "_boardwalk_edits"):
        request._boardwalk_edits = []
    request._boardwalk_edits.append(edit)


class TimetableActionsMixin:
    """Timetable items are cancelled, never deleted: attendees' plans and logs point at them."""

    actions = ["cancel_selected", "restore_selected"]

    def has_delete_permission(self, request, obj=None):
        return False

    def _set_cancelled(self, request, queryset, cancelled: bool) -> None:
        total = 0
        for conference_id in queryset.values_list("conference_id", flat=True).distinct():
            conference = Conference.objects.get(pk=conference_id)
            total += program_items_set_cancelled(
                conference=conference,
                items=list(queryset.filter(conference_id=conference_id)),
                cancelled=cancelled,
            )
        verb = "Cancelled" if cancelled else "Restored"
        self.message_user(
            request, f"{verb} {total} item(s); attendees see the change in their plans and feeds."
        )

    @admin.action(description="Cancel selected items (attendees keep them, marked cancelled)")
    def cancel_selected(self, request, queryset):
        self._set_cancelled(request, queryset, True)

    @admin.action(description="Restore selected cancelled items")
    def restore_selected(self, request, queryset):
        self._set_cancelled(request, queryset, False)


def _rendered(response):
    """Render a lazy TemplateResponse now, while the conference zone is active."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def zone_help(request: HttpRequest) -> str:
    conference = getattr(request, "_boardwalk_conference", None)
    if conference is not None:
        return f"Local time in {conference.timezone} ({conference.name})."
    return "Entered in the chosen conference's time zone."


class SameConferenceForm(forms.ModelForm):
    """Refuses links to rows of another conference (a paper, room or session picked by id)."""

    boardwalk_conference_path = "conference"

    def clean(self):
        cleaned = super().clean()
        conference = cleaned.get("conference") or getattr(self.instance, "conference", None)
        if conference is None and hasattr(self, "parent_conference"):
            conference = self.parent_conference
        if not isinstance(conference, Conference):
            return cleaned
        for name, value in list(cleaned.items()):
            if name == "conference" or not isinstance(value, models.Model):
                continue
            other = getattr(value, "conference_id", None)
            if other is not None and other != conference.pk:
                self.add_error(name, f"{value} belongs to another conference.")
        return cleaned


class SameConferenceInlineFormSet(BaseInlineFormSet):
    """Inline rows (orals, posters) take their conference from the parent row."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        parent_conference = (
            getattr(self.instance, "conference", None) if self.instance.conference_id else None
        )
        form.parent_conference = parent_conference
        if parent_conference is not None and hasattr(form.instance, "conference_id"):
            form.instance.conference = parent_conference
        return form

    def save_new(self, form, commit=True):
        if hasattr(form.instance, "conference_id"):
            form.instance.conference = self.instance.conference
        return super().save_new(form, commit)


class DayFilter(admin.SimpleListFilter):
    """Filter by local day of the conference chosen in the conference filter."""

    title = "day"
    parameter_name = "day"
    time_field = "start"
    conference_param = "conference__id__exact"

    def _conference(self, request: HttpRequest) -> Conference | None:
        chosen = request.GET.get(self.conference_param)
        ids = conference_ids_for(request)
        visible = Conference.objects.all() if ids is None else Conference.objects.filter(id__in=ids)
        if chosen and chosen.isdigit():
            return visible.filter(pk=chosen).first()
        only = list(visible[:2])
        return only[0] if len(only) == 1 else None

    def lookups(self, request, model_admin):
        conference = self._conference(request)
        self._chosen = conference
        if conference is None:
            return []
        return [(day.isoformat(), day.strftime("%a %d %b")) for day in conference.days]

    def queryset(self, request, queryset):
        value = self.value()
        conference = getattr(self, "_chosen", None)
        if not value or conference is None:
            return queryset
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return queryset.none()
        start, end = conference.day_bounds(day)
        return queryset.filter(**{f"{self.time_field}__gte": start, f"{self.time_field}__lt": end})


def colour_swatch(colour: str) -> str:
    """A square of ``colour`` beside its value. An SVG presentation attribute, not a `style`
    attribute: the Content-Security-Policy has no 'unsafe-inline' for styles."""
    return format_html(
        '<svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        '<rect width="12" height="12" rx="2" fill="{}"/></svg> {}',
        colour,
        colour,
    )
